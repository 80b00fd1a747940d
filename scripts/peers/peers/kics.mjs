// Checkmarx/kics: assets/queries/k8s/<query>/test/positive*.yaml and negative*.yaml, with
// positive_expected_result.json listing what fires (by resource name, or only by line in older files).
import { objectsOf, refOf } from "../judge.mjs";

const ROLES = ["Role", "ClusterRole"];
/** Peer query -> the saprobe rules that say the same thing, and the kinds the query judges. */
export const RULES = {
  rbac_roles_with_read_secrets_permissions: { saprobe: ["secrets-read"], kinds: ROLES },
  // This one asks whether a role is bound to a ServiceAccount, so unbound roles are not bound for it.
  service_account_allows_access_secrets: { saprobe: ["secrets-read", "secrets-write"], kinds: ROLES, followsBindings: true },
  permissive_access_to_create_pods: { saprobe: ["workload-create"], kinds: ROLES },
  rbac_roles_allow_privilege_escalation: { saprobe: ["rbac-bind-escalate"], kinds: ROLES },
  rbac_roles_with_impersonate_permission: { saprobe: ["impersonate"], kinds: ROLES },
  rbac_roles_with_attach_permission: { saprobe: ["pods-exec"], kinds: ROLES },
  rbac_roles_with_exec_permission: { saprobe: ["pods-exec"], kinds: ROLES },
  rbac_wildcard_in_rule: { saprobe: ["wildcard-in-rules"], kinds: ROLES },
  cluster_admin_role_binding_with_super_user_permissions: { saprobe: ["cluster-admin-binding"], kinds: ["ClusterRoleBinding"] },
  role_binding_to_default_service_account: { saprobe: ["default-serviceaccount-bound"], kinds: ["RoleBinding", "ClusterRoleBinding"] },
};

/** Where this peer's files live under the mirror root, and how to bring them there. */
export const SOURCE = {
  mirror: ["Checkmarx+kics/repo", "Checkmarx+kics-files"],
  fetch:
    "github:Checkmarx/kics (over the snapshot size limit: copy assets/queries/k8s/<query>/test/* of the queries in scripts/peers/peers/kics.mjs with the read_file tool into Checkmarx+kics-files/)",
};

/** The line range of each document of a multi-document YAML text (1-based, inclusive). */
function documentLines(text) {
  const lines = text.split("\n");
  const ranges = [];
  let start = 1;
  lines.forEach((line, index) => {
    if (/^---/.test(line)) {
      ranges.push([start, index]);
      start = index + 2;
    }
  });
  ranges.push([start, lines.length]);
  return ranges.filter(([from, to]) => lines.slice(from - 1, to).some((line) => /^kind:/.test(line)));
}

/** The peer's cases: every object of the judged kinds in every test file, flagged when expected to fire. */
export function cases(source) {
  const out = [];
  for (const [query, { saprobe, kinds, followsBindings }] of Object.entries(RULES)) {
    const dir = `assets/queries/k8s/${query}/test/`;
    const files = source.list(dir);
    if (!files.length) continue;
    const expectedFile = files.find((f) => f.endsWith("positive_expected_result.json"));
    const results = expectedFile ? JSON.parse(source.read(expectedFile)) : [];
    for (const name of files.filter((f) => /\/(positive|negative)\d*\.ya?ml$/.test(f))) {
      const base = name.split("/").pop();
      const text = source.read(name);
      const objects = objectsOf(text);
      const ranges = documentLines(text);
      const mine = results.filter((r) => (r.filename ?? r.fileName ?? "positive.yaml") === base);
      const expectations = objects.flatMap((object, index) => {
        if (!kinds.includes(object.kind)) return [];
        const [from, to] = ranges[index] ?? [0, -1];
        const fires = mine.some((r) =>
          r.resourceName ? r.resourceName === object.metadata?.name && (!r.resourceType || r.resourceType === object.kind) : r.line >= from && r.line <= to,
        );
        return [{ target: refOf(object), flagged: fires }];
      });
      out.push({
        id: `${query}:${base}`,
        peerRule: query,
        saprobeRules: saprobe,
        files: [{ name, text }],
        expectations,
        judgesDefinitions: kinds === ROLES && !followsBindings,
      });
    }
  }
  return out;
}
