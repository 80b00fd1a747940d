import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import { connectionFlags, resolveInputFromArgs } from "../../src/cli/connection-flags.js";
import type { ResolveInput } from "../../src/connect/input.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { ConnectionConfigError } from "../../src/model/errors.js";
import { Secret } from "../../src/model/secret.js";
import { tempDir, writeAt, writeKubeconfig } from "./temp-files.js";

function input(root: string, extra: Partial<ResolveInput> = {}): ResolveInput {
  return { overrides: {}, env: { HOME: join(root, "home") }, cwd: root, requestTimeoutMs: 30_000, serviceAccountDir: join(root, "sa"), ...extra };
}

const cluster = (name: string, body: Record<string, unknown>) => ({ name, cluster: body });
const user = (name: string, body: Record<string, unknown>) => ({ name, user: body });
const context = (name: string, body: Record<string, unknown>) => ({ name, context: body });

describe("resolveConnection: kubeconfig", () => {
  it("reads ~/.kube/config and resolves a relative CA against that file", async () => {
    const root = tempDir();
    writeKubeconfig(root, "home/.kube/config", {
      clusters: [cluster("c", { server: "https://k.example:6443/", "certificate-authority": "ca.pem" })],
      users: [user("u", { token: "abc-secret" })],
      contexts: [context("x", { cluster: "c", user: "u" })],
      "current-context": "x",
    });
    const connection = await resolveConnection(input(root));
    expect(connection).toMatchObject({
      source: "kubeconfig",
      server: "https://k.example:6443",
      context: "x",
      cluster: "c",
      user: "u",
      namespace: "default",
      namespaceSource: "default",
      tls: { caFile: join(root, "home/.kube/ca.pem"), insecureSkipTLSVerify: false },
    });
    expect(connection.credentials.kind).toBe("token");
    expect(JSON.stringify(connection)).not.toContain("abc-secret");
  });

  it("merges KUBECONFIG first-file-wins, skips missing files, and takes the first current-context", async () => {
    const root = tempDir();
    const a = writeKubeconfig(root, "a/config", {
      clusters: [cluster("shared", { server: "https://first" })],
      users: [user("u", { tokenFile: "tok" })],
    });
    const b = writeKubeconfig(root, "b/config", {
      clusters: [cluster("shared", { server: "https://second", "insecure-skip-tls-verify": true })],
      users: [user("u", { token: "later" })],
      contexts: [context("ctx", { cluster: "shared", user: "u", namespace: "team" })],
      "current-context": "ctx",
    });
    const connection = await resolveConnection(input(root, { env: { KUBECONFIG: [join(root, "missing"), a, b, a].join(":") } }));
    expect(connection.files).toEqual([a, b]);
    expect(connection.server).toBe("https://first");
    expect(connection.tls.insecureSkipTLSVerify).toBe(false);
    expect(connection.credentials).toEqual({ kind: "token-file", path: join(root, "a/tok") });
    expect(connection.namespace).toBe("team");
    expect(connection.explain.some((line) => line.includes("missing: does not exist"))).toBe(true);
  });

  it("names a dangling current-context and the files read", async () => {
    const root = tempDir();
    const file = writeKubeconfig(root, "k", { "current-context": "gone", clusters: [cluster("c", { server: "https://x" })] });
    await expect(resolveConnection(input(root, { kubeconfig: file }))).rejects.toThrow(
      `context "gone" from current-context (set in ${file}) does not exist (files read: ${file})`,
    );
  });

  it("sends no credentials to a plain-HTTP server (kubectl proxy)", async () => {
    const root = tempDir();
    const connection = await resolveConnection(input(root, { overrides: { server: "http://127.0.0.1:8001", token: new Secret("t0ken-value") } }));
    expect(connection).toMatchObject({ source: "flags", server: "http://127.0.0.1:8001", viaProxy: true, credentials: { kind: "none" } });
  });

  it("lists everything it tried when nothing is usable", async () => {
    const root = tempDir();
    const failure = resolveConnection(input(root));
    await expect(failure).rejects.toBeInstanceOf(ConnectionConfigError);
    await expect(failure).rejects.toThrow(/Tried:[\s\S]*\.kube\/config: does not exist[\s\S]*KUBERNETES_SERVICE_HOST/);
  });
});

describe("resolveConnection: in-cluster", () => {
  it("falls back to the mount, brackets IPv6 and reads the namespace file", async () => {
    const root = tempDir();
    writeAt(root, "sa/token", "tok\n");
    writeAt(root, "sa/ca.crt", "pem");
    writeAt(root, "sa/namespace", " apps \n");
    const connection = await resolveConnection(
      input(root, { env: { HOME: join(root, "home"), KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" } }),
    );
    expect(connection).toMatchObject({
      source: "in-cluster",
      server: "https://[fd00::1]:443",
      namespace: "apps",
      tls: { caFile: join(root, "sa/ca.crt") },
      credentials: { kind: "token-file", path: join(root, "sa/token") },
    });
  });
});

describe("connection flags", () => {
  it("turn typed flags into resolver input; the request timeout defaults to 30s", () => {
    const typed = resolveInputFromArgs(
      parseArgs(
        [
          "-s",
          "https://k",
          "--token",
          "t0k3n",
          "--as",
          "u",
          "--as-group",
          "a",
          "--as-group",
          "b",
          "-n",
          "ns",
          "--request-timeout",
          "2s",
          "--insecure-skip-tls-verify",
        ],
        connectionFlags,
        "x",
      ),
      { env: { A: "1" }, cwd: "/w" },
    );
    expect(typed).toMatchObject({
      overrides: { server: "https://k", impersonateUser: "u", impersonateGroups: ["a", "b"], namespace: "ns", insecureSkipTlsVerify: true },
      requestTimeoutMs: 2000,
      env: { A: "1" },
      cwd: "/w",
    });
    expect(typed.overrides.token?.reveal()).toBe("t0k3n");
    const defaults = resolveInputFromArgs(parseArgs([], connectionFlags, "x"), { env: {}, cwd: "/w" });
    expect(defaults).toMatchObject({ requestTimeoutMs: 30_000, serviceAccountDir: "/var/run/secrets/kubernetes.io/serviceaccount", inCluster: false });
    expect(defaults.overrides).toEqual(Object.fromEntries(Object.keys(defaults.overrides).map((key) => [key, undefined])));
  });
});
