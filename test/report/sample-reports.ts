import type { CheckResult, Finding, Report } from "../../src/model/report.js";
import type { UsageSection } from "../../src/model/usage.js";
import { buildReport, type ReportInput } from "../../src/report/build.js";

// Fixed clock and version so golden files do not change from run to run.
const started = new Date("2026-11-28T12:00:00.000Z");
const finished = new Date("2026-11-28T12:00:01.250Z");

const target = {
  server: "https://127.0.0.1:6443",
  source: "in-cluster",
  namespace: "saprobe",
  identity: { username: "system:serviceaccount:saprobe:saprobe", groups: ["system:serviceaccounts", "system:authenticated"], source: "SelfSubjectReview" },
  serverVersion: "v1.32.0",
};

function check(overrides: Partial<CheckResult> & Pick<CheckResult, "id" | "status">): CheckResult {
  return {
    title: `Check ${overrides.id}`,
    probe: "list",
    severity: "high",
    expected: "allowed",
    expectedSource: "check",
    observed: overrides.status === "pass" ? "allowed" : "denied",
    message: `${overrides.id} behaved as observed.`,
    evidence: {},
    durationMs: 12,
    ...overrides,
  };
}

function finding(overrides: Partial<Finding> & Pick<Finding, "rule" | "severity">): Finding {
  return {
    status: "finding",
    title: `Rule ${overrides.rule}`,
    message: `${overrides.rule} matched.`,
    scope: "cluster",
    rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    remediation: "Bind a narrower role.",
    ...overrides,
  };
}

function build(input: Omit<ReportInput, "startedAt" | "finishedAt" | "target"> & { target?: ReportInput["target"] }): Report {
  const report = buildReport({ startedAt: started, finishedAt: finished, target, ...input });
  return { ...report, tool: { name: "saprobe", version: "0.0.0-test" } };
}

const passing: CheckResult[] = [
  check({
    id: "tls-system-ca",
    probe: "tls",
    status: "pass",
    expected: "tls-unknown-issuer",
    observed: "tls-unknown-issuer",
    evidence: { tlsError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    request: { method: "GET", path: "/version" },
  }),
  check({
    id: "version",
    probe: "version",
    status: "pass",
    severity: "info",
    evidence: { gitVersion: "v1.32.0" },
    request: { method: "GET", path: "/version" },
  }),
  check({ id: "list-nodes", status: "pass", request: { method: "GET", path: "/api/v1/nodes?limit=1" } }),
];

const hostile = `<&"'> \u001b[31mRED\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 | *bold* @admin \`tick\` \u0000\u0008\ufffe\ud800 ]]> end`;

/** A usage section: one identity, a denied request, an unused grant and the diff (from text, so any renderer can show it). */
function usageSection(text: string): UsageSection {
  return {
    log: {
      files: [`logs/${text}.log`],
      lines: 12,
      events: 10,
      counted: 9,
      malformed: 1,
      malformedAt: [`logs/${text}.log:4: not JSON`],
      since: "2026-11-28T00:00:00.000Z",
      first: "2026-11-28T10:00:00.000000Z",
      last: "2026-11-28T11:00:00.000000Z",
    },
    granted: "manifests",
    identities: [
      {
        username: `system:serviceaccount:ci:${text}`,
        requests: [
          {
            verb: "list",
            apiGroup: "",
            resource: "pods",
            namespace: "ci",
            count: 7,
            denied: 0,
            firstSeen: "2026-11-28T10:00:00.000000Z",
            lastSeen: "2026-11-28T11:00:00.000000Z",
          },
          {
            verb: "get",
            apiGroup: "",
            resource: "pods",
            subresource: "log",
            namespace: "ci",
            name: text,
            count: 1,
            denied: 0,
            firstSeen: "2026-11-28T10:30:00.000000Z",
            lastSeen: "2026-11-28T10:30:00.000000Z",
          },
          {
            verb: "list",
            apiGroup: "",
            resource: "secrets",
            namespace: "ci",
            count: 1,
            denied: 1,
            firstSeen: "2026-11-28T10:40:00.000000Z",
            lastSeen: "2026-11-28T10:40:00.000000Z",
            wouldAllow: 'verbs=[list] apiGroups=[""] resources=[secrets] in a Role in namespace ci',
          },
          {
            verb: "get",
            nonResourceURL: `/metrics/${text}`,
            count: 1,
            denied: 0,
            firstSeen: "2026-11-28T10:50:00.000000Z",
            lastSeen: "2026-11-28T10:50:00.000000Z",
          },
        ],
        unused: [
          {
            binding: { kind: "ClusterRoleBinding", name: "runner-admin" },
            role: { kind: "ClusterRole", name: "cluster-admin" },
            scope: "cluster",
            rule: "verbs=[*] apiGroups=[*] resources=[*]",
            unused: ["any verb on any resource in any group (used only for list pods)"],
            severity: "critical",
            auditRules: ["cluster-admin-binding"],
            source: { file: "rbac.yaml", line: 3 },
          },
        ],
        diff: [
          { change: "-", scope: "cluster", rule: "verbs=[*] apiGroups=[*] resources=[*]" },
          { change: "+", scope: "ci", rule: `verbs=[list] apiGroups=[""] resources=[pods]` },
          { change: "+", scope: "ci", rule: `verbs=[get] apiGroups=[""] resources=[pods/log] resourceNames=[${text}]` },
        ],
      },
    ],
  };
}

/** Reports every renderer must handle, by name. */
export const sampleReports: Record<string, Report> = {
  "empty-run": build({ command: "run" }),
  "empty-audit": build({ command: "audit" }),
  "all-pass": build({ command: "run", results: passing }),
  failures: build({
    command: "run",
    results: [
      ...passing,
      check({
        id: "list-pods-all",
        status: "fail",
        expected: "denied",
        observed: "allowed",
        message: "Listing pods in all namespaces was allowed but the expected RBAC denies it (over-privileged).",
        evidence: { httpStatus: 200, items: 3 },
        remediation: "Remove the ClusterRoleBinding that grants list on pods cluster-wide.",
        request: { method: "GET", path: "/api/v1/pods?limit=1" },
      }),
      check({
        id: "watch-nodes",
        probe: "watch",
        status: "error",
        observed: "timeout",
        message: "The watch did not answer within 5s.",
        evidence: { timeoutMs: 5000 },
        error: { code: "E_TIMEOUT", message: "no response within 5s" },
      }),
      check({ id: "list-secrets", status: "skip", severity: "medium", expected: "any", observed: "skipped", message: "Skipped: no namespace." }),
    ],
    drift: [
      {
        object: { kind: "RoleBinding", name: "saprobe", namespace: "saprobe" },
        change: "missing-subject",
        detail: "ServiceAccount saprobe/saprobe is not a subject of the live binding.",
      },
    ],
    warnings: ["The token is a legacy Secret-based token without expiry."],
  }),
  "audit-findings": build({
    command: "audit",
    findings: [
      finding({
        rule: "cluster-admin-binding",
        severity: "critical",
        message: "ServiceAccount dashboard/dashboard -> ClusterRoleBinding dashboard-admin -> ClusterRole cluster-admin.",
        subject: { kind: "ServiceAccount", name: "dashboard", namespace: "dashboard" },
        binding: { kind: "ClusterRoleBinding", name: "dashboard-admin" },
        role: { kind: "ClusterRole", name: "cluster-admin" },
        source: { file: "manifests/dashboard.yaml", line: 12, column: 1, document: 1 },
        cis: "5.1.1",
      }),
      finding({
        rule: "secrets-read",
        severity: "high",
        scope: "ci",
        subject: { kind: "ServiceAccount", name: "runner", namespace: "ci" },
        binding: { kind: "RoleBinding", name: "runner", namespace: "ci" },
        role: { kind: "Role", name: "runner", namespace: "ci" },
        rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
        source: { file: "charts/runner templates/rbac.yaml", line: 30 },
        cis: "5.1.2",
        grants: [
          {
            binding: { kind: "RoleBinding", name: "runner", namespace: "ci" },
            role: { kind: "Role", name: "runner", namespace: "ci" },
            scope: "ci",
            severity: "high",
            source: { file: "charts/runner templates/rbac.yaml", line: 30 },
          },
          {
            binding: { kind: "RoleBinding", name: "runner-cache", namespace: "cache" },
            role: { kind: "ClusterRole", name: "secret-reader" },
            scope: "cache",
            severity: "medium",
            source: { file: "charts/runner templates/rbac.yaml", line: 52 },
          },
        ],
      }),
      finding({
        rule: "cluster-admin-path",
        severity: "critical",
        scope: "flux-system",
        message: "ServiceAccount flux-system/source-controller reaches cluster-admin power in 1 hop.",
        subject: { kind: "ServiceAccount", name: "source-controller", namespace: "flux-system" },
        path: [
          {
            edge: "serviceaccount-token",
            permission: 'create serviceaccounts/token "kustomize-controller" in flux-system',
            reaches: { kind: "ServiceAccount", name: "kustomize-controller", namespace: "flux-system" },
            grants: [
              {
                subject: { kind: "ServiceAccount", name: "source-controller", namespace: "flux-system" },
                binding: { kind: "ClusterRoleBinding", name: "crd-controller" },
                role: { kind: "ClusterRole", name: "crd-controller" },
                rule: { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
                source: { file: "flux/rbac.yaml", line: 40 },
              },
            ],
            requests: [
              {
                as: { kind: "ServiceAccount", name: "source-controller", namespace: "flux-system" },
                verb: "create",
                group: "",
                resource: "serviceaccounts",
                subresource: "token",
                name: "kustomize-controller",
                namespace: "flux-system",
              },
            ],
            confirmation: { agreed: true, detail: "the server allows it" },
          },
          {
            edge: "holds",
            permission: "* on *.* (every verb on every resource) cluster-wide",
            reaches: { kind: "Power", name: "cluster-admin" },
            grants: [
              {
                subject: { kind: "ServiceAccount", name: "kustomize-controller", namespace: "flux-system" },
                binding: { kind: "ClusterRoleBinding", name: "cluster-reconciler" },
                role: { kind: "ClusterRole", name: "cluster-admin" },
                rule: { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
                source: { file: "flux/rbac.yaml", line: 12 },
              },
            ],
            requests: [],
          },
        ],
      }),
      finding({
        rule: "pods-create",
        severity: "medium",
        scope: "ci",
        subject: { kind: "ServiceAccount", name: "runner", namespace: "ci" },
        source: { file: "charts/runner templates/rbac.yaml", line: 41 },
        unconfirmed: { reason: "the cross-check deadline (5m) passed before it was asked" },
      }),
      finding({
        rule: "cluster-admin-binding",
        severity: "info",
        status: "expected",
        subject: { kind: "Group", name: "system:masters" },
        binding: { kind: "ClusterRoleBinding", name: "cluster-admin" },
      }),
      finding({
        rule: "impersonate",
        severity: "high",
        status: "unknown",
        message: "Could not read ClusterRoles: forbidden.",
        subject: { kind: "User", name: "alice" },
      }),
      finding({
        rule: "nodes-proxy",
        severity: "low",
        suppressed: { reason: "monitoring needs it", expires: "2027-01-01" },
        subject: { kind: "ServiceAccount", name: "prometheus", namespace: "monitoring" },
        source: { file: "/abs/path/monitoring.yaml", line: 3 },
      }),
    ],
  }),
  usage: build({
    command: "usage",
    findings: [
      finding({
        rule: "usage-unused-grant",
        severity: "critical",
        title: "Granted and not used",
        message:
          "system:serviceaccount:ci:runner is granted verbs=[*] apiGroups=[*] resources=[*] through ClusterRoleBinding runner-admin -> ClusterRole cluster-admin and did not use: any verb on any resource in any group (used only for list pods).",
        subject: { kind: "ServiceAccount", name: "runner", namespace: "ci" },
        binding: { kind: "ClusterRoleBinding", name: "runner-admin" },
        scope: "cluster",
        source: { file: "rbac.yaml", line: 3 },
      }),
    ],
    usage: usageSection("runner"),
  }),
  "could-not-run": build({
    command: "run",
    results: [
      check({
        id: "version",
        status: "error",
        observed: "tls-error",
        message: "TLS handshake failed.",
        error: { code: "E_TLS", message: "self-signed certificate in certificate chain" },
      }),
    ],
    errors: [{ code: "E_TLS", message: "could not reach https://127.0.0.1:6443: self-signed certificate in certificate chain" }],
  }),
  "input-refused": build({
    command: "audit",
    target: { source: "manifests", namespace: "default", explain: ["read rendered.yaml", "read chart/Chart.yaml"] },
    input: {
      files: ["rendered.yaml", "broken.yaml", "chart/Chart.yaml"],
      skipped: [{ file: "chart/Chart.yaml", reason: "a Helm chart's source, not rendered objects: audit the output of `helm template` instead" }],
      refused: [{ file: "broken.yaml", line: 24, column: 3, document: 1, message: "YAML syntax: bad indentation of a sequence entry" }],
      defaultNamespace: { namespace: "default", source: "default", objects: 0 },
    },
    findings: [
      finding({
        rule: "secrets-read",
        severity: "medium",
        scope: "ci",
        subject: { kind: "ServiceAccount", name: "deployer", namespace: "ci" },
        source: { file: "rendered.yaml", line: 9 },
      }),
    ],
    warnings: ["chart/Chart.yaml: skipped: a Helm chart's source, not rendered objects: audit the output of `helm template` instead"],
  }),
  hostile: build({
    command: "audit",
    input: {
      files: [hostile],
      skipped: [{ file: hostile, reason: hostile }],
      refused: [{ file: hostile, line: 1, message: hostile }],
      defaultNamespace: { namespace: hostile, source: "flag", objects: 1 },
    },
    results: [
      check({
        id: "hostile-check",
        status: "fail",
        title: hostile,
        message: `${hostile} ${"x".repeat(10_000)}`,
        expected: hostile,
        observed: hostile,
        evidence: { body: hostile, long: "y".repeat(10_000) },
        remediation: hostile,
      }),
    ],
    findings: [
      finding({
        rule: "secrets-read",
        severity: "high",
        title: hostile,
        message: `${hostile} ${"z".repeat(10_000)}`,
        subject: { kind: "ServiceAccount", name: hostile, namespace: hostile },
        binding: { kind: "RoleBinding", name: hostile, namespace: "ns" },
        scope: hostile,
        remediation: hostile,
        source: { file: `dir/${hostile}.yaml`, line: 7 },
      }),
      finding({
        rule: "cluster-admin-path",
        severity: "critical",
        subject: { kind: "User", name: hostile },
        path: [
          {
            edge: "impersonate",
            permission: hostile,
            reaches: { kind: "ServiceAccount", name: hostile, namespace: hostile },
            grants: [
              {
                subject: { kind: "User", name: hostile },
                binding: { kind: "ClusterRoleBinding", name: hostile },
                role: { kind: "ClusterRole", name: hostile },
                rule: {},
                source: { file: hostile, line: 1 },
              },
            ],
            requests: [],
            precondition: hostile,
          },
        ],
        unconfirmed: { reason: hostile },
      }),
    ],
    errors: [{ code: "E_HOSTILE", message: hostile }],
    warnings: [hostile],
    usage: usageSection(hostile),
  }),
};

/** The hostile string used above, for assertions. */
export const HOSTILE = hostile;
