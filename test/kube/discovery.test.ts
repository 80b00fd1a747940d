import { describe, expect, it } from "vitest";
import { DISCOVERY_ACCEPT, discoverResourceTypes } from "../../src/kube/discovery.js";
import type { KubeClient, RequestOptions } from "../../src/kube/types.js";

// The discovery reader: aggregated documents (what a v1.30+ server answers kubectl's Accept with),
// the older per-group documents, and a refusal, each through a client that answers from a table.

/** A client that answers GETs from `answers` (path -> [status, body]), recording what it was asked. */
function tableClient(answers: Record<string, [number, unknown]>): { client: KubeClient; asked: RequestOptions[] } {
  const asked: RequestOptions[] = [];
  const client: KubeClient = {
    async request(options) {
      asked.push(options);
      const [status, json] = answers[options.path] ?? [404, { kind: "Status", message: "the server could not find the requested resource" }];
      return { ok: true, response: { status, headers: { "content-type": "application/json" }, json, text: JSON.stringify(json), durationMs: 1 } };
    },
    watch: () => Promise.reject(new Error("not used")),
    close: async () => undefined,
  };
  return { client, asked };
}

const resource = (name: string, kind: string, scope: string, extra: Record<string, unknown> = {}) => ({
  resource: name,
  responseKind: { group: "", version: "v1", kind },
  scope,
  verbs: ["get"],
  ...extra,
});

const aggregatedCore = {
  kind: "APIGroupDiscoveryList",
  apiVersion: "apidiscovery.k8s.io/v2",
  items: [
    {
      metadata: { creationTimestamp: null },
      versions: [
        {
          version: "v1",
          resources: [
            resource("pods", "Pod", "Namespaced", {
              singularResource: "pod",
              shortNames: ["po"],
              subresources: [{ subresource: "log" }, { subresource: "exec" }],
            }),
            resource("nodes", "Node", "Cluster", { singularResource: "node", shortNames: ["no"] }),
          ],
        },
      ],
    },
  ],
};

const aggregatedGroups = {
  kind: "APIGroupDiscoveryList",
  apiVersion: "apidiscovery.k8s.io/v2",
  items: [
    {
      metadata: { name: "example.com" },
      versions: [
        { version: "v2", resources: [resource("widgets", "Widget", "Namespaced", { singularResource: "widget", shortNames: ["wdg"] })] },
        { version: "v1", resources: [resource("widgets", "OldWidget", "Cluster"), resource("gadgets", "Gadget", "Cluster", { singularResource: "gadget" })] },
      ],
    },
  ],
};

describe("discoverResourceTypes", () => {
  it("reads aggregated discovery in two requests with kubectl's Accept, preferred version first", async () => {
    const { client, asked } = tableClient({ "/api": [200, aggregatedCore], "/apis": [200, aggregatedGroups] });
    const outcome = await discoverResourceTypes(client);
    expect(asked.map((options) => [options.path, options.accept])).toEqual([
      ["/api", DISCOVERY_ACCEPT],
      ["/apis", DISCOVERY_ACCEPT],
    ]);
    expect(DISCOVERY_ACCEPT).toMatch(/^application\/json;g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList,/);
    expect(outcome).toEqual({
      ok: true,
      aggregated: true,
      unreadGroups: [],
      resources: [
        { name: "pods", group: "", namespaced: true, singular: "pod", shortNames: ["po"], subresources: ["exec", "log"], kind: "Pod" },
        { name: "nodes", group: "", namespaced: false, singular: "node", shortNames: ["no"], kind: "Node" },
        // v2 is listed first, so it is the preferred version: v1's cluster-scoped OldWidget does not replace it.
        { name: "widgets", group: "example.com", namespaced: true, singular: "widget", shortNames: ["wdg"], kind: "Widget" },
        { name: "gadgets", group: "example.com", namespaced: false, singular: "gadget", kind: "Gadget" },
      ],
    });
  });

  it("reads each group's preferred version from a server without aggregated discovery, and names a group it could not read", async () => {
    const { client, asked } = tableClient({
      "/api": [200, { kind: "APIVersions", versions: ["v1"] }],
      "/apis": [
        200,
        {
          kind: "APIGroupList",
          groups: [
            { name: "example.com", preferredVersion: { groupVersion: "example.com/v2", version: "v2" } },
            { name: "metrics.k8s.io", preferredVersion: { groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" } },
          ],
        },
      ],
      "/api/v1": [
        200,
        {
          kind: "APIResourceList",
          resources: [
            { name: "pods", singularName: "pod", namespaced: true, kind: "Pod", shortNames: ["po"] },
            { name: "pods/log", namespaced: true, kind: "PodLogOptions" },
          ],
        },
      ],
      "/apis/example.com/v2": [
        200,
        { kind: "APIResourceList", resources: [{ name: "widgets", singularName: "widget", namespaced: true, kind: "Widget", shortNames: ["wdg"] }] },
      ],
      "/apis/metrics.k8s.io/v1beta1": [503, { kind: "Status", message: "service unavailable" }],
    });
    const outcome = await discoverResourceTypes(client);
    expect(asked.map((options) => options.path).sort()).toEqual(["/api", "/api/v1", "/apis", "/apis/example.com/v2", "/apis/metrics.k8s.io/v1beta1"]);
    expect(outcome).toEqual({
      ok: true,
      aggregated: false,
      unreadGroups: ["metrics.k8s.io"],
      resources: [
        { name: "pods", group: "", namespaced: true, singular: "pod", shortNames: ["po"], subresources: ["log"], kind: "Pod" },
        { name: "widgets", group: "example.com", namespaced: true, singular: "widget", shortNames: ["wdg"], kind: "Widget" },
      ],
    });
  });

  it("says discovery was refused, with the server's message, for a 403", async () => {
    const forbidden = { kind: "Status", message: 'forbidden: User "bob" cannot get path "/api"', code: 403 };
    const { client } = tableClient({ "/api": [403, forbidden], "/apis": [403, forbidden] });
    expect(await discoverResourceTypes(client)).toEqual({
      ok: false,
      forbidden: true,
      reason: 'GET /api answered 403: forbidden: User "bob" cannot get path "/api"',
    });
  });
});
