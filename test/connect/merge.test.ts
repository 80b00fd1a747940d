import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeKubeconfigs } from "../../src/connect/kubeconfig/load.js";
import { emptyKubeconfigSet, type KubeconfigSet } from "../../src/connect/kubeconfig/model.js";

const names = fc.constantFrom("a", "b", "c", "d");

/** A random set from file `origin`: some clusters, users, contexts, maybe a current-context. */
const setFrom = (origin: string) =>
  fc
    .record({ clusters: fc.uniqueArray(names), users: fc.uniqueArray(names), contexts: fc.uniqueArray(names), current: fc.option(names, { nil: undefined }) })
    .map((shape) => {
      const set: KubeconfigSet = emptyKubeconfigSet();
      for (const name of shape.clusters) set.clusters.set(name, { name, origin, insecureSkipTlsVerify: false });
      for (const name of shape.users) set.users.set(name, { name, origin, impersonateGroups: [] });
      for (const name of shape.contexts) set.contexts.set(name, { name, origin });
      if (shape.current !== undefined) {
        set.currentContext = shape.current;
        set.currentContextOrigin = origin;
      }
      return set;
    });

const sets = fc.tuple(setFrom("f0"), setFrom("f1"), setFrom("f2"));

function origins(set: KubeconfigSet): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [kind, map] of [
    ["cluster", set.clusters],
    ["user", set.users],
    ["context", set.contexts],
  ] as const) {
    for (const [name, entry] of map) result[`${kind}:${name}`] = entry.origin;
  }
  result.current = `${set.currentContext ?? ""}@${set.currentContextOrigin ?? ""}`;
  return result;
}

describe("mergeKubeconfigs (client-go's first-file-wins)", () => {
  it("every name comes from the first file that defines it, current-context from the first that sets it", () => {
    fc.assert(
      fc.property(sets, (files) => {
        const merged = mergeKubeconfigs(files);
        for (const kind of ["clusters", "users", "contexts"] as const) {
          const all = new Set(files.flatMap((file) => [...file[kind].keys()]));
          expect(new Set(merged[kind].keys())).toEqual(all);
          for (const [name, entry] of merged[kind]) expect(entry.origin).toBe(files.find((file) => file[kind].has(name))?.[kind].get(name)?.origin);
        }
        const first = files.find((file) => file.currentContext !== undefined);
        expect(merged.currentContext).toBe(first?.currentContext);
        expect(merged.currentContextOrigin).toBe(first?.currentContextOrigin);
      }),
    );
  });

  it("merging is associative, and merging a file twice changes nothing", () => {
    fc.assert(
      fc.property(sets, ([a, b, c]) => {
        expect(origins(mergeKubeconfigs([mergeKubeconfigs([a, b]), c]))).toEqual(origins(mergeKubeconfigs([a, mergeKubeconfigs([b, c])])));
        expect(origins(mergeKubeconfigs([a, b, a]))).toEqual(origins(mergeKubeconfigs([a, b])));
      }),
    );
  });
});
