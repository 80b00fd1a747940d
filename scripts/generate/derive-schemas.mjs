#!/usr/bin/env node
// Derives schemas/rbac.schema.json from the OpenAPI v3 documents of a live kube-apiserver
// (/openapi/v3/apis/rbac.authorization.k8s.io/v1 and /openapi/v3/api/v1), keeping the kinds saprobe
// reads and everything they reference. Changes made on the way, each to match what the apiserver
// accepts rather than what the raw OpenAPI says:
//   - descriptions dropped (size); `x-kubernetes-*` extensions dropped (ajv strict mode);
//   - objects with `properties` get `additionalProperties: false`, like kubectl's strict field validation;
//   - `roleRef.apiGroup` is not required (the apiserver defaults it to rbac.authorization.k8s.io);
//   - `metadata.name` is required (kubectl refuses objects without a name).
// Usage: KUBECONFIG=.cluster/admin.kubeconfig node scripts/generate/derive-schemas.mjs
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const raw = (path) => JSON.parse(execFileSync("kubectl", ["get", "--raw", path], { encoding: "utf8", maxBuffer: 64 << 20 }));
const version = JSON.parse(execFileSync("kubectl", ["get", "--raw", "/version"], { encoding: "utf8" })).gitVersion;
const components = { ...raw("/openapi/v3/api/v1").components.schemas, ...raw("/openapi/v3/apis/rbac.authorization.k8s.io/v1").components.schemas };

const kinds = {
  Role: "io.k8s.api.rbac.v1.Role",
  ClusterRole: "io.k8s.api.rbac.v1.ClusterRole",
  RoleBinding: "io.k8s.api.rbac.v1.RoleBinding",
  ClusterRoleBinding: "io.k8s.api.rbac.v1.ClusterRoleBinding",
  ServiceAccount: "io.k8s.api.core.v1.ServiceAccount",
};

const defs = {};
function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== "object") return node;
  const result = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "description" || key.startsWith("x-kubernetes-")) continue;
    if (key === "$ref") {
      const name = value.replace("#/components/schemas/", "");
      collect(name);
      result.$ref = `#/$defs/${name}`;
      continue;
    }
    result[key] = key === "properties" ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema)])) : convert(value);
  }
  if (result.type === "object" && result.properties && result.additionalProperties === undefined) result.additionalProperties = false;
  return result;
}
function collect(name) {
  if (defs[name]) return;
  const schema = components[name];
  if (!schema) throw new Error(`OpenAPI has no schema ${name}`);
  defs[name] = {};
  defs[name] = convert(schema);
}
Object.values(kinds).forEach(collect);

const roleRef = defs["io.k8s.api.rbac.v1.RoleRef"];
roleRef.required = roleRef.required.filter((field) => field !== "apiGroup");
const objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
for (const definition of Object.values(kinds)) {
  // metadata is `allOf: [{$ref: ObjectMeta}]`; require a name on top of it.
  const metadata = defs[definition].properties.metadata;
  metadata.allOf = [...metadata.allOf, { required: ["name"] }];
  if (!metadata.allOf.some((part) => part.$ref === `#/$defs/${objectMeta}`)) throw new Error(`${definition}.metadata is not ObjectMeta`);
  defs[definition].required = [...new Set([...(defs[definition].required ?? []), "metadata"])];
}

const schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://saprobe.dev/schemas/rbac.schema.json",
  title: `Kubernetes ${version} RBAC kinds and ServiceAccount, derived from the apiserver's OpenAPI v3`,
  "x-kubernetes-version": version,
  "x-kinds": Object.fromEntries(Object.entries(kinds).map(([kind, name]) => [kind, `#/$defs/${name}`])),
  $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
};
const output = `${JSON.stringify(schema, null, 1)}\n`;
// --stdout prints instead of writing, so a test can compare the committed file with the live server.
if (process.argv.includes("--stdout")) process.stdout.write(output);
else writeFileSync(new URL("../../schemas/rbac.schema.json", import.meta.url), output);
if (!process.argv.includes("--stdout")) console.log(`${version}: ${Object.keys(defs).length} definitions`);
