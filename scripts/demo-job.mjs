#!/usr/bin/env node
// saprobe as users run it first: a Kubernetes Job (`npm run demo:job`, as root: the node needs it).
//   1. start the local control plane with a node (test/cluster/up --with-node: kubelet, containerd,
//      runc and CNI on this machine; saprobe's image built by buildah from the Dockerfile),
//   2. `kubectl apply -k deploy/` into the saprobe namespace, unmodified,
//   3. wait for the Job, then print its Pod's log (the report) and exit with the container's exit code.
// The cluster keeps running afterwards (npm run cluster:down stops it, node included).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const say = (line) => process.stderr.write(`demo:job: ${line}\n`);

say("starting the local control plane and its node (test/cluster/up --with-node; the first start builds for several minutes)");
execFileSync(join(root, "test/cluster/up"), ["--with-node"], { cwd: root, stdio: ["ignore", 2, 2] });
const env = JSON.parse(readFileSync(join(root, ".cluster/env.json"), "utf8"));
const kubectl = (args) => spawnSync("kubectl", ["--kubeconfig", env.adminKubeconfig, ...args], { cwd: root, encoding: "utf8" });

say("kubectl apply -k deploy/ (a fresh saprobe namespace, the ServiceAccount, its ClusterRoles, the Job and the CronJob)");
kubectl(["delete", "-k", "deploy/", "--ignore-not-found", "--wait=true"]);
kubectl(["create", "namespace", "saprobe"]);
const applied = kubectl(["apply", "-k", "deploy/"]);
process.stderr.write(applied.stdout + applied.stderr);
if (applied.status !== 0) process.exit(3);

say("waiting for job/saprobe to finish");
const deadline = Date.now() + 300_000;
let state = "";
while (Date.now() < deadline && !/(Complete|Failed)/.test(state)) {
  state = kubectl(["-n", "saprobe", "get", "job", "saprobe", "-o", 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type} {end}']).stdout;
  if (!/(Complete|Failed)/.test(state)) spawnSync("sleep", ["1"]);
}
const pods = JSON.parse(kubectl(["-n", "saprobe", "get", "pods", "-l", "job-name=saprobe", "-o", "json"]).stdout).items;
const pod = pods[0];
say(`job/saprobe: ${state.trim() || "not finished after 300s"}; Pod ${pod?.metadata.name ?? "?"} on node ${pod?.spec.nodeName ?? "?"}`);
if (pod) process.stdout.write(kubectl(["-n", "saprobe", "logs", `pod/${pod.metadata.name}`]).stdout);
const code = pod?.status.containerStatuses?.[0]?.state.terminated?.exitCode;
say(`the container exited ${code ?? "?"}; the cluster keeps running (npm run cluster:down stops it)`);
process.exitCode = code ?? 3;
