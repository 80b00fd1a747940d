#!/usr/bin/env node
// Regenerates src/rbac/bootstrap-policy.json from a live kube-apiserver: every object labelled
// kubernetes.io/bootstrapping=rbac-defaults (cluster roles and bindings, plus the kube-system and
// kube-public roles and bindings), without server-set fields. The rules of aggregated roles (admin,
// edit, view...) are written as null, as kube-apiserver creates them: filling them is the
// clusterrole-aggregation controller's job, which saprobe does itself (src/rbac/aggregate.ts).
// Usage: KUBECONFIG=.cluster/admin.kubeconfig node scripts/generate/export-bootstrap.mjs
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const kubectl = (...args) => JSON.parse(execFileSync("kubectl", [...args, "-o", "json"], { encoding: "utf8", maxBuffer: 64 << 20 }));
const selector = "kubernetes.io/bootstrapping=rbac-defaults";
const version = kubectl("version").serverVersion.gitVersion;

function clean(object) {
  const { name, namespace, labels, annotations } = object.metadata;
  const metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
  const { kind } = object;
  const result = { apiVersion: object.apiVersion, kind, metadata };
  for (const field of ["rules", "aggregationRule", "subjects", "roleRef"]) if (field in object) result[field] = object[field];
  if (object.aggregationRule) result.rules = null;
  return result;
}

const byName = (a, b) => `${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ""}/${b.metadata.name}`);
const list = (...args) =>
  kubectl("get", ...args, "-l", selector)
    .items.map(clean)
    .sort(byName);
const policy = {
  kubernetesVersion: version,
  source: `kubectl get ... -l ${selector} against kube-apiserver ${version} (rules of aggregated roles: null, as the apiserver creates them)`,
  clusterRoles: list("clusterroles"),
  clusterRoleBindings: list("clusterrolebindings"),
  roles: list("roles", "--all-namespaces"),
  roleBindings: list("rolebindings", "--all-namespaces"),
};
const output = `${JSON.stringify(policy, null, 1)}\n`;
// --stdout prints instead of writing, so a test can compare the committed file with the live server.
if (process.argv.includes("--stdout")) process.stdout.write(output);
else writeFileSync(new URL("../../src/rbac/bootstrap-policy.json", import.meta.url), output);
if (!process.argv.includes("--stdout"))
  console.log(
    `${version}: ${policy.clusterRoles.length} cluster roles, ${policy.clusterRoleBindings.length} cluster role bindings, ${policy.roles.length} roles, ${policy.roleBindings.length} role bindings`,
  );
