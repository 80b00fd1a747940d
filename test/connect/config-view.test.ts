import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { tempDir, writeAt, writeKubeconfig } from "./temp-files.js";

const TOKEN = "very-secret-token-0987654321";
const KEY = "-----BEGIN EC PRIVATE KEY-----\nsecretkeymaterial\n-----END EC PRIVATE KEY-----\n";

function fixture() {
  const root = tempDir();
  const marker = join(root, "plugin-ran");
  writeAt(root, "kube/plugin.sh", `#!/bin/sh\ntouch ${marker}\necho '{}'\n`);
  const file = writeKubeconfig(root, "kube/config", {
    "current-context": "tok",
    clusters: [{ name: "c", cluster: { server: "https://api.example:6443", "certificate-authority-data": Buffer.from("PEM").toString("base64") } }],
    users: [
      { name: "t", user: { token: TOKEN, as: "system:serviceaccount:a:b", "as-groups": ["g"] } },
      { name: "k", user: { "client-certificate": "c.crt", "client-key-data": Buffer.from(KEY).toString("base64") } },
      {
        name: "e",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: "./plugin.sh",
            interactiveMode: "Never",
            env: [{ name: "SECRET_ENV", value: "env-secret-value" }],
          },
        },
      },
      { name: "p", user: { "auth-provider": { name: "gcp", config: { "access-token": "ya29.provider-secret" } } } },
    ],
    contexts: ["t", "k", "e", "p"].map((user) => ({ name: user === "t" ? "tok" : user, context: { cluster: "c", user, namespace: "ns-" + user } })),
  });
  return { root, marker, env: { KUBECONFIG: file, HOME: root } };
}

describe("saprobe config view", () => {
  it("prints the documented JSON shape without secrets", async () => {
    const { root, env } = fixture();
    const result = await runCli(["config", "view", "-o", "json"], { env, cwd: root });
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(Object.keys(view)).toEqual(["source", "files", "context", "cluster", "user", "namespace", "server", "tls", "auth", "impersonate", "explain"]);
    expect(view).toMatchObject({
      source: "kubeconfig",
      files: [join(root, "kube/config")],
      context: "tok",
      cluster: "c",
      user: "t",
      namespace: "ns-t",
      server: "https://api.example:6443",
      tls: { caData: true, insecureSkipTLSVerify: false },
      auth: { kind: "token" },
      impersonate: { user: "system:serviceaccount:a:b", groups: ["g"] },
    });
    expect(result.stdout).not.toContain(TOKEN);
  });

  it("describes exec plugins without running them and without env values", async () => {
    const { root, env, marker } = fixture();
    const result = await runCli(["config", "view", "-o", "json", "--context", "e"], { env, cwd: root });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).auth).toEqual({
      kind: "exec",
      apiVersion: "client.authentication.k8s.io/v1",
      command: join(root, "kube/plugin.sh"),
      args: [],
      envNames: ["SECRET_ENV"],
      interactiveMode: "Never",
      provideClusterInfo: false,
    });
    expect(result.stdout).not.toContain("env-secret-value");
    expect(existsSync(marker)).toBe(false);
  });

  it("hides secret-looking exec arguments and a password in the server URL", async () => {
    const root = tempDir();
    const file = writeKubeconfig(root, "k", {
      "current-context": "x",
      clusters: [{ name: "c", cluster: { server: "https://user:url-password@api.example:6443" } }],
      users: [
        {
          name: "u",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1",
              command: "kubectl",
              interactiveMode: "Never",
              args: ["oidc-login", "get-token", "--oidc-client-id=app", "--oidc-client-secret=oidc-secret-value", "--password", "hunter2-value", "--verbose"],
            },
          },
        },
      ],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
    });
    const result = await runCli(["config", "view", "-o", "json"], { env: { KUBECONFIG: file }, cwd: root });
    const view = JSON.parse(result.stdout);
    expect(view.auth.args).toEqual([
      "oidc-login",
      "get-token",
      "--oidc-client-id=app",
      "--oidc-client-secret=[redacted]",
      "--password",
      "[redacted]",
      "--verbose",
    ]);
    expect(view.server).toBe("https://user:redacted@api.example:6443");
    expect(result.stdout).not.toMatch(/oidc-secret-value|hunter2-value|url-password/);
  });

  it("shows key data only as a flag, and auth-provider as unsupported", async () => {
    const { root, env } = fixture();
    const certificate = await runCli(["config", "view", "-o", "json", "--context", "k"], { env, cwd: root });
    expect(JSON.parse(certificate.stdout).auth).toEqual({ kind: "client-certificate", certFile: join(root, "kube/c.crt"), keyData: true });
    expect(certificate.stdout).not.toContain("secretkeymaterial");
    const provider = await runCli(["config", "view", "-o", "json", "--context", "p"], { env, cwd: root });
    expect(JSON.parse(provider.stdout).auth).toEqual({ kind: "auth-provider", name: "gcp", supported: false });
    expect(provider.stdout).not.toContain("provider-secret");
  });

  it("prints a table with --explain and warnings", async () => {
    const { root, env } = fixture();
    const result = await runCli(["config", "view", "-o", "table", "--explain", "--insecure-skip-tls-verify"], { env, cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Source: +kubeconfig$/m);
    expect(result.stdout).toMatch(/^CA: +NOT VERIFIED/m);
    expect(result.stdout).toContain("Why:");
    expect(result.stdout).toContain("--insecure-skip-tls-verify clears the kubeconfig's certificate authority");
    expect(result.stdout).toMatch(/^Warning: insecure-skip-tls-verify/m);
    expect(result.stdout).not.toContain(TOKEN);
  });

  it("exits 2 naming a dangling context and the files read", async () => {
    const { root, env } = fixture();
    const result = await runCli(["config", "view", "--context", "nope"], { env, cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`context "nope" from --context does not exist (files read: ${join(root, "kube/config")})`);
  });

  it("exits 2 for a missing or unknown subcommand", async () => {
    const { root, env } = fixture();
    expect((await runCli(["config"], { env, cwd: root })).code).toBe(2);
    expect((await runCli(["config", "set"], { env, cwd: root })).stderr).toContain('unknown subcommand "config set"');
  });
});
