/*
 * What a YAML file is when it is not the file a command expected: `saprobe validate rbac.yaml` should
 * say "that is an RBAC manifest; audit -f reads it", not quote the YAML library.
 */

/** A kind of file saprobe reads, and the command that reads it. */
export interface FileKind {
  /** "an RBAC manifest (RoleBinding, ClusterRole)". */
  what: string;
  /** How to give it to the command that reads it, with FILE for the path. */
  readBy: string;
}

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The kinds of Kubernetes objects in the documents, List items included. */
function objectKinds(documents: readonly unknown[]): string[] {
  return documents.flatMap((document) => {
    if (!isRecord(document) || typeof document.kind !== "string") return [];
    const items = document.kind.endsWith("List") && Array.isArray(document.items) ? objectKinds(document.items) : [];
    return [document.kind, ...items];
  });
}

/**
 * What the parsed documents of a file are, when saprobe knows: a check file, an RBAC or other
 * Kubernetes manifest, a kubeconfig, audit rules, an audit allowlist or an audit configuration.
 */
export function fileKindOf(documents: readonly unknown[]): FileKind | undefined {
  const first = documents.find(isRecord);
  if (!first) return undefined;
  if (first.kind === "Config" && ("clusters" in first || "contexts" in first || "users" in first)) {
    return {
      what: "a kubeconfig",
      readBy: "--kubeconfig FILE on any command (saprobe config view --kubeconfig FILE --explain shows what saprobe makes of it)",
    };
  }
  if (Array.isArray(first.checks) && documents.length === 1) return { what: "a check file", readBy: "saprobe run --checks FILE" };
  if (Array.isArray(first.rules) && typeof first.kind !== "string") return { what: "an audit rule file", readBy: "saprobe audit --rules FILE" };
  if (Array.isArray(first.allow) && typeof first.kind !== "string") return { what: "an audit allowlist", readBy: "saprobe audit --allowlist FILE" };
  const kinds = objectKinds(documents);
  const rbac = [...new Set(kinds.filter((kind) => RBAC_KINDS.has(kind)))];
  if (rbac.length > 0) {
    return { what: `an RBAC manifest (${rbac.join(", ")})`, readBy: "saprobe audit -f FILE (can-i and who-can take it with -f too, run with --expect)" };
  }
  if (kinds.length > 0)
    return {
      what: `a Kubernetes manifest without RBAC objects (${[...new Set(kinds)].slice(0, 3).join(", ")})`,
      readBy: "saprobe audit -f FILE (it skips what is not RBAC)",
    };
  return undefined;
}
