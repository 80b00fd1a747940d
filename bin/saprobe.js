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

// Keeps V8 from compiling undici's WebAssembly HTTP parser with its optimizing tier (see there why).
// No V8 flag is set for the whole process at start: the bundle's code cache is made without any.
const loader = require("./bundle-loader.cjs");
loader.compileWebAssemblyWithBaselineOnly();

const at = (path) => join(__dirname, path);
const modified = (path) => statSync(at(path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = !existsSync(at("../src")) || modified("../dist/bundle/main.cjs") >= modified("../dist/cli/main.js");
// The bundle is loaded with its V8 code cache (./bundle-loader.cjs); from the audit's pack on, V8's
// optimizing compiler works without inlining (see WITHOUT_INLINING_FROM why).
const cli = bundled ? Promise.resolve(loader.loadBundle({ withoutInliningFrom: loader.WITHOUT_INLINING_FROM }).exports) : import("../dist/cli/main.js");

cli
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
