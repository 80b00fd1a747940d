import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import { commands } from "../../src/cli/commands/index.js";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";
import { invocationsInCiFile, invocationsInManifest, invocationsInScript, shellWords, type Invocation } from "./invocations.js";
import { repository } from "./packaged-layout.js";

// Commands another part of saprobe is still adding; an invocation of one is checked as soon as it
// is registered. Any other unknown command is an error in the example.
const PLANNED = new Set(["audit"]);
const registered = new Map(commands.map((command) => [command.name, command]));

const invocations: Invocation[] = [
  ...invocationsInCiFile("examples/github-actions.yml"),
  ...invocationsInCiFile("examples/gitlab-ci.yml"),
  ...invocationsInScript(readFileSync(join(repository, "examples/helm-predeploy.sh"), "utf8"), "examples/helm-predeploy.sh"),
  ...invocationsInManifest("deploy/job.yaml"),
  ...invocationsInManifest("deploy/cronjob.yaml"),
];

describe("the invocation extractor", () => {
  it("splits shell words like a shell and stops at pipes and redirections", () => {
    expect(shellWords(`saprobe run --kubeconfig "$RUNNER_TEMP/kube config" -o 'table'`)).toEqual([
      "saprobe",
      "run",
      "--kubeconfig",
      "$RUNNER_TEMP/kube config",
      "-o",
      "table",
    ]);
    expect(invocationsInScript("helm template x | saprobe audit --manifests - -o sarif > a.sarif", "f")).toEqual([
      { file: "f", argv: ["audit", "--manifests", "-", "-o", "sarif"] },
    ]);
    expect(invocationsInScript("# saprobe run\necho saprobe run", "f")).toEqual([]);
  });

  it("finds the commands in every example and manifest", () => {
    const perFile = new Map<string, number>();
    for (const invocation of invocations) perFile.set(invocation.file, (perFile.get(invocation.file) ?? 0) + 1);
    expect(Object.fromEntries(perFile)).toEqual({
      "examples/github-actions.yml": 2,
      "examples/gitlab-ci.yml": 1,
      "examples/helm-predeploy.sh": 1,
      "deploy/job.yaml": 1,
      "deploy/cronjob.yaml": 2,
    });
  });
});

describe.each(invocations.map((invocation) => [`${invocation.file}: saprobe ${invocation.argv.join(" ")}`, invocation] as const))(
  "%s",
  (_title, invocation) => {
    const [name = "", ...rest] = invocation.argv;
    const command = registered.get(name);

    it("names a command saprobe has or is adding", () => {
      expect(command !== undefined || PLANNED.has(name), `unknown command "${name}"`).toBe(true);
    });

    it.skipIf(command === undefined)("parses with that command's real flags", () => {
      if (!command) return;
      const args = parseArgs(rest, command.flags, command.name);
      expect(args.positionals).toEqual([]);
    });
  },
);

function auditCommandReady(): boolean {
  return registered.has("audit");
}

describe.skipIf(!auditCommandReady())("the examples' audits, run by the real CLI on fixtures", () => {
  it("CI examples: auditing deploy/ passes, with nothing above low, and writes the reports CI uploads", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "saprobe-ci-"));
    cpSync(join(repository, "deploy"), join(cwd, "deploy"), { recursive: true });
    const invocation = invocationsInCiFile("examples/gitlab-ci.yml")[0]!;
    const result = await runCli(invocation.argv, { env: { NO_COLOR: "1" }, cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, "reports", "report.json"), "utf8")) as Report;
    const serious = report.findings.filter((finding) => finding.status !== "expected" && ["critical", "high", "medium"].includes(finding.severity));
    expect(serious).toEqual([]);
    for (const file of ["report.xml", "report.sarif", "report.md"]) expect(existsSync(join(cwd, "reports", file))).toBe(true);
  });

  it("helm pre-deploy gate: refuses the chart that binds cluster-admin, pointing at the line", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "saprobe-helm-"));
    copyFileSync(join(repository, "examples/fixtures/helm-template-output.yaml"), join(cwd, "rendered.yaml"));
    const invocation = invocationsInScript(readFileSync(join(repository, "examples/helm-predeploy.sh"), "utf8"), "helm")[0]!;
    const argv = invocation.argv.map((word) => (word === "$rendered" ? "rendered.yaml" : word));
    const result = await runCli(argv, { env: { NO_COLOR: "1" }, cwd });
    expect(result.code).toBe(1);
    const report = JSON.parse(readFileSync(join(cwd, "reports", "report.json"), "utf8")) as Report;
    const adminBinding = report.findings.find((finding) => finding.rule === "cluster-admin-binding" && finding.binding?.name === "dashboard-admin");
    expect(adminBinding?.severity).toMatch(/critical|high/);
    expect(adminBinding?.source?.file).toMatch(/rendered\.yaml$/);
    const sarif = JSON.parse(readFileSync(join(cwd, "reports", "report.sarif"), "utf8")) as {
      runs: Array<{
        results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }>;
      }>;
    };
    const located = sarif.runs[0]?.results.find((entry) => entry.ruleId === "cluster-admin-binding");
    expect(located?.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/rendered\.yaml$/);
    expect(located?.locations[0]?.physicalLocation.region?.startLine).toBe(adminBinding?.source?.line);
  });
});
