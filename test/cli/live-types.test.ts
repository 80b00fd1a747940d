import { describe, expect, it } from "vitest";
import builtin from "../../src/rbac/builtin-resources.json" with { type: "json" };
import { liveRequestOptions } from "../../src/cli/commands/live-types.js";
import { discoverResourceTypes } from "../../src/kube/discovery.js";
import type { KubeClient, RequestOptions as KubeRequestOptions } from "../../src/kube/types.js";
import { coreTypes } from "../../src/rbac/core-types.js";
import { parseRequest, type RequestOptions, type ResourceType } from "../../src/rbac/request-spec.js";

// A core type's plural or singular is read without discovery (src/rbac/core-types.ts). The request
// must be the one discovery gives, on a server whose CRDs collide with every core type's plural,
// singular and short name in every way CRD naming allows, listed before the built-in groups.

type Json = Record<string, unknown>;

/** A type as aggregated discovery lists it. */
function listed(type: ResourceType): Json {
  return {
    resource: type.name,
    responseKind: { group: type.group, version: "v1", kind: type.kind },
    scope: type.namespaced ? "Namespaced" : "Cluster",
    verbs: ["get", "list"],
    ...(type.singular ? { singularResource: type.singular } : {}),
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.subresources ? { subresources: type.subresources.map((subresource) => ({ subresource, verbs: ["get"] })) } : {}),
  };
}

const groupEntry = (name: string, types: readonly ResourceType[]): Json => ({
  metadata: { name },
  versions: [{ version: "v1", resources: types.map(listed) }],
});

const core = coreTypes();
const builtinGroups = [...new Set((builtin.resources as ResourceType[]).map((type) => type.group).filter((group) => group !== ""))];
// Each hostile type has the other scope than the core type it mimics: a wrong pick changes the namespace.
const hostile = (group: string, of: ResourceType, names: Partial<ResourceType>): ResourceType => ({
  name: of.name,
  group,
  namespaced: !of.namespaced,
  kind: `Hostile${of.kind}`,
  ...names,
});
const sameNames = core.map((type) => hostile("aaa.example.com", type, { singular: type.singular }));
const swappedNames = core
  .filter((type) => type.singular && type.singular !== type.name)
  .map((type) => hostile("bbb.example.com", type, { name: type.singular ?? "", singular: type.name }));
const shortNamed = core.map((type, index) =>
  hostile("ccc.example.com", type, {
    name: `thing${index}s`,
    singular: `thing${index}`,
    shortNames: [type.name, ...(type.singular ? [type.singular] : []), ...(type.shortNames ?? [])],
  }),
);
const answers: Record<string, Json> = {
  "/api": { kind: "APIGroupDiscoveryList", items: [{ metadata: {}, versions: [{ version: "v1", resources: core.map(listed) }] }] },
  "/apis": {
    kind: "APIGroupDiscoveryList",
    items: [
      groupEntry("aaa.example.com", sameNames),
      groupEntry("bbb.example.com", swappedNames),
      groupEntry("ccc.example.com", shortNamed),
      ...builtinGroups.map((group) =>
        groupEntry(
          group,
          (builtin.resources as ResourceType[]).filter((type) => type.group === group),
        ),
      ),
    ],
  },
};

/** A client that answers discovery from `answers`, recording the paths it was asked. */
function discoveryClient(): { client: KubeClient; asked: string[] } {
  const asked: string[] = [];
  const client: KubeClient = {
    async request(options: KubeRequestOptions) {
      asked.push(options.path);
      const json = answers[options.path] ?? { kind: "Status", message: "not found" };
      const status = answers[options.path] ? 200 : 404;
      return { ok: true, response: { status, headers: { "content-type": "application/json" }, json, text: JSON.stringify(json), durationMs: 1 } };
    },
    watch: () => Promise.reject(new Error("not used")),
    close: async () => undefined,
  };
  return { client, asked };
}

/** The questions each form is asked as: namespaced, in every namespace, by name, with a subresource. */
const questions: { verb: string; name?: string; allNamespaces: boolean; base: RequestOptions }[] = [
  { verb: "get", allNamespaces: false, base: {} },
  { verb: "list", allNamespaces: true, base: {} },
  { verb: "delete", name: "web-0", allNamespaces: false, base: {} },
  { verb: "update", name: "web-0", allNamespaces: false, base: { subresource: "status" } },
];

async function resolved(target: string, question: (typeof questions)[number], client: KubeClient) {
  const types = await liveRequestOptions(client, question.base, target);
  const parsed = parseRequest(question.verb, target, question.name, "team", question.allNamespaces, types.options);
  return { attrs: parsed.attrs, warnings: [...types.warnings, ...parsed.warnings] };
}

describe("live TYPE without discovery for a core type's plural or singular", () => {
  it("gives the request discovery gives, for every core type and form, beside colliding CRDs", async () => {
    const discovered = await discoverResourceTypes(discoveryClient().client);
    if (!discovered.ok) throw new Error(discovered.reason);
    expect(core.length).toBeGreaterThanOrEqual(17);
    for (const type of core) {
      for (const form of [type.name, ...(type.singular ? [type.singular] : []), type.name.toUpperCase()]) {
        for (const question of questions) {
          const { client, asked } = discoveryClient();
          const fast = await resolved(form, question, client);
          expect({ form, asked }).toEqual({ form, asked: [] });
          const parsed = parseRequest(question.verb, form, question.name, "team", question.allNamespaces, {
            ...question.base,
            discovered: discovered.resources,
          });
          expect({ form, ...fast }).toEqual({ form, attrs: parsed.attrs, warnings: parsed.warnings });
          expect(fast.attrs).toMatchObject({ apiGroup: "", resource: type.name });
        }
      }
    }
  });

  it("asks discovery for everything else: short names, kinds, groups, TYPE/NAME, CRDs, unknown types", async () => {
    for (const target of ["sa", "po", "ns", "secrets.", "secrets.aaa.example.com", "pods/exec", "secrets/db", "deploy", "thing3s", "podz"]) {
      const { client, asked } = discoveryClient();
      await resolved(target, questions[0]!, client);
      expect({ target, asked }).toEqual({ target, asked: ["/api", "/apis"] });
    }
    // A short name keeps kubectl's warning about the lower-priority types that have it too.
    const { client } = discoveryClient();
    expect((await resolved("sa", questions[0]!, client)).warnings).toEqual([
      'short name "sa" could also match lower priority resource thing15s.ccc.example.com',
    ]);
  });
});
