import type { Connection } from "../connect/types.js";
import type { KubeClient } from "../kube/types.js";
import { lookupIdentity } from "../probes/identity.js";
import type { IdentityLookup, ProbeContext } from "../probes/types.js";
import { tokenOfConnection, type TokenRead } from "../token/source.js";

/** What is shared by every probe of one run: the identity and the token are each fetched once. */
export interface SharedRunState {
  identity(): Promise<IdentityLookup>;
  token(): Promise<TokenRead | undefined>;
  systemCaClient(): KubeClient;
}

/**
 * The connection the `tls` probe uses: same server and server name, no credentials, and trust in
 * the system CA bundle only (`systemCaFile`, else Node's default roots) instead of the cluster CA.
 */
export function systemCaConnection(connection: Connection, systemCaFile: string | undefined): Connection {
  const tls = {
    insecureSkipTLSVerify: false,
    ...(systemCaFile ? { caFile: systemCaFile } : {}),
    ...(connection.tls.serverName ? { serverName: connection.tls.serverName } : {}),
  };
  return { ...connection, tls, credentials: { kind: "none", reason: "the tls probe is anonymous" }, impersonate: undefined };
}

/** Memoizes the run's shared lookups; the identity uses the overall deadline, not a probe's. */
export function sharedRunState(
  client: KubeClient,
  connection: Connection,
  options: { signal: AbortSignal; createSystemCaClient: () => KubeClient; token?: () => Promise<TokenRead | undefined> },
): SharedRunState & { closeSystemCaClient(): Promise<void> } {
  let identity: Promise<IdentityLookup> | undefined;
  let token: Promise<TokenRead | undefined> | undefined;
  let systemCa: KubeClient | undefined;
  const readToken = () => (token ??= options.token ? options.token() : tokenOfConnection(connection));
  return {
    token: readToken,
    identity: () => (identity ??= lookupIdentity(client, connection, { signal: options.signal, timeoutMs: connection.requestTimeoutMs, token: readToken })),
    systemCaClient: () => (systemCa ??= options.createSystemCaClient()),
    closeSystemCaClient: async () => {
      await systemCa?.close();
    },
  };
}

/** The context one probe runs with: the shared state plus its own signal and timeout. */
export function probeContext(shared: SharedRunState, signal: AbortSignal, timeoutMs: number, now: () => Date): ProbeContext {
  return { signal, timeoutMs, now, identity: shared.identity, token: shared.token, systemCaClient: shared.systemCaClient };
}
