// Writes dist/bundle/<pack>.cache: the V8 code cache of each CLI bundle file (a pack of chunks), after running every
// command once (against nothing: a refused connection, small inputs from a temporary folder), so the
// functions they need are compiled into it. scripts/bundle.mjs runs this in its own process after
// bundling; bin/bundle-loader.cjs reads the caches. Nothing is printed, nothing is reached over the
// network. A pack no warm-up loaded is compiled without running, and its cache holds what V8
// compiled eagerly.
"use strict";
// No V8 flag, as bin/saprobe.js loads the bundle: V8 accepts a cache only under the flags it was made with.
const { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { Readable, Writable } = require("node:stream");
const { loadBundle, compilePack, cacheHeader, cacheFileOf, BUNDLE_DIR } = require("../bin/bundle-loader.cjs");

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
  // Each command runs in a fresh loader, as in its own process: a chunk two packs hold then runs from
  // each of them, so each pack's cache holds what its command compiles. V8 compiles a pack once per
  // process (the same source is one script to it), so the last loader's script holds every run's code.
  const compiled = new Map();
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
    for (const argv of runs) {
      const { exports, loader } = loadBundle({ ignoreCache: true });
      await exports.main(argv, io("", dir));
      for (const [name, entry] of loader.loaded) compiled.set(name, entry);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const name of readdirSync(BUNDLE_DIR).filter((entry) => entry.endsWith(".cjs"))) {
    let entry = compiled.get(name);
    if (!entry) {
      // Compiled as the loader compiles it: V8 accepts a cache only for the very source it was made from.
      const source = readFileSync(join(BUNDLE_DIR, name), "utf8");
      entry = { script: compilePack(name, source), id: /^\/\/ saprobe-bundle-id: ([0-9a-f]+)\n/.exec(source)?.[1] };
    }
    if (entry.id === undefined) throw new Error(`scripts/code-cache.cjs: ${name} has no saprobe-bundle-id line`);
    writeFileSync(cacheFileOf(name), Buffer.concat([cacheHeader(entry.id), entry.script.createCachedData()]));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
