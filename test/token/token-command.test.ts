import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { tokenCommand } from "../../src/cli/commands/token.js";
import { main } from "../../src/cli/main.js";

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd() }, out: () => out, err: () => err };
}

function mount(payload: Record<string, unknown>, namespace: string): { dir: string; token: string } {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-mount-"));
  const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJlLXNlY3JldA`;
  writeFileSync(join(dir, "token"), token);
  writeFileSync(join(dir, "namespace"), namespace);
  return { dir, token };
}

describe("saprobe token", () => {
  it("diagnoses a mount offline without printing the token, and exits 1 on a legacy token", async () => {
    const { dir, token } = mount({ iss: "kubernetes/serviceaccount", sub: "system:serviceaccount:a:b", "kubernetes.io/serviceaccount/namespace": "a", "kubernetes.io/serviceaccount/secret.name": "b-token-x" }, "other");
    const captured = io();
    const code = await main(["token", "--sa-dir", dir, "--offline"], captured.io, [tokenCommand]);
    expect(code).toBe(1);
    const out = captured.out();
    expect(out).toContain("kind:            legacy Secret-based");
    expect(out).toContain('PROBLEM: legacy Secret-based token (Secret "b-token-x")');
    expect(out).toContain('PROBLEM: the token\'s namespace claim "a" differs from the mount\'s namespace file "other"');
    expect(out + captured.err()).not.toContain(token.split(".")[1]);
    expect(out).not.toContain("c2lnbmF0dXJl");
  });

  it("prints JSON and exits 0 for a healthy bound token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { dir } = mount({ iss: "https://k", sub: "system:serviceaccount:a:b", aud: ["https://k"], exp: now + 3600, iat: now, "kubernetes.io": { namespace: "a", serviceaccount: { name: "b", uid: "u" } } }, "a");
    const captured = io();
    expect(await main(["token", "--token-file", join(dir, "token"), "--offline", "-o", "json"], captured.io, [tokenCommand])).toBe(0);
    const parsed = JSON.parse(captured.out()) as Record<string, unknown>;
    expect(parsed).toMatchObject({ kind: "bound", subject: "system:serviceaccount:a:b", problems: [], accepted: { state: "unknown" } });
  });

  it("names an unreadable token file (exit 2)", async () => {
    const captured = io();
    expect(await main(["token", "--token-file", "/nonexistent/token", "--offline"], captured.io, [tokenCommand])).toBe(2);
    expect(captured.err()).toContain("/nonexistent/token: cannot read the token file: ENOENT");
  });
});
