// FairwindsOps/polaris: test/checks/<check>/success.*.yaml and failure.*.yaml; the check's target kind
// (pkg/config/checks/<check>.yaml) is the object judged, and the file name is the verdict.
import { objectsOf, refOf } from "../judge.mjs";

/** Peer check -> the saprobe rules that say the same thing. */
export const RULES = {
  clusterrolePodExecAttach: ["pods-exec"],
  rolePodExecAttach: ["pods-exec"],
  clusterrolebindingPodExecAttach: ["pods-exec"],
  rolebindingClusterRolePodExecAttach: ["pods-exec"],
  rolebindingRolePodExecAttach: ["pods-exec"],
  clusterrolebindingClusterAdmin: ["cluster-admin-binding"],
  rolebindingClusterAdminClusterRole: ["cluster-admin-binding"],
  rolebindingClusterAdminRole: ["cluster-admin-binding"],
};

/** Where this peer's snapshot lives under the mirror root, and how to bring it there. */
export const SOURCE = { mirror: "FairwindsOps+polaris/repo", fetch: "github:FairwindsOps/polaris" };

/** The peer's cases: every object of the check's target kind in a test file, with the file's verdict. */
export function cases(source) {
  const out = [];
  for (const [check, saprobeRules] of Object.entries(RULES)) {
    const target = /target:\s*\S+\/(\w+)/.exec(source.read(`pkg/config/checks/${check}.yaml`))?.[1];
    for (const name of source.list(`test/checks/${check}/`)) {
      const verdict = /\/(success|failure)[^/]*\.ya?ml$/.exec(name)?.[1];
      if (!verdict || !target) continue;
      const text = source.read(name);
      const targets = objectsOf(text)
        .filter((o) => o.kind === target)
        .map(refOf);
      out.push({
        id: `${check}:${name.split("/").pop()}`,
        peerRule: check,
        saprobeRules,
        files: [{ name, text }],
        expectations: targets.map((t) => ({ target: t, flagged: verdict === "failure" })),
        judgesDefinitions: target === "Role" || target === "ClusterRole",
      });
    }
  }
  return out;
}
