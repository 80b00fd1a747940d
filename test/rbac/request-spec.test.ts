import { describe, expect, it } from "vitest";
import { describeRequest, parseRequest, type ResourceType } from "../../src/rbac/request-spec.js";

const read = (verb: string, target: string, name?: string, options = {}) => parseRequest(verb, target, name, "team", false, options);

describe("kubectl's grammar for can-i and who-can", () => {
  it("resolves singular forms and short names as kubectl's discovery does (checked with kubectl auth can-i on v1.37.2)", () => {
    expect(read("get", "pod").attrs).toMatchObject({ resource: "pods", apiGroup: "" });
    expect(read("get", "deploy").attrs).toMatchObject({ resource: "deployments", apiGroup: "apps" });
    expect(read("get", "sa").attrs).toMatchObject({ resource: "serviceaccounts", apiGroup: "" });
    expect(read("get", "deployments.apps").attrs).toMatchObject({ resource: "deployments", apiGroup: "apps" });
    for (const typed of ["pod", "deploy", "sa", "deployments.apps"]) expect(read("get", typed).warnings).toEqual([]);
  });

  it("resolves a name and a singular alike, first in discovery order, as client-go's PriorityRESTMapper does (checked with kubectl 1.32 and 1.33)", () => {
    const discovered: ResourceType[] = [
      { name: "gadgets", group: "first.example.com", namespaced: true, singular: "widget", kind: "Gadget" },
      { name: "widget", group: "second.example.com", namespaced: false, singular: "thing", kind: "Widget" },
    ];
    expect(parseRequest("get", "widget", undefined, "team", false, { discovered }).attrs).toMatchObject({ resource: "gadgets", apiGroup: "first.example.com" });
  });

  it("reads TYPE/NAME as kubectl does, and --subresource", () => {
    expect(read("get", "pods/web-0").attrs).toMatchObject({ resource: "pods", name: "web-0" });
    expect(read("get", "pods/web-0").attrs).not.toHaveProperty("subresource");
    expect(read("get", "pods/web-0", undefined, { subresource: "log" }).attrs).toMatchObject({ resource: "pods", name: "web-0", subresource: "log" });
    expect(read("get", "deployments.apps/web", undefined, { subresource: "scale" }).attrs).toMatchObject({
      apiGroup: "apps",
      name: "web",
      subresource: "scale",
    });
  });

  it("keeps saprobe's older forms where they are not ambiguous, saying how kubectl reads pods/exec", () => {
    expect(read("get", "pods", "web-0").attrs).toMatchObject({ resource: "pods", name: "web-0" });
    const exec = read("create", "pods/exec");
    expect(exec.attrs).toMatchObject({ resource: "pods", subresource: "exec" });
    expect(exec.warnings).toEqual([
      `"pods/exec" is read as the exec subresource of pods; kubectl reads it as the pod named "exec" (write "pods --subresource exec" to say the first, "pods/NAME" for a name)`,
    ]);
    expect(read("get", "pods/log", "web-0").attrs).toMatchObject({ name: "web-0", subresource: "log" });
  });

  it("warns about unknown verbs as kubectl does, with the closest known verb", () => {
    expect(read("lisst", "pods").warnings).toEqual([`verb 'lisst' is not a known verb; did you mean "list"?`]);
    expect(parseRequest("gett", "/healthz", undefined, "").warnings).toEqual([`verb 'gett' is not a known verb; did you mean "get"?`]);
    expect(parseRequest("post", "/healthz", undefined, "").warnings).toEqual([]);
  });

  it("knows the v1.37 server's constrained impersonation verbs, which kubectl still warns about", () => {
    for (const verb of [
      "impersonate:user-info",
      "impersonate:serviceaccount",
      "impersonate:arbitrary-node",
      "impersonate:associated-node",
      "impersonate-on:serviceaccount:create",
      "impersonate-on:user-info:list",
    ]) {
      expect({ verb, warnings: read(verb, "pods").warnings }).toEqual({ verb, warnings: [] });
    }
    expect(read("impersonate-on:foo:list", "pods").warnings).toEqual(["verb 'impersonate-on:foo:list' is not a known verb"]);
    expect(read("impersonate-on:user-info:lisst", "pods").warnings).toHaveLength(1);
  });

  it("warns about unknown types in kubectl's words, with the closest name, or the kind's initials", () => {
    expect(read("get", "podz").warnings).toEqual([
      `the server doesn't have a resource type 'podz'; did you mean "pods"? (saprobe knows the built-in v1.37.2 resources)`,
    ]);
    // kubectl has no short name crb (checked: it warns too); the initials of ClusterRoleBinding point at it.
    expect(read("get", "crb").warnings[0]).toContain(`did you mean "clusterrolebindings"?`);
    expect(read("get", "widgets.example.com").warnings).toEqual([
      `the server doesn't have a resource type 'widgets' in group 'example.com' (saprobe knows the built-in v1.37.2 resources)`,
    ]);
    // kubectl asks about users and groups (impersonation) without a warning.
    expect(read("impersonate", "users").warnings).toEqual([]);
  });

  it("resolves the types of CRDs given to it like built-in ones", () => {
    const customResources = [{ name: "widgets", group: "example.com", namespaced: true, singular: "widget", shortNames: ["wd"], kind: "Widget" }];
    for (const typed of ["widgets", "widget", "wd", "widgets.example.com"]) {
      const parsed = read("get", typed, undefined, { customResources });
      expect({ typed, attrs: parsed.attrs, warnings: parsed.warnings }).toMatchObject({
        typed,
        attrs: { resource: "widgets", apiGroup: "example.com", namespace: "team" },
        warnings: [],
      });
    }
  });

  it("live, reads types from the server's discovery alone, and warns as kubectl does for one it lacks", () => {
    const discovered = [{ name: "gizmos", group: "example.com", namespaced: false, singular: "gizmo", shortNames: ["gz"], kind: "Gizmo" }];
    expect(read("get", "gz", undefined, { discovered }).attrs).toMatchObject({ resource: "gizmos", apiGroup: "example.com", namespace: "" });
    // The server's list replaces the built-in one: a type it does not serve is unknown, said without saprobe's list.
    expect(read("get", "deploy", undefined, { discovered }).warnings).toEqual(["the server doesn't have a resource type 'deploy'"]);
    expect(read("get", "gizmoz", undefined, { discovered }).warnings).toEqual([`the server doesn't have a resource type 'gizmoz'; did you mean "gizmos"?`]);
    // Two types with one short name: the first in discovery order, and kubectl's warning naming the other.
    const shared = [...discovered, { name: "gizmos", group: "other.example.com", namespaced: true, shortNames: ["gz"], kind: "Gizmo" }];
    expect(read("get", "gz", undefined, { discovered: shared })).toMatchObject({
      attrs: { apiGroup: "example.com" },
      warnings: ['short name "gz" could also match lower priority resource gizmos.other.example.com', "resource 'gizmos' is not namespace scoped"],
    });
    expect(read("get", "gz", undefined, { discovered: [...shared].reverse() })).toMatchObject({
      attrs: { apiGroup: "other.example.com" },
      warnings: ['short name "gz" could also match lower priority resource gizmos.example.com'],
    });
    expect(read("get", "gizmoz").warnings[0]).toMatch(/\(saprobe knows the built-in v1\.\d+\.\d+ resources\)$/);
  });
});

describe("describeRequest: the one wording of a request, kubectl's grammar", () => {
  it("says -n NS, -A for a namespaced type in every namespace, nothing at cluster scope, names after a slash", () => {
    expect(describeRequest({ resourceRequest: true, verb: "list", apiGroup: "", resource: "secrets", namespace: "team" })).toBe("list secrets -n team");
    expect(describeRequest({ resourceRequest: true, verb: "list", apiGroup: "", resource: "secrets", namespace: "" })).toBe("list secrets -A");
    expect(describeRequest({ resourceRequest: true, verb: "list", apiGroup: "", resource: "nodes", namespace: "" })).toBe("list nodes");
    expect(describeRequest({ resourceRequest: true, verb: "get", apiGroup: "", resource: "pods", subresource: "log", name: "web-0", namespace: "team" })).toBe(
      "get pods/web-0 --subresource log -n team",
    );
    expect(
      describeRequest({
        resourceRequest: true,
        verb: "bind",
        apiGroup: "rbac.authorization.k8s.io",
        resource: "clusterroles",
        name: "cluster-admin",
        namespace: "",
      }),
    ).toBe("bind clusterroles.rbac.authorization.k8s.io/cluster-admin");
    expect(describeRequest({ resourceRequest: false, verb: "get", path: "/healthz" })).toBe("get /healthz");
  });

  it("reads back as the same request (saprobe can-i takes what it says)", () => {
    const cases: [string, string, string, boolean, string | undefined][] = [
      ["list", "secrets", "team", false, undefined],
      ["list", "secrets", "default", true, undefined],
      ["get", "pods/web-0", "team", false, "log"],
      ["create", "deployments.apps", "team", false, undefined],
      ["list", "nodes", "default", false, undefined],
    ];
    for (const [verb, target, namespace, all, subresource] of cases) {
      const { attrs } = parseRequest(verb, target, undefined, namespace, all, subresource ? { subresource } : {});
      const words = describeRequest(attrs).split(" ");
      const flags = words.slice(2);
      const again = parseRequest(
        words[0] as string,
        words[1] as string,
        undefined,
        flags.includes("-n") ? (flags[flags.indexOf("-n") + 1] as string) : "elsewhere",
        flags.includes("-A"),
        flags.includes("--subresource") ? { subresource: flags[flags.indexOf("--subresource") + 1] as string } : {},
      );
      expect(again.attrs).toEqual(attrs);
    }
  });
});
