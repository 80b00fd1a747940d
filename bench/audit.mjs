#!/usr/bin/env node
// Benchmark: `saprobe audit --manifests` on a large generated cluster snapshot (2,000 namespaces,
// about 76,000 RBAC objects, about 21 MB of YAML in files under 16 MiB), whole process, side by side
// in the same run with the floors:
//   YAML: a node process that only reads the same files and js-yaml-loads them (keeping the objects);
//   JSON: the same snapshot as one JSON `List` file, audited vs a node process that only JSON.parses it.
// Targets: audit <= 2x its floor, peak RSS < 1.5 GB. Two breakdown steps (the manifest loader alone;
// catalogue + loader + audit engine without a report) show where the time goes, and a lower bound shows
// what no implementation can avoid: the floor plus writing the report the audit must print (JSON.stringify
// of the same report and its UTF-8 encoding, timed in-process). Prints medians of --reps runs (default 3),
// interleaved so load on the machine hits all alike; CPU (user + system) is the steadier column on a
// shared machine. Usage: node bench/audit.mjs [--reps N] [--keep]
//
// Where the time goes (CPU, in-process phases, dist/cli, 2 shared CPUs at load ~4, 2026-11-28):
//   YAML: node start 55, imports 80, load 1,450 (js-yaml keeping 76k objects ~1,100 of it, as in the
//         floor; validation, conversion, apiserver checks ~150), engine ~400, render + encode ~270.
//   JSON: node start 55, imports 80, load ~575 (read + UTF-8 check ~100, duplicate-key/line scan ~110,
//         JSON.parse ~200), engine ~340, render + encode ~310.
// 2026-12-07: with 31 rules (modified-default, pods-modify, secrets-write, ...) this snapshot gives
// 48,200 findings and an 80 MB report; auditSnapshot alone ~950 ms CPU in-process at load ~15.
// Measured 2026-12-07 after attack paths and the completed catalogue landed, load ~2 on 2 CPUs, medians
// of 3: YAML audit 8.0 s wall / 10.5 s CPU against the js-yaml floor's 2.9 s / 3.3 s (2.81x wall, 3.18x
// CPU: the <= 2x target is missed; it was 1.82x before), peak RSS 597 MB; the engine step (loader +
// engine minus loader) ~4.9 s CPU, most of it the path search and the new rules. JSON List 6.45x wall.
// 2026-12-07 later, with the path search reworked (edges built only towards reached nodes, the graph only
// when a route beyond the holders is possible, with only the identities that can be on one) and
// high-value-identity-path on, medians of 3, 2 CPUs at load 11-13 (CPU is the steadier figure): YAML
// audit 2.29x wall / 2.71x CPU (e8758fe) and 2.55x / 2.59x (94a4f35) the js-yaml floor, still over the
// <= 2x target; peak RSS 493-499 MB; engine step ~1.1 s CPU; JSON List 4.7-5.7x wall. This snapshot
// has no holder of cluster-admin power, so both path rules settle from its ClusterRoleBindings; with one
// cluster-admin ClusterRoleBinding added (99 paths) they cost ~0.3-0.5 s CPU more. What is left is the
// permission rules' 48,200 findings: writing their report alone is ~1.35x the floor (line below).
// After merging main (08758ed: the bundle in chunks, an 83 MB report), load ~9: YAML 2.68x wall / 2.67x
// CPU (audit 3.84 s CPU, floor 1.44 s, engine step 1.19 s), JSON List 6.59x wall, peak RSS 491 MB.
// The JSON List audit cannot reach 2x JSON.parse while it prints this 62 MB report: rendering and
// encoding it alone is ~1.85x the floor (the "lower bound" line), before reading a byte of input.
// 2026-12-07 18:37, -o json written in parts (2eb6ccc, render/json.ts renderJsonParts), medians of 3,
// load 2.2 on 2 CPUs: YAML audit 2.43 s wall / 3.05 s CPU against the floor's 1.11 s / 1.31 s (2.18x
// wall, 2.33x CPU; at load 7.5 2.13x / 2.33x), peak RSS 362 MB (from ~515); JSON List 5.21x wall.
// Still over 2x: left are the loader's own passes (~220 ms CPU over js-yaml's), the engine (~500 ms
// on the main thread, spread over levels, visit, grant, fold, paths) and a third full GC.
// 2026-12-07 20:12, plain block YAML read by src/input/block-yaml.ts (js-yaml only for the rest),
// -o json in parts of 20 findings through one reused buffer, medians of 5, load 3.2-3.9 on 2 CPUs: YAML
// audit 1.70 s wall / 2.27 s CPU against the floor's 1.15 s / 1.31 s (1.47x wall, 1.73x CPU: the 2x
// target is met), peak RSS 254 MB; loadManifests alone now costs less than the js-yaml floor. Merged with
// main (bundle packs, self-grants), 20:17, load 2.2-3.2: 1.61 s / 2.16 s against 1.08 s / 1.27 s (1.48x
// wall, 1.70x CPU), 253 MB, the same report bytes.
// 2026-12-08 00:20, after the offline node escapes (68ca551, 3813a05, a165f79: this snapshot has no
// Namespace objects, so each namespace's developer group and app-0 reach the operators' ServiceAccounts
// through a node: 4,000 more high cluster-admin-paths, 54,300 findings, a 128 MB report), medians of 5,
// load 2.3 on 2 CPUs: YAML audit 2.35 s wall / 3.15 s CPU against the floor's 1.10 s / 1.30 s (2.13x
// wall, 2.42x CPU), engine step (loader + engine minus loader) ~1.54 s CPU, lower bound 1.44x (writing
// the report alone 577 ms CPU), peak RSS 306 MB. Where the ~0.9 s CPU
// more goes (in-process, cold, process.cpuUsage, so with V8's compiler and GC threads; load 1-2):
// auditSnapshot 713-769 ms before 68ca551, 1,390-1,465 after; of it the path rules ~750: the identity
// table ~205 (every namespace may escape, so every binding's role is matched against the edges'
// questions: ~115 for 28,000 bindings' masks), the cluster-admin search ~220 (4,000 escape-edge sets),
// the 4,100 path findings ~160 (hops, messages), the high-value search ~130-160 (no finding here: every
// route to a high-value identity goes through the node's precondition). Writing the 39 MB of path
// findings is ~170 ms of the render. With the masks read more cheaply (9411db5, fb69281: 117-150 -> 82-87
// ms CPU in-process, analysePaths ~555 -> ~490), medians of 5: at load 4.4-5.0 2.16x wall / 2.31x CPU
// (3.03 s CPU vs 1.31 s); at load 3.4-3.7, run right after the build before them: 2.17x / 2.44x (3.22 s
// vs 1.32 s; engine step 1.46 s CPU) against that build's 1.95x / 2.34x (3.20 s vs 1.37 s; engine step
// 1.66 s). The whole CLI interleaved, 6 runs each at load 3-6: 3,225 vs 3,285 ms CPU. So within the
// noise end to end; the same report, byte for byte. Lower bound 1.44-1.47x. No single part is big: the
// target needs the path rules at about half their cost, or a smaller report (-o json without
// indentation: 80 MB, its JSON.stringify + UTF-8 409-449 ms CPU instead of 617-632).
// 2026-12-08 02:07 (issue 19), a hop listing each grant once (the escalate hop named one grant twice: a
// 124 MB report) and the per-identity and per-finding closures, iterators and lists gone from the path
// search, its findings, foldGrantFindings, sortFindings and bySeverity, medians of 5, load 2.0-2.9 on 2
// CPUs: YAML audit 2,016 ms wall / 2,820 ms CPU against the floor's 1,092 / 1,230 (1.85x wall, 2.29x CPU:
// wall under the target, CPU not), loader 990 ms CPU, loader + engine 2,360 (engine step ~1.37 s), peak
// RSS 303 MB, JSON List 6.07x wall; main's build alternated 8 times on the same snapshot: 2,940 vs 2,810
// ms CPU. In-process, cold, medians of 5-7: auditSnapshot ~1,400 -> ~1,250 ms CPU; analysePaths 415 -> 395,
// path findings 190 -> 150, high-value 150 -> 110. Warm (the fifth run in one process) the path phases
// take ~160 ms in all: most of the cold cost is code run a few thousand times before V8 optimizes it, so
// no part is big. Tried without gain: the JSON renderer splicing each shared hop's text in once (~100 ms
// slower), Uint8Array levels, --max-semi-space-size, --single-threaded-gc and other V8 flags.
// 2026-12-08 02:28, also -o json in parts that stay young (a hop counts as two findings: 20 four-hop
// path findings were a ~190 KB string in the large-object space), the separator between parts a part
// of its own (no cons string to flatten), parts gathered into writes of 64 KB or more (~1,900 writes
// instead of ~5,400), and pattern levels without a closure per rule; medians of 5, load 1.8-2.0 on 2
// CPUs: YAML audit 1,934 ms wall / 2,710 ms CPU against the floor's 1,065 / 1,250 (1.82x wall, 2.17x
// CPU), loader 1,010 ms CPU, loader + engine 2,320, peak RSS 289 MB, JSON List 5.90x wall (at 02:21,
// load 1.7-2.2: 1.84x / 2.23x). main's build alternated 8 times (02:30, load 1.8-1.9): 2,975 -> 2,735 ms
// CPU, 2,110 -> 1,925 wall. The "writing the report alone" line measures one JSON.stringify of the whole
// report (582-1,186 ms CPU across runs); the audit's own parts render and encode in ~0.4 s. Left for 2x
// CPU: ~0.2 s, in no one place (engine ~1.2 s cold: permission findings ~0.6, path rules ~0.5; the
// scavenger copying the findings as they are made; --initial-old-space-size=600, which the CLI cannot
// set for itself, saves ~0.13 s).
// 2026-12-08 02:50-02:57, the CLI's V8 optimizing compiler without inlining (bin/bundle-loader.cjs,
// optimizeWithoutInlining; caches still accepted): ~0.4 s of the engine's cold CPU was TurboFan in
// background threads (wall +0.37 s in-process with --no-concurrent-recompilation), routeFinding compiled
// three times, visit, hopOf and others twice, each with its helpers inlined. `nice node bench/audit.mjs
// --reps 5`, three runs, load 1.5-1.9 on 2 CPUs: YAML audit 1,896 / 1,878 / 1,941 ms wall, 2,510 / 2,500 /
// 2,570 ms CPU against the floor's 1,106 / 1,064 / 1,093 and 1,310 / 1,250 / 1,300 (1.71x / 1.77x /
// 1.78x wall, 1.92x / 2.00x / 1.98x CPU: the target met, no margin), loader + engine step (plain node,
// inlining on) 2,310-2,410, peak RSS 282-285 MB, JSON List 5.56-5.63x wall. main's build alternated 6
// times (load 1.2-1.6): 2,920 -> 2,700 ms CPU, 2,090 -> 2,030 wall. In-process engine with the flag:
// 1,075-1,245 ms CPU by load. Tried without gain: one frozen array per distinct set of a rule's pattern
// levels (24,100 rules, 3 distinct; ~9 MB less promoted, CPU the same), common words looked up by
// length and first character, stdout written by fs.writeSync (no external-memory mark-compacts in the
// render, CPU the same), path findings' parts without spreads (routeFinding still deoptimized), V8's
// interrupt budget x2/x4; --no-use-osr saved ~60 ms (noise) but would leave a long single loop unoptimized.
// 2026-12-08 03:06, the flag set only once the audit's pack loads (WITHOUT_INLINING_FROM; set at start
// it cost every command 2-4 ms CPU), medians of 5, load 1.2-1.5: 1,913 ms wall / 2,550 CPU against the
// floor's 1,077 / 1,260 (1.78x wall, 2.02x CPU), peak RSS 298 MB, JSON List 5.49x wall.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dump } from "js-yaml";
import { argValue, hasFlag, loadAverage, median, timeChild } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(argValue("--reps", "3"));
const NAMESPACES = 2000;
const NAMESPACES_PER_FILE = 100;
const APPS_PER_NAMESPACE = 11;

// --- the snapshot -------------------------------------------------------------------------------
const rbac = "rbac.authorization.k8s.io/v1";
const labels = (app) => ({ "app.kubernetes.io/name": app });

function namespaceObjects(index) {
  const ns = `team-${String(index).padStart(4, "0")}`;
  const objects = [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } }];
  for (let app = 0; app < APPS_PER_NAMESPACE; app++) {
    const name = `app-${app}`;
    objects.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns } });
    objects.push({
      apiVersion: rbac,
      kind: "Role",
      metadata: { name, namespace: ns, labels: labels(name) },
      rules: [
        { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
        { apiGroups: [""], resources: ["secrets"], resourceNames: [`${name}-tls`], verbs: ["get"] },
      ],
    });
    objects.push({
      apiVersion: rbac,
      kind: "RoleBinding",
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
    });
  }
  // The team edits its namespace; app-0 also deploys; someone bound the default ServiceAccount.
  objects.push({
    apiVersion: rbac,
    kind: "Role",
    metadata: { name: "deployer", namespace: ns },
    rules: [{ apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["get", "list", "create", "update", "patch"] }],
  });
  objects.push({
    apiVersion: rbac,
    kind: "RoleBinding",
    metadata: { name: "deployer", namespace: ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "deployer" },
    subjects: [{ kind: "ServiceAccount", name: "app-0", namespace: ns }],
  });
  objects.push({
    apiVersion: rbac,
    kind: "RoleBinding",
    metadata: { name: "team-edit", namespace: ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
    subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `${ns}-developers` }],
  });
  objects.push({
    apiVersion: rbac,
    kind: "RoleBinding",
    metadata: { name: "default-view", namespace: ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subjects: [{ kind: "ServiceAccount", name: "default", namespace: ns }],
  });
  return objects;
}

function clusterObjects() {
  const objects = [];
  for (let index = 0; index < 100; index++) {
    const name = `operator-${index}`;
    objects.push({
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name, labels: labels(name) },
      rules: [
        { apiGroups: [""], resources: ["secrets", "configmaps"], verbs: ["get", "list", "watch"] },
        { apiGroups: [`${name}.example.com`], resources: ["*"], verbs: ["*"] },
      ],
    });
    objects.push({
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: "operators" }],
    });
  }
  return objects;
}

function generate(dir) {
  mkdirSync(join(dir, "yaml"));
  const all = clusterObjects();
  writeFileSync(join(dir, "yaml", "cluster.yaml"), all.map((object) => dump(object)).join("---\n"));
  for (let first = 0; first < NAMESPACES; first += NAMESPACES_PER_FILE) {
    const objects = [];
    for (let index = first; index < first + NAMESPACES_PER_FILE; index++) objects.push(...namespaceObjects(index));
    all.push(...objects);
    writeFileSync(join(dir, "yaml", `namespaces-${String(first).padStart(4, "0")}.yaml`), objects.map((object) => dump(object)).join("---\n"));
  }
  // Indented like `kubectl get -o json`, and once more on one line (what JSON.stringify and many tools write).
  writeFileSync(join(dir, "list.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: all }, null, 2));
  writeFileSync(join(dir, "list-one-line.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: all }));
  return all.length;
}

// --- measuring ----------------------------------------------------------------------------------
// The report (tens of MB) is not kept: only its cost counts.
const measure = ([command, ...args]) => timeChild(command, args, { cwd: root, stdout: "ignore" });

// Measure the current sources as they ship: `npm run build` (tsc, then the CLI bundle when the build
// makes one); the audit runs through bench/run-bundled.cjs, as bin/saprobe.js runs an installed package.
const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) throw new Error(`npm run build exited ${build.status}`);
const bundled = existsSync(join(root, "dist/bundle/main.cjs"));
const dir = mkdtempSync(join(tmpdir(), "saprobe-bench-audit-"));
const objects = generate(dir);
const yamlDir = join(dir, "yaml");
const yamlFiles = readdirSync(yamlDir).map((name) => join(yamlDir, name));
const yamlBytes = yamlFiles.reduce((sum, file) => sum + statSync(file).size, 0);
const largestYaml = Math.max(...yamlFiles.map((file) => statSync(file).size));
const listFile = join(dir, "list.json");
const listBytes = statSync(listFile).size;
console.log(
  `snapshot: ${objects} objects, ${NAMESPACES} namespaces; YAML ${(yamlBytes / 1e6).toFixed(1)} MB in ${yamlFiles.length} files (largest ${(largestYaml / 2 ** 20).toFixed(2)} MiB); JSON List ${(listBytes / 1e6).toFixed(1)} MB`,
);

const node = process.execPath;
const bin = bundled ? join(root, "bench/run-bundled.cjs") : join(root, "bin/saprobe.js");
const jsYaml = join(root, "node_modules/js-yaml/index.js");
const yamlFloor = `import { loadAll } from ${JSON.stringify(jsYaml)}; import { readFileSync, readdirSync } from "node:fs"; const kept = []; for (const name of readdirSync(${JSON.stringify(yamlDir)}).sort()) kept.push(...loadAll(readFileSync(${JSON.stringify(yamlDir)} + "/" + name, "utf8"))); if (kept.length !== ${objects}) process.exit(9);`;
const jsonFloor = `import { readFileSync } from "node:fs"; const list = JSON.parse(readFileSync(${JSON.stringify(listFile)}, "utf8")); if (list.items.length !== ${objects}) process.exit(9);`;
// Breakdown steps: the manifest loader alone, then loader + audit engine without any report.
const dist = (path) => JSON.stringify(join(root, "dist", path));
const loaderOnly = `import { loadManifests } from ${dist("manifests/index.js")}; const { snapshot } = await loadManifests([${JSON.stringify(yamlDir)}]); if (snapshot.roleBindings.length === 0) process.exit(9);`;
const loaderAndEngine = `import { loadManifests } from ${dist("manifests/index.js")}; import { auditSnapshot, loadCatalogue } from ${dist("audit/index.js")}; const catalogue = loadCatalogue(); const { snapshot } = await loadManifests([${JSON.stringify(yamlDir)}]); const findings = auditSnapshot(snapshot, catalogue, { mode: "offline" }); if (findings.length === 0) process.exit(9);`;
const variants = {
  "floor: js-yaml loadAll": [node, "--input-type=module", "-e", yamlFloor],
  "step: loadManifests only": [node, "--input-type=module", "-e", loaderOnly],
  "step: loadManifests + audit engine": [node, "--input-type=module", "-e", loaderAndEngine],
  "saprobe audit --manifests DIR": [node, bin, "audit", "--manifests", yamlDir, "-o", "json", "--fail-on", "critical"],
  "floor: JSON.parse": [node, "--input-type=module", "-e", jsonFloor],
  "saprobe audit --manifests list.json": [
    node,
    bin,
    "audit",
    "--manifests",
    listFile,
    "-o",
    "json",
    "--fail-on",
    "critical",
    "--max-file-bytes",
    String(256 * 2 ** 20),
  ],
};

// One run with the report kept, to show the audit did real work.
const check = spawnSync(node, variants["saprobe audit --manifests DIR"].slice(1), { cwd: root, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
const report = JSON.parse(check.stdout);
console.log(
  `audit exit ${check.status}; findings by severity ${JSON.stringify(report.summary.findings)}; ${report.findings.length} findings in total; report ${(check.stdout.length / 1e6).toFixed(1)} MB`,
);
console.log(
  `the audit runs ${bundled ? "the CLI bundle, dist/bundle/main.cjs" : "bin/saprobe.js (no bundle was built)"}; the breakdown steps import tsc's dist/`,
);
// What printing that report costs by itself: the same report object rendered as the json renderer
// does and encoded as stdout.write does, CPU timed around just that, in a process of its own.
const reportFile = join(dir, "report.json");
writeFileSync(reportFile, check.stdout);
const writeCost = `import { readFileSync } from "node:fs"; const report = JSON.parse(readFileSync(${JSON.stringify(reportFile)}, "utf8")); const before = process.cpuUsage(); const text = JSON.stringify(report, null, 2) + "\\n"; const bytes = Buffer.from(text, "utf8"); const spent = process.cpuUsage(before); if (bytes.length === 0) process.exit(9); console.log(((spent.user + spent.system) / 1000).toFixed(1));`;
const reportWriteMs = median(
  Array.from({ length: Math.max(reps, 3) }, () => Number(spawnSync(node, ["--input-type=module", "-e", writeCost], { encoding: "utf8" }).stdout)),
);

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const [name, args] of Object.entries(variants)) {
    const sample = measure(args);
    if (sample.status !== 0) throw new Error(`${name} exited ${sample.status}: ${sample.stderr.slice(0, 2000)}`);
    samples[name].push(sample);
  }
}
const summary = Object.fromEntries(
  Object.entries(samples).map(([name, list]) => [
    name,
    { ms: median(list.map((s) => s.ms)), cpuMs: median(list.map((s) => s.cpuMs)), rssMb: median(list.map((s) => s.rssMb)) },
  ]),
);
for (const [name, value] of Object.entries(summary)) {
  console.log(
    `${name.padEnd(40)} wall ${value.ms.toFixed(0).padStart(6)} ms   cpu ${value.cpuMs.toFixed(0).padStart(6)} ms   peak RSS ${value.rssMb.toFixed(0).padStart(5)} MB`,
  );
}
const ratio = (audit, floor, key) => (summary[audit][key] / summary[floor][key]).toFixed(2);
console.log(
  `ratio YAML audit / js-yaml floor: wall ${ratio("saprobe audit --manifests DIR", "floor: js-yaml loadAll", "ms")}x, cpu ${ratio("saprobe audit --manifests DIR", "floor: js-yaml loadAll", "cpuMs")}x (target <= 2x)`,
);
console.log(
  `ratio JSON audit / JSON.parse floor: wall ${ratio("saprobe audit --manifests list.json", "floor: JSON.parse", "ms")}x, cpu ${ratio("saprobe audit --manifests list.json", "floor: JSON.parse", "cpuMs")}x (target <= 2x)`,
);
console.log(`load average during the run: ${loadAverage()}`);
// The lower bound: no audit that prints this report can cost less than its floor plus writing it.
const bound = (floor) => ((summary[floor].cpuMs + reportWriteMs) / summary[floor].cpuMs).toFixed(2);
console.log(
  `writing the ${(check.stdout.length / 1e6).toFixed(0)} MB report alone (JSON.stringify + UTF-8): cpu ${reportWriteMs.toFixed(0)} ms, so any audit printing it costs at least ${bound("floor: js-yaml loadAll")}x the js-yaml floor and ${bound("floor: JSON.parse")}x the JSON.parse floor (cpu)`,
);
// The one-line JSON List once, outside the medians: the loader's JSON path is slow on it (see the report).
const oneLine = join(dir, "list-one-line.json");
const oneLineFloor = measure([node, "--input-type=module", "-e", jsonFloor.replace(JSON.stringify(listFile), JSON.stringify(oneLine))]);
const oneLineAudit = measure([node, bin, "audit", "--manifests", oneLine, "-o", "json", "--fail-on", "critical", "--max-file-bytes", String(256 * 2 ** 20)]);
console.log(
  `one-line JSON List (${(statSync(oneLine).size / 1e6).toFixed(1)} MB), single run: JSON.parse wall ${oneLineFloor.ms.toFixed(0)} ms cpu ${oneLineFloor.cpuMs.toFixed(0)} ms; audit wall ${oneLineAudit.ms.toFixed(0)} ms cpu ${oneLineAudit.cpuMs.toFixed(0)} ms (${(oneLineAudit.cpuMs / oneLineFloor.cpuMs).toFixed(1)}x cpu)`,
);
console.log(
  `peak RSS of the audit: ${Math.max(summary["saprobe audit --manifests DIR"].rssMb, summary["saprobe audit --manifests list.json"].rssMb).toFixed(0)} MB (target < 1536 MB)`,
);
if (!hasFlag("--keep")) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
