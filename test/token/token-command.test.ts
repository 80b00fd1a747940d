import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const token = (...argv: string[]) => runCli(["token", ...argv], { env: {}, cwd: process.cwd() });

function mount(payload: Record<string, unknown>, namespace: string): { dir: string; token: string } {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-mount-"));
  const token = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJlLXNlY3JldA`;
  writeFileSync(join(dir, "token"), token);
  writeFileSync(join(dir, "namespace"), namespace);
  return { dir, token };
}

describe("saprobe token", () => {
  it("diagnoses a mount offline without printing the token, and exits 1 on a legacy token", async () => {
    const { dir, token: secret } = mount(
      {
        iss: "kubernetes/serviceaccount",
        sub: "system:serviceaccount:a:b",
        "kubernetes.io/serviceaccount/namespace": "a",
        "kubernetes.io/serviceaccount/secret.name": "b-token-x",
      },
      "other",
    );
    const { code, stdout: out, stderr } = await token("--sa-dir", dir, "--offline");
    expect(code).toBe(1);
    expect(out).toContain("kind:            legacy Secret-based");
    expect(out).toContain('PROBLEM: legacy Secret-based token (Secret "b-token-x")');
    expect(out).toContain('PROBLEM: the token\'s namespace claim "a" differs from the mount\'s namespace file "other"');
    expect(out + stderr).not.toContain(secret.split(".")[1]);
    expect(out).not.toContain("c2lnbmF0dXJl");
  });

  it("prints JSON and exits 0 for a healthy bound token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { dir } = mount(
      {
        iss: "https://k",
        sub: "system:serviceaccount:a:b",
        aud: ["https://k"],
        exp: now + 3600,
        iat: now,
        "kubernetes.io": { namespace: "a", serviceaccount: { name: "b", uid: "u" } },
      },
      "a",
    );
    const { code, stdout } = await token("--token-file", join(dir, "token"), "--offline", "-o", "json");
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ kind: "bound", subject: "system:serviceaccount:a:b", problems: [], accepted: { state: "unknown" } });
  });

  it("with no API server configured, says in one line that it did not ask, and still diagnoses (exit 0)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { dir } = mount(
      {
        iss: "https://k",
        sub: "system:serviceaccount:a:b",
        aud: ["https://k"],
        exp: now + 3600,
        iat: now,
        "kubernetes.io": { namespace: "a", serviceaccount: { name: "b", uid: "u" } },
      },
      "a",
    );
    const home = mkdtempSync(join(tmpdir(), "saprobe-home-"));
    const { code, stdout } = await runCli(["token", "--sa-dir", dir], { env: { HOME: home }, cwd: home });
    expect(code).toBe(0);
    const line = stdout.split("\n").find((text) => text.startsWith("server accepts:"));
    expect(line).toBe(
      "server accepts:  unknown: not asked: no usable connection to a Kubernetes API server (saprobe config view --explain says what was tried)",
    );
    expect(stdout).toContain("kind:            bound");
  });

  it("names an unreadable token file (exit 2)", async () => {
    const { code, stderr } = await token("--token-file", "/nonexistent/token", "--offline");
    expect(code).toBe(2);
    expect(stderr).toContain("/nonexistent/token: cannot read the token file: ENOENT");
  });
});
