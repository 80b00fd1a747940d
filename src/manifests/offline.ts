import type { Readable } from "node:stream";
import { withBootstrapPolicy } from "../rbac/bootstrap.js";
import type { ResourceType } from "../rbac/request-spec.js";
import type { RbacSnapshot } from "../rbac/types.js";
import { loadManifests } from "./load.js";

/** What an offline command evaluates: the manifests, optionally on top of the default policy. */
export interface OfflineSnapshot {
  snapshot: RbacSnapshot;
  /** The types the manifests' CustomResourceDefinitions add. */
  customResources: ResourceType[];
  files: string[];
  ignored: number;
  /** What the apiserver would refuse in the manifests (they are evaluated as written all the same). */
  warnings: string[];
}

/**
 * Loads manifests for an offline question. With `withDefaults` the bootstrap policy every cluster
 * ships is added underneath (the manifests' objects win on a name clash).
 */
export async function loadOfflineSnapshot(
  paths: string[],
  options: { withDefaults: boolean; stdin?: Readable; cwd?: string; maxFileBytes?: number; defaultNamespace?: string },
): Promise<OfflineSnapshot> {
  const { withDefaults, ...loadOptions } = options;
  const loaded = await loadManifests(paths, loadOptions);
  return { ...loaded, snapshot: withDefaults ? withBootstrapPolicy(loaded.snapshot) : loaded.snapshot };
}
