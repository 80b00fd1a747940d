import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/model/report.js";
import type { PolicyRule } from "../../../src/rbac/types.js";
import { auditFiles, FIXTURES, refText } from "../support.js";

const NODES = join(FIXTURES, "node-identity");

const nodePaths = (findings: Finding[]): Finding[] =>
  findings.filter((finding) => finding.rule === "high-value-identity-path" && finding.path?.at(-1)?.reaches.kind === "Node");

describe("high-value-identity-path to a node's identity (user system:node:<name>, group system:nodes)", () => {
  it("impersonating users and group system:nodes reaches it, one hop naming both grants; any group is cluster-admin-path's", async () => {
    const findings = await auditFiles([join(NODES, "impersonate", "fail.yaml")]);
    const found = nodePaths(findings);
    expect(found.map((finding) => `${refText(finding.subject)} ${finding.severity} ${finding.status}`)).toEqual([
      "User:mallory high finding",
      "User:eve high finding",
    ]);
    const [mallory, eve] = found.map((finding) => finding.path ?? []);
    expect(mallory?.map((hop) => hop.edge)).toEqual(["impersonate"]);
    expect(mallory?.[0]?.grants.map((grant) => [grant.binding.name, (grant.rule as PolicyRule).resources, grant.source?.line])).toEqual([
      ["impersonate-nodes", ["users"], 11],
      ["impersonate-nodes", ["groups"], 11],
    ]);
    expect(mallory?.[0]?.requests.map((request) => `${request.verb} ${request.resource} ${request.name}`)).toEqual([
      "impersonate users system:node:n1",
      "impersonate groups system:nodes",
    ]);
    expect(eve?.[0]?.permission).toMatch(/impersonate users "system:node:n1" and groups "system:nodes"/);
    expect(found[0]?.message).toMatch(/reads the Secrets, ConfigMaps, PersistentVolumeClaims and ServiceAccount tokens of every pod bound to its node/);
    // root impersonates system:masters as well: that finding says it all.
    const anyGroup = await auditFiles([join(NODES, "impersonate", "any-group.yaml")]);
    expect(nodePaths(anyGroup)).toEqual([]);
    expect(anyGroup.filter((finding) => refText(finding.subject) === "User:root" && finding.rule.endsWith("-path")).map((finding) => finding.rule)).toEqual([
      "cluster-admin-path",
    ]);
  });

  it("approving a CSR for the kubelet-client signer reaches it, the signer in the requests", async () => {
    const found = nodePaths(await auditFiles([join(NODES, "csr-approve", "fail.yaml")]));
    expect(found.map((finding) => `${refText(finding.subject)} ${finding.severity}`)).toEqual(["User:mallory high"]);
    const hop = found[0]?.path?.[0];
    expect(hop?.edge).toBe("csr-approve");
    expect(hop?.permission).toMatch(/kube-apiserver-client-kubelet/);
    expect(hop?.requests.find((request) => request.resource === "signers")?.name).toBe("kubernetes.io/kube-apiserver-client-kubelet");
  });

  it("the client signer reaches a node's identity too (only system:masters is refused there)", async () => {
    const [found, ...more] = nodePaths(await auditFiles([join(NODES, "csr-approve", "client-signer.yaml")]));
    expect(more).toEqual([]);
    expect(found?.path?.[0]?.requests.find((request) => request.resource === "signers")?.name).toBe("kubernetes.io/kube-apiserver-client");
    // fixtures/audit/paths/csr-approve: mallory reaches cluster-admin through group admins; without that group, a node is what she reaches.
    const findings = await auditFiles([join(FIXTURES, "paths", "csr-approve", "fail.yaml")]);
    const admin = findings.filter((finding) => finding.rule === "cluster-admin-path" && refText(finding.subject) === "User:mallory");
    expect(admin.length).toBe(1);
    // Left to cluster-admin-path: that path needs nothing the audit could not see.
    expect(nodePaths(findings)).toEqual([]);
  });

  it("constrained impersonation of any node reaches it where impersonate-on allows a Secret read", async () => {
    const found = nodePaths(await auditFiles([join(NODES, "constrained", "fail.yaml")]));
    expect(found.map((finding) => `${refText(finding.subject)} ${finding.severity}`)).toEqual(["User:mallory high"]);
    expect(found[0]?.path?.[0]?.requests.map((request) => `${request.verb} ${request.resource} ${request.name ?? "-"}`)).toEqual([
      "impersonate:arbitrary-node nodes n1",
      "impersonate-on:arbitrary-node:get secrets -",
    ]);
  });

  for (const name of ["impersonate", "csr-approve", "constrained"]) {
    it(`${name}: the look-alikes reach no node`, async () => {
      const found = nodePaths(await auditFiles([join(NODES, name, "pass.yaml")]));
      expect(found.map((finding) => finding.message)).toEqual([]);
    });
  }

  it("goes on from the node to the ServiceAccounts of its pods: offline, with the pod on the node a precondition (high)", async () => {
    const findings = await auditFiles([join(NODES, "onward", "fail.yaml")]);
    const paths = findings.filter((finding) => finding.rule.endsWith("-path") && finding.subject?.kind === "User");
    expect(
      paths.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`).sort(),
    ).toEqual([
      "cluster-admin-path User:carol high: impersonate node-token holds",
      "cluster-admin-path User:dave high: csr-approve node-token holds",
      "cluster-admin-path User:mallory high: impersonate node-token holds",
      // Secret reads as the node go no further than the node.
      "high-value-identity-path User:erin high: impersonate",
    ]);
    const hop = paths.find((finding) => finding.subject?.name === "mallory")?.path?.[1];
    expect(hop?.reaches).toEqual({ kind: "ServiceAccount", name: "root", namespace: "ops" });
    expect(hop?.grants).toEqual([]);
    expect(
      hop?.requests.map((request) => `${refText(request.as)} ${request.verb} ${request.resource}/${request.subresource} ${request.name} ${request.namespace}`),
    ).toEqual(["Node:system:node:* create serviceaccounts/token root ops"]);
    expect(hop?.precondition).toBe("a pod that runs as ServiceAccount ops/root is scheduled on the node");
  });

  it("a node whose pods' ServiceAccounts hold little is a node path (high), not a cluster-admin path", async () => {
    const paths = (await auditFiles([join(NODES, "onward", "pass.yaml")])).filter((finding) => finding.rule.endsWith("-path"));
    expect(paths.map((finding) => `${finding.rule} ${refText(finding.subject)} ${finding.severity}`).sort()).toEqual([
      "high-value-identity-path User:carol high",
      "high-value-identity-path User:dave high",
      "high-value-identity-path User:erin high",
      "high-value-identity-path User:mallory high",
    ]);
  });
});
