/**
 * Starts timing: the function returned gives the whole milliseconds since then (rounded), on the
 * monotonic clock. `process.hrtime`, not the global `performance`: its first use loads node:perf_hooks
 * and eight modules of its own, about 1 ms of every `run`'s start (bench/startup.mjs).
 */
export function startStopwatch(): () => number {
  const started = process.hrtime.bigint();
  return () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
}
