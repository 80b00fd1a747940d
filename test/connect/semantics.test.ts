import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ResolveInput } from "../../src/connect/input.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { ConnectionConfigError, InputError, UsageError } from "../../src/model/errors.js";
import { Secret } from "../../src/model/secret.js";
import { tempDir, writeAt, writeKubeconfig } from "./temp-files.js";

/** One kubeconfig with one context "ctx" joining the given cluster and user bodies. */
async function resolveWith(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined, extra: Partial<ResolveInput> = {}) {
  const root = tempDir();
  const kubeconfig = writeKubeconfig(root, "kube/config", {
    clusters: [{ name: "c", cluster }],
    users: user ? [{ name: "u", user }] : [],
    contexts: [{ name: "ctx", context: { cluster: "c", ...(user ? { user: "u" } : {}) } }],
    "current-context": "ctx",
  });
  const input: ResolveInput = { overrides: {}, kubeconfig, env: {}, cwd: root, requestTimeoutMs: 1000, serviceAccountDir: join(root, "sa"), ...extra };
  return { root, connection: resolveConnection(input) };
}

const pem = (text: string) => Buffer.from(text).toString("base64");

describe("TLS settings like client-go", () => {
  it("prefers certificate-authority-data over the file", async () => {
    const { connection } = await resolveWith({ server: "https://k", "certificate-authority": "ca.pem", "certificate-authority-data": pem("DATA") }, undefined);
    expect((await connection).tls).toEqual({ caData: "DATA", insecureSkipTLSVerify: false });
  });

  it("refuses insecure-skip-tls-verify together with a CA", async () => {
    const { connection } = await resolveWith({ server: "https://k", "certificate-authority-data": pem("DATA"), "insecure-skip-tls-verify": true }, undefined);
    await expect(connection).rejects.toThrow(/root certificates file with the insecure flag is not allowed/);
  });

  it("--insecure-skip-tls-verify clears the kubeconfig CA; --certificate-authority clears insecure and CA data", async () => {
    const first = await resolveWith({ server: "https://k", "certificate-authority": "ca.pem" }, undefined, { overrides: { insecureSkipTlsVerify: true } });
    expect((await first.connection).tls).toEqual({ insecureSkipTLSVerify: true });
    const second = await resolveWith({ server: "https://k", "certificate-authority-data": pem("X"), "insecure-skip-tls-verify": true }, undefined, {
      overrides: { certificateAuthority: "mine.pem" },
    });
    expect((await second.connection).tls).toEqual({ caFile: join(second.root, "mine.pem"), insecureSkipTLSVerify: false });
  });

  it("--server without --tls-server-name drops the kubeconfig's tls-server-name", async () => {
    const kept = await resolveWith({ server: "https://k", "tls-server-name": "api.internal" }, undefined);
    expect((await kept.connection).tls.serverName).toBe("api.internal");
    const dropped = await resolveWith({ server: "https://k", "tls-server-name": "api.internal" }, undefined, { overrides: { server: "https://other:6443" } });
    const connection = await dropped.connection;
    expect(connection).toMatchObject({ source: "flags", server: "https://other:6443", context: "ctx" });
    expect(connection.tls.serverName).toBeUndefined();
  });

  it("gives a scheme-less server https only when TLS material is configured", async () => {
    expect((await (await resolveWith({ server: "k:6443" }, undefined)).connection).server).toBe("http://k:6443");
    expect((await (await resolveWith({ server: "k:6443", "insecure-skip-tls-verify": true }, undefined)).connection).server).toBe("https://k:6443");
  });

  it("accepts http and https proxy-url, refuses socks5 (unsupported here) and other schemes", async () => {
    expect((await (await resolveWith({ server: "https://k", "proxy-url": "http://proxy:3128" }, undefined)).connection).proxyUrl).toBe("http://proxy:3128");
    await expect((await resolveWith({ server: "https://k", "proxy-url": "socks5://p:1080" }, undefined)).connection).rejects.toThrow(
      /SOCKS5 proxies are supported by kubectl but not by saprobe/,
    );
    await expect((await resolveWith({ server: "https://k", "proxy-url": "ftp://p" }, undefined)).connection).rejects.toThrow(/unsupported scheme "ftp"/);
  });
});

describe("credentials like client-go", () => {
  it("a tokenFile wins over token; paths are relative to the kubeconfig", async () => {
    const { root, connection } = await resolveWith({ server: "https://k" }, { token: "t", tokenFile: "../tok" });
    expect((await connection).credentials).toEqual({ kind: "token-file", path: join(root, "tok") });
  });

  it("token plus basic auth is an error", async () => {
    await expect((await resolveWith({ server: "https://k" }, { token: "t", username: "a", password: "b" })).connection).rejects.toThrow(
      /more than one authentication method/,
    );
  });

  it("basic auth works with a legacy warning", async () => {
    const connection = await (await resolveWith({ server: "https://k" }, { username: "a", password: "b" })).connection;
    expect(connection.credentials).toMatchObject({ kind: "basic", username: "a" });
    expect(connection.warnings.join()).toMatch(/legacy/);
  });

  it("a certificate without a key is an error", async () => {
    await expect((await resolveWith({ server: "https://k" }, { "client-certificate": "c.crt" })).connection).rejects.toThrow(
      /client-key or client-key-data must be specified/,
    );
  });

  it("exec: relative command with a separator is resolved, a bare name is not; v1 needs interactiveMode", async () => {
    const relative = await resolveWith(
      { server: "https://k" },
      { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "bin/plugin", interactiveMode: "Never" } },
    );
    expect((await relative.connection).credentials).toMatchObject({ kind: "exec", command: join(relative.root, "kube/bin/plugin") });
    const bare = await resolveWith(
      { server: "https://k" },
      { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin" } },
    );
    expect((await bare.connection).credentials).toMatchObject({ command: "gke-gcloud-auth-plugin", interactiveMode: "IfAvailable" });
    await expect(
      (await resolveWith({ server: "https://k" }, { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "p" } })).connection,
    ).rejects.toThrow(/interactiveMode must be specified/);
    await expect(
      (await resolveWith({ server: "https://k" }, { exec: { apiVersion: "client.authentication.k8s.io/v1alpha1", command: "p" } })).connection,
    ).rejects.toThrow(/apiVersion must be one of/);
  });

  it("passes the cluster's exec extension to the plugin config", async () => {
    const { connection } = await resolveWith(
      { server: "https://k", extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "x" } }] },
      { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "p", interactiveMode: "Never", provideClusterInfo: true } },
    );
    expect((await connection).credentials).toMatchObject({ kind: "exec", provideClusterInfo: true, clusterConfig: { audience: "x" } });
  });

  it("plain HTTP gets no credentials unless --allow-insecure-http", async () => {
    const dropped = await (await resolveWith({ server: "http://10.0.0.1:8080" }, { token: "t" })).connection;
    expect(dropped.credentials.kind).toBe("none");
    expect(dropped.warnings.join()).toMatch(/non-loopback/);
    const kept = await (await resolveWith({ server: "http://10.0.0.1:8080" }, { token: "t" }, { allowInsecureHttp: true })).connection;
    expect(kept).toMatchObject({ credentials: { kind: "token" }, allowInsecureHttp: true, viaProxy: false });
  });

  it("a --token flag replaces the kubeconfig's token file", async () => {
    const { connection } = await resolveWith({ server: "https://k" }, { tokenFile: "tok" }, { overrides: { token: new Secret("flag-token") } });
    const credentials = (await connection).credentials;
    expect(credentials.kind === "token" && credentials.token.reveal()).toBe("flag-token");
  });
});

describe("impersonation", () => {
  it("combines the user's as-* fields with --as flags", async () => {
    const fromFile = await (await resolveWith({ server: "https://k" }, { token: "t", as: "alice", "as-groups": ["g1"], "as-uid": "1" })).connection;
    expect(fromFile.impersonate).toEqual({ user: "alice", groups: ["g1"], uid: "1" });
    const flagged = await (
      await resolveWith({ server: "https://k" }, { token: "t", as: "alice" }, { overrides: { impersonateUser: "bob", impersonateGroups: ["g2", "g3"] } })
    ).connection;
    expect(flagged.impersonate).toEqual({ user: "bob", groups: ["g2", "g3"] });
  });

  it("groups without a user is an error", async () => {
    await expect((await resolveWith({ server: "https://k" }, { token: "t" }, { overrides: { impersonateGroups: ["g"] } })).connection).rejects.toThrow(
      /requires a user to impersonate/,
    );
  });
});

describe("loading and selection", () => {
  it("reports a YAML syntax error with file, line and column", async () => {
    const root = tempDir();
    const file = writeAt(root, "bad", "clusters:\n  - name: a\n   cluster: [\n");
    const failure = resolveConnection({ overrides: {}, kubeconfig: file, env: {}, cwd: root, requestTimeoutMs: 1 });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toMatchObject({ file, line: expect.any(Number) });
  });

  it("reads `name: y` as a boolean like kubectl (YAML 1.1), which is an error", async () => {
    const root = tempDir();
    const file = writeAt(root, "k", "contexts:\n- name: y\n  context: {cluster: c}\n");
    await expect(resolveConnection({ overrides: {}, kubeconfig: file, env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toThrow(
      /contexts\[0\] needs a "name"/,
    );
  });

  it("refuses YAML alias bombs and oversized files with the file named", async () => {
    const root = tempDir();
    const bomb = writeAt(
      root,
      "bomb",
      [
        "a: &a [x, x, x, x, x, x, x, x, x, x]",
        ...Array.from(
          { length: 8 },
          (_, index) =>
            `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [${Array(10)
              .fill(`*${String.fromCharCode(97 + index)}`)
              .join(", ")}]`,
        ),
      ].join("\n"),
    );
    await expect(resolveConnection({ overrides: {}, kubeconfig: bomb, env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toMatchObject({ file: bomb });
    const big = writeAt(root, "big", `# ${"x".repeat(17 * 1024 * 1024)}\n`);
    await expect(resolveConnection({ overrides: {}, kubeconfig: big, env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toThrow(
      /is 17.0 MiB, larger than the limit \(16 MiB\) for kubeconfigs/,
    );
  });

  it("rejects duplicate names within one file", async () => {
    const root = tempDir();
    const file = writeKubeconfig(root, "k", {
      clusters: [
        { name: "a", cluster: {} },
        { name: "a", cluster: {} },
      ],
    });
    await expect(resolveConnection({ overrides: {}, kubeconfig: file, env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toThrow(
      /duplicate name "a" in clusters/,
    );
  });

  it("a missing --kubeconfig file is an error; --in-cluster with --kubeconfig is a usage error", async () => {
    const root = tempDir();
    await expect(resolveConnection({ overrides: {}, kubeconfig: "nope", env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toBeInstanceOf(
      ConnectionConfigError,
    );
    await expect(resolveConnection({ overrides: {}, kubeconfig: "nope", inCluster: true, env: {}, cwd: root, requestTimeoutMs: 1 })).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it("--in-cluster ignores a usable kubeconfig and uses POD_NAMESPACE first", async () => {
    const root = tempDir();
    writeAt(root, "sa/token", "tok");
    writeAt(root, "sa/namespace", "from-file");
    writeKubeconfig(root, "home/.kube/config", {
      clusters: [{ name: "c", cluster: { server: "https://k" } }],
      contexts: [{ name: "x", context: { cluster: "c" } }],
      "current-context": "x",
    });
    const env = { HOME: join(root, "home"), KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", POD_NAMESPACE: "from-env" };
    const connection = await resolveConnection({ overrides: {}, inCluster: true, env, cwd: root, requestTimeoutMs: 1, serviceAccountDir: join(root, "sa") });
    expect(connection).toMatchObject({ source: "in-cluster", server: "https://10.0.0.1:443", namespace: "from-env", namespaceSource: "POD_NAMESPACE" });
    expect(connection.tls).toEqual({ insecureSkipTLSVerify: false });
    const noEnv = resolveConnection({ overrides: {}, inCluster: true, env: {}, cwd: root, requestTimeoutMs: 1, serviceAccountDir: join(root, "sa") });
    await expect(noEnv).rejects.toThrow(/--in-cluster was given but the ServiceAccount mount is not usable: KUBERNETES_SERVICE_HOST/);
  });

  it("without a current-context, falls back to the in-cluster mount and says why", async () => {
    const root = tempDir();
    writeAt(root, "sa/token", "tok");
    writeKubeconfig(root, "home/.kube/config", { clusters: [{ name: "c", cluster: { server: "https://k" } }] });
    const env = { HOME: join(root, "home"), KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "6443" };
    const connection = await resolveConnection({ overrides: {}, env, cwd: root, requestTimeoutMs: 1, serviceAccountDir: join(root, "sa") });
    expect(connection.source).toBe("in-cluster");
    expect(connection.explain.join("\n")).toMatch(/selects no context[\s\S]*falling back to the in-cluster/);
  });

  it("--user naming a missing user is an error naming it", async () => {
    const { connection } = await resolveWith({ server: "https://k" }, { token: "t" }, { overrides: { user: "ghost" } });
    await expect(connection).rejects.toThrow(/user "ghost" named by --user does not exist/);
  });
});
