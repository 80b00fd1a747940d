// bench/startup.mjs's row "bundle loaded, main not run": bin's loader reads and compiles the CLI
// bundle (with its V8 code cache) and runs its top level, and nothing else: what having saprobe's code
// costs before any command does its work.
"use strict";
require("../bin/bundle-loader.cjs").loadBundle();
