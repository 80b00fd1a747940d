import type { Connection, Credentials } from "../../src/connect/types.js";

/** A resolved connection for tests that talk to a test server directly. */
export function connectionFor(server: string, extra: Partial<Connection> & { credentials?: Credentials } = {}): Connection {
  return {
    source: "flags",
    server,
    files: [],
    namespace: "default",
    namespaceSource: "default",
    tls: { insecureSkipTLSVerify: false },
    credentials: { kind: "none", reason: "test" },
    viaProxy: false,
    requestTimeoutMs: 5_000,
    explain: [],
    warnings: [],
    ...extra,
  };
}
