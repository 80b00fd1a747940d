import { describe, expect, it } from "vitest";
import { unsettled } from "../../src/conformance/identity-paths.js";
import type { PathHop, PathRequest } from "../../src/model/report.js";

// run --expect turns a conditional path into could-not-tell; its message must say what would settle
// each precondition: a read with more rights, or nothing readable (admission, the scheduler).
const request = (extra: Partial<PathRequest> = {}): PathRequest => ({
  as: { kind: "User", name: "dev" },
  verb: "create",
  group: "",
  resource: "pods",
  namespace: "team",
  ...extra,
});
const hop = (edge: string, precondition: string | undefined, requests: PathRequest[] = [request()]): PathHop => ({
  edge,
  permission: "create pods in team",
  reaches: { kind: "User", name: "system:node:*" },
  grants: [],
  requests,
  ...(precondition ? { precondition } : {}),
});

describe("unsettled (run --expect's could-not-tell wording)", () => {
  it("asks for a reader with more rights only for facts that could not be read", () => {
    const text = unsettled([hop("serviceaccount-token", "ServiceAccount ops/deployer exists (ServiceAccounts could not be listed)")], "the identity");
    expect(text).toContain("saprobe could not read whether ServiceAccount ops/deployer exists");
    expect(text).toContain("Run with --as");
    expect(text).not.toContain("No object tells");
  });

  it("says no read settles an escape's admission precondition or a pod the scheduler binds later", () => {
    const escaped = hop("node-escape", "a privileged pod may run in team (it sets no Pod Security level) and no other admission policy forbids it");
    const later = hop("node-token", "pod ops/boss (Pending) is scheduled on the node", [request({ awaits: "pod ops/boss bound to the node" })]);
    const text = unsettled([escaped, later], "the identity");
    expect(text).toContain("No object tells whether a privileged pod may run in team");
    expect(text).toContain("and pod ops/boss (Pending) is scheduled on the node");
    expect(text).not.toContain("Run with --as");
  });

  it("treats an escape whose pods could not be read as settled by reading", () => {
    const text = unsettled([hop("node-escape", "a pod with a privileged container runs in team (pods could not be read)")], "the identity");
    expect(text).toContain("Run with --as");
    expect(text).not.toContain("No object tells");
  });

  it("says nothing for hops without a precondition", () => {
    expect(unsettled([hop("holds", undefined)], "the identity")).toBe("");
  });
});
