import { ConnectionConfigError } from "../model/errors.js";
import type { ResolveInput } from "./input.js";
import type { KubeconfigCluster, KubeconfigUser } from "./kubeconfig/model.js";
import { applyClusterOverrides, applyUserOverrides } from "./overrides.js";
import { proxyFromEnvironment } from "./proxy-env.js";
import { isLoopbackHost, normalizeServerUrl } from "./server-url.js";
import type { Connection, ConnectionSource, TlsSettings } from "./types.js";
import { credentialsForUser, impersonationFor } from "./user-credentials.js";

/** What a source (kubeconfig, in-cluster, flags) selected, before flags and safety rules apply. */
export interface Selection {
  source: ConnectionSource;
  files: string[];
  context?: string;
  clusterName?: string;
  userName?: string;
  cluster?: KubeconfigCluster;
  user?: KubeconfigUser;
  namespace: string;
  namespaceSource: string;
  explain: string[];
  /** What the sources accepted but a user should know (e.g. duplicate keys in a kubeconfig). */
  warnings?: string[];
  serviceAccountDir?: string;
}

function tlsFor(cluster: KubeconfigCluster, explain: string[]): TlsSettings {
  if (cluster.insecureSkipTlsVerify && (cluster.certificateAuthority || cluster.certificateAuthorityData)) {
    throw new ConnectionConfigError(
      `cluster "${cluster.name}": specifying a root certificates file with the insecure flag is not allowed (client-go refuses it too); remove one of them, or pass --insecure-skip-tls-verify to drop the CA`,
    );
  }
  if (cluster.certificateAuthority && cluster.certificateAuthorityData)
    explain.push(`cluster "${cluster.name}": certificate-authority-data overrides certificate-authority (as in client-go)`);
  return {
    ...(cluster.certificateAuthorityData
      ? { caData: cluster.certificateAuthorityData }
      : cluster.certificateAuthority
        ? { caFile: cluster.certificateAuthority }
        : {}),
    insecureSkipTLSVerify: cluster.insecureSkipTlsVerify,
    ...(cluster.tlsServerName ? { serverName: cluster.tlsServerName } : {}),
  };
}

function checkProxyUrl(proxyUrl: string | undefined): string | undefined {
  if (proxyUrl === undefined) return undefined;
  let scheme: string;
  try {
    scheme = new URL(proxyUrl).protocol.replace(/:$/, "");
  } catch {
    throw new ConnectionConfigError(`proxy-url "${proxyUrl}" is not a valid URL`);
  }
  if (scheme === "socks5")
    throw new ConnectionConfigError(`proxy-url "${proxyUrl}": SOCKS5 proxies are supported by kubectl but not by saprobe; use an HTTP or HTTPS proxy`);
  if (scheme !== "http" && scheme !== "https")
    throw new ConnectionConfigError(`proxy-url "${proxyUrl}": unsupported scheme "${scheme}", must be http, https, or socks5`);
  return proxyUrl;
}

/**
 * Turns a selection into the final `Connection`: applies the command-line overrides, picks the
 * credentials, and enforces client-go's rule that plain-HTTP servers get no credentials and no TLS.
 */
export function assembleConnection(selection: Selection, input: ResolveInput): Connection {
  const explain = [...selection.explain];
  const cluster = applyClusterOverrides(selection.cluster, input.overrides, input.cwd, explain);
  const user = applyUserOverrides(selection.user, input.overrides, input.cwd);
  if (!cluster.server) {
    throw new ConnectionConfigError(
      `cluster "${cluster.name || selection.clusterName || ""}" has no server (files read: ${selection.files.join(", ") || "none"})`,
    );
  }
  const chosen = credentialsForUser(user, cluster.execExtension);
  explain.push(...chosen.explain);
  const warnings = [...(selection.warnings ?? []), ...chosen.warnings];
  const hasClientCert = chosen.credentials.kind === "client-certificate";
  const server = normalizeServerUrl(
    cluster.server,
    Boolean(cluster.certificateAuthority || cluster.certificateAuthorityData || hasClientCert || cluster.insecureSkipTlsVerify),
  );
  const url = new URL(server);
  const plainHttp = url.protocol === "http:";
  let credentials = chosen.credentials;
  let tls: TlsSettings = { insecureSkipTLSVerify: false };
  let viaProxy = false;
  if (plainHttp && !input.allowInsecureHttp) {
    if (credentials.kind !== "none")
      explain.push(`the server is plain HTTP: the configured ${credentials.kind} credentials are not sent (client-go sends none over HTTP)`);
    credentials = { kind: "none", reason: "plain HTTP server: the identity is whatever the proxy in front of the API server uses (for example kubectl proxy)" };
    viaProxy = true;
    if (!isLoopbackHost(url.hostname)) warnings.push(`${server} is plain HTTP to a non-loopback host: traffic is neither encrypted nor authenticated`);
  } else if (plainHttp) {
    if (credentials.kind !== "none") warnings.push(`--allow-insecure-http: ${credentials.kind} credentials are sent over plain HTTP to ${url.host}`);
  } else {
    tls = tlsFor(cluster, explain);
    if (tls.insecureSkipTLSVerify) warnings.push("insecure-skip-tls-verify is set: the API server's certificate is not verified");
  }
  return {
    source: selection.source,
    server,
    files: selection.files,
    ...(selection.context ? { context: selection.context } : {}),
    ...(selection.clusterName ? { cluster: selection.clusterName } : {}),
    ...(selection.userName ? { user: selection.userName } : {}),
    namespace: selection.namespace,
    namespaceSource: selection.namespaceSource,
    tls,
    credentials,
    ...proxy(cluster.proxyUrl, server, input, explain),
    ...impersonation(user, input),
    viaProxy,
    requestTimeoutMs: input.requestTimeoutMs,
    explain,
    warnings,
    ...(selection.serviceAccountDir ? { serviceAccountDir: selection.serviceAccountDir } : {}),
    ...(input.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
  };
}

function proxy(proxyUrl: string | undefined, server: string, input: ResolveInput, explain: string[]): Pick<Connection, "proxyUrl"> {
  if (checkProxyUrl(proxyUrl)) {
    explain.push(`proxy ${new URL(proxyUrl as string).host} from the cluster's proxy-url`);
    return { proxyUrl };
  }
  const fromEnv = proxyFromEnvironment(server, input.env);
  if (fromEnv === undefined) return {};
  explain.push(`proxy ${new URL(fromEnv).host} from the HTTPS_PROXY/HTTP_PROXY environment (the cluster sets no proxy-url)`);
  return { proxyUrl: checkProxyUrl(fromEnv) };
}

function impersonation(user: KubeconfigUser | undefined, input: ResolveInput): Pick<Connection, "impersonate"> {
  const impersonate = impersonationFor(user, {
    user: input.overrides.impersonateUser,
    groups: input.overrides.impersonateGroups,
    uid: input.overrides.impersonateUid,
  });
  return impersonate ? { impersonate } : {};
}
