// The CLI bundle loaded without its V8 code caches: the row next to the shipped entry point
// (bench/run-bundled.cjs) that shows what the caches save. Started the same way, so only the caches differ.
"use strict";
const loader = require("../bin/bundle-loader.cjs");

loader.compileWebAssemblyWithBaselineOnly();
loader
  .loadBundle({ ignoreCache: true })
  .exports.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
