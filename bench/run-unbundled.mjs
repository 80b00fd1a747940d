// saprobe's CLI from tsc's per-file output (dist/cli/main.js), as bin/saprobe.js ran it before the
// bundle: bench/run-suite.mjs runs it beside the bundled CLI to show what the bundle saves.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
