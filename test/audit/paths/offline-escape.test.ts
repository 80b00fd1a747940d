import { describe, expect, it } from "vitest";
import { escapeWay, pathFacts } from "../../../src/audit/paths/facts.js";
import { refText } from "../support.js";
import { ADMIN, auditDocuments, devMay, devPaths, namespaceObject, summary } from "./offline-scene.js";

// Offline, a pod creator (or exec holder, or ephemeral container adder) in a namespace the manifests do
// not confine with Pod Security baseline or restricted may run a privileged pod on any node, take the
// node's identity and mint the tokens of its pods' ServiceAccounts: a conditional (high) path to a
// cluster-admin ServiceAccount, read through the manifest loader as `saprobe audit --manifests` reads it.

const NOT_DECLARED = (name: string): string =>
  `a privileged pod may run in ${name} (namespace ${name} is not in the manifests: the cluster default applies, privileged unless configured) and no other admission policy forbids it`;

describe("node escapes offline", () => {
  it("a pod creator in a namespace with no Namespace object: dev -> any node -> ops/admin, high, both preconditions said", async () => {
    const found = await devPaths(devMay("dev", "create", "pods", "team-a"));
    expect(summary(found)).toEqual(["high: node-escape>Node:system:node:* node-token>ServiceAccount:ops/admin holds>Power:cluster-admin"]);
    const [escapeHop, token] = found[0]?.path ?? [];
    expect(escapeHop?.permission).toBe("create pods (a privileged pod with the host's filesystem, on the node its spec.nodeName names) in team-a");
    expect(escapeHop?.precondition).toBe(NOT_DECLARED("team-a"));
    expect(token?.precondition).toBe("a pod that runs as ServiceAccount ops/admin is scheduled on the node");
    expect(found[0]?.remediation).toMatch(/^Enforce Pod Security level baseline or restricted in team-a /);
    // Every namespace the manifests declare is confined, default too: team-a, not among them, is not.
    const others = await devPaths(devMay("dev", "create", "pods", "team-a"), namespaceObject("default", "baseline"), namespaceObject("ops", "restricted"));
    expect(summary(others)).toEqual(summary(found));
  });

  it("a Namespace object without a level, or at level privileged, says so", async () => {
    const [unlabelled] = await devPaths(devMay("dev", "create", "pods", "team-a"), namespaceObject("team-a"));
    expect(unlabelled?.path?.[0]?.precondition).toBe(
      "a privileged pod may run in team-a (the manifests set no Pod Security level for it: the cluster default applies, privileged unless configured) and no other admission policy forbids it",
    );
    const [privileged] = await devPaths(devMay("dev", "create", "pods", "team-a"), namespaceObject("team-a", "privileged"));
    expect(privileged?.path?.[0]?.precondition).toBe(
      "a privileged pod may run in team-a (the manifests set Pod Security level privileged for it) and no other admission policy forbids it",
    );
  });

  it("look-alikes: team-a enforces baseline or restricted; the cluster-admin account is a controller's (no pod runs as it)", async () => {
    for (const level of ["baseline", "restricted"]) {
      expect(summary(await devPaths(devMay("dev", "create", "pods", "team-a"), namespaceObject("team-a", level))), level).toEqual([]);
      expect(summary(await devPaths(devMay("dev", "create", "pods/exec", "team-a"), namespaceObject("team-a", level))), level).toEqual([]);
    }
    const controller = ADMIN.replaceAll("name: admin, namespace: ops", "name: generic-garbage-collector, namespace: kube-system");
    const findings = await auditDocuments(controller, devMay("dev", "create", "pods", "team-a"));
    expect(findings.filter((finding) => finding.rule === "cluster-admin-path" && refText(finding.subject) === "Group:dev")).toEqual([]);
  });

  it("an exec holder, or an ephemeral container adder, reaches the node by a pod with host access where one may run", async () => {
    const exec = await devPaths(devMay("dev", "create", "pods/exec", "team-a"));
    expect(summary(exec)).toEqual(["high: node-escape>Node:system:node:* node-token>ServiceAccount:ops/admin holds>Power:cluster-admin"]);
    expect(exec[0]?.path?.[0]?.permission).toBe("create pods/exec (code in a pod with host access; on that pod's node) in team-a");
    expect(exec[0]?.path?.[0]?.precondition).toBe(
      `a pod with a privileged container or the node's credentials mounted runs in team-a (the manifests hold no pods); ${NOT_DECLARED("team-a")}`,
    );
    const ephemeral = await devPaths(devMay("dev", "update", "pods/ephemeralcontainers", "team-a"));
    expect(summary(ephemeral)).toEqual(["high: node-escape>Node:system:node:* node-token>ServiceAccount:ops/admin holds>Power:cluster-admin"]);
    expect(ephemeral[0]?.path?.[0]?.precondition).toBe(`a pod runs in team-a (the manifests hold no pods); ${NOT_DECLARED("team-a")}`);
    expect(summary(await devPaths(devMay("dev", "update", "pods/ephemeralcontainers", "team-a"), namespaceObject("team-a", "baseline")))).toEqual([]);
    // Both: the pod it creates comes first (it needs no pod with host access to be there already).
    const [both] = await devPaths(devMay("dev", "create", "pods, pods/exec", "team-a"));
    expect(both?.path?.[0]?.permission).toBe("create pods (a privileged pod with the host's filesystem, on the node its spec.nodeName names) in team-a");
  });

  it("any namespace: the first declared one Pod Security does not confine, else default unless declared confining, else none", () => {
    const wayOf = (levels: [string, string][]) =>
      escapeWay(pathFacts({ serviceAccounts: [] }, { mode: "offline", pathFacts: { podSecurity: new Map(levels) } }), "");
    expect(
      wayOf([
        ["default", "baseline"],
        ["b", ""],
        ["a", "restricted"],
        ["c", "privileged"],
      ])?.namespace,
    ).toBe("b");
    expect(wayOf([["a", "baseline"]])).toEqual({ namespace: "default", precondition: NOT_DECLARED("default") });
    expect(wayOf([])?.namespace).toBe("default");
    expect(
      wayOf([
        ["a", "baseline"],
        ["default", "restricted"],
      ]),
    ).toBeUndefined();
    // A namespace the manifests do not declare still may: the cluster default applies there.
    const confined = pathFacts({ serviceAccounts: [] }, { mode: "offline", pathFacts: { podSecurity: new Map([["default", "baseline"]]) } });
    expect(escapeWay(confined, "team-b")?.precondition).toBe(NOT_DECLARED("team-b"));
  });

  it("every declared namespace and default confined: a cluster-wide pod creator escapes nowhere (its paths create a pod as the account)", async () => {
    const locked = [namespaceObject("default", "baseline"), namespaceObject("ops", "restricted"), namespaceObject("team-a", "baseline")];
    expect(summary(await devPaths(devMay("dev", "create", "pods", ""), ...locked))).toEqual([
      "critical: pod-create>ServiceAccount:ops/admin holds>Power:cluster-admin",
    ]);
  });
});
