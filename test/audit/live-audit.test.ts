import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { auditLive } from "../../src/audit/live/audit.js";
import type { Connection } from "../../src/connect/types.js";
import type { KubeClient, RequestOptions, RequestOutcome } from "../../src/kube/types.js";

// A scripted KubeClient (no network): lists, reviews and their answers are chosen per test, and
// every request is recorded, so the audit's own logic is what is under test.

interface Script {
  /** Items per list path; a number is an HTTP error status. */
  lists: Record<string, unknown[] | number>;
  /** `verb resource` pairs the preflight SelfSubjectAccessReview denies. */
  deniedReads?: string[];
  /** Answers a SubjectAccessReview body. */
  subjectAccessReview?: (spec: Record<string, unknown>) => boolean;
}

function fakeClient(script: Script): { client: KubeClient; requests: RequestOptions[] } {
  const requests: RequestOptions[] = [];
  const respond = (status: number, json: unknown): RequestOutcome => ({
    ok: true,
    response: { status, headers: {}, text: JSON.stringify(json), json, durationMs: 1 },
  });
  const client: KubeClient = {
    async request(options) {
      requests.push(options);
      const body = options.body as { spec?: Record<string, unknown> } | undefined;
      if (options.path.endsWith("/selfsubjectreviews"))
        return respond(201, { status: { userInfo: { username: "auditor", groups: ["system:authenticated"] } } });
      if (options.path.endsWith("/selfsubjectaccessreviews")) {
        const attributes = body?.spec?.resourceAttributes as { verb: string; resource: string };
        return respond(201, { status: { allowed: !(script.deniedReads ?? []).includes(`${attributes.verb} ${attributes.resource}`) } });
      }
      if (options.path.endsWith("/subjectaccessreviews")) {
        const allowed = script.subjectAccessReview?.(body?.spec ?? {}) ?? true;
        return respond(201, { status: { allowed, reason: allowed ? "RBAC: allowed by something" : "" } });
      }
      const list = script.lists[options.path] ?? [];
      if (typeof list === "number") return respond(list, { kind: "Status", code: list, message: `status ${list}` });
      // Two pages, to exercise `continue`.
      const page = options.query?.continue === "next" ? list.slice(1) : list.slice(0, 1);
      return respond(200, { items: page, metadata: options.query?.continue === "next" || list.length <= 1 ? {} : { continue: "next" } });
    },
    async watch() {
      throw new Error("not used");
    },
    async close() {},
  };
  return { client, requests };
}

const connection = {
  server: "https://fake",
  namespace: "default",
  requestTimeoutMs: 1000,
  viaProxy: false,
  source: "flags",
  explain: [],
  warnings: [],
} as unknown as Connection;

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const adminBinding = { metadata: { name: "ops" }, roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", name: "ops" }] };
const secretsBinding = {
  metadata: { name: "reader", namespace: "apps" },
  roleRef: { kind: "Role", name: "reader" },
  subjects: [{ kind: "ServiceAccount", name: "app" }],
};
const lists = {
  [`${RBAC}/clusterroles`]: [
    { metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
    { metadata: { name: "empty" }, rules: null },
  ],
  [`${RBAC}/roles`]: [{ metadata: { name: "reader", namespace: "apps" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }],
  [`${RBAC}/clusterrolebindings`]: [adminBinding],
  [`${RBAC}/rolebindings`]: [secretsBinding],
};

describe("auditLive", () => {
  it("reads every page, audits, and records the server's agreement and disagreement finding by finding", async () => {
    const { client, requests } = fakeClient({ lists, subjectAccessReview: (spec) => spec.user !== "ops" });
    const outcome = await auditLive(client, { connection, catalogue: loadCatalogue() });
    const admin = outcome.findings.find((finding) => finding.rule === "cluster-admin-binding");
    const secrets = outcome.findings.find((finding) => finding.rule === "secrets-read");
    expect(admin?.confirmation).toEqual({ agreed: false, detail: "the server denies * *.*" });
    expect(secrets?.confirmation?.agreed).toBe(true);
    expect(outcome.warnings).toContain("SubjectAccessReview disagrees with cluster-admin-binding for User ops: the server denies * *.*.");
    const review = requests.find(
      (request) =>
        request.path.endsWith("/subjectaccessreviews") && (request.body as { spec: { user: string } }).spec.user === "system:serviceaccount:apps:app",
    );
    expect((review?.body as { spec: unknown } | undefined)?.spec).toMatchObject({
      groups: ["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"],
      resourceAttributes: { verb: "get", group: "", resource: "secrets", namespace: "apps" },
    });
    expect(requests.filter((request) => request.path === `${RBAC}/clusterroles`).map((request) => request.query?.continue)).toEqual([undefined, "next"]);
    expect(outcome.findings.filter((finding) => finding.status === "unknown").map((finding) => finding.rule)).toEqual([]);
  });

  it("turns what the preflight denies, and lists that fail, into UNKNOWN with the missing permission", async () => {
    const { client, requests } = fakeClient({ lists: { ...lists, "/api/v1/pods": 403 }, deniedReads: ["list rolebindings", "create subjectaccessreviews"] });
    const outcome = await auditLive(client, { connection, catalogue: loadCatalogue() });
    expect(requests.some((request) => request.path === `${RBAC}/rolebindings`)).toBe(false);
    expect(requests.some((request) => request.path.endsWith("/subjectaccessreviews"))).toBe(false);
    const unknown = Object.fromEntries(outcome.findings.filter((finding) => finding.status === "unknown").map((finding) => [finding.rule, finding.message]));
    expect(unknown["secrets-read"]).toContain("list rolebindings.rbac.authorization.k8s.io -A: denied by the preflight");
    expect(unknown["unused-serviceaccount"]).toContain("list pods -A: forbidden: status 403");
    expect(unknown["wildcard-in-rules"]).toBeUndefined();
    expect(outcome.warnings).toContain("findings are not cross-checked with SubjectAccessReviews: the running identity may not create them.");
    // What could be read still counts: the ClusterRoleBinding's cluster-admin finding is there.
    expect(outcome.findings.find((finding) => finding.rule === "cluster-admin-binding")?.status).toBe("finding");
  });

  it("gives every request the audit's overall deadline (--deadline), even when the caller passes its own signal", async () => {
    const { client, requests } = fakeClient({ lists, subjectAccessReview: () => true });
    const cancel = new AbortController();
    await auditLive(client, { connection, catalogue: loadCatalogue(), deadlineMs: 1_000, signal: cancel.signal });
    const signals = requests.map((request) => request.signal);
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((signal) => signal !== undefined && !signal.aborted)).toBe(true);
    // Generous against a loaded machine: the scripted audit itself takes milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(signals.filter((signal) => !signal?.aborted)).toEqual([]);
  });

  it("makes its concurrent requests on one signal without Node's listener-leak warning (it reached the Job's logs, before its JSON)", async () => {
    const { client: scripted } = fakeClient({ lists, subjectAccessReview: () => true });
    // As undici does: each request listens on the signal while it is in flight (all lists at once).
    const client: KubeClient = {
      ...scripted,
      async request(options) {
        const onAbort = (): void => {};
        options.signal?.addEventListener("abort", onAbort);
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return await scripted.request(options);
        } finally {
          options.signal?.removeEventListener("abort", onAbort);
        }
      },
    };
    const warnings: string[] = [];
    const collect = (warning: Error): void => {
      warnings.push(`${warning.name}: ${warning.message}`);
    };
    process.on("warning", collect);
    try {
      await auditLive(client, { connection, catalogue: loadCatalogue() });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", collect);
    }
    expect(warnings.filter((warning) => warning.startsWith("MaxListenersExceededWarning"))).toEqual([]);
  });

  it("says once that its deadline cut it short, and leaves what it could not read UNKNOWN", async () => {
    const { client } = fakeClient({ lists, subjectAccessReview: () => true });
    // Lists hang until their signal fires, as a slow server's would.
    const slow: KubeClient = {
      ...client,
      async request(options) {
        if (options.method === "POST") return client.request(options);
        await new Promise((resolve) => options.signal?.addEventListener("abort", resolve, { once: true }));
        return { ok: false, failure: { code: "aborted", message: "the request to https://fake was cancelled" }, durationMs: 1 };
      },
    };
    const outcome = await auditLive(slow, { connection, catalogue: loadCatalogue(), deadlineMs: 100 });
    expect(outcome.warnings.filter((warning) => warning.startsWith("the audit's deadline"))).toEqual([
      "the audit's deadline (100ms, --deadline) passed before it finished: what it had not read is UNKNOWN and what it had not asked is unconfirmed.",
    ]);
    expect(outcome.findings.some((finding) => finding.status === "unknown")).toBe(true);
    expect(outcome.findings.filter((finding) => finding.status === "finding")).toEqual([]);
  });

  it("reports progress step by step, never backwards, ending with the cross-check", async () => {
    const { client } = fakeClient({ lists, subjectAccessReview: () => true });
    const steps: [number, number, string][] = [];
    await auditLive(client, { connection, catalogue: loadCatalogue(), onProgress: (done, total, label) => steps.push([done, total, label]) });
    const total = steps[0]?.[1] ?? 0;
    expect(steps.map(([, stepTotal]) => stepTotal).every((value) => value === total)).toBe(true);
    expect(steps.map(([done]) => done)).toEqual([...steps.map(([done]) => done)].sort((a, b) => a - b));
    expect(steps.map(([, , label]) => label)).toEqual(
      expect.arrayContaining(["who am I", "listed clusterroles.rbac.authorization.k8s.io", "auditing 2 bindings"]),
    );
    expect(steps.at(-1)?.[2]).toMatch(/^cross-checking \d+ findings with SubjectAccessReviews$/);
    expect(steps.at(-1)?.[0]).toBe(total - 1);
  });

  it("follows pods the scheduler binds later: a Pending pod, a CronJob's next pod; CronJobs unreadable, a warning and the Pending pod still", async () => {
    const boss = (name: string) => ({
      metadata: { name },
      roleRef: { kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "ServiceAccount", name, namespace: "prod" }],
    });
    const future = {
      [`${RBAC}/clusterroles`]: [
        { metadata: { name: "cluster-admin" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] },
        { metadata: { name: "run" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }] },
      ],
      [`${RBAC}/clusterrolebindings`]: [boss("boss"), boss("nightly")],
      [`${RBAC}/rolebindings`]: [
        { metadata: { name: "dev", namespace: "team" }, roleRef: { kind: "ClusterRole", name: "run" }, subjects: [{ kind: "User", name: "dev" }] },
      ],
      "/api/v1/serviceaccounts": ["boss", "nightly"].map((name) => ({ metadata: { name, namespace: "prod" } })),
      "/api/v1/namespaces": [{ metadata: { name: "team" } }, { metadata: { name: "prod" } }],
      "/api/v1/nodes": [{ metadata: { name: "n1" } }],
    };
    const pending = { metadata: { name: "boss-pod", namespace: "prod" }, spec: { serviceAccountName: "boss", containers: [] }, status: { phase: "Pending" } };
    const nightly = {
      metadata: { name: "nightly", namespace: "prod" },
      spec: { schedule: "@daily", jobTemplate: { spec: { template: { spec: { serviceAccountName: "nightly", containers: [] } } } } },
    };
    const tokenHop = async (script: Script): Promise<{ precondition: string | undefined; warnings: string[] }> => {
      const outcome = await auditLive(fakeClient(script).client, { connection, catalogue: loadCatalogue() });
      const path = outcome.findings.find((finding) => finding.rule === "cluster-admin-path" && finding.subject?.name === "dev")?.path;
      expect(path?.map((hop) => hop.edge)).toEqual(["node-escape", "node-token", "holds"]);
      return { precondition: path?.[1]?.precondition, warnings: outcome.warnings };
    };
    const unread = await tokenHop({ lists: { ...future, "/api/v1/pods": [pending] }, deniedReads: ["list cronjobs"] });
    expect(unread.precondition).toBe("pod prod/boss-pod (Pending) is scheduled on node n1");
    expect(unread.warnings).toContain(
      "attack paths through nodes do not follow the next pods of CronJobs (the scheduler may bind them to a node taken): the running identity may not list cronjobs.batch -A, or they could not be read.",
    );
    expect(unread.warnings.filter((warning) => warning.startsWith("preflight"))).toEqual([]);
    const read = await tokenHop({ lists: { ...future, "/apis/batch/v1/cronjobs": [nightly] } });
    expect(read.precondition).toBe("the next pod of CronJob prod/nightly is scheduled on node n1");
    expect(read.warnings.filter((warning) => warning.includes("CronJobs"))).toEqual([]);
  });
});
