import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { readReport } from "../hardening/report-check.js";
import { FIXTURES, runSaprobe } from "./support.js";

const DASHBOARD = join(FIXTURES, "scenarios/dashboard/manifests");
const OPERATOR = join(FIXTURES, "scenarios/operator/manifests");

function json(run: { stdout: string }): Report {
  return JSON.parse(run.stdout) as Report;
}

function temp(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "saprobe-audit-cli-")), name);
  writeFileSync(file, text);
  return file;
}

describe("saprobe audit --manifests", () => {
  it("exits 1 when a finding reaches --fail-on (default high) and 0 when none does", async () => {
    expect((await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json"])).code).toBe(1);
    const critical = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--fail-on", "critical"]);
    expect(critical.code).toBe(0);
    // workload-create, secrets-read, secrets-write, and cluster-admin-path: the operator reads kube-system's
    // Secrets, where a legacy token of clusterrole-aggregation-controller would give cluster-admin (high: not seen offline).
    expect(json(critical).summary.findings.high).toBe(4);
  });

  it("reads several paths after one --manifests, and stdin as -", async () => {
    const both = json(await runSaprobe(["audit", "--manifests", OPERATOR, DASHBOARD, "-o", "json"]));
    expect(new Set(both.findings.map((finding) => finding.subject?.name))).toEqual(new Set(["cert-operator", "kubernetes-dashboard"]));
    const text = readFileSync(join(DASHBOARD, "dashboard.yaml"), "utf8");
    const piped = json(await runSaprobe(["audit", "--manifests", "-", "-o", "json"], { stdin: text }));
    expect(piped.findings.map((finding) => [finding.rule, finding.source?.file, finding.source?.line])).toContainEqual(["cluster-admin-binding", "-", 42]);
  });

  it("warns when the manifests hold no RBAC object, refuses input with no object at all (an empty helm template must not pass), and not otherwise", async () => {
    const configMap = temp("app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
    const empty = await runSaprobe(["audit", "--manifests", configMap, "-o", "json"]);
    expect(empty.code).toBe(0);
    expect(json(empty).warnings).toContain(
      `no RBAC objects (ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding) in ${configMap}: nothing was audited`,
    );
    const piped = await runSaprobe(["audit", "--manifests", "-", "-o", "json"], { stdin: "" });
    expect(piped.code).toBe(2);
    expect(json(piped).input?.refused.map((refused) => refused.message)).toEqual([expect.stringContaining("no Kubernetes object in standard input")]);
    const big = await runSaprobe(["audit", "--manifests", "-", "--max-file-bytes", "10"], { stdin: "apiVersion: v1\nkind: ConfigMap\n" });
    expect(big.code).toBe(2);
    expect(big.stderr).toBe("saprobe: -: standard input is larger than the limit of 10 bytes (raise it with --max-file-bytes)\n");
    const real = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json"]);
    expect(json(real).warnings.filter((warning) => warning.includes("nothing was audited"))).toEqual([]);
  });

  it("exits 2 and names the file and line for a broken manifest, and for an unknown rule id", async () => {
    const broken = temp("broken.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: x\n  namespace: y\nrules:\n  - verbs: get\n");
    const bad = await runSaprobe(["audit", "--manifests", broken]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/broken\.yaml:7:\d+/);
    const unknown = await runSaprobe(["audit", "--manifests", OPERATOR, "--disable", "no-such-rule"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown audit rule "no-such-rule"');
    const stray = await runSaprobe(["audit", "stray.yaml"]);
    expect(stray.code).toBe(2);
  });

  it("disables and re-levels rules from flags and from a config file", async () => {
    const flags = json(
      await runSaprobe([
        "audit",
        "--manifests",
        OPERATOR,
        "-o",
        "json",
        "--disable",
        "secrets-read",
        "--disable",
        "secrets-write",
        "--disable",
        "cluster-admin-path",
        "--severity",
        "workload-create=low",
      ]),
    );
    expect(flags.findings.map((finding) => `${finding.rule}=${finding.severity}`)).toEqual(["workload-create=low"]);
    const config = temp("audit.yaml", "disable: [workload-create, cluster-admin-path]\nseverity:\n  secrets-read: critical\nfailOn: critical\n");
    const run = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--config", config]);
    expect(json(run).findings.map((finding) => `${finding.rule}=${finding.severity}`)).toEqual(["secrets-read=critical", "secrets-write=high"]);
    expect(run.code).toBe(1);
  });

  it("adds user rules with --rules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-user-rules-"));
    writeFileSync(
      join(dir, "leases.yaml"),
      "rules:\n  - id: lease-writer\n    title: Can write leases\n    severity: info\n    cis: none\n    rationale: Leader election.\n    remediation: Fine.\n    match:\n      kind: permissions\n      anyOf:\n        - { verbs: [update], apiGroups: [coordination.k8s.io], resources: [leases] }\n",
    );
    const report = json(await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--rules", dir]));
    // The ClusterRole (cluster-wide) and the leader-election Role (namespace) both grant it: one finding lists both.
    const leases = report.findings.filter((finding) => finding.rule === "lease-writer");
    expect(leases.map((finding) => finding.grants?.map((grant) => grant.scope))).toEqual([["cluster", "operators"]]);
  });

  it("suppresses allowlisted findings until they expire, then reports the expired entry", async () => {
    const allowlist = temp(
      "allow.yaml",
      [
        "allow:",
        "  - rule: secrets-read",
        "    subject: ServiceAccount:operators/cert-operator",
        "    reason: the operator writes certificates into Secrets",
        "    expires: 2999-12-31",
        "  - rule: workload-create",
        "    subject: ServiceAccount:operators/cert-operator",
        "    reason: old exception",
        "    expires: 2020-01-01",
        "  - rule: pods-exec",
        "    reason: matches nothing",
      ].join("\n"),
    );
    const run = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--allowlist", allowlist]);
    const report = json(run);
    expect(report.findings.find((finding) => finding.rule === "secrets-read")?.suppressed).toEqual({
      reason: "the operator writes certificates into Secrets",
      expires: "2999-12-31",
    });
    expect(report.findings.find((finding) => finding.rule === "workload-create")?.suppressed).toBeUndefined();
    expect(report.warnings.join("\n")).toMatch(/entry 2 \(rule workload-create\) expired on 2020-01-01 .*1 finding it matches now counts?/);
    expect(report.warnings.join("\n")).toMatch(/entry 3 \(rule pods-exec\) matches no finding/);
    // workload-create (its entry expired), secrets-write and cluster-admin-path count; secrets-read is suppressed.
    expect(report.summary.findings.high).toBe(3);
    expect(run.code).toBe(1);
  });

  it.each([
    "ServiceAccount operators/cert-operator",
    "ServiceAccount:operators/cert-operator",
    "ServiceAccount/operators/cert-operator",
    "system:serviceaccount:operators:cert-operator",
  ])("allowlists a subject written %s, as reports print it", async (subject) => {
    const allowlist = temp("allow.yaml", ["allow:", "  - rule: secrets-read", `    subject: "${subject}"`, "    reason: writes certificates"].join("\n"));
    const report = json(await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--allowlist", allowlist]));
    expect(report.findings.find((finding) => finding.rule === "secrets-read")?.suppressed).toEqual({ reason: "writes certificates" });
    expect(report.warnings.join("\n")).not.toMatch(/matches no finding/);
  });

  it("exits 2 naming the deadline flag given a value that is not a duration", async () => {
    for (const name of ["--confirm-deadline", "--deadline"]) {
      const bad = await runSaprobe(["audit", name, "soon"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`invalid duration "soon" for ${name}`);
      const zero = await runSaprobe(["audit", `${name}=0`]);
      expect(zero.code).toBe(2);
      expect(zero.stderr).toContain(`invalid value "0" for ${name}: it must be more than 0`);
    }
  });

  it("takes -f for --manifests, as can-i and who-can do", async () => {
    const short = await runSaprobe(["audit", "-f", OPERATOR, "-o", "json"]);
    const long = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json"]);
    expect(json(short).findings).toEqual(json(long).findings);
    expect(short.code).toBe(long.code);
  });

  it("says how to write an object the allowlist cannot read", async () => {
    const allowlist = temp("allow.yaml", ["allow:", "  - rule: secrets-read", "    subject: operators/cert-operator", "    reason: r"].join("\n"));
    const run = await runSaprobe(["audit", "--manifests", OPERATOR, "--allowlist", allowlist]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'allow.yaml:3:14: invalid allowlist: allow[0].subject: "operators/cert-operator" is not an object; write it as the reports do, e.g. "ServiceAccount apps/myapp"',
    );
  });

  it("rejects an allowlist entry without a reason, naming file and line", async () => {
    const allowlist = temp("allow.yaml", "allow:\n  - rule: secrets-read\n");
    const run = await runSaprobe(["audit", "--manifests", OPERATOR, "--allowlist", allowlist]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/allow\.yaml:2:5: invalid allowlist: allow\[0\]\.reason: required field is missing\n$/);
  });

  it("--subject narrows to one identity and lists its effective permissions grouped by risk", async () => {
    const files = [join(FIXTURES, "scenarios/aggregated-admin/manifests"), join(FIXTURES, "scenarios/authenticated-group/manifests"), OPERATOR];
    const report = json(await runSaprobe(["audit", "--manifests", ...files, "-o", "json", "--subject", "system:serviceaccount:operators:cert-operator"]));
    const subjects = new Set(report.findings.map((finding) => `${finding.subject?.kind}:${finding.subject?.name}`));
    // Its own bindings, and the group every authenticated identity is in; not alice, not platform-team.
    expect(subjects).toEqual(new Set(["ServiceAccount:cert-operator", "Group:system:authenticated"]));
    const listings = report.findings.filter((finding) => finding.rule === "effective-permissions");
    expect(listings.map((finding) => finding.binding?.name).sort()).toEqual(["cert-operator", "cert-operator-leader-election", "read-everything"]);
    expect(listings.find((finding) => finding.binding?.name === "cert-operator")?.message).toContain(
      "risks: secrets-read (high), secrets-write (high), workload-create (high)",
    );
    expect(listings.every((finding) => finding.severity === "info" && finding.rules.length > 0)).toBe(true);
    const bad = await runSaprobe(["audit", "--manifests", OPERATOR, "--subject", "system:serviceaccount:only-namespace"]);
    expect(bad.code).toBe(2);
    expect(report.warnings.filter((warning) => warning.startsWith("--subject"))).toEqual([]);
  });

  it("--subject that no binding applies to (a typo looks the same) passes with a warning saying so", async () => {
    const typo = await runSaprobe(["audit", "--manifests", OPERATOR, "-o", "json", "--subject", "system:serviceaccount:operators:cert-operatr"]);
    expect(typo.code).toBe(0);
    const report = json(typo);
    expect(report.findings).toEqual([]);
    expect(report.warnings).toContain(
      "--subject system:serviceaccount:operators:cert-operatr: no binding applies to this user or its groups (system:serviceaccounts, system:serviceaccounts:operators, system:authenticated), so it is granted nothing here; check the name (a ServiceAccount is system:serviceaccount:NAMESPACE:NAME)",
    );
  });

  it("lists the bootstrap defaults as expected with --with-defaults, and they do not fail the audit", async () => {
    // One object that grants nothing: input without any object is refused, defaults or not.
    const bare = temp("bare.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bare\n  namespace: app\n");
    const run = await runSaprobe(["audit", "--manifests", bare, "--with-defaults", "-o", "json", "--fail-on", "info"]);
    const report = json(run);
    expect(run.code).toBe(0);
    expect(report.findings.length).toBeGreaterThan(10);
    expect(report.findings.every((finding) => finding.status === "expected")).toBe(true);
    expect(report.findings.find((finding) => finding.rule === "cluster-admin-binding")?.subject).toEqual({ kind: "Group", name: "system:masters" });
  });

  it("writes every report format with --out, and report.json follows reports/report.schema.json", async () => {
    const out = mkdtempSync(join(tmpdir(), "saprobe-audit-out-"));
    const allowlist = temp("allow.yaml", "allow:\n  - rule: secrets-read\n    reason: known\n");
    const masters = join(FIXTURES, "rules/system-masters-member/fail.kubeconfig");
    const files = [join(FIXTURES, "scenarios/aggregated-admin/manifests"), join(FIXTURES, "scenarios/dashboard/manifests")];
    const run = await runSaprobe(["audit", "--manifests", ...files, "--kubeconfig-scan", masters, "--allowlist", allowlist, "--out", out, "-o", "markdown"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("cluster-admin-binding");
    const { report, problems } = readReport(out);
    expect(problems).toEqual([]);
    expect(report?.command).toBe("audit");
    expect(report?.findings.some((finding) => finding.suppressed !== undefined)).toBe(true);
    expect(report?.findings.some((finding) => finding.rule === "system-masters-member")).toBe(true);
    for (const name of ["report.xml", "report.sarif", "report.md"]) expect(readFileSync(join(out, name), "utf8").length).toBeGreaterThan(100);
  });

  it("passes on the loader's warnings about what the apiserver would refuse, and audits the rest", async () => {
    const file = temp(
      "lost.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n  - kind: ServiceAccount\n    name: lost\n",
    );
    const report = json(await runSaprobe(["audit", "--manifests", file, "-o", "json"]));
    expect(report.warnings.some((warning) => warning.includes("lost.yaml") && warning.toLowerCase().includes("namespace"))).toBe(true);
    expect(report.findings).toEqual([]);
  });
});

describe("saprobe audit progress", () => {
  const TWO_FILES = [OPERATOR, DASHBOARD];

  it("draws one line per step on a terminal stderr and clears it before the report", async () => {
    const run = await runSaprobe(["audit", "--manifests", ...TWO_FILES, "-o", "json"], { stderrIsTTY: true });
    // The first step always draws; the last drawn line is cleared; the report on stdout is untouched.
    expect(run.stderr).toMatch(/^\r\u001b\[2Ksaprobe: 0\/\d+ reading .*operator/);
    expect(run.stderr.endsWith("\r\u001b[2K")).toBe(true);
    expect(json(run).findings.length).toBeGreaterThan(0);
  });

  it("prints one plain line per step with -v when stderr is not a terminal, and nothing without -v", async () => {
    const verbose = await runSaprobe(["audit", "--manifests", ...TWO_FILES, "-o", "json", "--fail-on", "critical", "-v"]);
    const lines = verbose.stderr.trimEnd().split("\n");
    const files = json(verbose).input?.files.length ?? 0;
    expect(files).toBeGreaterThan(1);
    expect(lines).toHaveLength(files + 1);
    expect(lines[0]).toMatch(new RegExp(`^saprobe: 0/${files + 1} reading `));
    expect(lines[files]).toMatch(new RegExp(`^saprobe: ${files}/${files + 1} auditing \\d+ bindings$`));
    const quiet = await runSaprobe(["audit", "--manifests", ...TWO_FILES, "-o", "json", "--fail-on", "critical"]);
    expect(quiet.stderr).toBe("");
  });

  it("clears the progress line before an input error is printed", async () => {
    const broken = temp("broken.yaml", "kind: Role\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: x, namespace: y}\nrules: [{verbs: get}]\n");
    const run = await runSaprobe(["audit", "--manifests", broken], { stderrIsTTY: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\r\u001b\[2Ksaprobe: \S*broken\.yaml:4/);
  });
});
