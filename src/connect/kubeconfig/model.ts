import type { Secret } from "../../model/secret.js";

/** A named cluster from one kubeconfig file. Relative paths are already resolved against `origin`. */
export interface KubeconfigCluster {
  name: string;
  /** Absolute path of the file that defined this entry (client-go's LocationOfOrigin). */
  origin: string;
  server?: string;
  certificateAuthority?: string;
  /** Decoded PEM from `certificate-authority-data`. */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** The `client.authentication.k8s.io/exec` cluster extension, handed to exec plugins. */
  execExtension?: unknown;
}

/** An exec credential plugin as written in the kubeconfig (`users[].user.exec`). */
export interface KubeconfigExec {
  apiVersion?: string;
  command?: string;
  args: string[];
  env: { name: string; value: string }[];
  interactiveMode?: string;
  provideClusterInfo: boolean;
  installHint?: string;
}

/** A named user (AuthInfo) from one kubeconfig file. Relative paths are already resolved. */
export interface KubeconfigUser {
  name: string;
  origin: string;
  token?: Secret;
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: Secret;
  clientKey?: string;
  clientKeyData?: Secret;
  username?: string;
  password?: Secret;
  exec?: KubeconfigExec;
  authProvider?: { name: string };
  impersonate?: string;
  impersonateUid?: string;
  impersonateGroups: string[];
  impersonateExtra?: Record<string, string[]>;
}

/** A named context from one kubeconfig file. */
export interface KubeconfigContext {
  name: string;
  origin: string;
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** One parsed kubeconfig file, or the merge of several. */
export interface KubeconfigSet {
  clusters: Map<string, KubeconfigCluster>;
  users: Map<string, KubeconfigUser>;
  contexts: Map<string, KubeconfigContext>;
  currentContext?: string;
  /** For a merged set: which file set current-context. */
  currentContextOrigin?: string;
}

/** An empty set, the starting point of a merge. */
export function emptyKubeconfigSet(): KubeconfigSet {
  return { clusters: new Map(), users: new Map(), contexts: new Map() };
}

/** True when nothing at all was configured (client-go's "no configuration has been provided"). */
export function isEmptyKubeconfigSet(set: KubeconfigSet): boolean {
  return set.clusters.size === 0 && set.users.size === 0 && set.contexts.size === 0 && !set.currentContext;
}
