#!/usr/bin/env node
// Benchmark: `saprobe usage` streaming a generated audit log (default 1 GB, written to /tmp, never
// the repository), whole process, side by side in the same run with a floor: a node process that
// only reads the same file, splits it into lines and JSON.parses each one. Target: usage <= 1.5x the
// floor in time; memory flat in the log's size (peak RSS of a quarter-size log and of the full log
// side by side). Prints medians of --reps runs (default 3), interleaved so load on the machine hits
// both alike; CPU (user + system) is the steadier column on a shared machine.
// Usage: node bench/usage.mjs [--reps N] [--megabytes 1024] [--keep]
//
// Measured 2026-12-07 on the shared 2-core machine at load average ~20 (seven engineers), medians of 3:
//   floor (split + JSON.parse): wall 55.5 s, CPU 10.7 s, peak RSS 104 MB
//   saprobe usage -o json:      wall 77.8 s, CPU 11.9 s, peak RSS 108 MB  (1.40x wall, 1.12x CPU)
//   peak RSS 110 MB at 256 MB of log, 108 MB at 1 GB: flat.
// After the reader's later trims, 256 MB at load ~19: floor 4.08 s wall / 2.21 s CPU, usage 7.77 s / 2.98 s
// (1.90x wall, 1.35x CPU), RSS 104 MB at 64 MB and 107 MB at 256 MB. The wall ratio is not to be trusted
// here: with 10 runnable processes per core, a process's wall time is mostly time spent waiting for one.
// The floor splits with string concatenation; saprobe's reader splits Buffers, which wins back part of
// its own work (in-process, against a floor that splits with saprobe's reader, CPU is ~1.6x on 64 MB).
// Under this load the wall ratio moves by tenths from run to run; CPU is the steadier column.
import { closeSync, existsSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { argValue, hasFlag, loadAverage, median, timeChild } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(argValue("--reps", "3"));
const megabytes = Number(argValue("--megabytes", "1024"));
const keep = hasFlag("--keep");

// --- the log ---------------------------------------------------------------------------------------
// Traffic like a busy cluster's: 20 namespaces x 10 ServiceAccounts listing, watching, getting and
// updating objects (some denied), the apiserver's own loopback requests, and probes of /healthz.
const RESOURCES = [
  ["", "pods"],
  ["", "configmaps"],
  ["", "secrets"],
  ["apps", "deployments"],
  ["coordination.k8s.io", "leases"],
  ["batch", "jobs"],
  ["", "services"],
  ["", "endpoints"],
];
const VERBS = ["get", "list", "watch", "update", "patch", "create", "delete"];

function eventLine(index) {
  const namespace = `team-${index % 20}`;
  const account = `system:serviceaccount:${namespace}:app-${(index >> 5) % 10}`;
  const time = new Date(Date.UTC(2026, 11, 7, 0, 0, 0) + index * 3).toISOString().replace("Z", "000Z");
  const auditID = `0b0e5f5e-${String(index).padStart(12, "0").slice(0, 4)}-4c1a-9d1e-${String(index).padStart(12, "0")}`;
  if (index % 13 === 0) {
    return JSON.stringify({
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      level: "Metadata",
      auditID,
      stage: "ResponseComplete",
      requestURI: "/healthz",
      verb: "get",
      user: { username: "system:anonymous", groups: ["system:unauthenticated"] },
      sourceIPs: ["10.0.0.7"],
      userAgent: "kube-probe/1.37",
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: time,
      stageTimestamp: time,
      annotations: {
        "authorization.k8s.io/decision": "allow",
        "authorization.k8s.io/reason":
          'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
      },
    });
  }
  const [group, resource] = RESOURCES[(index * 7) % RESOURCES.length];
  const verb = VERBS[(index * 3) % VERBS.length];
  const named = verb !== "list" && verb !== "watch" && verb !== "create";
  const name = named ? `object-${index % 40}` : undefined;
  const denied = resource === "secrets" && verb !== "get";
  const prefix = group ? `/apis/${group}/v1` : "/api/v1";
  const objectRef = { resource, namespace, ...(name ? { name } : {}), ...(group ? { apiGroup: group } : {}), apiVersion: "v1" };
  return JSON.stringify({
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID,
    stage: "ResponseComplete",
    requestURI: `${prefix}/namespaces/${namespace}/${resource}${name ? `/${name}` : ""}${verb === "watch" ? "?watch=true" : "?limit=500"}`,
    verb,
    user: {
      username: account,
      uid: auditID.slice(0, 18),
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
      extra: { "authentication.kubernetes.io/pod-name": [`app-${index % 10}-7d9c`] },
    },
    sourceIPs: ["10.244.0.12"],
    userAgent: "controller/v0.0.0 (linux/amd64) kubernetes/$Format",
    objectRef,
    responseStatus: { metadata: {}, code: denied ? 403 : 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: {
      "authorization.k8s.io/decision": denied ? "forbid" : "allow",
      "authorization.k8s.io/reason": denied ? "" : `RBAC: allowed by RoleBinding "app/${namespace}" of Role "app" to ServiceAccount "app/${namespace}"`,
    },
  });
}

function generate(file, bytes) {
  if (existsSync(file) && statSync(file).size >= bytes) return;
  const fd = openSync(file, "w");
  let written = 0;
  let index = 0;
  while (written < bytes) {
    const lines = [];
    for (let line = 0; line < 5000; line++) lines.push(eventLine(index++));
    const chunk = `${lines.join("\n")}\n`;
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}

// --- the floor -------------------------------------------------------------------------------------
const floorScript = join("/tmp", "saprobe-usage-floor.mjs");
writeFileSync(
  floorScript,
  `import { createReadStream } from "node:fs";
let carry = "", lines = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 256 * 1024 })) {
  const text = carry + chunk.toString("utf8");
  let start = 0;
  for (let end = text.indexOf("\\n"); end >= 0; end = text.indexOf("\\n", start)) {
    JSON.parse(text.slice(start, end));
    lines++;
    start = end + 1;
  }
  carry = text.slice(start);
}
if (carry) { JSON.parse(carry); lines++; }
console.log(lines);
`,
);

/** Seconds of wall and CPU time and the peak RSS of one run of node with `args` (its report is not kept). */
function timed(args) {
  const run = timeChild(process.execPath, args, { cwd: root, stdout: "ignore" });
  if (!Number.isFinite(run.cpuMs)) throw new Error(`could not time ${args.join(" ")} (GNU time is needed): ${run.stderr.slice(-400)}`);
  return { wall: run.ms / 1000, cpu: run.cpuMs / 1000, rssMb: run.rssMb, status: run.status };
}

const full = join("/tmp", `saprobe-usage-bench-${megabytes}mb.log`);
const quarter = join("/tmp", `saprobe-usage-bench-${Math.round(megabytes / 4)}mb.log`);
console.log(`generating ${megabytes} MB and ${Math.round(megabytes / 4)} MB audit logs in /tmp ...`);
generate(full, megabytes * 1024 * 1024);
generate(quarter, (megabytes / 4) * 1024 * 1024);

const usageArgs = (file) => ["bin/saprobe.js", "usage", file, "-o", "json", "--fail-on", "critical"];
const rows = { floor: [], usage: [], quarter: [] };
for (let rep = 0; rep < reps; rep++) {
  rows.floor.push(timed([floorScript, full]));
  rows.usage.push(timed(usageArgs(full)));
  rows.quarter.push(timed(usageArgs(quarter)));
}
const summary = (runs) => ({
  wall: median(runs.map((run) => run.wall)),
  cpu: median(runs.map((run) => run.cpu)),
  rssMb: Math.max(...runs.map((run) => run.rssMb)),
});
const floor = summary(rows.floor);
const usage = summary(rows.usage);
const small = summary(rows.quarter);
console.log(`\n${megabytes} MB audit log, median of ${reps} (load average ${loadAverage()}):`);
console.log(`  floor (split + JSON.parse): wall ${floor.wall.toFixed(2)} s, CPU ${floor.cpu.toFixed(2)} s, peak RSS ${floor.rssMb.toFixed(0)} MB`);
console.log(`  saprobe usage -o json:      wall ${usage.wall.toFixed(2)} s, CPU ${usage.cpu.toFixed(2)} s, peak RSS ${usage.rssMb.toFixed(0)} MB`);
console.log(`  ratio: wall ${(usage.wall / floor.wall).toFixed(2)}x, CPU ${(usage.cpu / floor.cpu).toFixed(2)}x (target <= 1.5x)`);
console.log(
  `  memory: peak RSS ${small.rssMb.toFixed(0)} MB at ${Math.round(megabytes / 4)} MB of log, ${usage.rssMb.toFixed(0)} MB at ${megabytes} MB (flat when these are close)`,
);
if (rows.usage.some((run) => run.status !== 0)) console.log(`  note: saprobe usage exited ${rows.usage.map((run) => run.status).join(", ")}`);
if (!keep) for (const file of [full, quarter]) rmSync(file, { force: true });
