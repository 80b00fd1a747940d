import { request as httpsRequest } from "node:https";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Finding, Report } from "../../../src/model/report.js";
import {
  adminRequest,
  applyObjects,
  createServiceAccount,
  deleteObjects,
  kubectl,
  signClientCertificate,
  testCluster,
  uniqueNamespace,
  writeKubeconfig,
} from "../../support/cluster.js";
import { runSaprobe } from "../support.js";

// Attack paths on the real kube-apiserver: objects applied with real kubectl, what the controller-manager
// would add (token Secrets, pods of a StatefulSet) created by hand, and kubectl as the oracle: each path
// claimed is walked for real where that can be done without a kubelet.

const RBAC = "rbac.authorization.k8s.io";

function crb(name: string, role: string, subject: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: role },
    subjects: [subject],
  };
}
function role(kind: "Role" | "ClusterRole", name: string, rules: unknown[], namespace?: string): Record<string, unknown> {
  return { apiVersion: `${RBAC}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules };
}
function rb(namespace: string, name: string, roleKind: string, roleName: string, subject: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC, kind: roleKind, name: roleName },
    subjects: [subject],
  };
}
const sa = (namespace: string, name: string) => ({ kind: "ServiceAccount", name, namespace });
const user = (name: string) => ({ kind: "User", name, apiGroup: RBAC });

async function audit(): Promise<Report> {
  const run = await runSaprobe(["audit", "--kubeconfig", testCluster().adminKubeconfig, "-o", "json", "--fail-on", "critical"]);
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as Report;
}

function pathOf(report: Report, subject: { kind: string; name: string; namespace?: string }): Finding | undefined {
  return report.findings.find(
    (finding) =>
      finding.rule === "cluster-admin-path" &&
      finding.subject?.kind === subject.kind &&
      finding.subject.name === subject.name &&
      finding.subject.namespace === subject.namespace,
  );
}

describe("cluster-admin-path (live)", () => {
  it("finds the Flux, Argo CD, token Secret and constrained impersonation paths, every hop confirmed by a SubjectAccessReview, and none for the look-alikes", async () => {
    const flux = await uniqueNamespace("flux");
    const argo = await uniqueNamespace("argocd");
    const tokens = await uniqueNamespace("tokens");
    const quiet = await uniqueNamespace("quiet");
    const calm = await uniqueNamespace("calm");
    // Pod Security baseline: without it a pod created there could run privileged and take a node (node-escape).
    await kubectl(["label", "namespace", calm, "pod-security.kubernetes.io/enforce=baseline"]);
    // calm's `default` ServiceAccount is the controller-manager's to create (test/cluster/up runs it).
    for (const [namespace, name] of [
      [flux, "kustomize-controller"],
      [flux, "source-controller"],
      [argo, "argocd-application-controller"],
      [argo, "argocd-server"],
      [tokens, "deployer"],
      [quiet, "deployer"],
      [calm, "builder"],
    ] as const) {
      await createServiceAccount(namespace, name);
    }
    const mallory = `mallory-${flux}`;
    await applyObjects([
      // Flux: kustomize-controller is cluster-admin; the other controllers may mint tokens in flux-system.
      crb(`${flux}-kustomize`, "cluster-admin", sa(flux, "kustomize-controller")),
      role("Role", "mint", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }], flux),
      rb(flux, "source-mints", "Role", "mint", sa(flux, "source-controller")),
      // Argo CD: the application-controller is cluster-admin; argocd-server may get, patch and delete everything.
      crb(`${argo}-controller`, "cluster-admin", sa(argo, "argocd-application-controller")),
      role("ClusterRole", `${argo}-server`, [{ apiGroups: ["*"], resources: ["*"], verbs: ["get", "patch", "delete"] }]),
      // (Bound in its namespace only, so that the token Secrets other tests leave in the cluster are not nearer.)
      rb(argo, "argocd-server", "ClusterRole", `${argo}-server`, sa(argo, "argocd-server")),
      // A legacy token Secret of a cluster-admin ServiceAccount, readable by a user; the same read in a
      // namespace whose cluster-admin ServiceAccount has no token Secret is no path.
      crb(`${tokens}-deployer`, "cluster-admin", sa(tokens, "deployer")),
      crb(`${quiet}-deployer`, "cluster-admin", sa(quiet, "deployer")),
      role("ClusterRole", `${tokens}-list-secrets`, [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]),
      rb(tokens, "reader", "ClusterRole", `${tokens}-list-secrets`, user(`reader-${tokens}`)),
      rb(quiet, "reader", "ClusterRole", `${tokens}-list-secrets`, user(`reader-${quiet}`)),
      // Constrained impersonation of a cluster-admin ServiceAccount, only for creating ClusterRoleBindings.
      role(
        "Role",
        "as-kustomize",
        [
          {
            apiGroups: ["authentication.k8s.io"],
            resources: ["serviceaccounts"],
            resourceNames: ["kustomize-controller"],
            verbs: ["impersonate:serviceaccount"],
          },
        ],
        flux,
      ),
      rb(flux, "mallory-as-kustomize", "Role", "as-kustomize", user(mallory)),
      role("ClusterRole", `${mallory}-on-create`, [{ apiGroups: [RBAC], resources: ["clusterrolebindings"], verbs: ["impersonate-on:serviceaccount:create"] }]),
      crb(`${mallory}-on-create`, `${mallory}-on-create`, user(mallory)),
      // Look-alike: the same identity verb, but impersonate-on only allows getting pods.
      rb(flux, "eve-as-kustomize", "Role", "as-kustomize", user(`eve-${flux}`)),
      role("ClusterRole", `${flux}-eve-on-get`, [{ apiGroups: [""], resources: ["pods"], verbs: ["impersonate-on:serviceaccount:get"] }]),
      crb(`${flux}-eve-on-get`, `${flux}-eve-on-get`, user(`eve-${flux}`)),
      // Look-alike: pods may be created in a namespace whose ServiceAccounts hold nothing.
      role("Role", "run", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }], calm),
      rb(calm, "runner", "Role", "run", user(`runner-${calm}`)),
    ]);
    // Removed after the test: the controller's pod stays Pending, and a node could mint its token once it is scheduled (future-pods.ts).
    onTestFinished(() => deleteObjects([crb(`${argo}-controller`, "cluster-admin", sa(argo, "argocd-application-controller"))]));
    // What the controller-manager would have made: the StatefulSet's pod, and the legacy token Secret.
    const statefulSet = await adminRequest("POST", `/apis/apps/v1/namespaces/${argo}/statefulsets`, {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "argocd-application-controller", namespace: argo },
      spec: {
        serviceName: "x",
        selector: { matchLabels: { app: "c" } },
        template: {
          metadata: { labels: { app: "c" } },
          spec: { serviceAccountName: "argocd-application-controller", containers: [{ name: "c", image: "registry.invalid/c" }] },
        },
      },
    });
    await adminRequest("POST", `/api/v1/namespaces/${argo}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "argocd-application-controller-0",
        namespace: argo,
        labels: { app: "c" },
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "StatefulSet", name: "argocd-application-controller", uid: statefulSet.metadata.uid, controller: true },
        ],
      },
      spec: {
        serviceAccountName: "argocd-application-controller",
        automountServiceAccountToken: false,
        containers: [{ name: "c", image: "registry.invalid/c" }],
      },
    });
    await adminRequest("POST", `/api/v1/namespaces/${tokens}/secrets`, {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/service-account-token",
      metadata: { name: "deployer-token", namespace: tokens, annotations: { "kubernetes.io/service-account.name": "deployer" } },
    });

    const report = await audit();
    const expectPath = (subject: { kind: string; name: string; namespace?: string }, edges: string[]): Finding => {
      const finding = pathOf(report, subject);
      expect(
        finding?.path?.map((hop) => hop.edge),
        `${subject.kind} ${subject.name}`,
      ).toEqual(edges);
      expect(finding?.severity).toBe("critical");
      expect(finding?.confirmation, finding?.message).toMatchObject({ agreed: true });
      for (const hop of finding?.path ?? []) expect(hop.confirmation, hop.permission).toMatchObject({ agreed: true });
      return finding as Finding;
    };
    const fluxPath = expectPath(sa(flux, "source-controller"), ["serviceaccount-token", "holds"]);
    expect(fluxPath.path?.[0]?.requests[0]).toMatchObject({
      verb: "create",
      resource: "serviceaccounts",
      subresource: "token",
      name: "kustomize-controller",
      namespace: flux,
    });
    // Patching the StatefulSet re-templates its pods (the pod it owns shows that one exists).
    const argoPath = expectPath(sa(argo, "argocd-server"), ["workload-update", "holds"]);
    expect(argoPath.path?.[0]?.permission).toMatch(/^patch statefulsets\.apps in argocd-/);
    expect(argoPath.path?.[0]?.reaches).toEqual(sa(argo, "argocd-application-controller"));
    expectPath({ kind: "User", name: `reader-${tokens}` }, ["secret-read", "holds"]);
    const constrained = expectPath({ kind: "User", name: mallory }, ["impersonate", "bind"]);
    expect(constrained.path?.[1]?.requests.map((request) => request.verb)).toContain("impersonate-on:serviceaccount:create");
    // Look-alikes: no path.
    for (const subject of [
      { kind: "User", name: `reader-${quiet}` },
      { kind: "User", name: `eve-${flux}` },
      { kind: "User", name: `runner-${calm}` },
    ]) {
      expect(pathOf(report, subject)?.message, subject.name).toBeUndefined();
    }

    // The oracle: mallory really makes herself cluster-admin through the constrained impersonation...
    const cert = signClientCertificate(mallory);
    const asMallory = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
    const made = await kubectl(
      [
        "create",
        "clusterrolebinding",
        `${mallory}-took-over`,
        "--clusterrole=cluster-admin",
        `--user=${mallory}`,
        `--as=system:serviceaccount:${flux}:kustomize-controller`,
      ],
      { kubeconfig: asMallory },
    );
    expect(made.stderr).toBe("");
    expect((await kubectl(["auth", "can-i", "*", "*"], { kubeconfig: asMallory })).stdout.trim()).toBe("yes");
    // ...while eve, limited to get pods, cannot.
    const eveCert = signClientCertificate(`eve-${flux}`);
    const asEve = writeKubeconfig({ "client-certificate": eveCert.certFile, "client-key": eveCert.keyFile });
    const refused = await kubectl(
      [
        "create",
        "clusterrolebinding",
        `${flux}-eve-took-over`,
        "--clusterrole=cluster-admin",
        `--user=eve-${flux}`,
        `--as=system:serviceaccount:${flux}:kustomize-controller`,
      ],
      { kubeconfig: asEve },
    );
    expect(refused.stderr).toMatch(/forbidden/i);
    // source-controller really mints kustomize-controller's token.
    const minted = await kubectl(["create", "token", "kustomize-controller", "-n", flux, `--as=system:serviceaccount:${flux}:source-controller`]);
    expect(minted.code).toBe(0);
  });

  it("creating a token Secret without reading it back is no path: the server refuses the read", async () => {
    const ns = await uniqueNamespace("mint-blind");
    await createServiceAccount(ns, "boss");
    const name = `blind-${ns}`;
    await applyObjects([
      crb(`${ns}-boss`, "cluster-admin", sa(ns, "boss")),
      role("Role", "make-secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }], ns),
      rb(ns, "blind", "Role", "make-secrets", user(name)),
    ]);
    const secret = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/service-account-token",
      metadata: { name: "boss-token", namespace: ns, annotations: { "kubernetes.io/service-account.name": "boss" } },
    });
    expect((await kubectl(["create", "-f", "-", `--as=${name}`], { input: secret })).code).toBe(0);
    expect((await kubectl(["get", "secret", "boss-token", "-n", ns, `--as=${name}`])).stderr).toMatch(/forbidden/i);
    expect(pathOf(await audit(), { kind: "User", name })).toBeUndefined();
  });

  it("impersonation does not chain: impersonating a user who may impersonate a cluster-admin is no path, though every hop's review says yes", async () => {
    const ns = await uniqueNamespace("nested");
    const [mallory, bee, cee] = [`mallory-${ns}`, `bee-${ns}`, `cee-${ns}`];
    await applyObjects([
      role("ClusterRole", `${ns}-as-bee`, [{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: [bee] }]),
      crb(`${ns}-as-bee`, `${ns}-as-bee`, user(mallory)),
      role("ClusterRole", `${ns}-as-cee`, [{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: [cee] }]),
      crb(`${ns}-as-cee`, `${ns}-as-cee`, user(bee)),
      crb(`${ns}-cee`, "cluster-admin", user(cee)),
    ]);
    const report = await audit();
    expect(pathOf(report, { kind: "User", name: bee })?.path?.map((hop) => hop.edge)).toEqual(["impersonate", "holds"]);
    expect(pathOf(report, { kind: "User", name: mallory })).toBeUndefined();
    // The oracle: each hop alone is allowed, the chain is not. As mallory, acting as bee is all there is:
    // one set of impersonation headers per request, authorized as its sender; a second Impersonate-User
    // header is not a second hop.
    expect((await kubectl(["auth", "can-i", "impersonate", `users/${bee}`, `--as=${mallory}`])).stdout.trim()).toBe("yes");
    expect((await kubectl(["auth", "can-i", "impersonate", `users/${cee}`, `--as=${bee}`])).stdout.trim()).toBe("yes");
    const cert = signClientCertificate(mallory);
    const asMallory = writeKubeconfig({ "client-certificate": cert.certFile, "client-key": cert.keyFile });
    expect((await kubectl(["get", "clusterrolebindings", `--as=${cee}`], { kubeconfig: asMallory })).stderr).toMatch(/cannot impersonate/);
    expect((await kubectl(["get", "clusterrolebindings", `--as=${bee}`], { kubeconfig: asMallory })).stderr).toMatch(/forbidden/);
    const twoHeaders = await headersRequest("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=1", cert, [
      ["Impersonate-User", bee],
      ["Impersonate-User", cee],
    ]);
    expect(twoHeaders.status).toBe(403);
    expect(twoHeaders.text).toContain(`User \\"${bee}\\" cannot list`);
  });
});

/** A GET with a client certificate and raw headers (a header may repeat; given raw, Host is not added for us), as no client library would send it. */
function headersRequest(path: string, cert: { certPem: string; keyPem: string }, headers: [string, string][]): Promise<{ status: number; text: string }> {
  const cluster = testCluster();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.server}${path}`,
      { method: "GET", ca: cluster.caPem, cert: cert.certPem, key: cert.keyPem, headers: [["Host", new URL(cluster.server).host], ...headers].flat() },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
