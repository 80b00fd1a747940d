import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// `saprobe validate` given a file of another kind says what it is and which command reads it.

describe("saprobe validate on a file that is not a check file", () => {
  it.each([
    [
      "fixtures/audit/scenarios/ci-runner/manifests/ci-runner.yaml",
      "this is an RBAC manifest (ServiceAccount, ClusterRole, ClusterRoleBinding), not a check file; saprobe reads it with saprobe audit -f fixtures/audit/scenarios/ci-runner/manifests/ci-runner.yaml",
    ],
    [
      "fixtures/kubeconfig/kind.yaml",
      "this is a kubeconfig, not a check file; saprobe reads it with --kubeconfig fixtures/kubeconfig/kind.yaml on any command",
    ],
    ["checks/audit/escalation.yaml", "this is an audit rule file, not a check file; saprobe reads it with saprobe audit --rules checks/audit/escalation.yaml"],
  ])("%s", async (file, says) => {
    const { code, stdout, stderr } = await runCli(["validate", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`saprobe: ${file}: ${says}`);
    expect(stderr).not.toContain("parseAllDocuments");
  });

  it("still validates check files, and reports their own problems", async () => {
    expect((await runCli(["validate", "checks/default.yaml"])).stdout).toBe("checks/default.yaml: 10 checks, valid\n");
    expect((await runCli(["validate", "fixtures/checks/bad.yaml"])).stderr).not.toContain("not a check file");
  });
});
