// saprobe's CLI from the bundle (dist/bundle/*.cjs, with their code caches), as bin/saprobe.js runs it in
// an installed package. bench/run-suite.mjs runs this instead of bin/saprobe.js because in a shared
// checkout a plain `tsc` by someone else mid-benchmark makes bin/saprobe.js fall back to tsc's output.
"use strict";
const loader = require("../bin/bundle-loader.cjs");

// As bin/saprobe.js does first (see there why).
loader.compileWebAssemblyWithBaselineOnly();
loader
  .loadBundle({ withoutInliningFrom: loader.WITHOUT_INLINING_FROM })
  .exports.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
