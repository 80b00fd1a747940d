import { readFileSync } from "node:fs";
import type { Connection, Credentials } from "../types.js";

type ExecCredentials = Extract<Credentials, { kind: "exec" }>;

/**
 * The `KUBERNETES_EXEC_INFO` document client-go hands an exec plugin: never interactive (saprobe
 * never prompts), and `spec.cluster` only with `provideClusterInfo` (a CA file is passed as data).
 */
export function execInfo(exec: ExecCredentials, connection: Connection): Record<string, unknown> {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    let caData = connection.tls.caData;
    if (caData === undefined && connection.tls.caFile !== undefined) {
      try {
        caData = readFileSync(connection.tls.caFile, "utf8");
      } catch {
        caData = undefined;
      }
    }
    spec.cluster = {
      server: connection.server,
      ...(connection.tls.serverName ? { "tls-server-name": connection.tls.serverName } : {}),
      ...(connection.tls.insecureSkipTLSVerify ? { "insecure-skip-tls-verify": true } : {}),
      ...(caData ? { "certificate-authority-data": Buffer.from(caData).toString("base64") } : {}),
      ...(connection.proxyUrl ? { "proxy-url": connection.proxyUrl } : {}),
      ...(exec.clusterConfig !== undefined ? { config: exec.clusterConfig } : {}),
    };
  }
  return { apiVersion: exec.apiVersion, kind: "ExecCredential", spec };
}

/** A parsed ExecCredential status. */
export interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch milliseconds; undefined means "valid until a 401". */
  expiresAt?: number;
}

/** Validates the plugin's stdout like client-go; returns the status or a message (never the output itself). */
export function parseExecOutput(stdout: string, apiVersion: string): ExecStatus | string {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return "its output is not a JSON ExecCredential";
  }
  if (typeof document !== "object" || document === null) return "its output is not a JSON ExecCredential";
  const credential = document as { apiVersion?: unknown; kind?: unknown; status?: unknown };
  if (credential.kind !== "ExecCredential") return "its output is not an ExecCredential (kind)";
  if (credential.apiVersion !== apiVersion) {
    return `the plugin is configured to use API version ${apiVersion}, but returned version ${String(credential.apiVersion)}`;
  }
  const status = credential.status as Record<string, unknown> | undefined;
  if (typeof status !== "object" || status === null) return "its ExecCredential has no status";
  const text = (key: string) => (typeof status[key] === "string" && status[key] !== "" ? (status[key] as string) : undefined);
  const token = text("token");
  const cert = text("clientCertificateData");
  const key = text("clientKeyData");
  if ((cert === undefined) !== (key === undefined)) return "it returned only a certificate or a key, not both";
  if (token === undefined && cert === undefined) return "it didn't return a token or a cert/key pair";
  const expiry = text("expirationTimestamp");
  let expiresAt: number | undefined;
  if (expiry !== undefined) {
    expiresAt = Date.parse(expiry);
    if (Number.isNaN(expiresAt)) return `its expirationTimestamp "${expiry}" is not an RFC 3339 time`;
  }
  return { token, clientCertificateData: cert, clientKeyData: key, expiresAt };
}
