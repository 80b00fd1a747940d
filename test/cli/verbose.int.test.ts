import { beforeAll, describe, expect, it } from "vitest";
import { testCluster, writeKubeconfig } from "../support/cluster.js";
import { runCli } from "../support/cli.js";

// -v logs every request of every command that talks to the server, never a credential.

let kubeconfig: string;
let token: string;

beforeAll(() => {
  token = testCluster().adminToken;
  kubeconfig = writeKubeconfig({ token });
});

describe("-v on every command that talks to the server", () => {
  it.each([
    ["can-i", ["can-i", "list", "pods"], "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"],
    ["can-i --list", ["can-i", "--list"], "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"],
    ["who-can", ["who-can", "list", "secrets"], "GET", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"],
    ["token", ["token"], "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews"],
  ])("%s logs its requests on stderr, without the token", async (_name, args, method, path) => {
    const quiet = await runCli([...args, "--kubeconfig", kubeconfig]);
    expect(quiet.stderr).not.toContain(path);
    const verbose = await runCli([...args, "--kubeconfig", kubeconfig, "-v"]);
    expect(verbose.stderr).toMatch(new RegExp(`saprobe: ${method} https://\\S+${path.replace(/\//g, "\\/")}\\S* 20[01] \\(\\d+ms\\)`));
    expect(verbose.stderr + verbose.stdout).not.toContain(token);
  });
});
