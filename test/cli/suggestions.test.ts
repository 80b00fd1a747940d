import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MANIFESTS = "fixtures/audit/scenarios/ci-runner/manifests";

describe("did you mean", () => {
  it("names the command a typo was close to", async () => {
    const { code, stderr } = await runCli(["rn"]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "rn"; did you mean "run"? (the commands are: run, audit,');
    expect((await runCli(["frobnicate"])).stderr).not.toContain("did you mean");
  });

  it("names the flag a typo was close to", async () => {
    const { code, stderr } = await runCli(["run", "--kubeconfg", "x"]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown flag --kubeconfg for "saprobe run"; did you mean --kubeconfig?');
  });

  it("names the context, cluster or user a typo was close to", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-suggest-")), "kubeconfig");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "contexts: [{name: saprobe-local, context: {cluster: local, user: admin}}]",
        "clusters: [{name: local, cluster: {server: 'https://127.0.0.1:1'}}]",
        "users: [{name: admin, user: {token: abc}}]",
      ].join("\n"),
    );
    const context = await runCli(["config", "view", "--kubeconfig", file, "--context", "saprobe-locl"]);
    expect(context.stderr).toContain('context "saprobe-locl" from --context does not exist; did you mean "saprobe-local"?');
    const user = await runCli(["config", "view", "--kubeconfig", file, "--context", "saprobe-local", "--user", "admn"]);
    expect(user.stderr).toContain('did you mean "admin"?');
  });

  it("warns when no binding names the --as user, with the closest name a binding uses", async () => {
    const typo = await runCli(["can-i", "list", "pods", "--as", "system:serviceaccount:ci:gitlab-runer", "-f", MANIFESTS]);
    expect(typo.stderr).toContain("Warning: --as system:serviceaccount:ci:gitlab-runer: no binding in the manifests names this user");
    expect(typo.stderr).toContain('did you mean "system:serviceaccount:ci:gitlab-runner"?');
    const right = await runCli(["can-i", "list", "pods", "--as", "system:serviceaccount:ci:gitlab-runner", "-f", MANIFESTS]);
    expect(right.stderr).toBe("");
  });
});
