#!/usr/bin/env node
// Benchmark: the live audit's engine (the attack-path search above all) on bench/live-scale.mjs's
// cluster, in-process, with its 50,000 pods Pending (as live-scale.mjs loads them: no node) side by side
// with the same pods bound to 500 nodes and a privileged agent in kube-system on each, as on a real
// cluster. Bound pods open the node routes (node-token, node-secret, node-escape: a pod creator where Pod
// Security enforces nothing, exec into a pod with host access), and with them every namespace's grants
// to the search. No server: the objects are the generator's, the facts made the way src/audit/live/audit.ts
// makes them from its lists. Prints medians of --reps (default 3) runs of each case, interleaved, wall and
// CPU, findings, paths and their first hops, and the ratio bound / pending.
// Usage: npm run build && node bench/paths-bound-pods.mjs [--reps N]
import { auditSnapshot } from "../dist/audit/engine.js";
import { loadCatalogue } from "../dist/audit/files/catalogue.js";
import {
  podNodes,
  podSecurityLevels,
  podServiceAccountOnly,
  podServiceAccounts,
  tokenSecretOwners,
  tokenSecretServiceAccounts,
} from "../dist/audit/live/objects.js";
import { hostPodNodes } from "../dist/audit/live/pod-host-access.js";
import { mountedTokens, nodeTokenSecrets } from "../dist/audit/live/pod-secrets.js";
import { withBootstrapPolicy } from "../dist/rbac/bootstrap.js";
import { generate } from "./live-scale-cluster.mjs";
import { argValue, loadAverage, median } from "./lib.mjs";

const reps = Number(argValue("--reps", "3"));
const NODES = 500;
const objects = generate()
  .flat()
  .map((entry) => entry.body);
const of = (kind) => objects.filter((object) => object.kind === kind);
const snapshot = withBootstrapPolicy({
  clusterRoles: of("ClusterRole"),
  roles: of("Role"),
  clusterRoleBindings: of("ClusterRoleBinding"),
  roleBindings: of("RoleBinding"),
  serviceAccounts: of("ServiceAccount"),
});
const catalogue = loadCatalogue();
const secrets = of("Secret");
const owners = tokenSecretOwners(secrets);
const levels = podSecurityLevels(of("Namespace"));

function pods(bound) {
  let index = 0;
  const kept = of("Pod").map((pod) => podServiceAccountOnly(bound ? { ...pod, spec: { ...pod.spec, nodeName: `node-${index++ % NODES}` } } : pod));
  if (bound)
    for (let node = 0; node < NODES; node++)
      kept.push(
        podServiceAccountOnly({
          metadata: { name: `agent-${node}`, namespace: "kube-system" },
          spec: { nodeName: `node-${node}`, serviceAccountName: "agent", containers: [{ name: "c", securityContext: { privileged: true } }] },
        }),
      );
  return kept;
}

function audit(kept) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const findings = auditSnapshot(snapshot, catalogue, {
    mode: "live",
    podServiceAccounts: podServiceAccounts(kept),
    pathFacts: {
      serviceAccountsListed: true,
      podNodes: podNodes(kept),
      hostPodNodes: hostPodNodes(kept),
      tokenSecrets: tokenSecretServiceAccounts(owners),
      tokenSecretOwners: owners,
      mountedTokens: mountedTokens(kept, owners),
      nodeTokenSecrets: nodeTokenSecrets(kept, owners),
      podSecurity: levels,
    },
  });
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: (used.user + used.system) / 1000, findings };
}

const cases = { pending: pods(false), bound: pods(true) };
const samples = { pending: [], bound: [] };
const outcome = {};
const loadBefore = loadAverage();
for (let rep = 0; rep < reps; rep++) {
  for (const name of rep % 2 === 0 ? ["pending", "bound"] : ["bound", "pending"]) {
    const result = audit(cases[name]);
    samples[name].push(result);
    outcome[name] = result.findings;
  }
}
for (const name of ["pending", "bound"]) {
  const paths = outcome[name].filter((finding) => finding.rule === "cluster-admin-path");
  const count = (key) => {
    const counts = {};
    for (const finding of paths) counts[key(finding)] = (counts[key(finding)] ?? 0) + 1;
    return counts;
  };
  console.log(
    `${name.padEnd(8)} ${median(samples[name].map((s) => s.wall)).toFixed(0)} ms wall / ${median(samples[name].map((s) => s.cpu)).toFixed(0)} ms CPU; ${outcome[name].length} findings, ${paths.length} cluster-admin paths ${JSON.stringify(count((finding) => finding.severity))}, first hops ${JSON.stringify(count((finding) => finding.path?.[0]?.edge))}`,
  );
}
const ratio = (key) => median(samples.bound.map((s) => s[key])) / median(samples.pending.map((s) => s[key]));
console.log(`bound / pending: wall ${ratio("wall").toFixed(2)}x, CPU ${ratio("cpu").toFixed(2)}x; medians of ${reps}; load ${loadBefore} -> ${loadAverage()}`);
