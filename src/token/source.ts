import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Connection } from "../connect/types.js";
import { Secret } from "../model/secret.js";

/** A bearer token read for diagnosis, with where it came from. Never holds the token in plain text. */
export interface TokenRead {
  token?: Secret;
  /** A file path, or `the kubeconfig user's token`. */
  source: string;
  /** The `namespace` file of the ServiceAccount mount the token sits in, when there is one. */
  mountNamespace?: string;
  /** Why the token could not be read. */
  error?: string;
}

async function readTrimmed(path: string): Promise<string> {
  return readFileSync(path, "utf8").trim();
}

/** Reads a token file (kubelet writes it without a newline; editors add one, which we drop). */
export async function readTokenFile(path: string, mountNamespaceFile?: string): Promise<TokenRead> {
  let token: string;
  try {
    token = await readTrimmed(path);
  } catch (error) {
    return { source: path, error: `cannot read the token file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const read: TokenRead = token === "" ? { source: path, error: "the token file is empty" } : { source: path, token: new Secret(token) };
  if (mountNamespaceFile) {
    const namespace = await readTrimmed(mountNamespaceFile).catch(() => undefined);
    if (namespace) read.mountNamespace = namespace;
  }
  return read;
}

/** Reads `token` and `namespace` of a ServiceAccount mount directory. */
export function readServiceAccountDir(dir: string): Promise<TokenRead> {
  return readTokenFile(join(dir, "token"), join(dir, "namespace"));
}

/** The bearer token of a resolved connection; undefined when it authenticates another way. */
export async function tokenOfConnection(connection: Connection): Promise<TokenRead | undefined> {
  const credentials = connection.credentials;
  const mountNamespace = connection.serviceAccountDir ? join(connection.serviceAccountDir, "namespace") : undefined;
  if (credentials.kind === "token-file") return readTokenFile(credentials.path, mountNamespace);
  if (credentials.kind === "token")
    return {
      token: credentials.token,
      source: connection.source === "flags" ? "the --token flag" : `the kubeconfig user's token${connection.user ? ` (${connection.user})` : ""}`,
    };
  return undefined;
}
