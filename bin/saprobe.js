#!/usr/bin/env node
// The installed entry point. All logic, including the exit code, lives in main().
//
// `npm run build` writes the CLI twice: dist/cli/ (tsc, one ES module per source file; also the
// library) and dist/bundle/main.cjs (scripts/bundle.mjs: the same sources in one CommonJS file, which
// starts much faster). This file is CommonJS too (bin/package.json), so a bundled run never starts
// Node's ES module loader. An installed package (no src/) always runs the bundle. In a checkout, a
// plain `tsc` after the build leaves the bundle behind the sources, so there it runs only when it is
// at least as new as tsc's output.
"use strict";
const { existsSync, statSync } = require("node:fs");
const { join } = require("node:path");

const at = (path) => join(__dirname, path);
const modified = (path) => statSync(at(path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = !existsSync(at("../src")) || modified("../dist/bundle/main.cjs") >= modified("../dist/cli/main.js");
// The bundle is loaded with its V8 code cache (./bundle-loader.cjs).
const cli = bundled ? Promise.resolve(require("./bundle-loader.cjs").loadBundle().exports) : import("../dist/cli/main.js");

cli.then(({ main }) => main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});
