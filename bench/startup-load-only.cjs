// bench/startup.mjs's floor rows: what bin/saprobe.js does before main runs (WebAssembly compiled by V8's
// baseline compiler, then the loader reads, compiles with its code cache and runs main.cjs's pack of the chunks it needs at start), and
// nothing else; with an argument, more of the bundle the same way:
//   client  also the kube client's pack (with the undici files the bundle takes): what every live command loads
//   all     every pack (6.6 MB: a chunk several commands share is in each of their packs)
// Add --no-cache to load without the code caches. Preloaded (`node --require` it before another script),
// it reads which from SAPROBE_LOAD_ONLY instead (bench/live-scale.mjs's "floor + kube client" row).
"use strict";
const { readdirSync } = require("node:fs");
const { loadBundle, compileWebAssemblyWithBaselineOnly, BUNDLE_DIR } = require("../bin/bundle-loader.cjs");

compileWebAssemblyWithBaselineOnly();

const { loader } = loadBundle({ ignoreCache: process.argv.includes("--no-cache") });
const which = process.env.SAPROBE_LOAD_ONLY ?? process.argv[2];
const packs = readdirSync(BUNDLE_DIR).filter((name) => name.endsWith(".cjs"));
if (which === "client") loader.load(packs.find((name) => /^client-\w+\.cjs$/.test(name)));
if (which === "all") for (const name of packs) loader.load(name);
