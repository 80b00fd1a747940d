import { beforeAll, describe, expect, it } from "vitest";
import { createServiceAccount, kubectl, mintToken, testCluster, uniqueNamespace, writeKubeconfig } from "../support/cluster.js";
import { runCli } from "../support/cli.js";

// saprobe whoami says what kubectl auth whoami says, plus where the credentials came from and the token's kind and expiry.

let namespace: string;
let adminKubeconfig: string;
let botKubeconfig: string;
let botToken: string;

beforeAll(async () => {
  namespace = await uniqueNamespace("whoami");
  await createServiceAccount(namespace, "bot");
  botToken = await mintToken(namespace, "bot");
  botKubeconfig = writeKubeconfig({ token: botToken }, { namespace });
  adminKubeconfig = writeKubeconfig({ token: testCluster().adminToken });
});

/** The ATTRIBUTE/VALUE rows of a whoami table. */
function rows(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => [line.slice(0, line.search(/ {2,}/)), line.slice(line.search(/ {2,}/)).trim()]),
  );
}

describe("saprobe whoami", () => {
  it("shows kubectl auth whoami's username and groups", async () => {
    const kubectlSays = rows((await kubectl(["auth", "whoami"], { kubeconfig: adminKubeconfig })).stdout);
    const saprobe = await runCli(["whoami", "--kubeconfig", adminKubeconfig]);
    expect(saprobe.code).toBe(0);
    const ours = rows(saprobe.stdout);
    for (const attribute of ["Username", "Groups"]) expect(ours.get(attribute)).toBe(kubectlSays.get(attribute));
    expect(ours.get("From")).toContain(adminKubeconfig);
  });

  it("says a ServiceAccount token is bound and when it expires, never printing it", async () => {
    const saprobe = await runCli(["whoami", "--kubeconfig", botKubeconfig]);
    const ours = rows(saprobe.stdout);
    expect(ours.get("Username")).toBe(`system:serviceaccount:${namespace}:bot`);
    expect(ours.get("Token")).toBe("bound (TokenRequest / projected)");
    expect(ours.get("Token expires")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const json = await runCli(["whoami", "--kubeconfig", botKubeconfig, "-o", "json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      username: `system:serviceaccount:${namespace}:bot`,
      identitySource: "SelfSubjectReview",
      token: { kind: "bound (TokenRequest / projected)" },
    });
    expect(saprobe.stdout + json.stdout).not.toContain(botToken);
  });

  it("answers for the impersonated user with --as, as kubectl does", async () => {
    const user = `system:serviceaccount:${namespace}:other`;
    const kubectlSays = rows((await kubectl(["auth", "whoami", "--as", user], { kubeconfig: adminKubeconfig })).stdout);
    const ours = rows((await runCli(["whoami", "--kubeconfig", adminKubeconfig, "--as", user])).stdout);
    expect(ours.get("Username")).toBe(kubectlSays.get("Username"));
    expect(ours.get("Groups")).toBe(kubectlSays.get("Groups"));
    expect(ours.get("Impersonating")).toBe(user);
  });
});
