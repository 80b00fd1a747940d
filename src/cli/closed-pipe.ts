import type { Writable } from "node:stream";

/**
 * The status a shell reports for a process that SIGPIPE ended (128 + 13). Node ignores SIGPIPE, so
 * saprobe exits with it by hand: `saprobe audit | head` then behaves like `cat file | head`.
 */
export const CLOSED_PIPE_STATUS = 141;

function isClosedPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

/**
 * Ends the process quietly when the reader of `stdout` goes away (`| head -3`, a closed pager),
 * instead of Node's unhandled `write EPIPE` stack trace. A closed stderr is ignored: there is
 * nobody left to tell. Any other write error is still thrown, as before.
 */
export function endQuietlyOnClosedPipe(stdout: Writable, stderr: Writable, exit: (status: number) => void): void {
  stdout.on("error", (error: unknown) => {
    if (!isClosedPipe(error)) throw error;
    exit(CLOSED_PIPE_STATUS);
  });
  stderr.on("error", (error: unknown) => {
    if (!isClosedPipe(error)) throw error;
  });
}
