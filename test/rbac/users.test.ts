import { describe, expect, it } from "vitest";
import { parseServiceAccountUsername, userInfoFor } from "../../src/rbac/index.js";

describe("userInfoFor", () => {
  it("gives a ServiceAccount its three groups", () => {
    expect(userInfoFor("system:serviceaccount:ns1:build")).toEqual({
      name: "system:serviceaccount:ns1:build",
      groups: ["system:serviceaccounts", "system:serviceaccounts:ns1", "system:authenticated"],
    });
  });

  it("gives other users system:authenticated and keeps extra groups first, without duplicates", () => {
    expect(userInfoFor("alice", ["dev", "system:authenticated"]).groups).toEqual(["dev", "system:authenticated"]);
  });

  it("gives the anonymous user system:unauthenticated only", () => {
    expect(userInfoFor("system:anonymous").groups).toEqual(["system:unauthenticated"]);
  });

  it("does not take malformed ServiceAccount names for ServiceAccounts", () => {
    expect(parseServiceAccountUsername("system:serviceaccount:ns1")).toBeUndefined();
    expect(parseServiceAccountUsername("system:serviceaccount:a:b:c")).toBeUndefined();
    expect(userInfoFor("system:serviceaccount:ns1").groups).toEqual(["system:authenticated"]);
  });
});
