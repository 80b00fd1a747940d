import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../../src/connect/resolve.js";
import { createKubeClient } from "../../src/kube/client.js";
import { ConnectionConfigError } from "../../src/model/errors.js";
import { kubectl } from "./kubectl-oracle.js";
import { runCli } from "../support/cli.js";
import { tempDir } from "./temp-files.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/kubeconfig/", import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

async function view(kubeconfigList: string, extra: string[] = []) {
  const home = tempDir();
  const result = await runCli(["config", "view", "-o", "json", ...extra], { env: { KUBECONFIG: kubeconfigList, HOME: home }, cwd: home });
  return { ...result, json: result.code === 0 ? JSON.parse(result.stdout) : undefined };
}

describe("fixtures/kubeconfig through saprobe config view", () => {
  it("kind: inline CA and client certificate, shown only as flags", async () => {
    const { json, stdout } = await view(fixture("kind.yaml"));
    expect(json).toMatchObject({
      source: "kubeconfig",
      server: "https://127.0.0.1:34567",
      tls: { caData: true },
      auth: { kind: "client-certificate", certData: true, keyData: true },
    });
    expect(stdout).not.toContain("fixture-key-material");
  });

  it("eks: an exec plugin on PATH, env values hidden", async () => {
    const { json, stdout } = await view(fixture("eks-exec.yaml"));
    expect(json).toMatchObject({
      namespace: "apps",
      auth: { kind: "exec", command: "aws", args: ["eks", "get-token", "--cluster-name", "prod"], envNames: ["AWS_PROFILE"], interactiveMode: "IfAvailable" },
    });
    expect(stdout).not.toContain("ci-deployer");
  });

  it("gcp auth-provider: shown as unsupported, refused when a client is created", async () => {
    const { json, stdout } = await view(fixture("gcp-auth-provider.yaml"));
    expect(json.auth).toEqual({ kind: "auth-provider", name: "gcp", supported: false });
    expect(stdout).not.toContain("ya29");
    const connection = await resolveConnection({
      overrides: {},
      kubeconfig: fixture("gcp-auth-provider.yaml"),
      env: {},
      cwd: FIXTURES,
      requestTimeoutMs: 1000,
    });
    expect(() => createKubeClient(connection)).toThrow(ConnectionConfigError);
    expect(() => createKubeClient(connection)).toThrow(/configure an exec plugin instead/);
  });

  it("kubectl proxy: plain HTTP, no credentials, the proxy's identity", async () => {
    const { json, stdout } = await view(fixture("kubectl-proxy.yaml"), ["--explain"]);
    expect(json.auth).toMatchObject({ kind: "none", reason: expect.stringContaining("kubectl proxy") });
    expect(json.explain.join("\n")).toContain("the configured token credentials are not sent");
    expect(stdout).not.toContain("placeholder-token-never-sent");
  });

  it("insecure with a CA and a dangling current-context exit 2 with clear messages", async () => {
    const insecure = await view(fixture("insecure-with-ca.yaml"));
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toContain("specifying a root certificates file with the insecure flag is not allowed");
    const dangling = await view(fixture("dangling-context.yaml"));
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toContain(`context "typo" from current-context (set in ${fixture("dangling-context.yaml")}) does not exist`);
  });

  it("merge: first file wins per name, relative paths from the winning file, current-context from the second", async () => {
    const list = `${fixture("merge/first/config")}:${fixture("merge/second/config")}`;
    const { json } = await view(list);
    expect(json).toMatchObject({
      files: [fixture("merge/first/config"), fixture("merge/second/config")],
      context: "work",
      namespace: "team-a",
      server: "https://first.example:6443",
      tls: { caFile: fixture("merge/first/certs/ca.pem"), insecureSkipTLSVerify: false },
      auth: { kind: "token-file", tokenFile: fixture("merge/first/deployer.token") },
    });
    const oracle = await kubectl(["config", "view", "--minify", "-o", "json"], { cwd: FIXTURES, env: { KUBECONFIG: list, HOME: tempDir() } });
    const minified = JSON.parse(oracle.stdout);
    expect(minified.clusters[0].cluster.server).toBe(json.server);
    expect(minified.users[0].user.tokenFile).toBe("deployer.token");
  });
});
