#!/usr/bin/env node
// Benchmark: saprobe live against a large cluster, side by side with the list floor (issue 19).
// Starts its own control plane in .cluster-scale/ (test/cluster/up with SAPROBE_CLUSTER_DIR, no node;
// the scheduler and controller-manager are stopped, so the 50,000 pods stay Pending and nothing writes
// meanwhile), loads the cluster of bench/live-scale-cluster.mjs unless its marker says it is there,
// then times, interleaved, medians of --reps runs (default 3), each beside its floor: bench/list-floor.mjs
// listing exactly the objects that command reads. Peak RSS (/usr/bin/time) beside each time.
//   audit:   `saprobe audit -o json` live, attack paths and every finding cross-checked by a
//            SubjectAccessReview; floor: the audit's eight lists. Target <= 2x. (Also shown: --no-confirm.)
//   who-can: `saprobe who-can get secrets -n team-0001`; floor: Roles, ClusterRoles and both bindings. Target <= 1.2x.
//   run --expect as bench-runner (300 rules, may list namespaces and read RBAC): floor: namespaces and RBAC.
// Target for all: peak RSS <= 1 GB. Usage: nice -n 10 node bench/live-scale.mjs [--reps N] [--cluster-dir DIR]
// Leaves the cluster running (reruns skip the load); stop it with
// SAPROBE_CLUSTER_DIR=$PWD/.cluster-scale test/cluster/down.
//
// Figures: see the README's benchmark section (filled in by the run that measured them).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from "node:fs";
import { loadavg, tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BENCH_NAMESPACE, RUNNER, loadCluster, runnerRules } from "./live-scale-cluster.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: flags } = parseArgs({ options: { reps: { type: "string", default: "3" }, "cluster-dir": { type: "string", default: join(root, ".cluster-scale") } } });
const reps = Number(flags.reps);
const dir = flags["cluster-dir"];
const load = () => loadavg().map((value) => value.toFixed(1)).join(" ");

// --- the control plane ----------------------------------------------------------------------------
const alive = (name) => existsSync(join(dir, `${name}.pid`)) && spawnSync("kill", ["-0", readFileSync(join(dir, `${name}.pid`), "utf8").trim()]).status === 0;
if (!(alive("etcd") && alive("kube-apiserver") && existsSync(join(dir, "env.json")))) {
  const up = spawnSync(join(root, "test/cluster/up"), { env: { ...process.env, SAPROBE_CLUSTER_DIR: dir, SAPROBE_CLUSTER_NODE: "0" }, stdio: "inherit" });
  if (up.status !== 0) throw new Error("test/cluster/up failed");
}
// No scheduler (it would retry 50,000 unschedulable pods) and no controller-manager (its token
// controller would sign a token into every Secret): both would load the server while it is timed.
for (const name of ["kube-scheduler", "kube-controller-manager"]) {
  if (!alive(name)) continue;
  spawnSync("kill", [readFileSync(join(dir, `${name}.pid`), "utf8").trim()]);
  rmSync(join(dir, `${name}.pid`));
}
const env = JSON.parse(readFileSync(join(dir, "env.json"), "utf8"));
const token = readFileSync(env.adminTokenFile, "utf8").trim();
console.log(`control plane ${env.server} (kube-apiserver ${env.version}); ${cpus().length} CPUs; load ${load()}`);
const loaded = await loadCluster(env.server, readFileSync(env.caFile), token);
console.log(loaded.skipped ? "cluster already loaded (marker found): load skipped" : `loaded ${loaded.objects} objects in ${loaded.seconds.toFixed(1)} s (${Math.round(loaded.objects / loaded.seconds)}/s); load ${load()}`);

// --- what run --expect expects: the runner's RBAC, 5 rules fewer (extra on the server), 3 more (missing) ---
const work = mkdtempSync(join(tmpdir(), "saprobe-live-scale-"));
const expectedRules = [...runnerRules().slice(5), ...[0, 1, 2].map((index) => ({ apiGroups: ["missing.bench.example.com"], resources: [`gadgets${index}`], verbs: ["get"] }))];
const expected = [
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: RUNNER, namespace: BENCH_NAMESPACE } },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: RUNNER }, rules: expectedRules },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: RUNNER, namespace: BENCH_NAMESPACE }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: RUNNER }, subjects: [{ kind: "ServiceAccount", name: RUNNER, namespace: BENCH_NAMESPACE }] },
];
writeFileSync(join(work, "expected.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: expected }));

// --- the commands and their floors ----------------------------------------------------------------
const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const rbacLists = [`${RBAC}/roles`, `${RBAC}/clusterroles`, `${RBAC}/rolebindings`, `${RBAC}/clusterrolebindings`];
const auditLists = [...rbacLists, "/api/v1/serviceaccounts", "/api/v1/pods", "/apis/certificates.k8s.io/v1/certificatesigningrequests", "/api/v1/secrets?fieldSelector=type%3Dkubernetes.io%2Fservice-account-token#metadata"];
const saprobe = (...args) => [process.execPath, join(root, "bin/saprobe.js"), ...args, "--kubeconfig", env.adminKubeconfig];
const floor = (lists) => [process.execPath, join(root, "bench/list-floor.mjs"), env.server, env.caFile, env.adminTokenFile, ...lists];
const cases = [
  { name: "audit (confirmed)", command: saprobe("audit", "-o", "json"), floor: auditLists, target: 2 },
  { name: "audit --no-confirm", command: saprobe("audit", "-o", "json", "--no-confirm"), floor: auditLists },
  { name: "who-can", command: saprobe("who-can", "get", "secrets", "-n", "team-0001"), floor: rbacLists, target: 1.2 },
  { name: "run --expect", command: saprobe("run", "--as", `system:serviceaccount:${BENCH_NAMESPACE}:${RUNNER}`, "--expect", join(work, "expected.json"), "-o", "json"), floor: ["/api/v1/namespaces", ...rbacLists] },
];

/** Runs one process under /usr/bin/time: wall and CPU seconds, peak RSS in MB, its stdout in a file. */
function timed(argv, out) {
  const stats = join(work, "time.txt");
  const fd = openSync(out, "w");
  const started = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", stats, ...argv], { stdio: ["ignore", fd, "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  closeSync(fd);
  if (result.status !== 0 && result.status !== 1) throw new Error(`${argv.slice(1, 4).join(" ")} exited ${result.status}: ${result.stderr.toString().slice(-800)}`);
  const [user, system, rssKb] = readFileSync(stats, "utf8").trim().split(/\s+/).slice(-3).map(Number);
  return { wall, cpu: user + system, rss: rssKb / 1024 };
}

const samples = new Map(cases.map((entry) => [entry.name, { command: [], floor: [] }]));
for (let rep = 0; rep < reps; rep++) {
  for (const entry of cases) {
    const out = join(work, `${entry.name.replace(/\W+/g, "-")}.out`);
    samples.get(entry.name).floor.push(timed(floor(entry.floor), join(work, "floor.out")));
    samples.get(entry.name).command.push(timed(entry.command, out));
    if (rep === 0) entry.counts = readFileSync(join(work, "floor.out"), "utf8").trim();
    if (rep === 0 && entry.name === "audit (confirmed)") describeAudit(out);
  }
  console.log(`rep ${rep + 1}/${reps} done; load ${load()}`);
}

/** What the confirmed audit found and how much of it the server confirmed. */
function describeAudit(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const findings = report.findings.filter((finding) => finding.status === "finding");
  const agreed = findings.filter((finding) => finding.confirmation?.agreed === true).length;
  const disagreed = findings.filter((finding) => finding.confirmation?.agreed === false).length;
  const notConfirmed = findings.filter((finding) => finding.unconfirmed).length;
  const paths = findings.filter((finding) => finding.rule === "cluster-admin-path");
  console.log(`audit: ${findings.length} findings (${paths.length} attack paths); confirmed by the server: ${agreed} agreed, ${disagreed} disagreed; ${notConfirmed} not confirmed (with a reason); ${findings.length - agreed - disagreed - notConfirmed} not cross-checkable (no request to ask)`);
  for (const warning of report.warnings ?? []) if (/SubjectAccessReview|cross-check/i.test(warning)) console.log(`  warning: ${warning.slice(0, 300)}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\nmedians of ${reps} (wall s / CPU s / peak RSS MB), ratio = command wall / floor wall; load ${load()}`);
for (const entry of cases) {
  const { command, floor: base } = samples.get(entry.name);
  const [wall, floorWall] = [median(command.map((sample) => sample.wall)), median(base.map((sample) => sample.wall))];
  const ratio = wall / floorWall;
  const rss = Math.max(...command.map((sample) => sample.rss));
  const verdict = entry.target ? (ratio <= entry.target ? `<= ${entry.target}x: met` : `<= ${entry.target}x: MISSED`) : "";
  console.log(`${entry.name.padEnd(20)} ${wall.toFixed(2)} s / ${median(command.map((sample) => sample.cpu)).toFixed(2)} s / ${rss.toFixed(0)} MB   floor ${floorWall.toFixed(2)} s / ${median(base.map((sample) => sample.cpu)).toFixed(2)} s / ${Math.max(...base.map((sample) => sample.rss)).toFixed(0)} MB   ${ratio.toFixed(2)}x ${verdict}${rss > 1024 ? "  RSS > 1 GB" : ""}`);
  console.log(`${"".padEnd(20)} floor lists ${entry.counts}`);
}
rmSync(work, { recursive: true, force: true });
