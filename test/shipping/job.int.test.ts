import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { kubectl, testCluster } from "../support/cluster.js";
import { readYamlDocuments } from "./invocations.js";

// deploy/ on the harness's real node (test/cluster/up --with-node): `kubectl apply -k deploy/`
// unmodified, the image built by buildah from the Dockerfile, the kubelet's projected token, the
// runtime's user and read-only root filesystem, the Job's status from saprobe's exit code.

interface NodeInfo {
  name: string;
  containerdSocket: string;
  kubeletRoot: string;
}

type Pod = {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: { phase: string; containerStatuses?: { name: string; containerID?: string; state: { terminated?: { exitCode: number } } }[] };
};

const NAMESPACE = "saprobe";
const cluster = testCluster();
const nodeFile = join(cluster.dir, "node.json");
const node = existsSync(nodeFile) ? (JSON.parse(readFileSync(nodeFile, "utf8")) as NodeInfo) : undefined;
const skipReason = existsSync(join(cluster.dir, "node-error.txt"))
  ? readFileSync(join(cluster.dir, "node-error.txt"), "utf8").trim()
  : "test/cluster/up ran without --with-node";

async function must(args: string[], input?: string): Promise<string> {
  const result = await kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** Waits until Job `name` is Complete or Failed; returns which. */
async function finished(name: string): Promise<"Complete" | "Failed"> {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    const conditions = JSON.parse((await must(["-n", NAMESPACE, "get", "job", name, "-o", "jsonpath={.status.conditions}"])) || "[]") as {
      type: string;
      status: string;
    }[];
    const done = conditions.find((condition) => (condition.type === "Complete" || condition.type === "Failed") && condition.status === "True");
    if (done) return done.type as "Complete" | "Failed";
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Job ${name} did not finish in 240s`);
}

async function podOf(job: string): Promise<Pod> {
  const list = JSON.parse(await must(["-n", NAMESPACE, "get", "pods", "-l", `job-name=${job}`, "-o", "json"])) as { items: Pod[] };
  expect(list.items).toHaveLength(1);
  return list.items[0] as Pod;
}

function exitCodes(pod: Pod): Record<string, number | undefined> {
  return Object.fromEntries((pod.status.containerStatuses ?? []).map((status) => [status.name, status.state.terminated?.exitCode]));
}

/** The report a container printed (the kubelet removes a finished Pod's emptyDir, so the log is what stays). */
async function reportLogged(pod: Pod, container?: string): Promise<Report> {
  return JSON.parse(await must(["-n", NAMESPACE, "logs", `pod/${pod.metadata.name}`, ...(container ? ["-c", container] : [])])) as Report;
}

/** The OCI spec the runtime ran a container with (containerd's record of it). */
function runtimeSpec(
  pod: Pod,
  container: string,
): {
  process: { user: { uid: number; gid: number }; noNewPrivileges?: boolean; capabilities?: Record<string, string[] | undefined> };
  root: { readonly?: boolean };
} {
  const id = pod.status.containerStatuses?.find((status) => status.name === container)?.containerID?.replace(/^containerd:\/\//, "");
  if (!id) throw new Error(`no container ${container} in Pod ${pod.metadata.name}`);
  const info = JSON.parse(execFileSync("ctr", ["--address", node!.containerdSocket, "-n", "k8s.io", "containers", "info", id], { encoding: "utf8" })) as {
    Spec: ReturnType<typeof runtimeSpec>;
  };
  return info.Spec;
}

/** deploy/job.yaml under another name, printing its report as JSON instead of a table (to read the evidence). */
function jsonJobNamed(name: string): string {
  type Job = { metadata: { name: string; namespace?: string }; spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const job = readYamlDocuments("deploy/job.yaml")[0] as Job;
  const container = job.spec.template.spec.containers[0]!;
  container.args = container.args.map((word, index) => (container.args[index - 1] === "-o" ? "json" : word));
  return JSON.stringify({ ...job, metadata: { ...job.metadata, name, namespace: NAMESPACE } });
}

async function serviceAccountMay(verb: string, resource: string): Promise<boolean> {
  const answer = await kubectl(["auth", "can-i", verb, resource, "--all-namespaces", `--as=system:serviceaccount:${NAMESPACE}:saprobe`]);
  return answer.stdout.trim() === "yes";
}

describe.skipIf(!node)(`deploy/ on the harness's real node${node ? "" : ` (skipped: ${skipReason})`}`, () => {
  let pod: Pod;

  beforeAll(async () => {
    await kubectl(["delete", "-k", "deploy/", "--ignore-not-found", "--wait=true"]);
    await kubectl(["create", "namespace", NAMESPACE]);
    await must(["apply", "-k", "deploy/"]);
    expect(await finished("saprobe")).toBe("Complete");
    pod = await podOf("saprobe");
  }, 300_000);

  afterAll(async () => {
    await kubectl(["delete", "-k", "deploy/", "--ignore-not-found", "--wait=false"]);
    await kubectl(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=false"]);
  });

  it("the Job runs to completion on the node, and its log holds the report", async () => {
    expect(pod.spec.nodeName).toBe(node!.name);
    expect(exitCodes(pod)).toEqual({ saprobe: 0 });
    const log = await must(["-n", NAMESPACE, "logs", `pod/${pod.metadata.name}`]);
    expect(log).toContain(`https://10.0.0.1:443 as system:serviceaccount:${NAMESPACE}:saprobe via in-cluster`);
    // A bordered row (│ PASS │ id │) or, when a row does not fit the log's 120 columns, a stacked one (PASS  id  severity).
    const passed = [...log.matchAll(/^(?:│ )?PASS +(?:│ )?([a-z][\w-]*) /gm)].map((match) => match[1]);
    expect(passed).toEqual([
      "tls-system-ca",
      "anonymous",
      "version",
      "whoami",
      "token",
      "list-nodes",
      "list-pods",
      "list-pods-all",
      "watch-nodes",
      "watch-pods",
    ]);
    // Held to deploy/'s own RBAC (--expect): the probes pass and the permission set equals the declaration.
    expect(log).toContain("Checks: 10 passed, 0 failed, 0 skipped, 0 could not tell, 1 observed.");
    expect(log).toContain("Outcome: PASSED");
  });

  it("the token probe says the kubelet's projected token is bound to that Pod", async () => {
    await must(["apply", "-f", "-"], jsonJobNamed("saprobe-json"));
    expect(await finished("saprobe-json")).toBe("Complete");
    const jsonPod = await podOf("saprobe-json");
    const report = await reportLogged(jsonPod);
    expect(report.target.identity?.username).toBe(`system:serviceaccount:${NAMESPACE}:saprobe`);
    const token = report.results.find((check) => check.id === "token");
    expect(token?.status).toBe("pass");
    const evidence = token?.evidence as { kind: string; boundTo: { kind: string; name?: string; uid?: string }[]; audiences: string[] };
    expect(evidence.kind).toBe("bound");
    expect(evidence.boundTo).toContainEqual({ kind: "Pod", name: jsonPod.metadata.name, uid: jsonPod.metadata.uid });
    expect(evidence.audiences).toEqual([cluster.issuer]);
  });

  it("the container really runs as 65532:65532 with a read-only root filesystem and no capabilities", () => {
    const spec = runtimeSpec(pod, "saprobe");
    expect(spec.process.user).toMatchObject({ uid: 65532, gid: 65532 });
    expect(spec.root.readonly).toBe(true);
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.process.capabilities?.effective ?? []).toEqual([]);
  });

  it("a drifted binding: the Job fails with exit 1 and the report says why", async () => {
    await must(["patch", "clusterrolebinding", "saprobe-probe", "--type=json", "-p", '[{"op":"replace","path":"/subjects/0/namespace","value":"elsewhere"}]']);
    try {
      for (let attempt = 0; attempt < 50 && (await serviceAccountMay("list", "nodes")); attempt++) await new Promise((resolve) => setTimeout(resolve, 200));
      await must(["apply", "-f", "-"], jsonJobNamed("saprobe-drifted"));
      expect(await finished("saprobe-drifted")).toBe("Failed");
      const drifted = await podOf("saprobe-drifted");
      expect(exitCodes(drifted)).toEqual({ saprobe: 1 });
      const report = await reportLogged(drifted);
      // The binding's live subject differs from the declared one: drift, named.
      expect(report.drift).toContainEqual(
        expect.objectContaining({ object: { kind: "ClusterRoleBinding", name: "saprobe-probe" }, change: "missing-subject" }),
      );
      const failed = report.results.filter((check) => check.status === "fail");
      expect(failed.map((check) => check.id)).toEqual(expect.arrayContaining(["list-nodes", "under-privileged/cluster/nodes"]));
      expect(failed.find((check) => check.id === "list-nodes")?.message).toMatch(/^under-privileged: .*forbidden/i);
    } finally {
      await must(["apply", "-k", "deploy/"]);
    }
  });

  it("a Job created from the CronJob runs the probe and the audit containers", async () => {
    await must(["-n", NAMESPACE, "create", "job", "saprobe-now", "--from=cronjob/saprobe"]);
    await finished("saprobe-now");
    const now = await podOf("saprobe-now");
    const codes = exitCodes(now);
    expect(codes.run).toBe(0);
    // Other tests bind broad roles in this shared cluster, so the audit may find something (exit 1); never 2 or 3.
    expect([0, 1]).toContain(codes.audit);
    expect(await must(["-n", NAMESPACE, "logs", `pod/${now.metadata.name}`, "-c", "run"])).toContain("Outcome: PASSED");
    const audit = await must(["-n", NAMESPACE, "logs", `pod/${now.metadata.name}`, "-c", "audit"]);
    expect(audit).toContain(`as system:serviceaccount:${NAMESPACE}:saprobe via in-cluster`);
    expect(audit).toMatch(/^Outcome: (PASSED|FAILED)/m);
    expect(audit).not.toMatch(/UNKNOWN/);
  });
});
