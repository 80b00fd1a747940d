// The CLI bundle loaded by plain require(), without its V8 code cache: the row next to the shipped
// entry point (bench/run-bundled.cjs) that shows what the cache saves. Same V8 flag, so only the cache
// differs.
"use strict";
require("node:v8").setFlagsFromString("--liftoff-only");
require("../dist/bundle/main.cjs")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
