import type { Expectation, Severity } from "../model/report.js";

/** The probe kinds a check can use; each has one module in `src/probes/`. */
export const PROBE_KINDS = ["tls", "anonymous", "version", "whoami", "token", "list", "watch", "get", "logs", "access-review", "raw"] as const;

/** One probe kind. */
export type ProbeKind = (typeof PROBE_KINDS)[number];

/** Where a check was defined, for messages and for `--checks` overrides. */
export interface CheckOrigin {
  file: string;
  line: number;
  column: number;
}

/** One question for a SelfSubjectAccessReview: a resource request or a non-resource path. */
export type AccessQuestion =
  | {
      verb: string;
      resource: string;
      group?: string;
      version?: string;
      subresource?: string;
      name?: string;
      /** Omitted: the identity's namespace; `""`: cluster-wide. */
      namespace?: string;
    }
  | { verb: string; path: string };

/**
 * A check as written in a check file, after schema validation. Only the fields its probe kind
 * uses are present; the schema rejects the rest. Loaded checks are frozen.
 */
export interface CheckDefinition {
  id: string;
  title: string;
  probe: ProbeKind;
  expect: Expectation;
  severity: Severity;
  remediation: string;
  resource?: string;
  group?: string;
  version?: string;
  /** Omitted: the identity's namespace. */
  namespace?: string;
  /** List or watch across every namespace. */
  allNamespaces?: boolean;
  name?: string;
  subresource?: string;
  /** For `raw`: the API path; for `tls`/`anonymous`: unused. */
  path?: string;
  method?: "GET" | "POST";
  body?: unknown;
  /** For `logs`: the container; omitted lets the server choose (single-container pods). */
  container?: string;
  /** For `logs`: follow the stream this many seconds (0 or omitted: no follow). */
  followSeconds?: number;
  /** Per-check timeout in seconds, overriding `--request-timeout`; for `watch` the server-side `timeoutSeconds`. */
  timeoutSeconds?: number;
  /** For `access-review`: the questions, asked as one batch. */
  reviews?: AccessQuestion[];
  origin: CheckOrigin;
}

/** One problem found in a check file, with its position. */
export interface CheckProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}
