#!/usr/bin/env node
// Regenerates src/rbac/builtin-resources.json from a live kube-apiserver's discovery: every built-in
// resource (preferred version) with its group, short names, subresources, and whether it is namespaced. Offline
// `can-i` / `who-can` use it the way kubectl uses discovery (deploy -> deployments.apps, nodes are
// cluster-scoped). Usage: KUBECONFIG=.cluster/admin.kubeconfig node scripts/generate/export-resources.mjs
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const raw = (path) => JSON.parse(execFileSync("kubectl", ["get", "--raw", path], { encoding: "utf8", maxBuffer: 64 << 20 }));
const version = raw("/version").gitVersion;
const groups = [
  { name: "", path: "/api/v1" },
  ...raw("/apis").groups.map((group) => ({ name: group.name, path: `/apis/${group.preferredVersion.groupVersion}` })),
];
const resources = [];
for (const group of groups) {
  const listed = raw(group.path).resources;
  const subresourcesOf = (name) =>
    listed
      .filter((item) => item.name.startsWith(`${name}/`))
      .map((item) => item.name.slice(name.length + 1))
      .sort();
  for (const resource of listed) {
    if (resource.name.includes("/")) continue;
    const subresources = subresourcesOf(resource.name);
    resources.push({
      name: resource.name,
      group: group.name,
      namespaced: resource.namespaced,
      ...(resource.singularName ? { singular: resource.singularName } : {}),
      ...(resource.shortNames ? { shortNames: resource.shortNames } : {}),
      ...(subresources.length > 0 ? { subresources } : {}),
      kind: resource.kind,
    });
  }
}
resources.sort((a, b) => `${a.group}/${a.name}`.localeCompare(`${b.group}/${b.name}`));
const output = `${JSON.stringify({ kubernetesVersion: version, resources }, null, 1)}\n`;
// --stdout prints instead of writing, so a test can compare the committed file with the live server.
if (process.argv.includes("--stdout")) process.stdout.write(output);
else writeFileSync(new URL("../../src/rbac/builtin-resources.json", import.meta.url), output);
if (!process.argv.includes("--stdout")) console.log(`${version}: ${resources.length} resources`);
