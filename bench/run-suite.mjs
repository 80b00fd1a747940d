#!/usr/bin/env node
// Benchmark: the whole default suite (`saprobe run`, one process) against the local control plane,
// side by side in the same run with two kubectl baselines using the same ServiceAccount credentials:
//   (a) one `kubectl get --raw /version` process: one process start, one TLS handshake, one round trip;
//   (b) the suite's reads made by kubectl one after another: version, whoami, get nodes,
//       get pods -n NS, get pods -A.
// and two floors of Node.js itself: `node -e 0`, and node + one https GET /version (bench/floor-request.mjs),
// which is what any Node.js CLI pays before doing anything of its own.
// Targets: suite <= 1.5x (a), and (b) >= 3x suite. Prints medians of --reps repetitions (default 9),
// interleaved so load on the machine hits all of them alike. Usage: node bench/run-suite.mjs [--reps N]
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { argValue, gnuTime, median, timeChild } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(argValue("--reps", "9"));

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

function must(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

const timed = (command, args) => timeChild(command, args, { cwd: root });

// Measure the current sources as they ship: tsc, then the CLI bundle (bench/run-bundled.cjs runs it).
must("npm", ["run", "--silent", "build"]);
must(join(root, "test/cluster/up"), []);
const env = JSON.parse(readFileSync(join(root, ".cluster/env.json"), "utf8"));
const admin = (args, input) => must("kubectl", ["--kubeconfig", env.adminKubeconfig, ...args], input === undefined ? {} : { input });

// A ServiceAccount that may list and watch nodes and pods everywhere: the whole suite passes.
const namespace = `bench-${randomBytes(4).toString("hex")}`;
admin(["create", "namespace", namespace]);
admin(["create", "serviceaccount", "reader", "-n", namespace]);
const role = {
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: namespace },
      rules: [{ apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: namespace },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace }],
    },
  ],
};
admin(["apply", "-f", "-"], JSON.stringify(role));
const token = admin(["create", "token", "reader", "-n", namespace, "--duration", "1h"]).trim();
const dir = mkdtempSync(join(tmpdir(), "saprobe-bench-"));
const kubeconfig = join(dir, "config");
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, token, { mode: 0o600 });
writeFileSync(
  kubeconfig,
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "bench",
    clusters: [{ name: "bench", cluster: { server: env.server, "certificate-authority": env.caFile } }],
    users: [{ name: "reader", user: { token } }],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "reader", namespace } }],
  }),
  { mode: 0o600 },
);

const kubectl = (args) => timed("kubectl", ["--kubeconfig", kubeconfig, ...args]);
function sequence() {
  const steps = [
    ["get", "--raw", "/version"],
    ["auth", "whoami"],
    ["get", "nodes"],
    ["get", "pods", "-n", namespace],
    ["get", "pods", "-A"],
  ].map(kubectl);
  const failed = steps.find((step) => step.status !== 0);
  const sum = (field) => steps.reduce((total, step) => total + step[field], 0);
  return { ms: sum("ms"), cpuMs: sum("cpuMs"), status: failed ? failed.status : 0, stderr: failed?.stderr ?? "" };
}

const measurements = {
  "(a) kubectl get --raw /version": () => kubectl(["get", "--raw", "/version"]),
  "node -e 0 (Node.js start alone)": () => timed(process.execPath, ["-e", "0"]),
  "floor: node + one https GET /version": () => timed(process.execPath, [join(root, "bench/floor-request.mjs"), env.server, env.caFile, tokenFile]),
  "saprobe run (default suite)": () => timed(process.execPath, [join(root, "bench/run-bundled.cjs"), "run", "--kubeconfig", kubeconfig, "-o", "json"]),
  "(b) kubectl, the same reads in sequence": sequence,
  // Where the suite's time goes: the same CLI without a request, and the suite from tsc's per-file output.
  "saprobe --version (start and CLI load only)": () => timed(process.execPath, [join(root, "bench/run-bundled.cjs"), "--version"]),
  "saprobe run from tsc's dist/cli (unbundled)": () =>
    timed(process.execPath, [join(root, "bench/run-unbundled.mjs"), "run", "--kubeconfig", kubeconfig, "-o", "json"]),
  "saprobe run, bundle without its code cache": () =>
    timed(process.execPath, [join(root, "bench/run-bundled-nocache.cjs"), "run", "--kubeconfig", kubeconfig, "-o", "json"]),
};

// Warm up the page cache and the server's caches once; check that the suite really passes.
for (const [name, measure] of Object.entries(measurements)) {
  const result = measure();
  if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}${result.stdout ?? ""}`.slice(0, 2000));
}
const times = Object.fromEntries(Object.keys(measurements).map((name) => [name, { wall: [], cpu: [] }]));
for (let rep = 0; rep < reps; rep++) {
  for (const [name, measure] of Object.entries(measurements)) {
    const result = measure();
    if (result.status !== 0) throw new Error(`${name} exited ${result.status} in repetition ${rep + 1}`);
    times[name].wall.push(result.ms);
    times[name].cpu.push(result.cpuMs);
  }
}

console.log(`saprobe run-suite benchmark: ${reps} repetitions, medians, server ${env.server} (${env.version}), node ${process.version}`);
for (const kind of gnuTime ? ["wall", "cpu"] : ["wall"]) {
  const [a, nodeStart, floor, suite, b, start, unbundled, uncached] = Object.keys(measurements).map((name) => median(times[name][kind]));
  console.log(`${kind === "wall" ? "wall time" : "CPU time (user + system)"} in ms:`);
  for (const name of Object.keys(measurements)) {
    const values = times[name][kind];
    console.log(`  ${name.padEnd(46)} ${median(values).toFixed(1).padStart(8)}   [${values.map((ms) => ms.toFixed(0)).join(", ")}]`);
  }
  console.log(`  suite / (a) = ${(suite / a).toFixed(2)}x   (target <= 1.5x)`);
  console.log(`  (b) / suite = ${(b / suite).toFixed(2)}x   (target >= 3x)`);
  console.log(`  floor / (a) = ${(floor / a).toFixed(2)}x   (Node.js itself: its start alone is ${(nodeStart / a).toFixed(2)}x (a))`);
  console.log(`  suite / floor = ${(suite / floor).toFixed(2)}x   (b) / floor = ${(b / floor).toFixed(2)}x`);
  console.log(
    `  the suite's requests and report after the CLI loaded: ${(suite - start).toFixed(0)} ms; unbundled / suite = ${(unbundled / suite).toFixed(2)}x; without the code cache / suite = ${(uncached / suite).toFixed(2)}x`,
  );
}
