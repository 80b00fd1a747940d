#!/usr/bin/env node
// `npm run generate [-- NAME...]`: rewrites the data saprobe ships that a program derives, in the
// order they depend on each other. Each generator names itself in what it writes (a header, or a
// `kubernetesVersion` and `source`), and a test fails when its output is stale: the three that read a
// live kube-apiserver are checked by test/rbac/committed-data.int.test.ts, the validators by
// test/manifests/validators.test.ts. Read the diff before committing.
//   export-bootstrap    src/rbac/bootstrap-policy.json     from the server's rbac-defaults objects
//   export-resources    src/rbac/builtin-resources.json    from the server's discovery
//   derive-schemas      schemas/rbac.schema.json           from the server's OpenAPI v3
//   compile-validators  src/manifests/rbac-validators.generated.ts from schemas/rbac.schema.json (offline)
//   check-file-validator src/checks/check-file-validator.generated.ts from checks/schema.json (offline;
//                       test/checks/check-file-validator.test.ts checks it)
//   audit-validators    src/audit/files/audit-validators.generated.ts from checks/audit/*schema.json
//                       (offline; test/audit/audit-validators.test.ts checks it)
// The first three need a control plane: $KUBECONFIG, else the one test/cluster/up started (.cluster/).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const GENERATORS = [
  { name: "export-bootstrap", live: true },
  { name: "export-resources", live: true },
  { name: "derive-schemas", live: true },
  { name: "compile-validators", live: false },
  { name: "check-file-validator", live: false },
  { name: "audit-validators", live: false },
];

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !GENERATORS.some((generator) => generator.name === name));
if (unknown.length > 0) {
  console.error(`npm run generate: no generator ${unknown.join(", ")}; there are ${GENERATORS.map((generator) => generator.name).join(", ")}`);
  process.exit(2);
}
const chosen = asked.length === 0 ? GENERATORS : GENERATORS.filter((generator) => asked.includes(generator.name));

const clusterKubeconfig = fileURLToPath(new URL("../../.cluster/admin.kubeconfig", import.meta.url));
const kubeconfig = process.env.KUBECONFIG ?? (existsSync(clusterKubeconfig) ? clusterKubeconfig : undefined);
if (chosen.some((generator) => generator.live) && kubeconfig === undefined) {
  console.error("npm run generate: export-bootstrap, export-resources and derive-schemas read a live kube-apiserver:");
  console.error("start one with test/cluster/up (or set KUBECONFIG); `npm run generate -- compile-validators` needs none.");
  process.exit(2);
}

for (const generator of chosen) {
  console.log(`${generator.name}:`);
  execFileSync(process.execPath, [`${here}${generator.name}.mjs`], {
    stdio: ["ignore", "inherit", "inherit"],
    env: generator.live ? { ...process.env, KUBECONFIG: kubeconfig } : process.env,
  });
}
