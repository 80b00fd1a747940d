import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { podNodes, podServiceAccountOnly, podServiceAccounts } from "../../../src/audit/live/objects.js";
import { mountedTokens, nodeTokenSecrets, podSecretNames } from "../../../src/audit/live/pod-secrets.js";
import type { Finding } from "../../../src/model/report.js";
import type { ClusterRoleBinding, PolicyRule, RbacSnapshot } from "../../../src/rbac/types.js";
import { refText } from "../support.js";

// A pod that refers to a legacy token Secret of another ServiceAccount hands that ServiceAccount's token
// to its containers (exec, attach, a new image) and to its node (the Node authorizer lets the node get
// every Secret its pods refer to). Live, both are routes to that ServiceAccount, whatever the pod runs as.

const catalogue = loadCatalogue();
const RBAC = "rbac.authorization.k8s.io";

function granted(name: string, subject: ClusterRoleBinding["subjects"][number], rules: PolicyRule[]) {
  return {
    role: { kind: "ClusterRole" as const, metadata: { name }, rules },
    binding: { kind: "ClusterRoleBinding" as const, metadata: { name }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name }, subjects: [subject] },
  };
}
const user = (name: string) => ({ kind: "User", name, apiGroup: RBAC });

// boss is cluster-admin and runs no pod; app runs as weak. mallory impersonates node n1; eve may exec
// into pods of prod; dave is any node by constrained impersonation, allowed only to get Secrets as it.
const grants = [
  granted("cluster-admin", { kind: "ServiceAccount", name: "boss", namespace: "prod" }, [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]),
  granted("as-n1", user("mallory"), [
    { apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["system:node:n1"] },
    { apiGroups: [""], resources: ["groups"], verbs: ["impersonate"], resourceNames: ["system:nodes"] },
  ]),
  granted("exec", user("eve"), [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }]),
  granted("as-any-node-reads", user("dave"), [
    { apiGroups: ["authentication.k8s.io"], resources: ["nodes"], verbs: ["impersonate:arbitrary-node"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["impersonate-on:arbitrary-node:get"] },
  ]),
];
const snapshot: RbacSnapshot = {
  clusterRoles: grants.map((grant) => grant.role),
  clusterRoleBindings: grants.map((grant) => grant.binding),
  roles: [],
  roleBindings: [],
  serviceAccounts: ["boss", "weak"].map((name) => ({ kind: "ServiceAccount", metadata: { name, namespace: "prod" } })),
};
const owners = new Map([["prod/boss-token", "boss"]]);

/** The app pod, on `node`, running as weak, with `spec` merged in; as the live audit keeps it. */
function appPod(node: string, spec: Record<string, unknown>): Record<string, unknown> {
  return podServiceAccountOnly({
    metadata: { name: "app", namespace: "prod" },
    spec: { nodeName: node, serviceAccountName: "weak", containers: [{ name: "c", image: "i" }], ...spec },
  });
}
const mounted = { volumes: [{ name: "t", secret: { secretName: "boss-token" } }] };
const pulled = { imagePullSecrets: [{ name: "boss-token" }] };

/** Path findings of a live audit with these pods (token Secrets read unless `secretsRead` is false). */
function audit(pods: Record<string, unknown>[], secretsRead = true): Finding[] {
  const known = secretsRead ? owners : undefined;
  return auditSnapshot(snapshot, catalogue, {
    mode: "live",
    podServiceAccounts: podServiceAccounts(pods),
    pathFacts: {
      serviceAccountsListed: true,
      podNodes: podNodes(pods),
      ...(known
        ? {
            tokenSecrets: new Set(["prod/boss"]),
            tokenSecretOwners: known,
            mountedTokens: mountedTokens(pods, known),
            nodeTokenSecrets: nodeTokenSecrets(pods, known),
          }
        : {}),
    },
  }).filter((finding) => finding.rule === "cluster-admin-path");
}
const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${refText(finding.subject)} ${finding.severity}: ${finding.path?.map((hop) => hop.edge).join(" ")}`).sort();
const requestsOf = (finding: Finding | undefined): string[][] =>
  (finding?.path ?? []).map((hop) =>
    hop.requests.map((request) => `${refText(request.as)} ${request.verb} ${request.resource} ${request.name ?? "-"} ${request.namespace}`),
  );
const of = (findings: Finding[], name: string): Finding | undefined => findings.find((finding) => finding.subject?.name === name);

describe("podSecretNames: the Secrets a pod refers to, as the Node authorizer counts them", () => {
  it("splits what the containers can read from what only the node reads", () => {
    const names = podSecretNames({
      spec: {
        imagePullSecrets: [{ name: "pull" }, { name: "env" }],
        initContainers: [{ envFrom: [{ secretRef: { name: "init-from" } }, { configMapRef: { name: "cm" } }] }],
        containers: [
          {
            env: [
              { name: "A", valueFrom: { secretKeyRef: { name: "env", key: "k" } } },
              { name: "B", value: "x" },
            ],
          },
        ],
        ephemeralContainers: [{ env: [{ name: "C", valueFrom: { secretKeyRef: { name: "debug", key: "k" } } }] }],
        volumes: [
          { name: "a", secret: { secretName: "vol" } },
          { name: "b", projected: { sources: [{ secret: { name: "proj" } }, { serviceAccountToken: { path: "t" } }] } },
          { name: "c", csi: { driver: "d", nodePublishSecretRef: { name: "csi" } } },
          { name: "d", azureFile: { secretName: "azure", shareName: "s" } },
          { name: "e", rbd: { monitors: [], image: "i", secretRef: { name: "rbd" } } },
          { name: "f", configMap: { name: "cm" } },
        ],
      },
    });
    expect(names.containers.sort()).toEqual(["debug", "env", "init-from", "proj", "vol"]);
    expect(names.node.sort()).toEqual(["azure", "csi", "pull", "rbd"]);
  });

  it("the live projection keeps them, and a pod that refers to none carries nothing more", () => {
    expect(appPod("n1", mounted).secretNames).toEqual({ containers: ["boss-token"], node: [] });
    expect(appPod("n1", {}).secretNames).toBeUndefined();
  });
});

describe("a legacy token Secret a pod refers to is a route to its ServiceAccount", () => {
  it("mounted in a pod on n1: exec into pods of prod, n1's impersonator and any node allowed to get Secrets reach cluster-admin", () => {
    const findings = audit([appPod("n1", mounted)]);
    expect(summary(findings)).toEqual([
      "User:dave critical: impersonate node-secret holds",
      "User:eve critical: pod-exec holds",
      "User:mallory critical: impersonate node-secret holds",
    ]);
    expect(requestsOf(of(findings, "mallory"))[1]).toEqual(["Node:system:node:n1 get secrets boss-token prod"]);
    expect(of(findings, "mallory")?.path?.[1]?.permission).toBe(
      'get secrets "boss-token" (a legacy token Secret of ServiceAccount boss) in prod as Node system:node:n1 (allowed by the Node authorizer: pod prod/app, bound to the node, refers to the Secret)',
    );
    // Constrained: the node is acted as only for the get, which impersonate-on allows (asked with the Secret's name).
    expect(requestsOf(of(findings, "dave"))[1]).toEqual([
      "User:dave impersonate-on:arbitrary-node:get secrets boss-token prod",
      "Node:system:node:n1 get secrets boss-token prod",
    ]);
    expect(of(findings, "eve")?.path?.[0]?.reaches).toEqual({ kind: "ServiceAccount", name: "boss", namespace: "prod" });
    expect(of(findings, "eve")?.path?.[0]?.permission).toBe("create pods/exec in prod (pod prod/app has its legacy token Secret boss-token)");
    expect(findings.every((finding) => finding.path?.every((hop) => !hop.precondition))).toBe(true);
    // The report's schema knows the new hop kind (reports/report.schema.json, pathHop.edge).
    const schema = JSON.parse(readFileSync(new URL("../../../reports/report.schema.json", import.meta.url), "utf8")) as {
      $defs: { pathHop: { properties: { edge: { enum: string[] } } } };
    };
    for (const hop of findings.flatMap((finding) => finding.path ?? [])) expect(schema.$defs.pathHop.properties.edge.enum).toContain(hop.edge);
  });

  it("an image pull Secret reaches the node only: its containers cannot read it, so exec does not", () => {
    expect(summary(audit([appPod("n1", pulled)]))).toEqual([
      "User:dave critical: impersonate node-secret holds",
      "User:mallory critical: impersonate node-secret holds",
    ]);
  });

  it("look-alikes: the pod on another node, a Secret no pod refers to, and token Secrets not read", () => {
    // On n2: mallory (n1 only) reaches nothing; any node still does, and exec does.
    expect(summary(audit([appPod("n2", mounted)]))).toEqual(["User:dave critical: impersonate node-secret holds", "User:eve critical: pod-exec holds"]);
    expect(summary(audit([appPod("n1", { volumes: [{ name: "t", secret: { secretName: "tls" } }] })]))).toEqual([]);
    expect(summary(audit([appPod("n1", mounted)], false))).toEqual([]);
    // Not bound to a node yet: no node reads it; exec has no running container either but the pod is listed.
    expect(summary(audit([{ ...appPod("n1", mounted), spec: { serviceAccountName: "weak" } }]))).toEqual(["User:eve critical: pod-exec holds"]);
  });
});
