import { isIP } from "node:net";
import { ConnectionConfigError } from "../model/errors.js";

/**
 * client-go's `DefaultServerURL`: a server without a scheme gets `https://` when a CA, a client
 * certificate or insecure is configured, else `http://`. The trailing slash goes; a path prefix stays.
 */
export function normalizeServerUrl(server: string, defaultTls: boolean): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `${defaultTls ? "https" : "http"}://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConnectionConfigError(`the server "${server}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConnectionConfigError(`the server "${server}" must use https:// or http://`);
  }
  if (url.search || url.hash) throw new ConnectionConfigError(`the server "${server}" must not have a query or fragment`);
  // Keep the text as written (an explicit :443 stays), only without trailing slashes.
  return withScheme.replace(/\/+$/, "");
}

/** True for localhost, 127.0.0.0/8 and ::1: plain HTTP to these never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/** Host and port joined as a URL authority, IPv6 bracketed (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: string): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
