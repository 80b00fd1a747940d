#!/usr/bin/env node
// Benchmark: live `who-can` against its list floor (issue 19's target: <= 1.2x), on a small cluster of
// the large one's shape. who-can reads only what can answer it (cluster-wide roles and bindings, the
// request namespace's Roles and RoleBindings: ~360 objects on bench/live-scale.mjs's 94,000-object
// cluster), so the cluster here holds bench/live-scale-cluster.mjs's objects for two namespaces only:
// team-0001 as there, and every cluster-wide object (100 operators, 20 admin bindings, the runner's).
// Uses the control plane of test/cluster/up (SAPROBE_CLUSTER_DIR, default .cluster/; started if absent,
// without a node) and times, interleaved, medians of --reps runs (default 15):
//   floor:               bench/list-floor.mjs listing exactly who-can's four lists (limit=500, at once)
//   floor + kube client: the same with saprobe's kube client pack loaded first (no request)
//   floor via kube client: the same lists made through saprobe's kube client (bench/list-floor-client.cjs):
//                        what any live command reading these objects pays before its own work
//   who-can:             `saprobe who-can get secrets -n team-0001` (bin/saprobe.js)
//   who-can (DIR):       the same from other builds, `--other DIR[,DIR...]` (copies of bin/, dist/
//                        and package.json of the builds to compare, e.g. main's): A/B in one run
// Prints wall and CPU medians (each child's own user + system time, bench/cpu-at-exit.cjs), their ratios
// to the floor, and the load.
// Usage: nice -n 10 node bench/who-can-live.mjs [--reps N] [--other DIR[,DIR...]] [--verb V --resource R]
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { argValue, loadAverage, median } from "./lib.mjs";
import { SHAPE, loadCluster } from "./live-scale-cluster.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(argValue("--reps", "15"));
const others = (argValue("--other", "") ?? "").split(",").filter(Boolean);
const verb = argValue("--verb", "get");
const resource = argValue("--resource", "secrets");
const dir = process.env.SAPROBE_CLUSTER_DIR ?? join(root, ".cluster");

// test/cluster/up is a no-op while the control plane runs.
const up = spawnSync(join(root, "test/cluster/up"), {
  env: { ...process.env, SAPROBE_CLUSTER_DIR: dir, SAPROBE_CLUSTER_NODE: "0" },
  stdio: ["ignore", "ignore", "inherit"],
});
if (up.status !== 0) throw new Error("test/cluster/up failed");
const env = JSON.parse(readFileSync(join(dir, "env.json"), "utf8"));
const token = readFileSync(env.adminTokenFile, "utf8").trim();
// Two namespaces (team-0000, team-0001), no pods: the cluster-wide objects are the large cluster's.
const shape = { ...SHAPE, namespaces: 2, pods: 0 };
const loaded = await loadCluster(env.server, readFileSync(env.caFile), token, { shape, connections: 4, inFlight: 16 });
console.log(
  `control plane ${env.server} (kube-apiserver ${env.version}); ${loaded.skipped ? "cluster already loaded" : `loaded ${loaded.objects} objects`}; load ${loadAverage()}`,
);

// The client rows read a copy of the admin kubeconfig whose user names the token's file instead of
// holding it: test/cluster/up's token is random hex, and one that starts with a digit is not plain
// YAML 1.1 (src/connect/kubeconfig/plain-yaml.ts), so reading it loads the `yaml` package (about 5 ms
// of CPU), a cost the token's first character would otherwise decide from one cluster to the next.
const work = mkdtempSync(join(tmpdir(), "saprobe-who-can-live-"));
const kubeconfig = join(work, "admin.kubeconfig");
const inline = /^( +)token: .*$/m;
if (!inline.test(readFileSync(env.adminKubeconfig, "utf8"))) throw new Error(`${env.adminKubeconfig}: no inline token to replace`);
writeFileSync(kubeconfig, readFileSync(env.adminKubeconfig, "utf8").replace(inline, `$1tokenFile: ${env.adminTokenFile}`), { mode: 0o600 });

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const lists = [`${RBAC}/namespaces/team-0001/roles`, `${RBAC}/clusterroles`, `${RBAC}/namespaces/team-0001/rolebindings`, `${RBAC}/clusterrolebindings`];
const cpuAtExit = ["--require", join(root, "bench/cpu-at-exit.cjs")];
const floor = [join(root, "bench/list-floor.mjs"), env.server, env.caFile, env.adminTokenFile, ...lists];
const whoCan = (bin) => [...cpuAtExit, bin, "who-can", verb, resource, "-n", "team-0001", "--kubeconfig", kubeconfig];
const rows = [
  { name: "floor (list-floor.mjs)", argv: [...cpuAtExit, ...floor] },
  { name: "floor + kube client", argv: [...cpuAtExit, "--require", join(root, "bench/startup-load-only.cjs"), ...floor], env: { SAPROBE_LOAD_ONLY: "client" } },
  { name: "floor via kube client", argv: [...cpuAtExit, join(root, "bench/list-floor-client.cjs"), kubeconfig, ...lists] },
  { name: `who-can ${verb} ${resource}`, argv: whoCan(join(root, "bin/saprobe.js")), answer: true },
  ...others.map((other) => ({ name: `who-can (${basename(other)})`, argv: whoCan(join(other, "bin/saprobe.js")), answer: true })),
];

const answers = new Map();
/** One run of a row: wall ms (spawn to exit, measured here) and CPU ms (the child's own, cpu-at-exit.cjs). */
function timed(row) {
  const out = join(work, "out");
  const fd = openSync(out, "w");
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, row.argv, { env: { ...process.env, ...row.env }, stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(fd);
  const cpu = /saprobe-bench-cpu (\d+)\n$/.exec(result.stderr ?? "");
  if (result.status !== 0 || !cpu) throw new Error(`${row.name} exited ${result.status}: ${(result.stderr ?? "").slice(-800)}`);
  if (row.answer) answers.set(row.name, readFileSync(out, "utf8"));
  else if (!answers.has("counts")) answers.set("counts", readFileSync(out, "utf8").trim());
  return { wall, cpu: Number(cpu[1]) / 1000 };
}

// One warm-up round (page cache, the server's watch caches), then interleaved repetitions.
for (const row of rows) timed(row);
const samples = new Map(rows.map((row) => [row.name, []]));
const loads = [loadAverage()];
for (let rep = 0; rep < reps; rep++) for (const row of rows) samples.get(row.name).push(timed(row));
loads.push(loadAverage());

const [floorWall, floorCpu] = ["wall", "cpu"].map((key) => median(samples.get(rows[0].name).map((sample) => sample[key])));
console.log(`floor lists ${answers.get("counts")}`);
console.log(`medians of ${reps} interleaved (ms), ratio to the floor's median; load before ${loads[0]}, after ${loads[1]}`);
// Also the median of each repetition's own ratio: a repetition's rows run within a second of each
// other, so a shared machine's load changes less between them than over the whole run.
const paired = (row, key) => median(samples.get(row.name).map((sample, rep) => sample[key] / samples.get(rows[0].name)[rep][key]));
for (const row of rows) {
  const [wall, cpu] = ["wall", "cpu"].map((key) => median(samples.get(row.name).map((sample) => sample[key])));
  console.log(
    `${row.name.padEnd(24)} wall ${wall.toFixed(0).padStart(4)} ${(wall / floorWall).toFixed(2)}x (paired ${paired(row, "wall").toFixed(2)}x)   CPU ${cpu.toFixed(0).padStart(4)} ${(cpu / floorCpu).toFixed(2)}x (paired ${paired(row, "cpu").toFixed(2)}x)`,
  );
}
for (const other of others)
  if (answers.get(`who-can (${basename(other)})`) !== answers.get(`who-can ${verb} ${resource}`)) console.log(`WARNING: ${other} answered differently`);
const answer = answers.get(`who-can ${verb} ${resource}`);
console.log(`who-can's answer: ${answer.split("\n").length - 1} lines`);
rmSync(work, { recursive: true, force: true });
