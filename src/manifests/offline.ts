import type { Readable } from "node:stream";
import type { ManifestInput } from "../model/report.js";
import { withBootstrapPolicy } from "../rbac/bootstrap.js";
import type { ResourceType } from "../rbac/request-spec.js";
import type { RbacSnapshot } from "../rbac/types.js";
import { loadManifests, type LoadedManifests } from "./load.js";

/** What an offline command evaluates: the manifests, optionally on top of the default policy. */
export interface OfflineSnapshot {
  snapshot: RbacSnapshot;
  /** The types the manifests' CustomResourceDefinitions add. */
  customResources: ResourceType[];
  files: string[];
  ignored: number;
  /** Skipped files, objects given twice, what the apiserver would refuse (evaluated as written all the same). */
  warnings: string[];
}

/**
 * The namespace `kubectl apply -f` gives objects that name none: `-n`, else the context's. Offline
 * there is no kubeconfig context, so without `-n` it is `default`, and the report says so.
 */
export function placementNamespace(namespaceFlag: string | undefined): { namespace: string; source: "flag" | "default" } {
  return namespaceFlag ? { namespace: namespaceFlag, source: "flag" } : { namespace: "default", source: "default" };
}

/** The report's account of the manifests: files read, skipped and refused, and where unnamespaced objects went. */
export function manifestInputOf(loaded: LoadedManifests, namespaceFlag: string | undefined): ManifestInput {
  return {
    files: loaded.files,
    skipped: loaded.skipped,
    refused: loaded.refused,
    defaultNamespace: { ...placementNamespace(namespaceFlag), objects: loaded.defaulted.objects },
  };
}

/** One line for a report's `explain` or a warning: where namespaced objects without a namespace were placed, and why there. */
export function describePlacement(placement: ManifestInput["defaultNamespace"]): string {
  const why = placement.source === "flag" ? "from -n" : "no -n given, so kubectl's default";
  const objects = placement.objects === 1 ? "1 namespaced object" : `${placement.objects} namespaced objects`;
  return `${objects} without metadata.namespace placed in namespace ${placement.namespace} (${why}), as kubectl apply would`;
}

/**
 * Loads manifests for an offline question (documents that cannot be used are an `InputError`:
 * an answer without them could be wrong). Objects without a namespace go to `namespaceFlag`, else
 * `default`. With `withDefaults` the bootstrap policy every cluster ships is added underneath (the
 * manifests' objects win on a name clash).
 */
export async function loadOfflineSnapshot(
  paths: string[],
  options: { withDefaults: boolean; stdin?: Readable; cwd?: string; maxFileBytes?: number; namespaceFlag?: string },
): Promise<OfflineSnapshot> {
  const { withDefaults, namespaceFlag, ...loadOptions } = options;
  const placement = placementNamespace(namespaceFlag);
  const loaded = await loadManifests(paths, { ...loadOptions, defaultNamespace: placement.namespace });
  const warnings =
    loaded.defaulted.objects > 0 ? [...loaded.warnings, describePlacement({ ...placement, objects: loaded.defaulted.objects })] : loaded.warnings;
  return {
    snapshot: withDefaults ? withBootstrapPolicy(loaded.snapshot) : loaded.snapshot,
    customResources: loaded.customResources,
    files: loaded.files,
    ignored: loaded.ignored,
    warnings,
  };
}
