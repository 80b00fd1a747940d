import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { runCli } from "../support/cli.js";

const LOG = "fixtures/usage/audit.log";
const GRANTED = "fixtures/usage/granted.yaml";
const RUNNER = "system:serviceaccount:ci:runner";

const schema = JSON.parse(readFileSync(new URL("../../reports/report.schema.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addFormat("date-time", { type: "string", validate: (text: string) => !Number.isNaN(Date.parse(text)) });
const validate = ajv.compile(schema);

describe("saprobe usage", () => {
  it("reports used, denied and unused grants against manifests; an unused cluster-admin grant is critical and fails", async () => {
    const run = await runCli(["usage", LOG, "--as", RUNNER, "--manifests", GRANTED, "-o", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.command).toBe("usage");
    const identity = report.usage?.identities[0];
    expect(identity?.username).toBe(RUNNER);
    const admin = identity?.unused.find((grant) => grant.role.name === "cluster-admin" && grant.rule.includes("resources=[*]"));
    expect(admin).toMatchObject({
      severity: "critical",
      auditRules: ["cluster-admin-binding"],
      binding: { kind: "ClusterRoleBinding", name: "runner-admin" },
      source: { file: GRANTED, line: 8 },
    });
    const secrets = identity?.unused.find((grant) => grant.role.name === "runner-pods");
    expect(secrets?.unused).toEqual(["get pods", "get secrets", "list secrets", "watch secrets", "delete secrets"]);
    const denied = identity?.requests.find((request) => request.denied > 0);
    expect(denied).toMatchObject({
      verb: "list",
      resource: "secrets",
      namespace: "ci",
      count: 2,
      denied: 2,
      wouldAllow: 'verbs=[list] apiGroups=[""] resources=[secrets] in a Role in namespace ci',
    });
    expect(report.findings.map((finding) => `${finding.severity} ${finding.rule}`)).toContain("medium usage-denied-request");
    expect(report.warnings.join("\n")).toContain(`${LOG}:26: not JSON`);
    expect(identity?.diff).toContainEqual({ change: "-", scope: "cluster", rule: "verbs=[*] apiGroups=[*] resources=[*]" });
  });

  it("passes --fail-on critical when the worst is the denied request (medium)", async () => {
    const run = await runCli(["usage", LOG, "--as", "system:serviceaccount:monitoring:scraper", "--manifests", GRANTED, "-o", "json", "--fail-on", "critical"]);
    expect(run.code).toBe(0);
  });

  it("writes the minimal RBAC with -o yaml and exits 0; --out still gets the report files", async () => {
    const out = mkdtempSync(join(tmpdir(), "saprobe-usage-out-"));
    const run = await runCli(["usage", LOG, "--as", RUNNER, "--manifests", GRANTED, "-o", "yaml", "--out", out]);
    expect(run.code).toBe(0);
    expect((JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report).summary.outcome).toBe("failed");
    expect(run.stdout).toMatch(/^# Minimal RBAC for system:serviceaccount:ci:runner/);
    expect(run.stdout).toContain("kind: RoleBinding");
  });

  it("says which identity was never seen, with the closest name, and exits 2", async () => {
    const run = await runCli(["usage", LOG, "--as", "system:serviceaccount:ci:runer"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--as system:serviceaccount:ci:runer: this user made no request in the window from the start to the end; did you mean "system:serviceaccount:ci:runner"?',
    );
  });

  it("says when the window is empty, with the span of the log, and exits 2", async () => {
    const run = await runCli(["usage", LOG, "--since", "2027-01-01T00:00:00Z"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "no request in the window from 2027-01-01T00:00:00.000Z to the end; the log's 30 events span 2026-12-07T03:01:00.000000Z to 2026-12-07T05:00:00.000000Z",
    );
  });

  it("says when a file holds no audit event, naming the first bad line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-usage-cli-")), "not-audit.log");
    writeFileSync(file, "hello\n");
    const run = await runCli(["usage", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no audit.k8s.io Event in ${file} (1 line(s) read; 1 line(s) are not audit events, the first at ${file}:1: not JSON`);
  });

  it("never prints what a bad line holds (a RequestResponse log's lines carry Secrets), only where it is", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "saprobe-usage-cli-")), "audit.log");
    const event = readFileSync(LOG, "utf8").split("\n")[1] as string;
    writeFileSync(file, `${event}\n{"kind":"Event","responseObject":{"data":{"token":"c2VjcmV0LXRva2Vu"}},\n{"password":"hunter2"\n`);
    const run = await runCli(["usage", file, "-o", "json", "--fail-on", "critical"]);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/c2VjcmV0LXRva2Vu|hunter2/);
    expect((JSON.parse(run.stdout) as Report).usage?.log.malformedAt).toEqual([`${file}:2: not JSON (at column 72)`, `${file}:3: not JSON (at column 22)`]);
  });

  it("asks for the log when none is named, and rejects a bad time", async () => {
    expect((await runCli(["usage"])).stderr).toContain("name the audit log to read");
    const bad = await runCli(["usage", LOG, "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid --since "yesterday"');
  });
});
