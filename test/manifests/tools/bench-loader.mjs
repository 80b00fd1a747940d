#!/usr/bin/env node
// Benchmark: loadManifests (parse + limits + ajv validation + typed objects with source lines) on a
// generated 76,000-object multi-document YAML file, side by side in the same process with the floor:
// reading the file and js-yaml loadAll alone. Interleaved rounds, medians, printed as a ratio
// (the audit issue's target: within 2x of the floor). Needs `npm run build` first (uses dist/).
// Usage: node test/manifests/tools/bench-loader.mjs [--reps N] [--objects N]
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsYaml from "js-yaml";
import { loadManifests } from "../../../dist/manifests/index.js";

const argValue = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const reps = Number(argValue("--reps", "5"));
const file = join(mkdtempSync(join(tmpdir(), "saprobe-bench-")), "big.yaml");
execFileSync("node", [new URL("./generate-large.mjs", import.meta.url).pathname, file, argValue("--objects", "76000")]);

const floor = [];
const ours = [];
for (let round = 0; round < reps; round++) {
  let started = performance.now();
  jsYaml.loadAll(readFileSync(file, "utf8"));
  floor.push(performance.now() - started);
  started = performance.now();
  await loadManifests([file], { maxFileBytes: 64 << 20 });
  ours.push(performance.now() - started);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`floor (read + js-yaml loadAll): ${median(floor).toFixed(0)} ms; loadManifests: ${median(ours).toFixed(0)} ms; ratio ${(median(ours) / median(floor)).toFixed(2)} (medians of ${reps})`);
