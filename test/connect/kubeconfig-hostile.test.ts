import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubeconfigCandidates, loadKubeconfigs } from "../../src/connect/kubeconfig/load.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { InputError } from "../../src/model/errors.js";
import { tempDir, writeAt } from "./temp-files.js";

const kubeconfig = (cluster: string): string =>
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: c",
    "  cluster:",
    cluster,
    "contexts:",
    "- name: x",
    "  context: {cluster: c, user: u}",
    "current-context: x",
    "users:",
    "- name: u",
    "  user: {token: t}",
    "",
  ].join("\n");

async function loadError(content: string | Buffer): Promise<InputError> {
  const root = tempDir();
  const file = join(root, "config");
  writeFileSync(file, content);
  const error = await loadKubeconfigs(kubeconfigCandidates({ explicit: file, env: {}, cwd: root })).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).file).toBe(file);
  return error as InputError;
}

describe("kubeconfigs that give a key twice", () => {
  it("take the last value, as kubectl does, and the connection warns with file:line:column", async () => {
    const root = tempDir();
    const file = writeAt(root, "config", kubeconfig("    server: https://first:6443\n    server: https://last:6443"));
    const connection = await resolveConnection({ overrides: {}, kubeconfig: file, env: {}, cwd: root, requestTimeoutMs: 1000 });
    expect(connection.server).toBe("https://last:6443");
    expect(connection.warnings).toEqual([`${file}:7:5: duplicate key "server": the last value is used, as kubectl does`]);
  });

  it("list at most five duplicates per file, then a count", async () => {
    const root = tempDir();
    const repeated = Array.from({ length: 8 }, (_, index) => `    server: https://s${index}:6443`).join("\n");
    const file = writeAt(root, "config", kubeconfig(repeated));
    const loaded = await loadKubeconfigs(kubeconfigCandidates({ explicit: file, env: {}, cwd: root }));
    expect(loaded.warnings).toHaveLength(6);
    expect(loaded.warnings[5]).toBe(`${file}: 2 more duplicate key(s)`);
  });
});

describe("hostile kubeconfigs are input errors naming the file and the line", () => {
  it("an alias bomb, at its first alias", async () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 6 }, (_, index) => `${"bcdefg"[index]}: &${"bcdefg"[index]} [${Array(10).fill(`*${"abcdef"[index]}`).join(", ")}]`),
    ].join("\n");
    const error = await loadError(bomb);
    expect([error.line, error.column]).toEqual([2, 8]);
    expect(error.message).toMatch(/alias bomb/);
  });

  it("deep nesting, without a stack overflow message", async () => {
    const error = await loadError(`a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`);
    expect(error.message).toBe("not valid YAML: nested deeper than 64 levels");
    expect(error.line).toBe(1);
  });

  it("invalid UTF-8, with the byte offset", async () => {
    const error = await loadError(Buffer.concat([Buffer.from(kubeconfig("    server: https://k:6443")), Buffer.from("x: \xff\n", "latin1")]));
    expect(error.message).toMatch(/is not valid UTF-8: bad byte sequence \(ff 0a\) at byte offset \d+/);
    expect(error.line).toBe(14);
  });

  it("a file over 16 MiB, before parsing it", async () => {
    const started = Date.now();
    const error = await loadError(`a: [${"1,".repeat(8.5 * 1024 * 1024)}1]\n`);
    expect(error.message).toBe("is 17.0 MiB, larger than the limit (16 MiB) for kubeconfigs");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("but UTF-16 with a byte order mark is read, as kubectl reads it", async () => {
    const root = tempDir();
    const file = join(root, "config");
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(kubeconfig("    server: https://utf16:6443"), "utf16le")]));
    const connection = await resolveConnection({ overrides: {}, kubeconfig: file, env: {}, cwd: root, requestTimeoutMs: 1000 });
    expect(connection.server).toBe("https://utf16:6443");
  });
});
