// Writes dist/bundle/main.cache: the V8 code cache of the CLI bundle, after running the commands
// people run most (against nothing: a refused connection, manifests from a string), so the functions
// they need are compiled into it. scripts/bundle.mjs runs this in its own process after bundling;
// bin/bundle-loader.cjs reads the cache. Nothing is printed, nothing is reached over the network.
"use strict";
const { writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { Readable, Writable } = require("node:stream");
const { loadBundle, cacheHeader, CACHE } = require("../bin/bundle-loader.cjs");

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: warm-up}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: warm-up, namespace: warm-up}]
`;

function io(stdin = "") {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  return { stdout: sink(), stderr: sink(), stdin: Readable.from([Buffer.from(stdin)]), env: {}, cwd: tmpdir() };
}

async function main() {
  const { exports, script, id } = loadBundle({ ignoreCache: true });
  if (id === undefined) throw new Error("scripts/code-cache.cjs: the bundle has no saprobe-bundle-id line");
  const nowhere = ["--server", "https://127.0.0.1:1", "--token", "warm-up", "--request-timeout", "2s"];
  const runs = [
    [["--help"]],
    [["run", ...nowhere, "-o", "json"]],
    [["run", ...nowhere, "-o", "table"]],
    [["audit", "--manifests", "-", "-o", "json"], RBAC],
    [["audit", "--manifests", "-", "-o", "table"], RBAC],
    [["can-i", "get", "pods", "--manifests", "-", "--as", "system:serviceaccount:warm-up:warm-up"], RBAC],
    [["validate", join(__dirname, "..", "checks", "default.yaml")]],
  ];
  for (const [argv, stdin] of runs) await exports.main(argv, io(stdin));
  writeFileSync(CACHE, Buffer.concat([cacheHeader(id), script.createCachedData()]));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
