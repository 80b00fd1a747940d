import type { Secret } from "../model/secret.js";

/** The decoded parts of a JWT. The signature is never checked: saprobe only reads claims. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes (never verifies) a compact JWS. Undefined when the token is not a JWT (e.g. a static token). */
export function decodeJwt(token: Secret): DecodedJwt | undefined {
  const parts = token.reveal().split(".");
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[0] ?? "") || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? "")) return undefined;
  const header = decodePart(parts[0] as string);
  const payload = decodePart(parts[1] as string);
  return header && payload ? { header, payload } : undefined;
}
