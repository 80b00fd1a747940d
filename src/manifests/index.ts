/** Manifest loading: files, directories and stdin -> validated RBAC objects with source locations. */
export { loadManifests, type LoadOptions, type LoadedManifests } from "./load.js";
export { DEFAULT_LIMITS, type LoadLimits } from "../input/limits.js";
export { schemaKubernetesVersion, RBAC_KINDS, type RbacKind } from "./validate.js";
