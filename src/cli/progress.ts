import type { CommandIo } from "./command.js";

/** Progress of a long run (audits of big clusters, many contexts), for a person watching. */
export interface Progress {
  /** Reports that `done` of `total` steps are finished; `label` names the current one. */
  update(done: number, total: number, label: string): void;
  /** Clears the progress line, so the report that follows starts on a clean line. */
  finish(): void;
}

const QUIET: Progress = { update() {}, finish() {} };

/**
 * A one-line progress display on stderr when stderr is a terminal, and nothing otherwise (pipes,
 * CI logs, files stay clean). Redraws at most every `intervalMs`, so a fast loop costs nothing.
 * Labels are printed as given: pass names, never secrets.
 */
export function progressFor(io: Pick<CommandIo, "stderr">, options: { intervalMs?: number; now?: () => number } = {}): Progress {
  if (!io.stderr.isTTY) return QUIET;
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, total, label) {
      const time = now();
      if (time - lastDraw < intervalMs && done < total) return;
      lastDraw = time;
      drawn = true;
      // Control characters in a label could move the cursor; show them as '?'.
      const safe = label.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?").slice(0, 60);
      io.stderr.write(`\r\u001b[2Ksaprobe: ${done}/${total} ${safe}`);
    },
    finish() {
      if (drawn) io.stderr.write("\r\u001b[2K");
      drawn = false;
    },
  };
}
