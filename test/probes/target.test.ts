import { describe, expect, it } from "vitest";
import { namespaceFor } from "../../src/probes/target.js";
import { fakeConnection } from "./fake-client.js";

describe("namespaceFor", () => {
  const connection = fakeConnection();

  it("knows every cluster-scoped built-in type from the generated discovery list, by name or with its group", () => {
    for (const check of [
      { resource: "nodes" },
      { resource: "ipaddresses" },
      { resource: "ipaddresses", group: "networking.k8s.io" },
      { resource: "clusterroles" },
    ]) {
      expect(namespaceFor(check, connection, undefined)).toEqual({ namespace: "", source: "cluster-scoped resource" });
    }
  });

  it("puts namespaced and unknown types in a namespace: the check's, else the ServiceAccount's, else the connection's", () => {
    expect(namespaceFor({ resource: "pods", namespace: "team" }, connection, undefined)).toEqual({ namespace: "team", source: "check" });
    const identity = {
      state: "known" as const,
      username: "system:serviceaccount:apps:bot",
      groups: [],
      source: "SelfSubjectReview",
      message: "",
      evidence: {},
      durationMs: 1,
    };
    expect(namespaceFor({ resource: "widgets" }, connection, identity)).toMatchObject({ namespace: "apps" });
    expect(namespaceFor({ resource: "ipaddresses", group: "example.com" }, connection, undefined)).toMatchObject({ namespace: connection.namespace });
  });
});
