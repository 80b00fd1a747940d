import { describe, expect, it } from "vitest";
import { observationOf, pathOf } from "../../src/usage/audit-event.js";

const base = {
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "Metadata",
  auditID: "a-1",
  stage: "ResponseComplete",
  user: { username: "system:serviceaccount:ci:runner", groups: ["system:serviceaccounts", "system:authenticated"] },
  requestReceivedTimestamp: "2026-12-07T03:00:00.123456Z",
  stageTimestamp: "2026-12-07T03:00:00.200000Z",
};

describe("observationOf: audit event -> authorizer attributes (as RequestInfo)", () => {
  it("takes group, resource, subresource, namespace and name from objectRef and the verb as logged", () => {
    const observation = observationOf({
      ...base,
      verb: "patch",
      requestURI: "/apis/apps/v1/namespaces/ci/deployments/web/scale?fieldManager=x",
      objectRef: { resource: "deployments", namespace: "ci", name: "web", subresource: "scale", apiGroup: "apps", apiVersion: "v1" },
      responseStatus: { code: 200 },
      annotations: { "authorization.k8s.io/decision": "allow" },
    });
    expect(observation).toMatchObject({
      username: "system:serviceaccount:ci:runner",
      attributes: { resourceRequest: true, verb: "patch", apiGroup: "apps", resource: "deployments", subresource: "scale", namespace: "ci", name: "web" },
      denied: false,
      timestamp: "2026-12-07T03:00:00.123456Z",
    });
  });

  it("reads a core cluster-wide list with no group, namespace or name as empty attributes", () => {
    const observation = observationOf({ ...base, verb: "list", requestURI: "/api/v1/pods?limit=500", objectRef: { resource: "pods", apiVersion: "v1" } });
    expect(observation).toMatchObject({ attributes: { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "" } });
    expect("attributes" in observation && observation.attributes.resourceRequest && observation.attributes.name).toBeUndefined();
  });

  it("treats a request without objectRef as non-resource: the path without query, percent-decoded like URL.Path", () => {
    expect(observationOf({ ...base, verb: "get", requestURI: "/healthz?verbose=1" })).toMatchObject({
      attributes: { resourceRequest: false, verb: "get", path: "/healthz" },
    });
    expect(pathOf("/logs/a%20b?x")).toBe("/logs/a b");
    expect(pathOf("/bad%zz")).toBe("/bad%zz");
  });

  it("authorizes as the impersonated user when there is one", () => {
    const observation = observationOf({ ...base, verb: "get", requestURI: "/version", impersonatedUser: { username: "alice", groups: ["devs"] } });
    expect(observation).toMatchObject({ username: "alice", groups: ["devs"] });
  });

  it("counts as denied only what the authorizer refused: decision forbid, or a 403 without a decision", () => {
    const event = { ...base, verb: "create", requestURI: "/api/v1/namespaces/ci/pods", objectRef: { resource: "pods", namespace: "ci" } };
    expect(observationOf({ ...event, responseStatus: { code: 403 }, annotations: { "authorization.k8s.io/decision": "forbid" } })).toMatchObject({
      denied: true,
    });
    // Admission (PodSecurity) refuses with 403 after the authorizer allowed: not an RBAC denial.
    expect(observationOf({ ...event, responseStatus: { code: 403 }, annotations: { "authorization.k8s.io/decision": "allow" } })).toMatchObject({
      denied: false,
    });
    expect(observationOf({ ...event, responseStatus: { code: 403 } })).toMatchObject({ denied: true });
  });

  it("says why a value is not an audit event", () => {
    expect(observationOf([1])).toEqual({ skipped: "not a JSON object" });
    expect(observationOf({ kind: "Status", apiVersion: "v1" })).toEqual({ skipped: "not an audit.k8s.io Event" });
    expect(observationOf({ ...base, user: {}, verb: "get", requestURI: "/x" })).toEqual({ skipped: "event without user.username" });
    expect(observationOf({ ...base, requestURI: "/x" })).toEqual({ skipped: "event without verb" });
    expect(observationOf({ ...base, verb: "get", requestURI: "/x", requestReceivedTimestamp: "soon", stageTimestamp: undefined })).toEqual({
      skipped: "event without a valid requestReceivedTimestamp",
    });
  });
});
