import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readYamlDocuments } from "./invocations.js";
import { repository } from "./packaged-layout.js";

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

interface Container {
  name: string;
  args: string[];
  securityContext: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts: Array<{ name: string; mountPath: string }>;
}

interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes: Array<{ name: string; emptyDir?: unknown }>;
}

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; rules?: PolicyRule[] } & Record<string, unknown>;

const objects = ["deploy/serviceaccount.yaml", "deploy/rbac.yaml", "deploy/job.yaml", "deploy/cronjob.yaml"].flatMap(
  (file) => readYamlDocuments(file) as Manifest[],
);

function podSpecs(): Array<[string, PodSpec]> {
  const job = objects.find((object) => object.kind === "Job") as unknown as { spec: { template: { spec: PodSpec } } };
  const cronJob = objects.find((object) => object.kind === "CronJob") as unknown as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } };
  return [
    ["Job", job.spec.template.spec],
    ["CronJob", cronJob.spec.jobTemplate.spec.template.spec],
  ];
}

/** Every (group, resource, verb) a set of rules grants, as strings. */
function grants(rules: PolicyRule[]): string[] {
  return rules
    .flatMap((rule) =>
      rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${resource}${group ? `.${group}` : ""}`))),
    )
    .sort();
}

describe("deploy/", () => {
  it("is namespace-agnostic: no namespaced object names its namespace", () => {
    for (const object of objects) expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBeUndefined();
  });

  it("grants exactly what the default suite, run --expect and the audit read, and the review APIs", () => {
    const role = (name: string) => (objects.find((object) => object.kind === "ClusterRole" && object.metadata.name === name)?.rules ?? []) as PolicyRule[];
    const read = (resource: string) => ["get", "list", "watch"].map((verb) => `${verb} ${resource}`);
    expect(grants(role("saprobe-probe"))).toEqual(
      [
        ...read("nodes"),
        ...read("pods"),
        // run --expect compares every namespace: without it the Job could not tell
        "list namespaces",
        "create selfsubjectreviews.authentication.k8s.io",
        "create selfsubjectaccessreviews.authorization.k8s.io",
        "create selfsubjectrulesreviews.authorization.k8s.io",
      ].sort(),
    );
    expect(grants(role("saprobe-audit"))).toEqual(
      [
        ...["roles", "clusterroles", "rolebindings", "clusterrolebindings"].flatMap((resource) => read(`${resource}.rbac.authorization.k8s.io`)),
        ...read("serviceaccounts"),
        ...read("certificatesigningrequests.certificates.k8s.io"),
        // the next pods of CronJobs, on a node an attacker took
        "list cronjobs.batch",
        "create subjectaccessreviews.authorization.k8s.io",
      ].sort(),
    );
    const everything = grants([...role("saprobe-probe"), ...role("saprobe-audit")]).join("\n");
    expect(everything).not.toMatch(/secrets|\*|impersonate|escalate|bind |update|patch|delete/);
  });

  it("binds both roles to the saprobe ServiceAccount", () => {
    const bindings = objects.filter((object) => object.kind === "ClusterRoleBinding") as unknown as Array<{
      roleRef: { name: string };
      subjects: Array<{ kind: string; name: string }>;
    }>;
    expect(bindings.map((binding) => binding.roleRef.name).sort()).toEqual(["saprobe-audit", "saprobe-probe"]);
    for (const binding of bindings) expect(binding.subjects).toEqual([expect.objectContaining({ kind: "ServiceAccount", name: "saprobe" })]);
  });

  it.each(podSpecs())("%s runs as the saprobe ServiceAccount, non-root, read-only, without capabilities", (_kind, pod) => {
    expect(pod.serviceAccountName).toBe("saprobe");
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    const reportVolumes = pod.volumes.filter((volume) => volume.emptyDir !== undefined).map((volume) => volume.name);
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(container.securityContext.capabilities?.add).toBeUndefined();
      const out = container.args[container.args.indexOf("--out") + 1] ?? "";
      const mount = container.volumeMounts.find((candidate) => out.startsWith(candidate.mountPath));
      expect(mount && reportVolumes.includes(mount.name), `${container.name} writes --out ${out} to an emptyDir`).toBe(true);
      expect(container.args).toEqual(expect.arrayContaining(["-o", "table"]));
    }
  });

  it("the ServiceAccount itself does not mount tokens into other Pods", () => {
    const account = objects.find((object) => object.kind === "ServiceAccount");
    expect(account?.automountServiceAccountToken).toBe(false);
  });

  it("renders with the real kubectl kustomize into the saprobe namespace", () => {
    const rendered = execFileSync("kubectl", ["kustomize", "deploy/"], { cwd: repository, encoding: "utf8", timeout: 30_000 });
    const documents = parseAllDocuments(rendered).map((document) => document.toJS() as Manifest);
    expect(documents.map((document) => document.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterRoleBinding",
      "ConfigMap",
      "CronJob",
      "Job",
      "ServiceAccount",
    ]);
    for (const document of documents.filter((candidate) => !candidate.kind.startsWith("Cluster"))) expect(document.metadata.namespace).toBe("saprobe");
  });
});
