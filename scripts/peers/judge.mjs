// Turns one saprobe report into a verdict on one peer expectation: flagged or not, by which rules.
// A finding counts for a target when it names it (the subject, the role or the binding, grants included)
// and its status is "finding" (an expected default or a suppressed finding is not a flag).
import { parseAllDocuments } from "yaml";

/** Rules that say "can do everything": saprobe does not repeat permission rules for such a holder. */
export const SUBSUMING = ["cluster-admin-binding", "cluster-admin-path"];
/** Rules about an object's shape, not a permission: cluster-admin power does not stand in for them. */
const NOT_PERMISSIONS = new Set(["wildcard-in-rules", "binding-missing-role", "default-serviceaccount-bound", "broad-subject-binding"]);

const SUBJECT_KINDS = new Set(["User", "Group", "ServiceAccount"]);
const ROLE_KINDS = new Set(["Role", "ClusterRole"]);
const BINDING_KINDS = new Set(["RoleBinding", "ClusterRoleBinding"]);

function same(ref, target) {
  if (!ref || ref.kind !== target.kind || ref.name !== target.name) return false;
  const namespaced = target.kind === "Role" || target.kind === "RoleBinding" || target.kind === "ServiceAccount";
  return !namespaced || (ref.namespace ?? "default") === (target.namespace ?? "default");
}

/** True when the finding is about the target object. */
export function concerns(finding, target) {
  if (target.kind === "*") return true;
  if (SUBJECT_KINDS.has(target.kind)) return same(finding.subject, target);
  const grants = [finding, ...(finding.grants ?? [])];
  if (ROLE_KINDS.has(target.kind)) return grants.some((grant) => same(grant.role, target));
  if (BINDING_KINDS.has(target.kind)) return grants.some((grant) => same(grant.binding, target));
  return false;
}

/** saprobe's verdict on one expectation: { flagged, matched: ["rule/severity"], other: [...] }. */
export function verdict(findings, expectation, saprobeRules) {
  // "*" stands for any rule: the peer flags the subject for what its role grants, whatever that is.
  const subsume = !saprobeRules.some((rule) => NOT_PERMISSIONS.has(rule));
  const accepted = new Set([...saprobeRules, ...(subsume ? SUBSUMING : [])]);
  const related = findings.filter((finding) => finding.status === "finding" && concerns(finding, expectation.target));
  const label = (finding) => `${finding.rule}/${finding.severity}`;
  const matched = related.filter((finding) => accepted.has(finding.rule) || accepted.has("*"));
  return {
    flagged: matched.length > 0,
    matched: [...new Set(matched.map(label))],
    other: [...new Set(related.filter((finding) => !matched.includes(finding)).map(label))],
  };
}

/** The RBAC objects of a YAML text, each with kind, name and namespace (unparsable documents skipped). */
export function objectsOf(text) {
  const objects = [];
  for (const document of parseAllDocuments(text)) {
    const value = document.errors.length ? undefined : document.toJS();
    if (value && typeof value === "object" && typeof value.kind === "string") objects.push(value);
  }
  return objects;
}

/** A key for an object as saprobe names it: kind, namespace (namespaced kinds only) and name. */
export function refOf(object) {
  const namespaced = !String(object.kind).startsWith("Cluster");
  return { kind: object.kind, name: object.metadata?.name, ...(namespaced ? { namespace: object.metadata?.namespace ?? "default" } : {}) };
}

/**
 * Peers that judge a Role or ClusterRole definition flag it whether or not anything binds it; an unbound
 * role grants nothing, so saprobe reports no subject for it. To compare like with like, each role target
 * no binding in the case refers to is bound to User peer-probe (a RoleBinding in the role's namespace, or
 * a ClusterRoleBinding), and the row says so.
 */
export function bindUnbound(files, targets) {
  const objects = files.flatMap((file) => objectsOf(file.text));
  const bound = new Set(
    objects
      .filter((o) => BINDING_KINDS.has(o.kind) && o.roleRef)
      .map((o) => `${o.roleRef.kind}/${o.kind === "RoleBinding" ? (o.metadata?.namespace ?? "default") : ""}/${o.roleRef.name}`),
  );
  const extra = [];
  for (const target of targets) {
    if (!ROLE_KINDS.has(target.kind)) continue;
    const key = `${target.kind}/${target.kind === "Role" ? (target.namespace ?? "default") : ""}/${target.name}`;
    if (bound.has(key)) continue;
    bound.add(key);
    target.boundByCompare = true;
    const kind = target.kind === "Role" ? "RoleBinding" : "ClusterRoleBinding";
    const namespace = target.kind === "Role" ? `\n  namespace: ${JSON.stringify(target.namespace ?? "default")}` : "";
    extra.push(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${JSON.stringify(`peer-probe-${extra.length}`)}${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${target.kind}\n  name: ${JSON.stringify(target.name)}\nsubjects:\n  - apiGroup: rbac.authorization.k8s.io\n    kind: User\n    name: peer-probe\n`,
    );
  }
  return extra.length ? [...files, { name: "peer-probe-bindings.yaml", text: extra.join("---\n") }] : files;
}
