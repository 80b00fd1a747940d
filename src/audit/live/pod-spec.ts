/*
 * Reading a pod's spec as the API serves it (or as a test writes it): lists that may be absent or hold
 * junk, and every container of every kind. Shared by pod-secrets.ts and pod-host-access.ts.
 */

/** An object as the API serves it. */
export type Raw = Record<string, unknown>;

/** The objects of a list field (absent, not a list, or holding non-objects: none of those). */
export const objectsIn = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]).filter((item) => item && typeof item === "object") : []);

/** A pod spec's containers, init containers and ephemeral containers: all run in the pod with its volumes and node. */
export function containersOf(spec: Raw): Raw[] {
  return [...objectsIn(spec.containers), ...objectsIn(spec.initContainers), ...objectsIn(spec.ephemeralContainers)];
}
