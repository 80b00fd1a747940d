import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../../src/audit/files/catalogue.js";
import { auditSnapshot } from "../../../src/audit/engine.js";
import { edgesOf } from "../../../src/audit/paths/edges.js";
import { identityTable } from "../../../src/audit/paths/grants.js";
import { grantSource } from "../../../src/audit/paths/reach.js";
import { prepareSnapshot } from "../../../src/audit/prepare.js";
import { loadManifests } from "../../../src/manifests/index.js";
import type { Finding } from "../../../src/model/report.js";
import { bootstrapPolicy, withBootstrapPolicy } from "../../../src/rbac/bootstrap.js";
import type { ClusterRoleBinding, RbacSnapshot } from "../../../src/rbac/types.js";
import { FIXTURES, refText, runSaprobe } from "../support.js";

/*
 * Every cluster has the bootstrap policy's controller ClusterRoleBindings (kube-apiserver reconciles them
 * at start-up), so an offline audit finds paths through them with or without --with-defaults; the
 * controllers get no finding of their own from bindings the input lacks.
 */

const CONTROLLERS = join(FIXTURES, "controllers");
const catalogue = loadCatalogue();
const AGGREGATION = "clusterrole-aggregation-controller";

async function snapshotOf(name: string): Promise<RbacSnapshot> {
  return (await loadManifests([join(CONTROLLERS, name)])).snapshot;
}

const audit = (snapshot: RbacSnapshot, defaults: boolean): Finding[] =>
  auditSnapshot(defaults ? withBootstrapPolicy(snapshot) : snapshot, catalogue, { mode: "offline" });

const pathsOf = (findings: Finding[]): string[] =>
  findings
    .filter((finding) => finding.rule.endsWith("-path") && finding.status === "finding")
    .map(
      (finding) =>
        `${finding.rule} ${refText(finding.subject)} ${finding.severity}: ${(finding.path ?? []).map((hop) => `${hop.edge}>${hop.reaches.name}`).join(" ")}`,
    );

describe("paths through the controllers every cluster binds, offline", () => {
  const positives = [
    ["pod-create.yaml", "pod-create"],
    ["token.yaml", "serviceaccount-token"],
    ["secrets.yaml", "secret-read"],
  ] as const;
  for (const [file, edge] of positives) {
    for (const defaults of [false, true]) {
      it(`${file}${defaults ? " --with-defaults" : ""}: team/ci reaches cluster-admin through ${AGGREGATION} (high: its existence is not seen)`, async () => {
        const findings = audit(await snapshotOf(file), defaults);
        expect(pathsOf(findings)).toEqual([`cluster-admin-path ServiceAccount:team/ci high: ${edge}>${AGGREGATION} escalate>cluster-admin`]);
        const [first, escalate] = findings.find((finding) => finding.rule === "cluster-admin-path" && finding.status === "finding")?.path ?? [];
        expect(first?.precondition).toMatch(
          /^ServiceAccount kube-system\/clusterrole-aggregation-controller exists \(a default binding names it on every cluster; kube-controller-manager creates it when run with --use-service-account-credentials/,
        );
        if (edge === "secret-read")
          expect(first?.precondition).toMatch(/a legacy token Secret of ServiceAccount kube-system\/clusterrole-aggregation-controller exists$/);
        expect(first?.grants.map((grant) => grant.source?.line)).toEqual([expect.any(Number)]);
        // The second hop names the bootstrap binding (escalate and patch through it), read from no file.
        expect(escalate?.grants.map((grant) => `${grant.binding.name} ${grant.source?.file ?? "(default policy)"}`)).toEqual([
          `system:controller:${AGGREGATION} (default policy)`,
        ]);
        // One grant (one rule allows both verbs), listed once; a request per verb.
        expect(escalate?.requests.map((request) => request.verb)).toEqual(["escalate", "patch"]);
      });
    }
  }

  it("gives the controllers no finding of their own without --with-defaults (the user did not give them): every subject is the input's", async () => {
    for (const file of ["pod-create.yaml", "token.yaml", "secrets.yaml", "garbage-collector.yaml"]) {
      const subjects = new Set(audit(await snapshotOf(file), false).map((finding) => refText(finding.subject)));
      expect([...subjects].sort(), file).toEqual(["ServiceAccount:team/ci"]);
    }
  });

  for (const defaults of [false, true]) {
    it(`generic-garbage-collector${defaults ? " --with-defaults" : ""}: critical as reached (it exists here), and a conditional path on to cluster-admin`, async () => {
      const findings = audit(await snapshotOf("garbage-collector.yaml"), defaults);
      expect(pathsOf(findings).sort()).toEqual([
        `cluster-admin-path ServiceAccount:team/ci high: serviceaccount-token>generic-garbage-collector secret-read>${AGGREGATION} escalate>cluster-admin`,
        "high-value-identity-path ServiceAccount:team/ci critical: serviceaccount-token>generic-garbage-collector",
      ]);
    });

    for (const file of ["other-namespace.yaml", "restricted.yaml"]) {
      it(`${file}${defaults ? " --with-defaults" : ""}: the look-alikes reach no controller`, async () => {
        expect(pathsOf(audit(await snapshotOf(file), defaults))).toEqual([]);
      });
    }
  }

  it('a controller binding the input redefines is reconciled back, unless it says autoupdate "false"', async () => {
    const input = await snapshotOf("pod-create.yaml");
    const emptied = (annotations?: Record<string, string>): RbacSnapshot => {
      const binding: ClusterRoleBinding = {
        kind: "ClusterRoleBinding",
        metadata: { name: `system:controller:${AGGREGATION}`, ...(annotations ? { annotations } : {}) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: `system:controller:${AGGREGATION}` },
        subjects: [],
      };
      return { ...input, clusterRoleBindings: [...input.clusterRoleBindings, binding] };
    };
    expect(pathsOf(audit(emptied(), false))).toEqual([`cluster-admin-path ServiceAccount:team/ci high: pod-create>${AGGREGATION} escalate>cluster-admin`]);
    const kept = pathsOf(audit(emptied({ "rbac.authorization.kubernetes.io/autoupdate": "false" }), false));
    expect(kept.filter((line) => line.includes(`${AGGREGATION} escalate`))).toEqual([]);
  });

  it("is what `saprobe audit --manifests` reports by default, and the table says why it is high", async () => {
    const run = await runSaprobe(["audit", "--manifests", join(CONTROLLERS, "pod-create.yaml"), "-o", "json"]);
    const report = JSON.parse(run.stdout) as { findings: Finding[] };
    expect(report.findings.map((finding) => `${finding.rule} ${finding.severity}`).sort()).toEqual(["cluster-admin-path high", "workload-create high"]);
    expect(run.code).toBe(1);
  });
});

describe("the controllers' own edges", () => {
  it("lead only to ServiceAccounts and cluster-admin power, never to users, groups or a node (analysis.ts skips their bindings when it asks)", () => {
    const policy = bootstrapPolicy();
    const controllers = policy.clusterRoleBindings.filter((binding) => binding.metadata.name.startsWith("system:controller:"));
    const prepared = prepareSnapshot({ ...policy, clusterRoleBindings: controllers, roleBindings: [] }, true);
    const table = identityTable(prepared);
    const targets = new Set<string>();
    let withEdges = 0;
    for (const identity of table.identities.values()) {
      const grants = table.grantsOf(identity);
      const source = grantSource(identity.ref, grants);
      const edges = edgesOf(source, { adminRoles: new Set(["cluster-admin"]), boundClusterRoles: grants.map((grant) => grant.roleRef.name) });
      if (edges.length > 0) withEdges++;
      for (const edge of edges) targets.add(edge.target.kind);
    }
    // The test can fail: a dozen controllers have edges (pods, tokens, Secrets, escalate).
    expect(withEdges).toBeGreaterThan(10);
    expect([...targets].sort()).toEqual(["power", "serviceaccounts"]);
  });
});
