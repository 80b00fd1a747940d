import { readFileSync } from "node:fs";
import { Secret } from "../../model/secret.js";
import type { AuthResult, CredentialProvider } from "./types.js";

/** How long a token read from a file is used before the file is read again (client-go: about a minute). */
export const TOKEN_FILE_REFRESH_MS = 60_000;

/**
 * A bearer token read from a file, re-read when the cached value is older than a minute so that
 * rotated (projected ServiceAccount) tokens keep working. The value is trimmed. When a re-read fails
 * but an earlier read worked, the earlier token is kept, as client-go's caching token source does.
 */
export function tokenFileProvider(path: string, now: () => number = () => Date.now()): CredentialProvider {
  let cached: { token: Secret; readAt: number } | undefined;
  const seen: Secret[] = [];
  return {
    async get(): Promise<AuthResult> {
      if (cached && now() - cached.readAt < TOKEN_FILE_REFRESH_MS) return { ok: true, material: { headers: { authorization: bearer(cached.token) } } };
      try {
        const text = readFileSync(path, "utf8").trim();
        if (text === "") throw Object.assign(new Error("empty"), { code: "EMPTY" });
        if (cached?.token.reveal() !== text) seen.push(new Secret(text));
        cached = { token: seen.at(-1) as Secret, readAt: now() };
      } catch (error) {
        if (!cached) {
          const code = (error as NodeJS.ErrnoException).code;
          return { ok: false, message: `cannot read the token file ${path}: ${code === "EMPTY" ? "the file is empty" : (code ?? "read error")}` };
        }
      }
      return { ok: true, material: { headers: { authorization: bearer((cached as { token: Secret }).token) } } };
    },
    refreshAfterUnauthorized: () => false,
    secrets: () => [...seen],
  };
}

/** `Bearer <token>` as a secret. */
export function bearer(token: Secret): Secret {
  return new Secret(`Bearer ${token.reveal()}`);
}
