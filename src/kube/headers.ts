import type { Impersonation } from "../connect/types.js";
import { VERSION } from "../version.js";

/** Impersonate-User / -Group / -Uid / -Extra-* headers (extra keys percent-encoded, as client-go does). */
export function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string | string[]> {
  if (!impersonate) return {};
  const headers: Record<string, string | string[]> = { "impersonate-user": impersonate.user };
  if (impersonate.groups.length > 0) headers["impersonate-group"] = [...impersonate.groups];
  if (impersonate.uid !== undefined) headers["impersonate-uid"] = impersonate.uid;
  for (const [key, values] of Object.entries(impersonate.extra ?? {})) {
    headers[`impersonate-extra-${encodeURIComponent(key)}`] = [...values];
  }
  return headers;
}

/** Headers every request carries. */
export function baseHeaders(hasBody: boolean): Record<string, string> {
  return {
    accept: "application/json",
    "user-agent": `saprobe/${VERSION}`,
    ...(hasBody ? { "content-type": "application/json" } : {}),
  };
}

/** Builds `server + path + ?query`, keeping a path prefix on the server URL. */
export function requestUrl(server: string, path: string, query: Record<string, string | number | boolean | undefined> | undefined): string {
  const url = new URL(server + (path.startsWith("/") ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}
