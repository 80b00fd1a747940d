import builtin from "./builtin-resources.json" with { type: "json" };
import type { ResourceType } from "./request-spec.js";

/*
 * The core group's types ("" group, `/api/v1`) outrank every group under `/apis` when kubectl reads
 * TYPE: client-go's NewDiscoveryRESTMapper (restmapper/discovery.go) puts `{Group: "", Version: "v1",
 * Resource: *}` first in the resource priority ("/v1 is special. It should always come first"),
 * apimachinery's PriorityRESTMapper.ResourceFor returns that pattern's match when it is the only one,
 * and shortcutExpander.expandResourceShortcut never expands a word some type has as its name or
 * singular. So a core type's plural or singular means that core type on every server, whatever CRDs
 * or aggregated APIs it also serves (real kubectl beside CRDs that take every core plural, singular
 * and short name: test/cli/core-types.int.test.ts), and reading it needs no discovery. The table is the built-in resource list's core group (exported from kube-apiserver
 * discovery; test/rbac/committed-data.int.test.ts keeps it equal to the server's), whose types have
 * been served since Kubernetes 1.x began and cannot leave v1.
 */

const CORE = (builtin.resources as ResourceType[]).filter((type) => type.group === "");
let byWord: Map<string, ResourceType> | undefined;

/** The core types, as the built-in resource list has them (the table the fast path reads). */
export function coreTypes(): readonly ResourceType[] {
  return CORE;
}

/**
 * The core type that TYPE names on any server, for a TYPE written as a core type's plural or singular
 * (any case, no `.GROUP`, no `/NAME`); undefined for anything else, which only discovery can resolve.
 */
export function coreTypeNamed(typed: string): ResourceType | undefined {
  byWord ??= new Map(CORE.flatMap((type) => [[type.name, type] as const, ...(type.singular ? [[type.singular, type] as const] : [])]));
  return byWord.get(typed.toLowerCase());
}
