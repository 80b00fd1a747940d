import type { CheckDefinition } from "../checks/types.js";
import type { Connection } from "../connect/types.js";
import type { KubeClient, TransportFailure } from "../kube/types.js";
import type { CheckResult } from "../model/report.js";
import type { TokenRead } from "../token/source.js";

/** Who the API server says saprobe is, learned once per run and shared by every probe. */
export interface IdentityLookup {
  /** `known`: a username; `unauthorized`: the server rejected the credentials (401); `unknown`: could not tell. */
  state: "known" | "unauthorized" | "unknown";
  username?: string;
  groups: string[];
  uid?: string;
  /** Where the identity came from: `SelfSubjectReview`, `token claims`, `kubectl proxy`... */
  source: string;
  /** HTTP status of the SelfSubjectReview, when one was answered. */
  httpStatus?: number;
  /** One sentence: the identity or why it is not known. */
  message: string;
  evidence: Record<string, unknown>;
  failure?: TransportFailure;
  durationMs: number;
}

/** What every probe gets besides the client and the connection. */
export interface ProbeContext {
  /** Fires at the probe's own timeout or the run's overall deadline. */
  signal: AbortSignal;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  now(): Date;
  /** The run's identity (one SelfSubjectReview per run, shared). */
  identity(): Promise<IdentityLookup>;
  /** The connection's bearer token, read once per run; undefined when the connection has none. */
  token(): Promise<TokenRead | undefined>;
  /** A credential-less client that trusts only the system CA bundle (for `tls`). */
  systemCaClient(): KubeClient;
}

/** One probe kind: runs a check and returns its result. Never throws (the runner catches bugs). */
export type Probe = (client: KubeClient, connection: Connection, check: CheckDefinition, context: ProbeContext) => Promise<CheckResult>;
