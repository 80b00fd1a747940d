import type { Secret } from "../model/secret.js";

/** Where the connection came from. */
export type ConnectionSource = "flags" | "kubeconfig" | "in-cluster";

/** How saprobe authenticates. Secrets are wrapped; file paths are absolute. */
export type Credentials =
  | { kind: "none"; reason: string }
  | { kind: "token"; token: Secret }
  /** Re-read on a schedule (as client-go does) so rotated tokens keep working. */
  | { kind: "token-file"; path: string }
  | {
      kind: "client-certificate";
      certFile?: string;
      keyFile?: string;
      certData?: Secret;
      keyData?: Secret;
    }
  | {
      kind: "exec";
      apiVersion: string;
      command: string;
      args: string[];
      env: { name: string; value: string }[];
      interactiveMode: string;
      provideClusterInfo: boolean;
      /** The cluster extension `client.authentication.k8s.io/exec`, passed to the plugin as `config`. */
      clusterConfig?: unknown;
      /** The kubeconfig's `installHint`, shown when the command is not found. */
      installHint?: string;
    }
  | { kind: "basic"; username: string; password: Secret }
  | { kind: "auth-provider"; name: string };

/** TLS settings for the API server. */
export interface TlsSettings {
  /** Absolute path of a CA bundle file. */
  caFile?: string;
  /** PEM CA bundle given inline (certificate-authority-data, decoded). */
  caData?: string;
  insecureSkipTLSVerify: boolean;
  /** Name used for SNI and certificate verification instead of the URL host. */
  serverName?: string;
}

/** Impersonation headers sent with every request. */
export interface Impersonation {
  user: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The one resolved connection every live command uses. Contains no plain-text secret. */
export interface Connection {
  source: ConnectionSource;
  /** API server base URL without a trailing slash (a path prefix is kept). */
  server: string;
  /** Kubeconfig files that were read, in merge order. */
  files: string[];
  context?: string;
  cluster?: string;
  user?: string;
  namespace: string;
  /** Why that namespace (flag, context, mount file, default). */
  namespaceSource: string;
  tls: TlsSettings;
  credentials: Credentials;
  /** HTTP(S) proxy for this cluster (kubeconfig `proxy-url`). */
  proxyUrl?: string;
  impersonate?: Impersonation;
  /** True for `kubectl proxy`-style plain HTTP: the identity is the proxy's. */
  viaProxy: boolean;
  /** Per-request timeout in milliseconds (`--request-timeout`). */
  requestTimeoutMs: number;
  /** Which source was used and why each earlier one was skipped, one line each. */
  explain: string[];
  /** Things a user should know (legacy basic auth, insecure TLS, ...). */
  warnings: string[];
  /** ServiceAccount mount directory when running in-cluster (token, ca.crt, namespace). */
  serviceAccountDir?: string;
  /** `--allow-insecure-http`: credentials may go over plain HTTP to a non-loopback host. */
  allowInsecureHttp?: boolean;
}
