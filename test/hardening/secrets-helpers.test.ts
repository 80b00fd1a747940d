import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testCertificates } from "../support/certs.js";
import { findLeaks, groupOrWorldWritable, plantKey, plantPassword, plantToken, readTree, writeExecPlugin } from "../support/secrets.js";

// The secrets tests are only as good as their leak detector: it must see every form of a value.

describe("planted secrets", () => {
  it("finds a token as is, in base64 and in base64url, and nothing in clean text", () => {
    const token = plantToken("--token");
    expect(token.value).toMatch(/^saprobe-planted-SECRET-[0-9a-f]{24}$/);
    expect(plantToken("--token").value).not.toBe(token.value);
    const outputs = {
      plain: `Authorization: Bearer ${token.value}`,
      base64: `data: ${Buffer.from(`{"token":"${token.value}"}`).toString("base64")}`,
      prefixed: `x ${Buffer.from(token.value).toString("base64")} y`,
      clean: "token: [redacted]",
    };
    const where = findLeaks(outputs, [token]).map((leak) => leak.output);
    expect(where).toContain("plain");
    expect(where).toContain("prefixed");
    expect(where).not.toContain("clean");
  });

  it("finds a Basic-auth password inside the Authorization header value", () => {
    const password = plantPassword("basic-auth", "bob");
    const header = `Basic ${Buffer.from(`bob:${password.value}`).toString("base64")}`;
    expect(findLeaks({ header }, [password])).toHaveLength(1);
  });

  it("finds a private key by any body line or by its base64 (client-key-data)", async () => {
    const { client } = await testCertificates();
    const key = plantKey("client-key-data", client.key);
    const line = client.key.split("\n")[1]!;
    expect(findLeaks({ stderr: `oops ${line}` }, [key])).toHaveLength(1);
    expect(findLeaks({ kubeconfig: `client-key-data: ${Buffer.from(client.key).toString("base64")}` }, [key])).toHaveLength(1);
    expect(findLeaks({ cert: client.cert }, [key])).toEqual([]);
  });

  it("reads a tree and flags group/world-writable files", () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-tree-"));
    writeFileSync(join(dir, "private.json"), "{}", { mode: 0o600 });
    writeFileSync(join(dir, "shared.json"), "{}", { mode: 0o666 });
    execFileSync("chmod", ["666", join(dir, "shared.json")]);
    expect(Object.keys(readTree(dir)).sort()).toEqual([join(dir, "private.json"), join(dir, "shared.json")]);
    expect(groupOrWorldWritable(dir)).toEqual([join(dir, "shared.json")]);
  });

  it("writes an exec plugin that prints an ExecCredential with the token", () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
    const token = plantToken("exec plugin");
    const output = execFileSync(writeExecPlugin(dir, token.value), { encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: token.value } });
    expect(readFileSync(writeExecPlugin(dir, token.value), "utf8")).toContain("#!");
  });
});

describe("planted keys", () => {
  it("leak forms are private: none of them is in the certificate or another key, and each is long", async () => {
    const { client, server, ca } = await testCertificates();
    const key = plantKey("client-key-data", client.key);
    expect(key.forms.length).toBeGreaterThanOrEqual(2);
    for (const form of key.forms) expect(form.length).toBeGreaterThanOrEqual(12);
    expect(findLeaks({ cert: client.cert, other: server.key, ca: ca.key, caCert: ca.cert }, [key])).toEqual([]);
    expect(findLeaks({ pem: client.key }, [key]).length).toBe(key.forms.length - 1);
  });
});
