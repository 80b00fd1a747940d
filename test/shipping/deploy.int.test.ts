import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";
import {
  applyObjects,
  deleteObjects,
  inClusterEnv,
  kubectl,
  makeServiceAccountMount,
  mintToken,
  uniqueNamespace,
  writeKubeconfig,
} from "../support/cluster.js";
import { invocationsInManifest, readYamlDocuments } from "./invocations.js";
import { buildPackagedInstall } from "./packaged-layout.js";

// The Job's own command, run from this checkout as deploy/'s ServiceAccount, in-cluster style, with a
// minted token: it needs no node, so it holds whatever the machine (job.int.test.ts runs the real Job
// on the harness's node). ClusterRoles are cluster-wide, so this test gives its copies a unique suffix;
// their rules are deploy/'s, unchanged.

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; roleRef?: { name: string }; subjects?: Array<{ namespace?: string }> };

let namespace: string;
let mount: string;
let token: string;

function manifestsFor(target: string): Manifest[] {
  const suffix = `-${target}`;
  const objects = [...readYamlDocuments("deploy/serviceaccount.yaml"), ...readYamlDocuments("deploy/rbac.yaml")] as Manifest[];
  return objects.map((object) => {
    if (object.kind === "ServiceAccount") return { ...object, metadata: { ...object.metadata, namespace: target } };
    const renamed = { ...object, metadata: { ...object.metadata, name: `${object.metadata.name}${suffix}` } };
    if (object.kind !== "ClusterRoleBinding") return renamed;
    return {
      ...renamed,
      roleRef: { ...object.roleRef!, name: `${object.roleRef!.name}${suffix}` },
      subjects: object.subjects!.map((subject) => ({ ...subject, namespace: target })),
    };
  });
}

/** RBAC changes reach the authorizer through a watch; wait (bounded) until they have. */
async function waitUntilAllowed(user: string, verb: string, resource: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await kubectl(["auth", "can-i", verb, resource, "--all-namespaces", `--as=${user}`]);
    if (answer.stdout.trim() === "yes") return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${user} still may not ${verb} ${resource} after 10s`);
}

function withOut(argv: string[], dir: string): string[] {
  return argv.map((word, index) => (argv[index - 1] === "--out" ? dir : word));
}

/** The Job's --expect folder (the ConfigMap kustomization.yaml makes of deploy/'s RBAC), as this test's copies. */
function withExpected(argv: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-expected-"));
  writeFileSync(join(dir, "rbac.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items: manifestsFor(namespace) }));
  return argv.map((word, index) => (argv[index - 1] === "--expect" ? dir : word));
}

beforeAll(async () => {
  namespace = await uniqueNamespace("saprobe-deploy");
  await applyObjects(manifestsFor(namespace));
  const user = `system:serviceaccount:${namespace}:saprobe`;
  await waitUntilAllowed(user, "watch", "pods");
  await waitUntilAllowed(user, "list", "clusterrolebindings.rbac.authorization.k8s.io");
  token = await mintToken(namespace, "saprobe");
  mount = makeServiceAccountMount(namespace, token);
});

// The cluster-wide copies would otherwise show up in other tests' live audits of this shared cluster.
afterAll(async () => {
  if (namespace) await deleteObjects(manifestsFor(namespace).filter((object) => object.kind.startsWith("Cluster")));
});

describe("deploy/ on the local control plane", () => {
  it("the Job's command, as deploy/'s ServiceAccount held to deploy/'s RBAC: every probe passes, the permissions equal the declaration, the reports are written", async () => {
    const job = invocationsInManifest("deploy/job.yaml")[0]!;
    expect(job.argv).toContain("--expect");
    const out = mkdtempSync(join(tmpdir(), "saprobe-job-reports-"));
    const result = await runCli([...withOut(withExpected(job.argv), out), "--sa-dir", mount], { env: { ...inClusterEnv(), NO_COLOR: "1" }, cwd: out });
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    expect(Object.fromEntries(report.results.map((check) => [check.id, check.status]))).toEqual({
      "tls-system-ca": "pass",
      anonymous: "pass",
      version: "pass",
      whoami: "pass",
      token: "pass",
      "list-nodes": "pass",
      "list-pods": "pass",
      "list-pods-all": "pass",
      "watch-nodes": "pass",
      "watch-pods": "pass",
      "rbac-permissions": "info",
    });
    const coverage = report.results.find((check) => check.id === "rbac-permissions");
    expect(coverage?.observed).toBe("equal");
    // Every namespace: the Job's ServiceAccount may list them (deploy/rbac.yaml declares it), so nothing is left unseen.
    expect(coverage?.evidence.namespacesFrom).toBe("every namespace on the server");
    expect(report.target.identity?.username).toBe(`system:serviceaccount:${namespace}:saprobe`);
    expect(result.stdout).toContain("Outcome: PASSED");
    expect(result.code).toBe(0);
  });

  it("the CronJob's audit, as deploy/'s ServiceAccount: may read everything it needs, so no rule is UNKNOWN", async () => {
    const audit = invocationsInManifest("deploy/cronjob.yaml").find((invocation) => invocation.argv[0] === "audit")!;
    const out = mkdtempSync(join(tmpdir(), "saprobe-cron-reports-"));
    const result = await runCli([...withOut(audit.argv, out), "--sa-dir", mount], { env: { ...inClusterEnv(), NO_COLOR: "1" }, cwd: out });
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((warning) => warning.startsWith("preflight:"))).toEqual([]);
    expect(report.findings.filter((finding) => finding.status === "unknown")).toEqual([]);
    // Other tests bind broad roles in this shared cluster, so findings (exit 1) are possible; could-not-run is not.
    expect([0, 1]).toContain(result.code);
  });
});

describe("the kubectl plugin, installed from the package", () => {
  it("`kubectl saprobe run` probes the cluster as deploy/'s ServiceAccount", async () => {
    const install = await buildPackagedInstall();
    const kubeconfig = writeKubeconfig({ token }, { namespace });
    const result = spawnSync("kubectl", ["saprobe", "run", "--kubeconfig", kubeconfig, "-o", "json"], {
      env: { ...process.env, PATH: `${install.bin}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as Report;
    expect(report.target.identity?.username).toBe(`system:serviceaccount:${namespace}:saprobe`);
    expect(report.results.filter((check) => check.status !== "pass" && check.status !== "skip" && check.status !== "info")).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain(token);
  }, 180_000);
});
