import type { Secret } from "../model/secret.js";

/**
 * Command-line overrides, kubectl style. `undefined` means "not given", which matters: kubectl's
 * flags only replace kubeconfig values the user actually typed. Paths are as typed (relative to cwd).
 */
export interface ConnectionOverrides {
  server?: string;
  token?: Secret;
  tokenFile?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  /** `--as`, `--as-group`, `--as-uid`. */
  impersonateUser?: string;
  impersonateGroups?: string[];
  impersonateUid?: string;
}

/** Everything the resolver reads. Environment and working directory are injected, never global. */
export interface ResolveInput {
  overrides: ConnectionOverrides;
  /** `--kubeconfig`: only this file is loaded (KUBECONFIG and ~/.kube/config are ignored). */
  kubeconfig?: string;
  /** `--in-cluster`: use the ServiceAccount mount and nothing else. */
  inCluster?: boolean;
  /** `--sa-dir`: the ServiceAccount mount directory. */
  serviceAccountDir?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Per-request timeout in milliseconds. */
  requestTimeoutMs: number;
  /** Allow credentials over plain HTTP to non-loopback hosts. */
  allowInsecureHttp?: boolean;
}

/** The default ServiceAccount mount inside a Pod. */
export const DEFAULT_SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The default `--request-timeout` (kubectl has none; saprobe always bounds a request). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
