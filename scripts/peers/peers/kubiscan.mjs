// cyberark/KubiScan: risky_roles.yaml is its rule set, each entry a Role whose rules are the risky
// template and whose metadata.priority is the rating; unit_test/kubiscan-sa and -sa2 are the ServiceAccounts
// its live test expects risky and not risky.
import { parse } from "yaml";
import { objectsOf } from "../judge.mjs";

/** Where this peer's snapshot lives under the mirror root, and how to bring it there. */
export const SOURCE = { mirror: "cyberark+KubiScan/repo", fetch: "github:cyberark/KubiScan" };

/** The peer's cases: each template as a Role (flagged, any saprobe rule), and the two test accounts. */
export function cases(source) {
  const out = [];
  // The file repeats a key in one entry; PyYAML, which KubiScan uses, keeps the last, and so does this.
  const items = parse(source.read("risky_roles.yaml"), { uniqueKeys: false }).items ?? [];
  items.forEach((item, index) => {
    const { priority, ...metadata } = item.metadata;
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { ...metadata, name: `${metadata.name}-${index}` }, rules: item.rules };
    out.push({
      id: `risky_roles.yaml:${metadata.name}-${index}`,
      peerRule: `${metadata.name} (${priority})`,
      saprobeRules: ["*"],
      files: [{ name: "risky-role.yaml", text: JSON.stringify(role) }],
      expectations: [{ target: { kind: "Role", name: role.metadata.name, namespace: metadata.namespace ?? "default" }, flagged: true }],
      judgesDefinitions: true,
    });
  });
  for (const [account, risky] of [
    ["kubiscan-sa", true],
    ["kubiscan-sa2", false],
  ]) {
    const name = `unit_test/${account}`;
    const text = source.read(name);
    const sa = objectsOf(text).find((o) => o.kind === "ServiceAccount");
    out.push({
      id: name,
      peerRule: risky ? "risky subject" : "not a risky subject",
      saprobeRules: ["*"],
      // The Secret in these files is a legacy token Secret; its data is never read.
      files: [{ name: `${account}.yaml`, text }],
      expectations: [
        { target: { kind: "ServiceAccount", name: sa?.metadata?.name ?? account, namespace: sa?.metadata?.namespace ?? "default" }, flagged: risky },
      ],
    });
  }
  return out;
}
