#!/usr/bin/env node
// Benchmark: loadManifests (parse + limits + ajv validation + typed objects with source lines) on a
// generated 76,000-object snapshot, side by side in the same process with the floors, interleaved,
// medians printed as ratios (the audit issue's target: within 2x of the floor):
//   YAML: one multi-document file vs reading it + js-yaml loadAll;
//   JSON: the same objects as a pretty and as a one-line `kind: List` vs reading it + JSON.parse.
// Needs `npm run build` first (uses dist/). Usage: node bench/loader.mjs [--reps N] [--objects N]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsYaml from "js-yaml";
import { loadManifests } from "../dist/manifests/index.js";
import { argValue, median } from "./lib.mjs";

const reps = Number(argValue("--reps", "5"));
const dir = mkdtempSync(join(tmpdir(), "saprobe-bench-"));
const yamlFile = join(dir, "big.yaml");
execFileSync("node", [new URL("./generate-large.mjs", import.meta.url).pathname, yamlFile, argValue("--objects", "76000")]);
const list = { apiVersion: "v1", kind: "List", items: jsYaml.loadAll(readFileSync(yamlFile, "utf8")) };
const prettyFile = join(dir, "pretty.json");
const compactFile = join(dir, "compact.json");
writeFileSync(prettyFile, JSON.stringify(list, null, 2));
writeFileSync(compactFile, JSON.stringify(list));

const cases = [
  { name: "YAML multi-document", file: yamlFile, floorName: "js-yaml loadAll", floor: (text) => jsYaml.loadAll(text) },
  { name: "JSON List, pretty", file: prettyFile, floorName: "JSON.parse", floor: (text) => JSON.parse(text) },
  { name: "JSON List, one line", file: compactFile, floorName: "JSON.parse", floor: (text) => JSON.parse(text) },
];
for (const { name, file, floorName, floor } of cases) {
  const floorTimes = [];
  const ourTimes = [];
  for (let round = 0; round < reps; round++) {
    let started = performance.now();
    floor(readFileSync(file, "utf8"));
    floorTimes.push(performance.now() - started);
    started = performance.now();
    await loadManifests([file], { maxFileBytes: 64 << 20 });
    ourTimes.push(performance.now() - started);
  }
  console.log(
    `${name}: floor (read + ${floorName}) ${median(floorTimes).toFixed(0)} ms; loadManifests ${median(ourTimes).toFixed(0)} ms; ratio ${(median(ourTimes) / median(floorTimes)).toFixed(2)} (medians of ${reps})`,
  );
}
