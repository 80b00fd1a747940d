import { describe, expect, it } from "vitest";
import { listAll, listed } from "../../src/kube/list-all.js";
import type { KubeClient, RequestOptions } from "../../src/kube/types.js";

/** A client that answers list requests from pages, recording what it was asked. */
function pagedClient(pages: { items: unknown[]; continue?: string }[], status = 200): { client: KubeClient; asked: RequestOptions[] } {
  const asked: RequestOptions[] = [];
  const client: KubeClient = {
    async request(options) {
      asked.push(options);
      const page = pages[asked.length - 1] ?? { items: [] };
      const json =
        status === 200
          ? { items: page.items, metadata: page.continue ? { continue: page.continue } : {} }
          : { kind: "Status", message: "secrets is forbidden" };
      return { ok: true, response: { status, headers: {}, json, text: JSON.stringify(json), durationMs: 1 } } as never;
    },
    watch: () => Promise.reject(new Error("not used")),
    close: async () => undefined,
  };
  return { client, asked };
}

describe("listAll, the one paginated reader", () => {
  it("follows continue tokens until the last page and keeps every item with its kind", async () => {
    const { client, asked } = pagedClient([{ items: [{ metadata: { name: "a" } }], continue: "t1" }, { items: [{ metadata: { name: "b" } }] }]);
    const outcome = await listAll(client, listed("rbac.authorization.k8s.io", "v1", "roles", "Role"));
    expect(outcome).toEqual({
      ok: true,
      items: [
        { metadata: { name: "a" }, kind: "Role" },
        { metadata: { name: "b" }, kind: "Role" },
      ],
    });
    expect(asked.map((options) => options.query?.continue)).toEqual([undefined, "t1"]);
    expect(asked[0]?.path).toBe("/apis/rbac.authorization.k8s.io/v1/roles");
  });

  it("reads token Secrets as metadata only, with the field selector, so no token ever arrives", async () => {
    const { client, asked } = pagedClient([{ items: [{ kind: "PartialObjectMetadata", metadata: { name: "t", namespace: "n" } }] }]);
    const resource = listed("", "v1", "secrets", "Secret", { query: { fieldSelector: "type=kubernetes.io/service-account-token" }, metadataOnly: true });
    const outcome = await listAll(client, resource);
    expect(asked[0]?.accept).toMatch(/^application\/json;as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/);
    expect(asked[0]?.query?.fieldSelector).toBe("type=kubernetes.io/service-account-token");
    expect(outcome.ok && outcome.items[0]?.kind).toBe("Secret");
  });

  it("reads an empty metadata-only list, which the server sends with items null, as no items (not as unreadable)", async () => {
    const { client } = pagedClient([{ items: null as unknown as unknown[] }]);
    const outcome = await listAll(client, listed("", "v1", "secrets", "Secret", { metadataOnly: true }));
    expect(outcome).toEqual({ ok: true, items: [] });
  });

  it("says why a list could not be read", async () => {
    const { client } = pagedClient([], 403);
    expect(await listAll(client, listed("", "v1", "secrets", "Secret"))).toEqual({ ok: false, reason: "forbidden: secrets is forbidden", forbidden: true });
  });
});
