import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.js";

/** Runs the real CLI in-process with the given environment and working directory. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([]), env, cwd });
  return { code, stdout: out, stderr: err };
}
