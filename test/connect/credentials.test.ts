import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { execProvider } from "../../src/connect/credentials/exec.js";
import { tokenFileProvider } from "../../src/connect/credentials/token-file.js";
import type { AuthResult } from "../../src/connect/credentials/types.js";
import type { Credentials } from "../../src/connect/types.js";
import { connectionFor } from "../kube/connection-for.js";
import { tempDir } from "./temp-files.js";

type Exec = Extract<Credentials, { kind: "exec" }>;

function header(result: AuthResult): string | undefined {
  return result.ok ? result.material.headers.authorization?.reveal() : undefined;
}

function plugin(dir: string, body: string): string {
  const path = join(dir, "plugin.sh");
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function exec(command: string, extra: Partial<Exec> = {}): Exec {
  return {
    kind: "exec",
    apiVersion: "client.authentication.k8s.io/v1",
    command,
    args: [],
    env: [],
    interactiveMode: "Never",
    provideClusterInfo: false,
    ...extra,
  };
}

/** A plugin that prints token "t<N>" where N counts its runs (in a file), with an optional expiry. */
function countingPlugin(dir: string, expiry?: string): string {
  writeFileSync(join(dir, "count"), "0");
  const status = expiry ? `"token":"t$n","expirationTimestamp":"${expiry}"` : `"token":"t$n"`;
  return plugin(
    dir,
    `n=$(( $(cat ${dir}/count) + 1 )); echo $n > ${dir}/count\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{'"${status.replaceAll('"', '\\"')}"'}}'`,
  );
}

const runs = (dir: string) => Number(readFileSync(join(dir, "count"), "utf8").trim());

describe("token file credentials", () => {
  it("re-reads the file after a minute (trimmed) and keeps the last token if a re-read fails", async () => {
    const dir = tempDir();
    const file = join(dir, "token");
    writeFileSync(file, "first\n");
    let now = 1_000_000;
    const provider = tokenFileProvider(file, () => now);
    expect(header(await provider.get())).toBe("Bearer first");
    writeFileSync(file, "second");
    now += 30_000;
    expect(header(await provider.get())).toBe("Bearer first");
    now += 31_000;
    expect(header(await provider.get())).toBe("Bearer second");
    writeFileSync(file, "   ");
    now += 61_000;
    expect(header(await provider.get())).toBe("Bearer second");
  });

  it("fails with the path when the file cannot be read", async () => {
    const result = await tokenFileProvider("/nonexistent/token").get();
    expect(result).toEqual({ ok: false, message: "cannot read the token file /nonexistent/token: ENOENT" });
  });
});

describe("exec plugin credentials", () => {
  it("caches the credential until expirationTimestamp", async () => {
    const dir = tempDir();
    let now = Date.parse("2030-01-01T00:00:00Z");
    const provider = execProvider(exec(countingPlugin(dir, "2030-01-01T00:10:00Z")), connectionFor("https://k"), () => now);
    expect(header(await provider.get())).toBe("Bearer t1");
    expect(header(await provider.get())).toBe("Bearer t1");
    now = Date.parse("2030-01-01T00:10:01Z");
    expect(header(await provider.get())).toBe("Bearer t2");
    expect(runs(dir)).toBe(2);
  });

  it("re-runs once per credential after a 401", async () => {
    const dir = tempDir();
    const provider = execProvider(exec(countingPlugin(dir)), connectionFor("https://k"));
    expect(header(await provider.get())).toBe("Bearer t1");
    expect(provider.refreshAfterUnauthorized()).toBe(true);
    expect(header(await provider.get())).toBe("Bearer t2");
    expect(provider.refreshAfterUnauthorized()).toBe(true);
    expect(header(await provider.get())).toBe("Bearer t3");
    expect(runs(dir)).toBe(3);
  });

  it("runs the plugin once for concurrent requests", async () => {
    const dir = tempDir();
    const provider = execProvider(exec(countingPlugin(dir)), connectionFor("https://k"));
    const results = await Promise.all([provider.get(), provider.get(), provider.get()]);
    expect(results.map(header)).toEqual(["Bearer t1", "Bearer t1", "Bearer t1"]);
    expect(runs(dir)).toBe(1);
  });

  it("passes KUBERNETES_EXEC_INFO without cluster info unless asked, and the exec env", async () => {
    const dir = tempDir();
    const command = plugin(
      dir,
      `printf '%s' "$KUBERNETES_EXEC_INFO" > ${dir}/info\nprintf '%s' "$EXTRA" > ${dir}/extra\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"x"}}'`,
    );
    await execProvider(exec(command, { env: [{ name: "EXTRA", value: "v" }] }), connectionFor("https://k")).get();
    expect(JSON.parse(readFileSync(join(dir, "info"), "utf8"))).toEqual({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      spec: { interactive: false },
    });
    expect(readFileSync(join(dir, "extra"), "utf8")).toBe("v");
  });

  const failures: [string, string, string][] = [
    [
      "wrong apiVersion",
      `echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"x"}}'`,
      "configured to use API version client.authentication.k8s.io/v1, but returned version client.authentication.k8s.io/v1beta1",
    ],
    ["no token", `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}}'`, "didn't return a token or a cert/key pair"],
    [
      "cert without key",
      `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"c"}}'`,
      "only a certificate or a key",
    ],
    ["not JSON", "echo 'hello'", "not a JSON ExecCredential"],
    [
      "exit code",
      "echo 'token leaked-secret-value-123 Bearer abcdefghijkl' >&2\necho second line >&2\nexit 3",
      "exited with code 3; run it by hand to see why",
    ],
  ];
  for (const [name, body, message] of failures) {
    it(`fails with a clear message: ${name}`, async () => {
      const result = await execProvider(exec(plugin(tempDir(), body)), connectionFor("https://k")).get();
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.message).toContain(message);
      expect(result.ok ? "" : result.message).not.toContain("second line");
      expect(result.ok ? "" : result.message).not.toContain("leaked-secret-value");
    });
  }

  it("refuses interactiveMode Always without running the plugin", async () => {
    const dir = tempDir();
    const provider = execProvider(exec(countingPlugin(dir), { interactiveMode: "Always" }), connectionFor("https://k"));
    const result = await provider.get();
    expect(result.ok ? "" : result.message).toContain("saprobe never prompts");
    expect(runs(dir)).toBe(0);
  });

  it("says when the command does not exist, with the kubeconfig's installHint", async () => {
    const result = await execProvider(exec("/nonexistent/plugin"), connectionFor("https://k")).get();
    expect(result.ok ? "" : result.message).toBe('exec plugin "/nonexistent/plugin" failed: the command was not found');
    const hinted = await execProvider(exec("/nonexistent/plugin", { installHint: "Install it with\nbrew install plugin" }), connectionFor("https://k")).get();
    expect(hinted.ok ? "" : hinted.message).toBe('exec plugin "/nonexistent/plugin" failed: the command was not found (Install it with brew install plugin)');
  });
});
