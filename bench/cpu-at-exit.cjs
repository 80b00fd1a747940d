// Preloaded (`node --require bench/cpu-at-exit.cjs ...`) by bench/who-can-live.mjs: at exit, writes the
// process's CPU time (user + system, all its threads, in microseconds: GNU time rounds to 10 ms, too
// coarse for a run of 100 ms) on a last stderr line the bench reads and removes.
"use strict";
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nsaprobe-bench-cpu ${user + system}\n`);
});
