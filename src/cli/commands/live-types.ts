import { discoverResourceTypes } from "../../kube/discovery.js";
import type { KubeClient } from "../../kube/types.js";
import { coreTypeNamed } from "../../rbac/core-types.js";
import { BUILTIN_RESOURCES_VERSION, type RequestOptions } from "../../rbac/request-spec.js";

/*
 * Live `can-i` and `who-can` read TYPE as kubectl does: from the server's discovery, so a CRD's short
 * name or singular means what it means on that server. When discovery is refused (403) or cannot be
 * read, the built-in list answers instead, and a warning says so: nothing is guessed silently. A core
 * type's plural or singular needs no discovery: it means the core type whatever else the server serves.
 */

/** The request options for a live question about `target`, and the warnings discovery left. */
export async function liveRequestOptions(client: KubeClient, base: RequestOptions, target: string): Promise<{ options: RequestOptions; warnings: string[] }> {
  // A non-resource URL or `*` names no type: nothing to resolve, so nothing to ask.
  if (target.startsWith("/") || target.split("/")[0] === "*") return { options: base, warnings: [] };
  // A core type's plural or singular means that core type on every server (rbac/core-types.ts): the
  // same request discovery would give, without its two requests. `TYPE/REST` still asks discovery:
  // whether REST is a subresource depends on the server's version.
  const core = target.includes("/") ? undefined : coreTypeNamed(target);
  if (core) return { options: { ...base, discovered: [core] }, warnings: [] };
  const discovery = await discoverResourceTypes(client);
  const fallback = `TYPE is read from saprobe's built-in ${BUILTIN_RESOURCES_VERSION} resource list instead (no CRDs)`;
  if (!discovery.ok) {
    const why = discovery.forbidden ? `the server refused discovery (${discovery.reason})` : `could not read the server's discovery (${discovery.reason})`;
    return { options: base, warnings: [`${why}; ${fallback}`] };
  }
  const warnings =
    discovery.unreadGroups.length > 0 ? [`discovery could not read ${discovery.unreadGroups.join(", ")}: the types served there are unknown here`] : [];
  return { options: { ...base, discovered: discovery.resources }, warnings };
}
