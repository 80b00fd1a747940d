#!/usr/bin/env node
// Benchmark: the live audit's engine (the attack-path search above all) on bench/live-scale.mjs's
// cluster, in-process, with its 50,000 pods Pending (as live-scale.mjs loads them: no node) side by side
// with the same pods bound to 500 nodes and a privileged agent in kube-system on each, as on a real
// cluster. Bound pods open the node routes (node-token, node-secret, node-escape: a pod creator where Pod
// Security enforces nothing, exec into a pod with host access), and with them every namespace's grants
// to the search. No server: the objects are the generator's, the facts made the way src/audit/live/audit.ts
// makes them from its lists. A third case, cronjobs: the bound pods and a CronJob in every namespace (its
// next pod, which the scheduler binds to any node: every node reaches its ServiceAccount, future-pods.ts).
// Prints medians of --reps (default 3) runs of each case, interleaved, wall and CPU, findings, paths and
// their first hops, and the ratios bound / pending and cronjobs / bound.
// 2026-12-07 23:32 UTC, load 3.3 -> 2.9 on 2 CPUs, medians of 3: pending 265 ms, bound 2,142 ms, cronjobs
// 1,820 ms (0.85x bound: one future-pods edge per node, not one per namespace of a CronJob; 2.54x with those),
// the same 12,306 findings and 2,114 paths; main's bound beside it 2,130 ms.
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
import { futurePods } from "../dist/audit/live/future-pods.js";
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

// The case "cronjobs": the bound pods, and a CronJob in every namespace running as its app-2 (cluster-admin in
// 20 of them): every node reaches the ServiceAccount of every CronJob's next pod, with that as a precondition.
const cronJobs = of("Namespace").map((namespace) => ({
  metadata: { name: "nightly", namespace: namespace.metadata.name },
  spec: { serviceAccountName: "app-2" },
}));
const nodeNames = (count) => new Set(Array.from({ length: count }, (_, node) => `node-${node}`));

function audit({ kept, cronJobs: jobs = [], nodes }) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const future = futurePods(kept, jobs);
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
      // As src/audit/live/audit.ts makes them: the nodes listed (none with the pods Pending) and the pods the scheduler binds later.
      futurePods: future,
      nodes,
    },
  });
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: (used.user + used.system) / 1000, findings };
}

const bound = pods(true);
const cases = {
  pending: { kept: pods(false), nodes: nodeNames(0) },
  bound: { kept: bound, nodes: nodeNames(NODES) },
  cronjobs: { kept: bound, cronJobs, nodes: nodeNames(NODES) },
};
const samples = { pending: [], bound: [], cronjobs: [] };
const outcome = {};
const loadBefore = loadAverage();
for (let rep = 0; rep < reps; rep++) {
  for (const name of rep % 2 === 0 ? ["pending", "bound", "cronjobs"] : ["cronjobs", "bound", "pending"]) {
    const result = audit(cases[name]);
    samples[name].push(result);
    outcome[name] = result.findings;
  }
}
for (const name of ["pending", "bound", "cronjobs"]) {
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
const ratio = (over, under, key) => median(samples[over].map((s) => s[key])) / median(samples[under].map((s) => s[key]));
console.log(
  `bound / pending: wall ${ratio("bound", "pending", "wall").toFixed(2)}x, CPU ${ratio("bound", "pending", "cpu").toFixed(2)}x; cronjobs / bound: wall ${ratio("cronjobs", "bound", "wall").toFixed(2)}x, CPU ${ratio("cronjobs", "bound", "cpu").toFixed(2)}x; medians of ${reps}; load ${loadBefore} -> ${loadAverage()}`,
);
