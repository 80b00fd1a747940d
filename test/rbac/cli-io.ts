import { Readable, Writable } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { CommandIo } from "../../src/cli/command.js";

/** Runs `saprobe ARGS` in-process from the repository root; returns exit code, stdout and stderr. */
export async function runCli(argv: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const io: CommandIo = {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stdin: Readable.from([Buffer.from(stdin)]),
    env: { HOME: "/nonexistent" },
    cwd: new URL("../..", import.meta.url).pathname,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
