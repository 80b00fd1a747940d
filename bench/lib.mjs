// What every benchmark here shares: its command-line options, the median, and one timed child
// process (wall time, CPU time and peak RSS). CPU time (user + system) comes from GNU time when it is
// installed: on a shared, busy machine it is steadier than wall time, and it is what a run really costs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** The value after `name` on the command line (`--reps 5`), or `fallback`. */
export function argValue(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

/** Whether `name` is on the command line (`--keep`). */
export function hasFlag(name) {
  return process.argv.includes(name);
}

/** The median (the mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** True when GNU time is installed: without it, CPU time and peak RSS are NaN. */
export const gnuTime = existsSync("/usr/bin/time");

const MARK = "saprobe-bench-time";

/**
 * Runs `command args` once and times it: `ms` wall (measured here), `cpuMs` user + system and `rssMb`
 * peak resident set size (from GNU time), its exit `status`, `stdout` (unless `stdout: "ignore"`, for
 * outputs too big to keep) and `stderr` without GNU time's line.
 */
export function timeChild(command, args, options = {}) {
  const { stdout = "pipe", ...spawnOptions } = options;
  const started = process.hrtime.bigint();
  const result = spawnSync(gnuTime ? "/usr/bin/time" : command, gnuTime ? ["-f", `${MARK} %U %S %M`, command, ...args] : args, {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    ...spawnOptions,
    stdio: [spawnOptions.input === undefined ? "ignore" : "pipe", stdout, "pipe"],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw result.error;
  const stderr = result.stderr ?? "";
  const line = new RegExp(`${MARK} ([\\d.]+) ([\\d.]+) (\\d+)\\s*$`).exec(stderr);
  return {
    ms,
    cpuMs: line ? (Number(line[1]) + Number(line[2])) * 1000 : Number.NaN,
    rssMb: line ? Number(line[3]) / 1024 : Number.NaN,
    // GNU time exits with the command's status (or 128 + signal).
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: line ? stderr.slice(0, line.index) : stderr,
  };
}

/** `4.2 3.9 3.1 on 2 CPUs`: the load the figures were measured under (the machine is shared). */
export function loadAverage() {
  return `${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")} on ${cpus().length} CPUs`;
}
