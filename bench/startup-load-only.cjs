// bench/startup.mjs's row "bundle loaded, main not run": what bin/saprobe.js does before main runs
// (the V8 flag, then the loader reads, compiles with its code cache and runs main.cjs and the chunks it
// needs at start) and nothing else: what having saprobe's code costs before any command does its work.
"use strict";
require("node:v8").setFlagsFromString("--liftoff-only");
require("../bin/bundle-loader.cjs").loadBundle();
