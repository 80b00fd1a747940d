import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContext } from "node:tls";
import type { Dispatcher } from "undici";
import type { Connection } from "../connect/types.js";
import { ConnectionConfigError } from "../model/errors.js";
import { createAgent, loadProxyAgent } from "./undici.js";

/** TLS options for undici's `connect`, built from a connection's resolved settings. */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConnectionConfigError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? "read error"}`);
  }
}

/**
 * The TLS setup for a connection: CA file or data (none: the system roots), the client certificate
 * from the kubeconfig, the server name override, and certificate verification off only when
 * insecure-skip-tls-verify was explicitly configured. Unreadable files are a `ConnectionConfigError`.
 */
export function tlsOptionsFor(connection: Connection): TlsOptions {
  const tls = connection.tls;
  const options: TlsOptions = { rejectUnauthorized: tls.insecureSkipTLSVerify !== true };
  if (tls.caData !== undefined) options.ca = tls.caData;
  else if (tls.caFile !== undefined) options.ca = readPem(tls.caFile, "certificate authority file");
  if (tls.serverName) options.servername = tls.serverName;
  const credentials = connection.credentials;
  if (credentials.kind === "client-certificate") {
    options.cert = credentials.certData?.reveal() ?? (credentials.certFile ? readPem(credentials.certFile, "client certificate") : undefined);
    options.key = credentials.keyData?.reveal() ?? (credentials.keyFile ? readPem(credentials.keyFile, "client key") : undefined);
  }
  return options;
}

/**
 * One pooled keep-alive dispatcher for a connection: an `Agent`, or a `ProxyAgent` that tunnels
 * through the kubeconfig's `proxy-url`.
 */
export function createDispatcher(connection: Connection, tls: TlsOptions): Dispatcher {
  const pool = { keepAliveTimeout: 30_000, connections: 16, connectTimeout: connection.requestTimeoutMs || undefined };
  if (connection.proxyUrl) {
    const ProxyAgent = loadProxyAgent();
    return new ProxyAgent({ uri: connection.proxyUrl, requestTls: tls, ...pool });
  }
  return createAgent({
    connect: { ...sharedContext(tls), timeout: connection.requestTimeoutMs || undefined },
    keepAliveTimeout: pool.keepAliveTimeout,
    connections: pool.connections,
  });
}

/**
 * The TLS options with one `SecureContext` for all of a dispatcher's connections: node:tls would
 * otherwise parse the CA bundle, key and certificate again for each of the ten or so connections of
 * a run (about 0.4 ms each). Material node:tls refuses is left per connection, where the failure
 * becomes the request's TLS error as before.
 */
function sharedContext(tls: TlsOptions): TlsOptions & { secureContext?: SecureContext } {
  const { ca, cert, key, ...rest } = tls;
  try {
    return { ...rest, secureContext: createSecureContext({ ca, cert, key }) };
  } catch {
    return tls;
  }
}
