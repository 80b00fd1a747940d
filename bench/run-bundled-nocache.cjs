// The CLI bundle loaded without its V8 code caches: the row next to the shipped entry point
// (bench/run-bundled.cjs) that shows what the caches save. Same V8 flag, so only the caches differ.
"use strict";
require("node:v8").setFlagsFromString("--liftoff-only");
require("../bin/bundle-loader.cjs")
  .loadBundle({ ignoreCache: true })
  .exports.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
