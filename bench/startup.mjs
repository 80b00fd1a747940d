#!/usr/bin/env node
// Benchmark: every command's fixed cost (its run on an empty or one-object input, as an installed
// `saprobe` runs: bin/saprobe.js) side by side with Node.js's own start, `node -e 0`. Target (issue
// 19): each command <= 1.5x `node -e 0`.
//
// The floor below the target, measured in the same run: Node.js itself costs more than `node -e 0`
// as soon as it runs a file (a 0-byte CommonJS file, a 0-byte ES module), and any CLI pays at least
// for reading and compiling its code and running its top level (bench/startup-load-only.cjs: bin's
// loader and main's pack; + the kube client's pack, with the undici files the bundle takes, which
// every live command loads, beside undici's public index and those files unbundled; every pack,
// with and without their V8 code caches). Those rows say how much of a command's ratio is Node.js
// and the code's mere size rather than saprobe's work; the last two rows say what the caches save.
// README's Start-up section has the figures and what they showed.
//
// Each row is one process per repetition, interleaved (every row once per round, the order rotated
// each round) so load on the machine hits all rows alike; medians of wall time and of CPU time
// (user + system of the child, from bash's `time`, which reads the child's rusage). CPU is the
// steadier figure on a loaded machine. The load average is printed before and after.
//
// NODE_EXTRA_CA_CERTS moves work into the floor: with it set, Node.js parses its own root certificates
// and that file when the process starts, in `node -e 0` as in saprobe (about 40 ms of CPU on the dev
// machine: 19 for Node's 144 roots, 21 for the 144 of /etc/ssl/certs/ca-certificates.crt; `node -e 0`
// 62 ms instead of 22). Without it, a process parses Node's roots when it first makes a TLS context
// without a CA of its own (the `tls` probe; a server given without certificate-authority), about 20
// ms. The header says whether it is set; --without-extra-ca-certs runs every row without it, as on a
// machine that does not set it.
//
// Usage: node bench/startup.mjs [--reps N] [--no-build] [--only REGEX] [--without-extra-ca-certs] [--against DIR]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { argValue, hasFlag, loadAverage, median } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(argValue("--reps", 15));
const only = argValue("--only") === undefined ? undefined : new RegExp(argValue("--only"));
// Every row runs in this environment: --without-extra-ca-certs takes NODE_EXTRA_CA_CERTS out of it.
const childEnv = { ...process.env, NO_COLOR: "1" };
if (hasFlag("--without-extra-ca-certs")) delete childEnv.NODE_EXTRA_CA_CERTS;

if (!hasFlag("--no-build")) {
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
}

// Inputs that make each command do its whole fixed work and nothing more.
const dir = mkdtempSync(join(tmpdir(), "saprobe-startup-"));
const file = (name, text) => {
  writeFileSync(join(dir, name), text, { mode: 0o600 });
  return join(dir, name);
};
const emptyDir = join(dir, "empty");
mkdirSync(emptyDir);
const oneObject = file("one.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: team}\n");
const checkFile = file("checks.yaml", "checks: []\n");
const base64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claims = {
  iss: "https://kubernetes.default.svc",
  aud: ["https://kubernetes.default.svc"],
  exp: 4102444800,
  iat: 1700000000,
  sub: "system:serviceaccount:team:app",
  "kubernetes.io": { namespace: "team", serviceaccount: { name: "app", uid: "0" } },
};
const tokenFile = file("token", `${base64url({ alg: "RS256", kid: "bench" })}.${base64url(claims)}.c2lnbmF0dXJl\n`);
const kubeconfig = file(
  "kubeconfig",
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "c",
    clusters: [{ name: "k", cluster: { server: "https://127.0.0.1:6443" } }],
    users: [{ name: "u", user: { token: "bench" } }],
    contexts: [{ name: "c", context: { cluster: "k", user: "u", namespace: "team" } }],
  }),
);
const event = {
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "Metadata",
  auditID: "1",
  stage: "ResponseComplete",
  requestURI: "/api/v1/namespaces/team/pods",
  verb: "list",
  user: { username: "system:serviceaccount:team:app", groups: ["system:serviceaccounts", "system:authenticated"] },
  objectRef: { resource: "pods", namespace: "team", apiVersion: "v1" },
  responseStatus: { code: 200 },
  requestReceivedTimestamp: "2026-12-07T03:01:00.000000Z",
  stageTimestamp: "2026-12-07T03:01:00.000000Z",
};
const auditLog = file("audit.log", `${JSON.stringify(event)}\n`);
const emptyCjs = file("empty.cjs", "");
const emptyEsm = file("empty.mjs", "");
// Port 1: nothing listens, so a live command pays for its client and one refused connection.
const nowhere = ["--server", "https://127.0.0.1:1", "--token", "bench", "--request-timeout", "2s"];

const saprobe = (args, status = 0) => ({ args: [join(root, "bin/saprobe.js"), ...args], status });
const rows = {
  "node -e 0 (the floor)": { args: ["-e", "0"], status: 0 },
  "node, 0-byte CommonJS file": { args: [emptyCjs], status: 0 },
  "node, 0-byte ES module": { args: [emptyEsm], status: 0 },
  "bundle loaded, main not run": { args: [join(root, "bench/startup-load-only.cjs")], status: 0 },
  "+ kube client (as bundled)": { args: [join(root, "bench/startup-load-only.cjs"), "client"], status: 0 },
  // The reference for the bundle's undici (scripts/undici-in-bundle.cjs): undici's public index against
  // the files saprobe uses, both from node_modules without a code cache, so alike but for what they load.
  "undici's index (unbundled)": { args: ["-e", `require(${JSON.stringify(join(root, "node_modules/undici"))})`], status: 0 },
  "undici as bundled (unbundled)": { args: ["-e", `require(${JSON.stringify(join(root, "scripts/undici-in-bundle.cjs"))})`], status: 0 },
  "every pack loaded (6.6 MB)": { args: [join(root, "bench/startup-load-only.cjs"), "all"], status: 0 },
  "every pack, no code cache": { args: [join(root, "bench/startup-load-only.cjs"), "all", "--no-cache"], status: 0 },
  "--help": saprobe(["--help"]),
  version: saprobe(["version"]),
  "validate (checks: [])": saprobe(["validate", checkFile]),
  "audit --manifests <empty dir>": saprobe(["audit", "--manifests", emptyDir, "-o", "json"], 2),
  "audit --manifests <1 object>": saprobe(["audit", "--manifests", oneObject, "-o", "json"]),
  "can-i (offline, 1 object)": saprobe(["can-i", "get", "pods", "-n", "team", "--as", "system:serviceaccount:team:app", "--manifests", oneObject], 1),
  "who-can (offline, 1 object)": saprobe(["who-can", "get", "pods", "-n", "team", "--manifests", oneObject]),
  "token --offline (token file)": saprobe(["token", "--token-file", tokenFile, "--offline"]),
  "config view (tiny kubeconfig)": saprobe(["config", "view", "--kubeconfig", kubeconfig, "-o", "json"]),
  "usage (1 event, 1 object)": saprobe(["usage", auditLog, "--manifests", oneObject, "-o", "json"]),
  "whoami (refused)": saprobe(["whoami", ...nowhere], 3),
  "run (refused)": saprobe(["run", ...nowhere, "-o", "json", "--out", join(dir, "reports")], 3),
  // The same without --out: what its four report files cost.
  "run (refused), no --out": saprobe(["run", ...nowhere, "-o", "json"], 3),
  // Its empty input: a suite of no checks (the identity lookup and the report remain).
  "run (refused), checks: []": saprobe(["run", ...nowhere, "--checks", checkFile, "--replace-checks", "-o", "json"], 3),
  // What the code caches save, on a command that loads little and on one that loads much.
  "--help, no code cache": { args: [join(root, "bench/run-bundled-nocache.cjs"), "--help"], status: 0 },
  "audit 1 object, no code cache": { args: [join(root, "bench/run-bundled-nocache.cjs"), "audit", "--manifests", oneObject, "-o", "json"], status: 0 },
};
// --against DIR: each saprobe row run from DIR's bin too (another build, such as main's: `git archive`
// into DIR, node_modules linked, `npm run build`), in the same interleaved rounds: an A/B of two builds.
const against = argValue("--against");
if (against !== undefined) {
  for (const [name, row] of Object.entries(rows)) {
    if (row.args[0] === join(root, "bin/saprobe.js"))
      rows[`${name} [${basename(resolve(against))}]`] = { ...row, args: [join(resolve(against), "bin/saprobe.js"), ...row.args.slice(1)] };
  }
}
const names = Object.keys(rows).filter((name) => !only || name.startsWith("node -e 0") || only.test(name));

function measure(name) {
  const { args, status } = rows[name];
  // bash's `time` prints the child's own wall, user and system time once it has exited, in ms: GNU
  // time (bench/lib.mjs's timeChild) counts CPU in 10 ms steps, too coarse for starts of about 70 ms.
  const script = 'TIMEFORMAT="saprobe-bench %3R %3U %3S"; time "$@" >/dev/null 2>"$SAPROBE_BENCH_ERR"';
  const result = spawnSync("bash", ["-c", script, "bash", process.execPath, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...childEnv, SAPROBE_BENCH_ERR: join(dir, "stderr") },
  });
  const times = /saprobe-bench ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (!times) throw new Error(`${name}: no timing (${result.stderr})`);
  const code = result.status;
  if (code !== status) throw new Error(`${name}: exited ${code}, expected ${status}`);
  return { wall: Number(times[1]) * 1000, cpu: (Number(times[2]) + Number(times[3])) * 1000 };
}

const loadBefore = loadAverage();
for (const name of names) measure(name); // warm the page cache; checks every exit code once
const samples = Object.fromEntries(names.map((name) => [name, { wall: [], cpu: [] }]));
for (let rep = 0; rep < reps; rep++) {
  for (let index = 0; index < names.length; index++) {
    const name = names[(index + rep) % names.length];
    const { wall, cpu } = measure(name);
    samples[name].wall.push(wall);
    samples[name].cpu.push(cpu);
  }
}
const loadAfter = loadAverage();
rmSync(dir, { recursive: true, force: true });

const floor = { wall: median(samples[names[0]].wall), cpu: median(samples[names[0]].cpu) };
console.log(
  `saprobe startup benchmark: ${reps} interleaved repetitions, medians, node ${process.version}, load average ${loadBefore} before, ${loadAfter} after`,
);
console.log(
  childEnv.NODE_EXTRA_CA_CERTS
    ? `NODE_EXTRA_CA_CERTS=${childEnv.NODE_EXTRA_CA_CERTS}: every process parses Node's root certificates and that file at start, the floor too (--without-extra-ca-certs to leave it out)`
    : "NODE_EXTRA_CA_CERTS not set: a process parses Node's root certificates only when it makes a TLS context without a CA of its own",
);
console.log(`${"".padEnd(32)} ${"wall ms".padStart(8)} ${"x floor".padStart(8)} ${"CPU ms".padStart(8)} ${"x floor".padStart(8)}`);
for (const name of names) {
  const wall = median(samples[name].wall);
  const cpu = median(samples[name].cpu);
  const over = !rows[name].args[0].endsWith("saprobe.js") || cpu / floor.cpu <= 1.5 ? "" : "  over 1.5x";
  console.log(
    `${name.padEnd(32)} ${wall.toFixed(1).padStart(8)} ${(wall / floor.wall).toFixed(2).padStart(7)}x ${cpu.toFixed(1).padStart(8)} ${(cpu / floor.cpu).toFixed(2).padStart(7)}x${over}`,
  );
}
