import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/model/report.js";
import { devMay, devPaths, namespaceObject, summary } from "./offline-scene.js";

// Two ways past Pod Security onto a node, read through the manifest loader as `saprobe audit --manifests`
// reads it: a pod creator in a namespace that enforces baseline (or restricted) that may also patch the
// Namespace object relabels it privileged; one that may create a PersistentVolume and a claim mounts the
// host's root through a hostPath PersistentVolume bound to its claim (baseline only). Either reaches any
// node, and through it ops/admin (cluster-admin), whose pod runs somewhere.

const requests = (finding: Finding | undefined): string[] =>
  (finding?.path?.[0]?.requests ?? []).map(
    (request) =>
      `${request.verb} ${request.resource}${request.subresource ? `/${request.subresource}` : ""}${request.name ? `/${request.name}` : ""} in "${request.namespace}"`,
  );

const THROUGH_NODE = ["high: node-escape>Node:system:node:* node-token>ServiceAccount:ops/admin holds>Power:cluster-admin"];
const PODS = devMay("run", "create", "pods", "team-a");

describe("a relabelled namespace gets past Pod Security", () => {
  it("create pods in team-a (baseline) and patch on namespace team-a: dev -> any node -> ops/admin, both requests on the hop", async () => {
    const found = await devPaths(PODS, devMay("relabel", "patch", "namespaces", "", "other, team-a"), namespaceObject("team-a", "baseline"));
    expect(summary(found)).toEqual(THROUGH_NODE);
    const hop = found[0]?.path?.[0];
    expect(hop?.permission).toBe(
      "create pods (a privileged pod with the host's filesystem, once patch namespaces relabels team-a privileged, on the node its spec.nodeName names) in team-a",
    );
    expect(hop?.precondition).toBe(
      "after relabelling namespace team-a to Pod Security level privileged (the manifests set Pod Security level baseline for it), a privileged pod may run there and no other admission policy forbids it",
    );
    // The patch of a Namespace object is a request in that namespace, on its name.
    expect(requests(found[0])).toEqual(['create pods in "team-a"', 'patch namespaces/team-a in "team-a"']);
    expect(found[0]?.remediation).toMatch(/^Remove patch and update on namespace team-a /);
  });

  it("at restricted too, by update, and by a RoleBinding in team-a (a request for namespace team-a is made in team-a)", async () => {
    const restricted = await devPaths(PODS, devMay("relabel", "update", "namespaces", ""), namespaceObject("team-a", "restricted"));
    expect(summary(restricted)).toEqual(THROUGH_NODE);
    expect(requests(restricted[0])).toEqual(['create pods in "team-a"', 'update namespaces/team-a in "team-a"']);
    const inNamespace = await devPaths(
      devMay("run", "create", "pods", "team-a"),
      devMay("relabel", "patch", "namespaces", "team-a"),
      namespaceObject("team-a", "baseline"),
    );
    expect(summary(inNamespace)).toEqual(THROUGH_NODE);
  });

  it("look-alikes: patch on another namespace's name, or by a RoleBinding elsewhere; create pods without namespace rights", async () => {
    expect(summary(await devPaths(PODS, devMay("relabel", "patch", "namespaces", "", "other"), namespaceObject("team-a", "baseline")))).toEqual([]);
    expect(
      summary(
        await devPaths(PODS, devMay("relabel", "patch", "namespaces", "other"), namespaceObject("team-a", "baseline"), namespaceObject("other", "baseline")),
      ),
    ).toEqual([]);
    expect(summary(await devPaths(PODS, devMay("relabel", "get, list", "namespaces", ""), namespaceObject("team-a", "baseline")))).toEqual([]);
    expect(summary(await devPaths(PODS, namespaceObject("team-a", "baseline")))).toEqual([]);
  });
});

describe("a relabelled namespace lets a workload be re-templated or an ephemeral container be added", () => {
  const DEPLOYMENTS = devMay("roll", "patch", "deployments", "team-a", undefined, "apps");
  const EPHEMERAL = devMay("debug", "patch", "pods/ephemeralcontainers", "team-a");
  const RELABEL = devMay("relabel", "patch", "namespaces", "", "team-a");

  it("patch on namespace team-a (baseline) and patch deployments in team-a, no pod create: dev -> any node -> ops/admin", async () => {
    const found = await devPaths(DEPLOYMENTS, RELABEL, namespaceObject("team-a", "baseline"));
    expect(summary(found)).toEqual(THROUGH_NODE);
    const hop = found[0]?.path?.[0];
    expect(hop?.permission).toBe(
      "patch deployments.apps (a privileged pod template, once patch namespaces relabels team-a privileged, on the node its spec.nodeName names) in team-a",
    );
    expect(hop?.precondition).toBe(
      "after relabelling namespace team-a to Pod Security level privileged (the manifests set Pod Security level baseline for it), a privileged pod may run there and no other admission policy forbids it; a deployment exists in team-a",
    );
    expect(requests(found[0])).toEqual(['patch deployments in "team-a"', 'patch namespaces/team-a in "team-a"']);
    expect(found[0]?.remediation).toMatch(/^Remove patch and update on namespace team-a /);
  });

  it("patch pods/ephemeralcontainers in team-a (restricted) and patch on team-a by a RoleBinding there: a pod running there is the precondition", async () => {
    const found = await devPaths(EPHEMERAL, devMay("relabel", "patch", "namespaces", "team-a"), namespaceObject("team-a", "restricted"));
    expect(summary(found)).toEqual(THROUGH_NODE);
    const hop = found[0]?.path?.[0];
    expect(hop?.permission).toBe(
      "patch pods/ephemeralcontainers (a privileged ephemeral container in a running pod, once patch namespaces relabels team-a privileged, on that pod's node) in team-a",
    );
    expect(hop?.precondition).toBe(
      "a pod runs in team-a (the manifests hold no pods); after relabelling namespace team-a to Pod Security level privileged (the manifests set Pod Security level restricted for it), a privileged pod may run there and no other admission policy forbids it",
    );
    expect(requests(found[0])).toEqual(['patch pods/ephemeralcontainers in "team-a"', 'patch namespaces/team-a in "team-a"']);
  });

  it("look-alikes: no namespace rights; the relabel on another namespace; exec or attach, which a relabel does not change", async () => {
    expect(summary(await devPaths(DEPLOYMENTS, EPHEMERAL, namespaceObject("team-a", "baseline")))).toEqual([]);
    const other = devMay("relabel", "patch", "namespaces", "", "other");
    expect(summary(await devPaths(DEPLOYMENTS, EPHEMERAL, other, namespaceObject("team-a", "baseline"), namespaceObject("other", "baseline")))).toEqual([]);
    const exec = devMay("shell", "create", "pods/exec, pods/attach", "team-a");
    expect(summary(await devPaths(exec, RELABEL, namespaceObject("team-a", "baseline")))).toEqual([]);
  });
});

describe("a hostPath PersistentVolume gets past Pod Security below restricted", () => {
  const VOLUMES = devMay("volumes", "create", "persistentvolumes", "");
  const CLAIMS = devMay("claims", "create", "persistentvolumeclaims", "team-a");

  it("create persistentvolumes, and create pods and persistentvolumeclaims in team-a (baseline): dev -> any node -> ops/admin", async () => {
    const found = await devPaths(PODS, VOLUMES, CLAIMS, namespaceObject("team-a", "baseline"));
    expect(summary(found)).toEqual(THROUGH_NODE);
    const hop = found[0]?.path?.[0];
    expect(hop?.permission).toBe(
      "create pods (a pod with a claim bound to a PersistentVolume with hostPath / it creates (create persistentvolumes, create persistentvolumeclaims), on the node its spec.nodeName names) in team-a",
    );
    expect(hop?.precondition).toMatch(
      /^team-a does not enforce Pod Security level restricted \(the manifests set Pod Security level baseline for it: .* no other admission policy forbids/,
    );
    expect(requests(found[0])).toEqual(['create pods in "team-a"', 'create persistentvolumes in ""', 'create persistentvolumeclaims in "team-a"']);
    expect(found[0]?.remediation).toMatch(/^Let only cluster administrators or a CSI provisioner create PersistentVolumes /);
  });

  it("look-alikes: team-a at restricted; no create persistentvolumeclaims; claims in another namespace", async () => {
    expect(summary(await devPaths(PODS, VOLUMES, CLAIMS, namespaceObject("team-a", "restricted")))).toEqual([]);
    expect(summary(await devPaths(PODS, VOLUMES, namespaceObject("team-a", "baseline")))).toEqual([]);
    expect(
      summary(await devPaths(PODS, VOLUMES, devMay("claims", "create", "persistentvolumeclaims", "other"), namespaceObject("team-a", "baseline"))),
    ).toEqual([]);
  });
});
