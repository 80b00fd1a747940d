import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { findingQuestions } from "../../src/audit/confirm.js";
import { auditSnapshot } from "../../src/audit/engine.js";
import { crossCheck } from "../../src/audit/live/cross-check.js";
import { questionKey } from "../../src/audit/live/reviews.js";
import { pathQuestions } from "../../src/audit/paths/confirm-paths.js";
import { createKubeClient } from "../../src/kube/client.js";
import type { KubeClient } from "../../src/kube/types.js";
import type { Finding } from "../../src/model/report.js";
import { Secret } from "../../src/model/secret.js";
import type { RbacSnapshot } from "../../src/rbac/types.js";
import { startFaultServer, type FaultServer, type RecordedRequest } from "../support/fault-server.js";
import { sendJson } from "../support/fake-kube.js";
import { connectionFor } from "../kube/connection-for.js";

// The cross-check over a real client and the fault server: every finding asked about (well past the
// 2,000 the old cross-check stopped at), each distinct question once, and a deadline that leaves
// findings unconfirmed with the reason instead of dropping them silently.

const catalogue = loadCatalogue();
const SERVICE_ACCOUNTS = 1_100;

/** 1,100 ServiceAccounts that may read the Secrets of `apps`, where `root`, bound to cluster-admin, has a token. */
function snapshot(): RbacSnapshot {
  const rbac = { apiGroup: "rbac.authorization.k8s.io" };
  const names = Array.from({ length: SERVICE_ACCOUNTS }, (_, index) => `sa-${index}`);
  return {
    clusterRoles: [
      {
        kind: "ClusterRole",
        metadata: { name: "cluster-admin" },
        rules: [
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
          { nonResourceURLs: ["*"], verbs: ["*"] },
        ],
      },
      { kind: "ClusterRole", metadata: { name: "secret-reader" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] },
    ],
    clusterRoleBindings: [
      {
        kind: "ClusterRoleBinding",
        metadata: { name: "root" },
        roleRef: { ...rbac, kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "root", namespace: "apps" }],
      },
    ],
    roles: [],
    roleBindings: names.map((name) => ({
      kind: "RoleBinding",
      metadata: { name, namespace: "apps" },
      roleRef: { ...rbac, kind: "ClusterRole", name: "secret-reader" },
      subjects: [{ kind: "ServiceAccount", name, namespace: "apps" }],
    })),
    serviceAccounts: [...names, "root"].map((name) => ({ kind: "ServiceAccount", metadata: { name, namespace: "apps" } })),
  };
}

const findings = auditSnapshot(snapshot(), catalogue, {
  mode: "live",
  pathFacts: { serviceAccountsListed: true, tokenSecrets: new Set(["apps/root"]), tokenSecretOwners: new Map([["apps/root-token", "root"]]) },
});

/** Answers SubjectAccessReviews (allowed unless `deny` says otherwise); `hangAfter` leaves the rest unanswered. */
function reviewer(options: { hangAfter?: number } = {}) {
  let answered = 0;
  return (request: RecordedRequest, response: ServerResponse): void => {
    if (options.hangAfter !== undefined && answered >= options.hangAfter) return;
    answered++;
    const body = JSON.parse(request.body) as { spec: Record<string, unknown> };
    sendJson(response, 201, {
      kind: "SubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      spec: body.spec,
      status: { allowed: true, reason: "RBAC: allowed by the fault server" },
    });
  };
}

let server: FaultServer | undefined;
let client: KubeClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function start(handle: ReturnType<typeof reviewer>): Promise<{ server: FaultServer; client: KubeClient }> {
  server = await startFaultServer({
    routes: [{ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", behaviour: { kind: "custom", handle } }],
  });
  client = createKubeClient(
    connectionFor(server.url, {
      tls: { caFile: server.caFile, insecureSkipTLSVerify: false },
      credentials: { kind: "token", token: new Secret("cross-check-token") },
    }),
  );
  return { server, client };
}

const reviewsOf = (faults: FaultServer): RecordedRequest[] => faults.requests.filter((request) => request.pathname.endsWith("/subjectaccessreviews"));
const asked = (list: readonly Finding[]): Finding[] =>
  list.filter((finding) => finding.status === "finding" && (finding.rule === "cluster-admin-path" || findingQuestions(catalogue, [finding])[0] !== undefined));

describe("crossCheck", () => {
  it("confirms every finding, however many, asking each distinct question once", async () => {
    const questions = [...findingQuestions(catalogue, findings).filter((question) => question !== undefined), ...pathQuestions(findings)];
    const distinct = new Set(questions.map(questionKey));
    // The fixture is what the test claims: more findings than the old cut-off, and repeated questions.
    expect(asked(findings).length).toBeGreaterThan(2_000);
    expect(distinct.size).toBeLessThan(questions.length);
    const faults = await start(reviewer());
    const checked = await crossCheck(faults.client, catalogue, findings);
    expect(reviewsOf(faults.server)).toHaveLength(distinct.size);
    expect(new Set(reviewsOf(faults.server).map((request) => request.body)).size).toBe(distinct.size);
    const unconfirmed = asked(checked.findings).filter((finding) => finding.confirmation?.agreed !== true);
    expect(unconfirmed.map((finding) => `${finding.rule} ${finding.subject?.name}`)).toEqual([]);
    const paths = checked.findings.filter((finding) => finding.rule === "cluster-admin-path");
    expect(paths.length).toBeGreaterThanOrEqual(SERVICE_ACCOUNTS);
    expect(paths.every((finding) => finding.path?.every((hop) => hop.confirmation?.agreed === true))).toBe(true);
    expect(checked.warnings).toEqual([]);
  });

  it("when the deadline passes, says which findings are not confirmed and why", async () => {
    const faults = await start(reviewer({ hangAfter: 100 }));
    const checked = await crossCheck(faults.client, catalogue, findings, { deadlineMs: 500 });
    const all = asked(checked.findings);
    const confirmed = all.filter((finding) => finding.confirmation !== undefined);
    const late = all.filter((finding) => finding.confirmation === undefined);
    expect(confirmed.length).toBeGreaterThanOrEqual(1);
    expect(late.length).toBeGreaterThan(0);
    expect(confirmed.length + late.length).toBe(all.length);
    for (const finding of late)
      expect(finding.unconfirmed?.reason, `${finding.rule} ${finding.subject?.name}`).toMatch(
        /the cross-check's deadline \(500ms\) passed before this SubjectAccessReview was answered/,
      );
    expect(confirmed.every((finding) => finding.unconfirmed === undefined)).toBe(true);
    // A path left unconfirmed names the hop and the request that was not answered.
    expect(late.find((finding) => finding.rule === "cluster-admin-path")?.unconfirmed?.reason).toMatch(
      /^hop \d+: \S+ .* as ServiceAccount apps\/sa-\d+: the cross-check's deadline/,
    );
    const warning = checked.warnings.find((text) => text.includes("stopped at its deadline"));
    expect(warning).toMatch(
      new RegExp(
        `^the SubjectAccessReview cross-check stopped at its deadline \\(500ms\\) after \\d+ of \\d+ distinct reviews: ${late.length} findings are not confirmed \\(.+ and ${late.length - 5} more\\); each says why in "unconfirmed"\\.$`,
      ),
    );
  });

  it("when the whole audit's deadline passes first, says so rather than that the audit was cancelled", async () => {
    const faults = await start(reviewer({ hangAfter: 100 }));
    const checked = await crossCheck(faults.client, catalogue, findings, { signal: AbortSignal.timeout(500) });
    const late = asked(checked.findings).filter((finding) => finding.confirmation === undefined);
    expect(late.length).toBeGreaterThan(0);
    for (const finding of late)
      expect(finding.unconfirmed?.reason, `${finding.rule} ${finding.subject?.name}`).toMatch(
        /the audit's deadline passed before this SubjectAccessReview was answered$/,
      );
  });
});
