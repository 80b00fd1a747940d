/*
 * The one table of input limits: how large a file of each kind may be, and how deep and how aliased
 * a YAML or JSON document may get, so hostile input cannot exhaust memory or the stack. Every reader
 * (manifests, check files, audit files, kubeconfigs) and every flag default reads it. This module
 * imports nothing: the CLI's flag table reads it at start without loading a reader.
 */

/** Deepest nesting of collections in any document. */
export const MAX_DEPTH = 64;

/** Most YAML aliases to collections per document (the "billion laughs" guard). */
export const MAX_ALIASES = 100;

/** The largest file accepted, by kind of file, in bytes. */
export const MAX_FILE_BYTES = {
  /** Manifests (and standard input): 16 MiB holds a large cluster's whole RBAC. */
  manifest: 16 * 1024 * 1024,
  /** kubectl has no limit; 16 MiB holds thousands of clusters with embedded certificates and parses in under a second. */
  kubeconfig: 16 * 1024 * 1024,
  /** Check files hold tens of checks (the default suite is 3 KiB); 4 MiB is about 13,000 checks and still parses in about a second. */
  checkFile: 4 * 1024 * 1024,
  /** The audit's own files (rules, allowlist, configuration) are small; anything bigger is not one of them. */
  auditFile: 1024 * 1024,
} as const;

/** Limits that keep hostile manifests from exhausting memory or the stack. */
export interface LoadLimits {
  /** Largest file (or stdin) in bytes. Default 16 MiB. */
  maxFileBytes: number;
  /** Most alias uses that re-enter a collection, per document (YAML "billion laughs"). Default 100. */
  maxAliases: number;
  /** Deepest nesting of collections. Default 64. */
  maxDepth: number;
}

/** The manifest loader's defaults, from the table above. */
export const DEFAULT_LIMITS: LoadLimits = { maxFileBytes: MAX_FILE_BYTES.manifest, maxAliases: MAX_ALIASES, maxDepth: MAX_DEPTH };
