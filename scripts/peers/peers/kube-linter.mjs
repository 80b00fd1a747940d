// stackrox/kube-linter: tests/checks/<check>.yml, run by e2etests/bats-tests.sh, which asserts how many
// reports the check gives and the kind of the first. Objects that must not fire are named "dont-fire" in
// those files; every other object of the reported kind is the one that fires.
import { objectsOf, refOf } from "../judge.mjs";

/** Peer check -> the saprobe rules that say the same thing. */
export const RULES = {
  "access-to-secrets": ["secrets-read", "secrets-write"],
  "access-to-create-pods": ["workload-create"],
  "cluster-admin-role-binding": ["cluster-admin-binding"],
  "wildcard-in-rules": ["wildcard-in-rules"],
};

/** Where this peer's snapshot lives under the mirror root, and how to bring it there. */
export const SOURCE = { mirror: "stackrox+kube-linter/repo", fetch: "github:stackrox/kube-linter" };

/** The peer's cases: each object of the reported kind, flagged unless named dont-fire. */
export function cases(source) {
  const bats = source.read("e2etests/bats-tests.sh");
  const out = [];
  for (const [check, saprobeRules] of Object.entries(RULES)) {
    const block = bats.split(/^@test /m).find((test) => test.startsWith(`"${check}"`)) ?? "";
    const count = Number(/count}" == "(\d+)"/.exec(block)?.[1] ?? NaN);
    const kind = /message1}" == "(\w+):/.exec(block)?.[1];
    const name = `tests/checks/${check}.yml`;
    const text = source.read(name);
    // The last object of a kind, namespace and name wins, as kubectl apply leaves it.
    const byKey = new Map(objectsOf(text).map((o) => [JSON.stringify(refOf(o)), o]));
    const expectations = [...byKey.values()]
      .filter((o) => o.kind === kind || (kind === "Role" && o.kind === "ClusterRole") || (kind === "RoleBinding" && o.kind === "ClusterRoleBinding"))
      .map((o) => ({ target: refOf(o), flagged: o.metadata?.name !== "dont-fire" }));
    const flagged = expectations.filter((e) => e.flagged).length;
    out.push({
      id: `${check}:${name.split("/").pop()}`,
      peerRule: check,
      saprobeRules,
      files: [{ name, text }],
      expectations,
      note: flagged === count ? undefined : `the bats test expects ${count} reports, the dont-fire convention gives ${flagged}`,
      judgesDefinitions: kind === "Role" || kind === "ClusterRole",
    });
  }
  return out;
}
