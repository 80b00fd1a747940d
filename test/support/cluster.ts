/**
 * Helpers for integration tests against the real kube-apiserver started by test/cluster/up.
 * They talk to the server with node:https and real kubectl, never with saprobe's own client, so
 * they stay an independent oracle.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** What test/cluster/up wrote to .cluster/env.json, plus the admin token. */
export interface TestCluster {
  server: string;
  host: string;
  port: number;
  caFile: string;
  caPem: string;
  caKeyFile: string;
  adminKubeconfig: string;
  adminToken: string;
  issuer: string;
  version: string;
  dir: string;
}

let cached: TestCluster | undefined;

/** The running test cluster. Throws when test/cluster/up has not run. */
export function testCluster(): TestCluster {
  if (cached) return cached;
  const dir = process.env.SAPROBE_CLUSTER_DIR ?? fileURLToPath(new URL("../../.cluster", import.meta.url));
  const env = JSON.parse(readFileSync(join(dir, "env.json"), "utf8")) as Omit<TestCluster, "caPem" | "adminToken"> & {
    adminTokenFile: string;
  };
  cached = {
    ...env,
    caPem: readFileSync(env.caFile, "utf8"),
    adminToken: readFileSync(env.adminTokenFile, "utf8").trim(),
  };
  return cached;
}

/** Result of a kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl with the admin kubeconfig (unless `kubeconfig` is given). */
export function kubectl(args: string[], options: { input?: string; kubeconfig?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  const kubeconfig = options.kubeconfig ?? testCluster().adminKubeconfig;
  return new Promise((resolve) => {
    const child = execFile(
      "kubectl",
      ["--kubeconfig", kubeconfig, ...args],
      { env: { ...process.env, ...options.env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** A raw HTTPS response from the API server. */
export interface ApiResponse {
  status: number;
  json: any;
  text: string;
}

/** Sends one request to the API server as the admin, or with `token` (or none: `token: null`). */
export function apiRequest(method: string, path: string, body?: unknown, token: string | null = testCluster().adminToken): Promise<ApiResponse> {
  const cluster = testCluster();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.server}${path}`,
      {
        method,
        ca: cluster.caPem,
        headers: {
          Accept: "application/json",
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, text });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Admin request that must succeed (2xx); throws with the server's message otherwise. */
export async function adminRequest(method: string, path: string, body?: unknown): Promise<any> {
  const response = await apiRequest(method, path, body);
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`${method} ${path} -> ${response.status}: ${response.text.slice(0, 500)}`);
  }
  return response.json;
}

/** A fresh namespace with a unique name (the controllers give it its `default` ServiceAccount and `kube-root-ca.crt`). */
export async function uniqueNamespace(prefix = "t"): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`.toLowerCase().slice(0, 63);
  await adminRequest("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return name;
}

/** A ClusterRoleBinding `name` making ServiceAccount `namespace/account` cluster-admin (for attack-path tests). */
export function clusterAdminBinding(name: string, namespace: string, account: string): Record<string, unknown> {
  const rbac = "rbac.authorization.k8s.io";
  return {
    apiVersion: `${rbac}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name: account, namespace }],
  };
}

/** Creates a ServiceAccount and returns it as stored (with its uid). */
export function createServiceAccount(namespace: string, name: string): Promise<any> {
  return adminRequest("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace },
  });
}

/** Applies objects (or a YAML/JSON text) with real `kubectl apply --server-side`. */
export async function applyObjects(objects: unknown[] | string): Promise<void> {
  const input = typeof objects === "string" ? objects : JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
  const result = await kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], { input });
  if (result.code !== 0) throw new Error(`kubectl apply failed: ${result.stderr}`);
}

/** Deletes objects with real kubectl (ignoring ones already gone). */
export async function deleteObjects(objects: unknown[] | string): Promise<void> {
  const input = typeof objects === "string" ? objects : JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
  const result = await kubectl(["delete", "--ignore-not-found", "--wait=false", "-f", "-"], { input });
  if (result.code !== 0) throw new Error(`kubectl delete failed: ${result.stderr}`);
}

/** Mints a ServiceAccount token with the TokenRequest API. */
export async function mintToken(
  namespace: string,
  serviceAccount: string,
  options: { expirationSeconds?: number; audiences?: string[] } = {},
): Promise<string> {
  const review = await adminRequest("POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: options.expirationSeconds ?? 3600, ...(options.audiences ? { audiences: options.audiences } : {}) },
  });
  return review.status.token as string;
}

/** Lays out a ServiceAccount mount directory (token, ca.crt, namespace) in a temp folder. */
export function makeServiceAccountMount(namespace: string, token: string): string {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-sa-"));
  writeFileSync(join(dir, "token"), token, { mode: 0o600 });
  writeFileSync(join(dir, "ca.crt"), testCluster().caPem);
  writeFileSync(join(dir, "namespace"), namespace);
  return dir;
}

/** Environment a Pod would see for the in-cluster API server address. */
export function inClusterEnv(): { KUBERNETES_SERVICE_HOST: string; KUBERNETES_SERVICE_PORT: string } {
  const cluster = testCluster();
  return { KUBERNETES_SERVICE_HOST: cluster.host, KUBERNETES_SERVICE_PORT: String(cluster.port) };
}

/** Signs a client certificate for `user` in `groups` (O=) with the cluster CA; returns PEM file paths. */
export function signClientCertificate(user: string, groups: string[] = []): { certFile: string; keyFile: string; certPem: string; keyPem: string } {
  const cluster = testCluster();
  const dir = mkdtempSync(join(tmpdir(), "saprobe-cert-"));
  const keyFile = join(dir, "client.key");
  const csrFile = join(dir, "client.csr");
  const certFile = join(dir, "client.crt");
  const extFile = join(dir, "client.ext");
  const subject = `/CN=${user}${groups.map((group) => `/O=${group}`).join("")}`;
  execFileSync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", csrFile, "-subj", subject], { stdio: "ignore" });
  writeFileSync(extFile, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
  execFileSync(
    "openssl",
    [
      "x509",
      "-req",
      "-in",
      csrFile,
      "-CA",
      cluster.caFile,
      "-CAkey",
      cluster.caKeyFile,
      "-CAcreateserial",
      "-CAserial",
      join(dir, "ca.srl"),
      "-out",
      certFile,
      "-days",
      "2",
      "-extfile",
      extFile,
    ],
    { stdio: "ignore" },
  );
  return { certFile, keyFile, certPem: readFileSync(certFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
}

/** Writes a kubeconfig for the test cluster with the given user entry; returns its path. */
export function writeKubeconfig(user: Record<string, unknown>, options: { namespace?: string; dir?: string } = {}): string {
  const cluster = testCluster();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "saprobe-kc-"));
  const file = join(dir, "config");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: cluster.server, "certificate-authority": cluster.caFile } }],
    users: [{ name: "test-user", user }],
    contexts: [{ name: "test", context: { cluster: "test", user: "test-user", namespace: options.namespace ?? "default" } }],
    "current-context": "test",
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}
