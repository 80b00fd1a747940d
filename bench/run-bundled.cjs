// saprobe's CLI from the bundle (dist/bundle/main.cjs), as bin/saprobe.js runs it in an installed
// package. bench/run-suite.mjs runs this instead of bin/saprobe.js because in a shared checkout a
// plain `tsc` by someone else mid-benchmark makes bin/saprobe.js fall back to tsc's output.
"use strict";
require("../dist/bundle/main.cjs")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
