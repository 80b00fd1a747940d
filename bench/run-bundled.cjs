// saprobe's CLI from the bundle (dist/bundle/*.cjs, with their code caches), as bin/saprobe.js runs it in
// an installed package. bench/run-suite.mjs runs this instead of bin/saprobe.js because in a shared
// checkout a plain `tsc` by someone else mid-benchmark makes bin/saprobe.js fall back to tsc's output.
"use strict";
// As bin/saprobe.js does first (see there why).
require("node:v8").setFlagsFromString("--liftoff-only");
require("../bin/bundle-loader.cjs")
  .loadBundle()
  .exports.main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
