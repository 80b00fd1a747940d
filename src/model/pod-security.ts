/*
 * The Pod Security level a namespace enforces, read from its labels: one reading for the live audit
 * (the Namespace list) and the offline one (Namespace objects in the manifests).
 */

/** The label Pod Security admission enforces a namespace's level by. */
export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";

/** The level a Namespace's `metadata.labels` enforce: "" when they set none (the cluster's default applies). */
export function enforcedLevel(labels: unknown): string {
  const level = typeof labels === "object" && labels !== null ? (labels as Record<string, unknown>)[POD_SECURITY_ENFORCE] : undefined;
  return typeof level === "string" ? level : "";
}
