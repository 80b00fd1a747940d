#!/usr/bin/env node
// The README's main job, end to end on a fresh machine (`npm ci && npm run demo`):
//   1. start the local control plane (test/cluster/up: real etcd + kube-apiserver, built on first use),
//   2. apply the seed's ServiceAccount kube-system/admin and its RBAC (fixtures/seed/) with real kubectl,
//      plus list namespaces for it (fixtures/demo/: run --expect must see every namespace, or it could not tell),
//   3. mint a token for it (TokenRequest) and lay out a ServiceAccount mount (token, ca.crt, namespace),
//   4. run `saprobe run --in-cluster --expect fixtures/seed/ --expect fixtures/demo/` as a Pod would, with KUBERNETES_SERVICE_HOST/PORT,
//   5. print the report; the exit code is saprobe's (0 passed, 1 a check failed, 3 could not run).
// Extra arguments go to `saprobe run`, e.g. `npm run demo -- -o json`. The control plane keeps running
// afterwards (stop it with `npm run cluster:down`).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const say = (line) => process.stderr.write(`demo: ${line}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", stdio: ["pipe", "pipe", "inherit"], ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}`);
  return result.stdout;
}

/** The folders the demo applies and then expects. */
const EXPECTED = ["fixtures/seed/", "fixtures/demo/"];

/** The seed manifests (and the demo's) as one kubectl List, without the server-set resourceVersion they were printed with. */
function seedObjects() {
  const items = [];
  for (const dir of EXPECTED.map((folder) => join(root, folder)))
    for (const file of readdirSync(dir)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .sort()) {
      for (const document of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
        const object = document.toJS();
        if (!object) continue;
        // A resourceVersion in an applied object is a precondition: it would conflict with the live one.
        delete object.metadata?.resourceVersion;
        items.push(object);
      }
    }
  return JSON.stringify({ apiVersion: "v1", kind: "List", items });
}

if (!existsSync(join(root, "dist/cli/main.js")) || !existsSync(join(root, "dist/bundle/main.js"))) {
  say("building saprobe (npm run build: tsc, then the CLI bundle)");
  run("npm", ["run", "--silent", "build"], { stdio: ["ignore", 2, 2] });
}
say("starting the local control plane (test/cluster/up; the first build takes a few minutes)");
// Progress goes to stderr, so `npm run demo -- -o json` prints only the report on stdout.
execFileSync(join(root, "test/cluster/up"), { cwd: root, stdio: ["ignore", 2, 2] });
const env = JSON.parse(readFileSync(join(root, ".cluster/env.json"), "utf8"));
const kubectl = (args, input) => run("kubectl", ["--kubeconfig", env.adminKubeconfig, ...args], { input });

say(
  "applying fixtures/seed/ (ServiceAccount kube-system/admin, ClusterRole and ClusterRoleBinding cluster-admin) and fixtures/demo/ (list namespaces for it) with kubectl",
);
process.stderr.write(kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], seedObjects()));

say("minting a 10-minute token for kube-system/admin (TokenRequest) and laying out a ServiceAccount mount");
const token = kubectl(["create", "token", "admin", "--namespace", "kube-system", "--duration", "10m"]).trim();
const mount = mkdtempSync(join(tmpdir(), "saprobe-demo-sa-"));
writeFileSync(join(mount, "token"), token, { mode: 0o600 });
copyFileSync(env.caFile, join(mount, "ca.crt"));
writeFileSync(join(mount, "namespace"), "kube-system");

const args = ["run", "--in-cluster", "--sa-dir", mount, ...EXPECTED.flatMap((folder) => ["--expect", folder]), ...process.argv.slice(2)];
say(`KUBERNETES_SERVICE_HOST=${env.host} KUBERNETES_SERVICE_PORT=${env.port} saprobe ${args.join(" ")}`);
const saprobe = spawnSync(process.execPath, [join(root, "bin/saprobe.js"), ...args], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, KUBERNETES_SERVICE_HOST: env.host, KUBERNETES_SERVICE_PORT: String(env.port) },
});
rmSync(mount, { recursive: true, force: true });
say(`saprobe exited ${saprobe.status}; the control plane keeps running (npm run cluster:down stops it)`);
process.exitCode = saprobe.status ?? 3;
