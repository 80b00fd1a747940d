import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { testCertificates, type TestCertificates } from "../support/certs.js";
import { startFaultServer, type FaultServer, type FaultServerOptions, type RecordedRequest } from "../support/fault-server.js";
import { findLeaks, plantKey, plantPassword, plantToken, readTree, writeExecPlugin, type PlantedSecret } from "../support/secrets.js";
import { spawnCli } from "../support/cli.js";

// A distinctive secret is planted in every credential source; every command then runs at every
// output format and verbosity, and stdout, stderr and every written file are searched for it (as
// is, in base64, and for keys by their private base64 runs). The fault server records what arrived,
// so each source is also shown to have actually been used.

interface Source {
  name: string;
  secret: PlantedSecret;
  /** Connection flags (and env) that make saprobe use this source. */
  args: string[];
  env?: Record<string, string>;
  /** True when this request carried the planted credential. */
  arrived(request: RecordedRequest): boolean;
}

const RUN_FORMATS = ["json", "table", "junit", "sarif", "markdown"];

/**
 * The commands, each with `-v` where it has it. Output formats rotate over the sources (`index`), so
 * every stdout format meets several sources; `--out` writes every file format on every run.
 * `usesServer`: the credential must have arrived (true), nothing may have been sent (false), or it
 * depends on the source (undefined: `token` asks the server only about tokens).
 */
const COMMANDS: { name: string; args(index: number): string[]; out?: boolean; usesServer?: boolean }[] = [
  { name: "config view --explain", args: (index) => ["config", "view", "-o", index % 2 === 0 ? "json" : "table", "--explain"], usesServer: false },
  {
    name: "run -v --out",
    args: (index) => ["run", "-v", "-o", RUN_FORMATS[index % RUN_FORMATS.length]!, "--request-timeout", "2s"],
    out: true,
    usesServer: true,
  },
  { name: "can-i get pods -v", args: () => ["can-i", "get", "pods", "-v"], usesServer: true },
  { name: "can-i --list -v", args: () => ["can-i", "--list", "-v"], usesServer: true },
  { name: "who-can get secrets -v", args: () => ["who-can", "get", "secrets", "-v"], usesServer: true },
  { name: "audit -v --out", args: (index) => ["audit", "-v", "-o", RUN_FORMATS[(index + 2) % RUN_FORMATS.length]!], out: true, usesServer: true },
  { name: "token", args: (index) => ["token", "-o", index % 2 === 0 ? "json" : "text"] },
];

let certificates: TestCertificates;
const credentialDirs: string[] = [];

function kubeconfig(dir: string, server: FaultServer, user: Record<string, unknown>): string {
  const path = join(dir, "planted.kubeconfig.json");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "fault", cluster: { server: server.url, "certificate-authority": certificates.ca.certFile } }],
    users: [{ name: "planted", user }],
    contexts: [{ name: "fault", context: { cluster: "fault", user: "planted", namespace: "team-a" } }],
    "current-context": "fault",
  };
  writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
  return path;
}

function jwtShaped(signature: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    iss: "https://kubernetes.default.svc",
    sub: "system:serviceaccount:team-a:app",
    aud: ["https://kubernetes.default.svc"],
    exp: 4_102_444_800,
    iat: 1_700_000_000,
  };
  return `${part({ alg: "RS256", kid: "planted" })}.${part(claims)}.${signature}`;
}

const bearer = (secret: PlantedSecret) => (request: RecordedRequest) => request.authorization === `Bearer ${secret.value}`;

/** A fresh planted secret in the named source, wired to `server`, with files in a fresh directory. */
function plantIn(name: string, server: FaultServer): Source {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-planted-"));
  credentialDirs.push(dir);
  const tls = ["--server", server.url, "--certificate-authority", certificates.ca.certFile];
  switch (name) {
    case "--token": {
      const secret = plantToken(name);
      return { name, secret, args: [...tls, "--token", secret.value], arrived: bearer(secret) };
    }
    case "--token (JWT-shaped)": {
      const signature = plantToken(name).value;
      const secret: PlantedSecret = { source: name, value: jwtShaped(signature), forms: [jwtShaped(signature), signature] };
      return { name, secret, args: [...tls, "--token", secret.value], arrived: bearer(secret) };
    }
    case "kubeconfig token": {
      const secret = plantToken(name);
      return { name, secret, args: ["--kubeconfig", kubeconfig(dir, server, { token: secret.value })], arrived: bearer(secret) };
    }
    case "kubeconfig tokenFile": {
      const secret = plantToken(name);
      const tokenFile = join(dir, "token");
      writeFileSync(tokenFile, `${secret.value}\n`, { mode: 0o600 });
      return { name, secret, args: ["--kubeconfig", kubeconfig(dir, server, { tokenFile })], arrived: bearer(secret) };
    }
    case "client-key-data": {
      const secret = plantKey(name, certificates.client.key);
      const data = {
        "client-certificate-data": Buffer.from(certificates.client.cert).toString("base64"),
        "client-key-data": Buffer.from(certificates.client.key).toString("base64"),
      };
      return {
        name,
        secret,
        args: ["--kubeconfig", kubeconfig(dir, server, data)],
        arrived: (request) => request.clientCertificateSubject?.includes("CN=saprobe-test") === true,
      };
    }
    case "basic-auth password": {
      const secret = plantPassword(name, "planted-user");
      const header = `Basic ${Buffer.from(`planted-user:${secret.value}`).toString("base64")}`;
      return {
        name,
        secret,
        args: ["--kubeconfig", kubeconfig(dir, server, { username: "planted-user", password: secret.value })],
        arrived: (request) => request.authorization === header,
      };
    }
    case "exec plugin": {
      const secret = plantToken(name);
      const exec = { apiVersion: "client.authentication.k8s.io/v1", command: writeExecPlugin(dir, secret.value), interactiveMode: "Never" };
      return { name, secret, args: ["--kubeconfig", kubeconfig(dir, server, { exec })], arrived: bearer(secret) };
    }
    default: {
      const secret = plantToken(name);
      writeFileSync(join(dir, "token"), secret.value, { mode: 0o600 });
      writeFileSync(join(dir, "ca.crt"), certificates.ca.cert);
      writeFileSync(join(dir, "namespace"), "team-a");
      const env = { KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: String(server.port) };
      return { name, secret, args: ["--in-cluster", "--sa-dir", dir], env, arrived: bearer(secret) };
    }
  }
}

beforeAll(async () => {
  certificates = await testCertificates();
});

const SOURCE_NAMES = [
  "--token",
  "--token (JWT-shaped)",
  "kubeconfig token",
  "kubeconfig tokenFile",
  "client-key-data",
  "basic-auth password",
  "exec plugin",
  "in-cluster mount",
];

describe.concurrent.each(SOURCE_NAMES.map((name, index) => ({ name, index })))("a secret planted in $name", ({ name: sourceName, index }) => {
  it.each(COMMANDS)("never appears in the output of saprobe $name", async (command) => {
    const server = await startFaultServer({ requestClientCertificate: true });
    const source = plantIn(sourceName, server);
    const out = command.out ? mkdtempSync(join(tmpdir(), "saprobe-secret-out-")) : undefined;
    const result = await spawnCli([...command.args(index), ...source.args, ...(out ? ["--out", out] : [])], { env: source.env, timeoutMs: 60_000 });
    expect(result.timedOut).toBe(false);
    expect(result.stderr).not.toMatch(/internal error/);
    const outputs: Record<string, string> = { stdout: result.stdout, stderr: result.stderr, ...(out ? readTree(out) : {}) };
    if (out) expect(Object.keys(outputs).length).toBeGreaterThan(2);
    expect(findLeaks(outputs, [source.secret])).toEqual([]);
    await server.close();
    if (command.usesServer === true) expect(server.requests.some((request) => source.arrived(request))).toBe(true);
    if (command.usesServer === false) expect(server.requests).toEqual([]);
  });
});

// Error messages from the HTTP layer and the probes are where a credential slips out most easily.
const FAULTS: { name: string; options: FaultServerOptions }[] = [
  { name: "an unknown CA", options: { certificate: "unknown-ca" } },
  { name: "401", options: { behaviour: { kind: "status", code: 401 } } },
  { name: "no answer", options: { behaviour: { kind: "hang" } } },
  { name: "a body cut mid-stream", options: { behaviour: { kind: "truncated-body" } } },
  { name: "invalid JSON", options: { behaviour: { kind: "invalid-json" } } },
];

describe.concurrent.each(["--token", "kubeconfig token", "exec plugin", "in-cluster mount"])("a secret planted in %s, on error paths", (sourceName) => {
  it.each(FAULTS)("never appears when the server gives $name (SAPROBE_DEBUG=1 run -v -o json --out)", async ({ options }) => {
    const server = await startFaultServer({ ...options, requestClientCertificate: true });
    const source = plantIn(sourceName, server);
    const out = mkdtempSync(join(tmpdir(), "saprobe-secret-out-"));
    // SAPROBE_DEBUG=1 as well: the most verbose saprobe gets (stack traces of unexpected errors).
    const env = { ...source.env, SAPROBE_DEBUG: "1" };
    const result = await spawnCli(["run", "-v", "-o", "json", "--request-timeout", "2s", "--deadline", "8s", ...source.args, "--out", out], {
      env,
      timeoutMs: 60_000,
    });
    await server.close();
    expect(result.timedOut).toBe(false);
    expect({ code: result.code }).toMatchObject({ code: expect.toBeOneOf([1, 3]) });
    expect(findLeaks({ stdout: result.stdout, stderr: result.stderr, ...readTree(out) }, [source.secret])).toEqual([]);
  });
});

describe("next to the credentials", () => {
  it("saprobe wrote nothing in any directory that held a planted credential", () => {
    expect(credentialDirs.length).toBe(SOURCE_NAMES.length * COMMANDS.length + 4 * FAULTS.length);
    const planted = new Set(["planted.kubeconfig.json", "token", "planted-exec-plugin.mjs", "ca.crt", "namespace"]);
    const unexpected = credentialDirs.flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => !planted.has(name))
        .map((name) => join(dir, name)),
    );
    expect(unexpected).toEqual([]);
  });
});
