// saprobe's CLI from the bundle (dist/bundle/main.cjs, with its code cache), as bin/saprobe.js runs it in an installed
// package. bench/run-suite.mjs runs this instead of bin/saprobe.js because in a shared checkout a
// plain `tsc` by someone else mid-benchmark makes bin/saprobe.js fall back to tsc's output.
"use strict";
require("../bin/bundle-loader.cjs")
  .loadBundle()
  .exports.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
