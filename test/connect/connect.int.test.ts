import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createKubeClient } from "../../src/kube/client.js";
import type { ResolveInput } from "../../src/connect/input.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import { Secret } from "../../src/model/secret.js";
import {
  createServiceAccount,
  inClusterEnv,
  makeServiceAccountMount,
  mintToken,
  signClientCertificate,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";
import { observeIdentity } from "./identity.js";
import { runCli } from "../support/cli.js";

let namespace: string;
let token: string;
let serviceAccountUser: string;

beforeAll(async () => {
  namespace = await uniqueNamespace("connect");
  await createServiceAccount(namespace, "probe");
  token = await mintToken(namespace, "probe");
  serviceAccountUser = `system:serviceaccount:${namespace}:probe`;
});

function input(extra: Partial<ResolveInput>): ResolveInput {
  const home = mkdtempSync(join(tmpdir(), "saprobe-home-"));
  return { overrides: {}, env: { HOME: home }, cwd: home, requestTimeoutMs: 15_000, serviceAccountDir: join(home, "no-mount"), ...extra };
}

function execPlugin(dir: string, body: string): string {
  const path = join(dir, "plugin.sh");
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("connecting to the real control plane", () => {
  it("in-cluster: the mount directory and KUBERNETES_SERVICE_HOST/PORT", async () => {
    const mount = makeServiceAccountMount(namespace, token);
    const connection = await resolveConnection(input({ env: { ...inClusterEnv(), HOME: "/nonexistent" }, serviceAccountDir: mount }));
    expect(connection).toMatchObject({ source: "in-cluster", namespace, server: testCluster().server, credentials: { kind: "token-file" } });
    const identity = await observeIdentity(connection);
    expect(identity).toMatchObject({ versionStatus: 200, username: serviceAccountUser });
    expect(identity.log.join("\n")).not.toContain(token);
  });

  it("in-cluster: a rotated token is picked up after a minute, as client-go does", async () => {
    await createServiceAccount(namespace, "rotated");
    const rotated = await mintToken(namespace, "rotated");
    const mount = makeServiceAccountMount(namespace, token);
    const connection = await resolveConnection(input({ env: inClusterEnv(), serviceAccountDir: mount }));
    const client = createKubeClient(connection);
    const whoami = async () => {
      const review = await client.request({
        method: "POST",
        path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
      });
      return review.ok ? (review.response.json as { status: { userInfo: { username: string } } }).status.userInfo.username : review.failure.code;
    };
    // Only Date is faked, so the token cache ages while sockets and timers run normally.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      expect(await whoami()).toBe(serviceAccountUser);
      writeFileSync(join(mount, "token"), rotated);
      vi.setSystemTime(Date.now() + 30_000);
      expect(await whoami()).toBe(serviceAccountUser);
      vi.setSystemTime(Date.now() + 31_000);
      expect(await whoami()).toBe(`system:serviceaccount:${namespace}:rotated`);
    } finally {
      vi.useRealTimers();
      await client.close();
    }
  });

  it("kubeconfig with a token", async () => {
    const connection = await resolveConnection(input({ kubeconfig: writeKubeconfig({ token }, { namespace }) }));
    expect(connection).toMatchObject({ source: "kubeconfig", namespace, credentials: { kind: "token" } });
    expect((await observeIdentity(connection)).username).toBe(serviceAccountUser);
  });

  it("kubeconfig with a relative tokenFile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-kc-"));
    writeFileSync(join(dir, "sa.token"), `${token}\n`);
    const connection = await resolveConnection(input({ kubeconfig: writeKubeconfig({ tokenFile: "sa.token" }, { dir }) }));
    expect(connection.credentials).toEqual({ kind: "token-file", path: join(dir, "sa.token") });
    expect((await observeIdentity(connection)).username).toBe(serviceAccountUser);
  });

  it("kubeconfig with a client certificate, from files and from data", async () => {
    const pair = signClientCertificate("saprobe-connect-user", ["saprobe:connect-testers"]);
    const fromFiles = await resolveConnection(input({ kubeconfig: writeKubeconfig({ "client-certificate": pair.certFile, "client-key": pair.keyFile }) }));
    const identity = await observeIdentity(fromFiles);
    expect(identity.username).toBe("saprobe-connect-user");
    expect(identity.groups).toContain("saprobe:connect-testers");
    const fromData = await resolveConnection(
      input({
        kubeconfig: writeKubeconfig({
          "client-certificate-data": Buffer.from(pair.certPem).toString("base64"),
          "client-key-data": Buffer.from(pair.keyPem).toString("base64"),
        }),
      }),
    );
    expect((await observeIdentity(fromData)).username).toBe("saprobe-connect-user");
  });

  it("kubeconfig with an exec plugin (v1): KUBERNETES_EXEC_INFO, env, cluster info; never printed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
    const plugin = execPlugin(
      dir,
      [
        `printf '%s' "$KUBERNETES_EXEC_INFO" > "${dir}/exec-info.json"`,
        `printf '%s' "$PLUGIN_SETTING" > "${dir}/setting.txt"`,
        `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'"$(cat ${dir}/token)"'"}}'`,
      ].join("\n"),
    );
    writeFileSync(join(dir, "token"), token);
    const kubeconfig = writeKubeconfig(
      {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "./plugin.sh",
          interactiveMode: "Never",
          provideClusterInfo: true,
          env: [{ name: "PLUGIN_SETTING", value: "on" }],
        },
      },
      { dir },
    );
    const connection = await resolveConnection(input({ kubeconfig }));
    expect(connection.credentials).toMatchObject({ kind: "exec", command: plugin });
    const identity = await observeIdentity(connection);
    expect(identity.username).toBe(serviceAccountUser);
    const info = JSON.parse(readFileSync(join(dir, "exec-info.json"), "utf8"));
    expect(info).toMatchObject({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      spec: { interactive: false, cluster: { server: testCluster().server } },
    });
    expect(Buffer.from(info.spec.cluster["certificate-authority-data"], "base64").toString()).toBe(readFileSync(testCluster().caFile, "utf8"));
    expect(readFileSync(join(dir, "setting.txt"), "utf8")).toBe("on");
    expect(identity.log.join("\n")).not.toContain(token);
  });

  it("exec plugin (v1beta1) returning a client certificate", async () => {
    const pair = signClientCertificate("saprobe-exec-cert-user");
    const dir = mkdtempSync(join(tmpdir(), "saprobe-exec-"));
    const credential = {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      kind: "ExecCredential",
      status: { clientCertificateData: pair.certPem, clientKeyData: pair.keyPem },
    };
    writeFileSync(join(dir, "credential.json"), JSON.stringify(credential));
    execPlugin(dir, `cat "${dir}/credential.json"`);
    const connection = await resolveConnection(
      input({ kubeconfig: writeKubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "./plugin.sh" } }, { dir }) }),
    );
    expect((await observeIdentity(connection)).username).toBe("saprobe-exec-cert-user");
  });

  it("impersonates a ServiceAccount with an admin kubeconfig (--as)", async () => {
    const connection = await resolveConnection(input({ kubeconfig: testCluster().adminKubeconfig, overrides: { impersonateUser: serviceAccountUser } }));
    expect((await observeIdentity(connection)).username).toBe(serviceAccountUser);
  });

  it("flags only: --server, --token, --certificate-authority", async () => {
    const connection = await resolveConnection(
      input({ overrides: { server: testCluster().server, token: new Secret(token), certificateAuthority: testCluster().caFile } }),
    );
    expect(connection.source).toBe("flags");
    expect((await observeIdentity(connection)).username).toBe(serviceAccountUser);
  });

  it("through the real kubectl proxy: plain HTTP on loopback, the proxy's identity", async () => {
    const proxy = spawn("kubectl", ["proxy", "--port=0", "--kubeconfig", testCluster().adminKubeconfig], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("kubectl proxy did not start within 15s")), 15_000);
        proxy.stdout.setEncoding("utf8").on("data", (text: string) => {
          const match = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(text);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        });
        proxy.once("exit", (code) => reject(new Error(`kubectl proxy exited with ${code}`)));
      });
      const connection = await resolveConnection(input({ overrides: { server: `http://127.0.0.1:${port}`, token: new Secret(token) } }));
      expect(connection).toMatchObject({ source: "flags", viaProxy: true, credentials: { kind: "none" } });
      const identity = await observeIdentity(connection);
      expect(identity.versionStatus).toBe(200);
      // The proxy authenticates with the admin kubeconfig; the token we configured was not sent.
      expect(identity.username).toBe("admin");
    } finally {
      proxy.kill("SIGTERM");
    }
  });

  it("config view shows none of the secrets", async () => {
    const kubeconfig = writeKubeconfig({ token }, { namespace });
    const home = mkdtempSync(join(tmpdir(), "saprobe-home-"));
    const result = await runCli(["config", "view", "-o", "json", "--explain", "-v"], { env: { KUBECONFIG: kubeconfig, HOME: home }, cwd: home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ source: "kubeconfig", auth: { kind: "token" }, namespace });
    expect(result.stdout + result.stderr).not.toContain(token);
  });
});
