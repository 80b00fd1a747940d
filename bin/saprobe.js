#!/usr/bin/env node
// The installed entry point. All logic, including the exit code, lives in main().
//
// `npm run build` writes the CLI twice: dist/cli/ (tsc, one ES module per source file; also the
// library) and dist/bundle/ (scripts/bundle.mjs: the same sources as a few CommonJS chunks, which
// start much faster). This file is CommonJS too (bin/package.json), so a bundled run never starts
// Node's ES module loader. An installed package (no src/) always runs the bundle. In a checkout, a
// plain `tsc` after the build leaves the bundle behind the sources, so there it runs only when it is
// at least as new as tsc's output.
"use strict";
const { existsSync, statSync } = require("node:fs");
const { join } = require("node:path");

// Keeps V8 from re-compiling undici's WebAssembly HTTP parser (llhttp) with its optimizing tier in
// background threads: Node waits for them before it exits, which cost about 75 ms of CPU and a third
// of a second of wall time per live run on a loaded machine (one request with and without the flag);
// the baseline compiler's code parses a few small responses just as well. Set here, by the program,
// never by the library: the process is saprobe's only when it was started from this file. It comes
// first because V8 accepts the bundle's code cache only under the flags the cache was made with.
require("node:v8").setFlagsFromString("--liftoff-only");

const at = (path) => join(__dirname, path);
const modified = (path) => statSync(at(path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = !existsSync(at("../src")) || modified("../dist/bundle/main.cjs") >= modified("../dist/cli/main.js");
// The bundle is loaded with its V8 code cache (./bundle-loader.cjs).
const cli = bundled ? Promise.resolve(require("./bundle-loader.cjs").loadBundle().exports) : import("../dist/cli/main.js");

cli
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
