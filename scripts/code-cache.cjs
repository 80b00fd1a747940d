// Writes dist/bundle/<chunk>.cache: the V8 code cache of each CLI bundle chunk, after running every
// command once (against nothing: a refused connection, small inputs from a temporary folder), so the
// functions they need are compiled into it. scripts/bundle.mjs runs this in its own process after
// bundling; bin/bundle-loader.cjs reads the caches. Nothing is printed, nothing is reached over the
// network. A chunk no warm-up loaded is compiled without running, and its cache holds what V8
// compiled eagerly.
"use strict";
// As bin/saprobe.js does before loading the bundle: V8 accepts a cache only under the flags it was made with.
require("node:v8").setFlagsFromString("--liftoff-only");
const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { Readable, Writable } = require("node:stream");
const vm = require("node:vm");
const { loadBundle, wrapChunk, cacheHeader, cacheFileOf, BUNDLE_DIR } = require("../bin/bundle-loader.cjs");

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: warm-up}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: warm-up, namespace: warm-up}]
`;
const base64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const TOKEN = `${base64url({ alg: "RS256" })}.${base64url({ iss: "warm-up", sub: "system:serviceaccount:warm-up:warm-up", exp: 4102444800 })}.c2ln\n`;
const EVENT = JSON.stringify({
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "Metadata",
  auditID: "1",
  stage: "ResponseComplete",
  requestURI: "/api/v1/namespaces/warm-up/pods",
  verb: "list",
  user: { username: "system:serviceaccount:warm-up:warm-up" },
  objectRef: { resource: "pods", namespace: "warm-up", apiVersion: "v1" },
  responseStatus: { code: 200 },
  requestReceivedTimestamp: "2026-01-01T00:00:00Z",
  stageTimestamp: "2026-01-01T00:00:00Z",
});

function io(stdin = "", cwd = tmpdir()) {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  return { stdout: sink(), stderr: sink(), stdin: Readable.from([Buffer.from(stdin)]), env: {}, cwd };
}

async function main() {
  const { exports, loader } = loadBundle({ ignoreCache: true });
  const dir = mkdtempSync(join(tmpdir(), "saprobe-code-cache-"));
  try {
    const file = (name, text) => (writeFileSync(join(dir, name), text), join(dir, name));
    const manifests = file("rbac.yaml", RBAC);
    const nowhere = ["--server", "https://127.0.0.1:1", "--token", "warm-up", "--request-timeout", "2s"];
    const sa = ["--as", "system:serviceaccount:warm-up:warm-up"];
    const runs = [
      ["--help"],
      ["run", "--help"],
      ["run", ...nowhere, "-o", "json", "--out", join(dir, "out")],
      ["run", ...nowhere, "-o", "table"],
      ["audit", "--manifests", manifests, "-o", "json"],
      ["audit", "--manifests", manifests, "-o", "table"],
      ["can-i", "get", "pods", "--manifests", manifests, ...sa],
      ["who-can", "get", "pods", "--manifests", manifests],
      ["whoami", ...nowhere],
      ["token", "--token-file", file("token", TOKEN), "--offline"],
      [
        "config",
        "view",
        "--kubeconfig",
        file("kubeconfig", "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"),
        "-s",
        "https://127.0.0.1:1",
      ],
      ["usage", file("audit.log", `${EVENT}\n`), "--manifests", manifests, "-o", "json"],
      ["validate", join(__dirname, "..", "checks", "default.yaml")],
    ];
    for (const argv of runs) await exports.main(argv, io("", dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const name of readdirSync(BUNDLE_DIR).filter((entry) => entry.endsWith(".cjs"))) {
    let entry = loader.loaded.get(name);
    if (!entry) {
      const source = readFileSync(join(BUNDLE_DIR, name), "utf8");
      // Wrapped as the loader wraps it: V8 accepts a cache only for the very source it was made from.
      entry = {
        script: new vm.Script(wrapChunk(source), { filename: join(BUNDLE_DIR, name) }),
        id: /^\/\/ saprobe-bundle-id: ([0-9a-f]+)\n/.exec(source)?.[1],
      };
    }
    if (entry.id === undefined) throw new Error(`scripts/code-cache.cjs: ${name} has no saprobe-bundle-id line`);
    writeFileSync(cacheFileOf(name), Buffer.concat([cacheHeader(entry.id), entry.script.createCachedData()]));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
