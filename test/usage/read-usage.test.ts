import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/model/errors.js";
import { expandLogPaths, readLogLines, readUsage, type UsageQuery } from "../../src/usage/index.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const LOG = "fixtures/usage/audit.log";
const RUNNER = "system:serviceaccount:ci:runner";

async function read(files: string[], query: Partial<UsageQuery> = {}, stdin?: NodeJS.ReadableStream, maxLineBytes?: number) {
  return readUsage(readLogLines(files, { cwd: ROOT, ...(stdin ? { stdin } : {}), ...(maxLineBytes ? { maxLineBytes } : {}) }), { identities: [], ...query });
}

function temp(): string {
  return mkdtempSync(join(tmpdir(), "saprobe-usage-"));
}

describe("readUsage over audit log lines", () => {
  it("counts each request once per identity, every ServiceAccount by default, and names lines that are not events", async () => {
    const result = await read([LOG]);
    expect([...result.identities.keys()].sort()).toEqual([RUNNER, "system:serviceaccount:monitoring:scraper"]);
    const runner = result.identities.get(RUNNER);
    const pods = [...(runner?.requests.values() ?? [])].find(
      (tally) => tally.attributes.resourceRequest && tally.attributes.verb === "list" && tally.attributes.resource === "pods",
    );
    // Two ResponseComplete events; the RequestReceived one is not a second request.
    expect(pods).toMatchObject({ count: 2, denied: 0, firstText: "2026-12-07T03:01:00.000000Z", lastText: "2026-12-07T03:05:00.000000Z" });
    const watch = [...(runner?.requests.values() ?? [])].find((tally) => tally.attributes.verb === "watch");
    // ResponseStarted and ResponseComplete of one watch: one request.
    expect(watch?.count).toBe(1);
    expect(result.log.malformed).toBe(2);
    expect(result.log.malformedAt).toEqual([`${LOG}:25: not an audit.k8s.io Event`, expect.stringMatching(new RegExp(`^${LOG}:26: not JSON`))]);
  });

  it("keeps only the identities asked, and only the window", async () => {
    const alice = await read([LOG], { identities: ["alice"] });
    expect([...alice.identities.keys()]).toEqual(["alice"]);
    const early = await read([LOG], { identities: ["alice"], until: Date.parse("2026-12-07T04:00:00Z") });
    expect(early.identities.size).toBe(0);
    const late = await read([LOG], { since: Date.parse("2026-12-07T03:08:30Z") });
    expect([...late.identities.keys()]).toEqual(["system:serviceaccount:monitoring:scraper"]);
    expect(late.log.first).toBe("2026-12-07T03:09:00.000000Z");
  });

  it("reads a folder of rotated files, gzip told by its bytes, and stdin, to the same counts", async () => {
    const text = readFileSync(join(ROOT, LOG));
    const folder = temp();
    const half = text.indexOf("\n", Math.floor(text.length / 2)) + 1;
    writeFileSync(join(folder, "audit-2026-12-07T03-00.log.gz"), gzipSync(text.subarray(0, half)));
    writeFileSync(join(folder, "audit.log"), text.subarray(half));
    const files = await expandLogPaths([folder], ROOT);
    expect(files).toHaveLength(2);
    const plain = await read([LOG]);
    const rotated = await read(files);
    const piped = await read(["-"], {}, Readable.from([gzipSync(text)]));
    for (const other of [rotated, piped]) {
      expect(other.log.counted).toBe(plain.log.counted);
      expect(other.identities.get(RUNNER)?.requests.size).toBe(plain.identities.get(RUNNER)?.requests.size);
    }
  });

  it("stops at a truncated gzip with an InputError naming the file and the last whole line", async () => {
    const file = join(temp(), "audit.log.gz");
    const zipped = gzipSync(readFileSync(join(ROOT, LOG)));
    writeFileSync(file, zipped.subarray(0, zipped.length - 40));
    const error = await read([file]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(file);
    expect((error as InputError).message).toMatch(/gzip stream is truncated or corrupt after line \d+/);
  });

  it("counts a line longer than the limit as a bad line without keeping it", async () => {
    const file = join(temp(), "audit.log");
    const event = readFileSync(join(ROOT, LOG), "utf8").split("\n")[1] as string;
    writeFileSync(file, `${event}\n${"x".repeat(5000)}\n${event}\n`);
    const result = await read([file], {}, undefined, 4096);
    expect(result.log.malformed).toBe(1);
    expect(result.log.malformedAt[0]).toBe(`${file}:2: line longer than the limit`);
    expect(result.log.events).toBe(2);
  });

  it("stops when its signal is aborted", async () => {
    const controller = new AbortController();
    const batches = readLogLines([LOG], { cwd: ROOT, signal: controller.signal });
    controller.abort();
    await expect(readUsage(batches, { identities: [] })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("names a missing path", async () => {
    await expect(expandLogPaths(["no/such/audit.log"], ROOT)).rejects.toMatchObject({ message: "no such file or directory", file: "no/such/audit.log" });
  });
});
