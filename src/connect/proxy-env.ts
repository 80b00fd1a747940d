import { isLoopbackHost } from "./server-url.js";

function matchesNoProxy(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const [entryHost, entryPort] = entry.startsWith("[") ? [entry.slice(1, entry.indexOf("]")), entry.split("]:")[1]] : entry.split(":");
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = (entryHost ?? "").replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/**
 * The proxy Go's `http.ProxyFromEnvironment` would use for this server, which client-go falls back
 * to when the kubeconfig has no proxy-url: HTTPS_PROXY for https, HTTP_PROXY for http (upper or lower
 * case), skipped for NO_PROXY hosts and always for loopback. CIDR entries in NO_PROXY are not
 * supported (saprobe says so in the docs).
 */
export function proxyFromEnvironment(server: string, env: Record<string, string | undefined>): string | undefined {
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (isLoopbackHost(host)) return undefined;
  const read = (name: string) => env[name] ?? env[name.toLowerCase()];
  const proxy = url.protocol === "https:" ? read("HTTPS_PROXY") : read("HTTP_PROXY");
  if (!proxy) return undefined;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  if (matchesNoProxy(host, port, read("NO_PROXY") ?? "")) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
