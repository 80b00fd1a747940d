import { resolve } from "node:path";
import type { ConnectionOverrides } from "./input.js";
import type { KubeconfigCluster, KubeconfigUser } from "./kubeconfig/model.js";

/**
 * client-go's `getCluster` override rules: `--server` replaces the server and, unless
 * `--tls-server-name` is also given, clears the kubeconfig's tls-server-name;
 * `--insecure-skip-tls-verify=true` clears the kubeconfig CA (file and data); `--certificate-authority`
 * replaces the CA and clears insecure and the CA data. Flag paths are relative to the working directory.
 */
export function applyClusterOverrides(
  cluster: KubeconfigCluster | undefined,
  overrides: ConnectionOverrides,
  cwd: string,
  explain: string[],
): KubeconfigCluster {
  const result: KubeconfigCluster = cluster ? { ...cluster } : { name: "", origin: "", insecureSkipTlsVerify: false };
  if (overrides.server !== undefined) {
    result.server = overrides.server;
    if (cluster?.server) explain.push(`--server replaces the cluster's server ${cluster.server}`);
    if (overrides.tlsServerName === undefined && result.tlsServerName !== undefined) {
      explain.push("--server without --tls-server-name clears the kubeconfig's tls-server-name (as in client-go)");
      result.tlsServerName = undefined;
    }
  }
  if (overrides.tlsServerName !== undefined) result.tlsServerName = overrides.tlsServerName;
  if (overrides.insecureSkipTlsVerify === true || overrides.certificateAuthority !== undefined) {
    if (overrides.insecureSkipTlsVerify === true && (result.certificateAuthority || result.certificateAuthorityData)) {
      explain.push("--insecure-skip-tls-verify clears the kubeconfig's certificate authority (as in client-go)");
    }
    result.insecureSkipTlsVerify = overrides.insecureSkipTlsVerify === true;
    result.certificateAuthority = overrides.certificateAuthority === undefined ? undefined : resolve(cwd, overrides.certificateAuthority);
    result.certificateAuthorityData = undefined;
  }
  return result;
}

/**
 * Applies `--token`, `--token-file`, `--client-certificate` and `--client-key`. A token given on the
 * command line replaces the user's token and token file, so what the user typed is what is sent.
 */
export function applyUserOverrides(user: KubeconfigUser | undefined, overrides: ConnectionOverrides, cwd: string): KubeconfigUser | undefined {
  const touched =
    overrides.token !== undefined || overrides.tokenFile !== undefined || overrides.clientCertificate !== undefined || overrides.clientKey !== undefined;
  if (!touched) return user;
  const result: KubeconfigUser = user ? { ...user } : { name: "(flags)", origin: "", impersonateGroups: [] };
  if (overrides.token !== undefined || overrides.tokenFile !== undefined) {
    result.token = overrides.token;
    result.tokenFile = overrides.tokenFile === undefined ? undefined : resolve(cwd, overrides.tokenFile);
  }
  if (overrides.clientCertificate !== undefined) {
    result.clientCertificate = resolve(cwd, overrides.clientCertificate);
    result.clientCertificateData = undefined;
  }
  if (overrides.clientKey !== undefined) {
    result.clientKey = resolve(cwd, overrides.clientKey);
    result.clientKeyData = undefined;
  }
  return result;
}
