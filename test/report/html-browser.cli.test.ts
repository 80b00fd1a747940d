/**
 * The HTML report in a real browser (Chromium from Debian's packages, headless): it renders with no
 * console error and no request leaving the page, and a screenshot keeps the layout.
 * Regenerate the screenshots with UPDATE_GOLDEN=1 after reading the new ones.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding, PathHop, Report } from "../../src/model/report.js";
import { renderHtml } from "../../src/report/render/html.js";
import { expectGolden } from "../support/golden.js";
import { HOSTILE, sampleReports } from "./sample-reports.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const golden = (name: string): string => new URL(`./browser/${name}.png`, import.meta.url).pathname;

/** The audit sample with an attack path on its first finding. */
function withPath(report: Report): Report {
  const grant = (binding: string, role: string, namespace?: string) => ({
    subject: { kind: "ServiceAccount", name: "runner", namespace: "ci" },
    binding: { kind: namespace ? "RoleBinding" : "ClusterRoleBinding", name: binding, ...(namespace ? { namespace } : {}) },
    role: { kind: namespace ? "Role" : "ClusterRole", name: role, ...(namespace ? { namespace } : {}) },
    rule: {},
  });
  const path: PathHop[] = [
    {
      edge: "pod-create",
      permission: "create pods in ci",
      reaches: { kind: "ServiceAccount", namespace: "ci", name: "deployer" },
      grants: [grant("runner", "runner", "ci")],
      requests: [],
    },
    {
      edge: "impersonate",
      permission: "impersonate:serviceaccount on serviceaccounts",
      reaches: { kind: "ServiceAccount", namespace: "kube-system", name: "admin" },
      grants: [grant("deployer", "impersonator")],
      requests: [],
    },
  ];
  const findings = report.findings.map((finding, index): Finding => (index === 0 ? { ...finding, path } : finding));
  return { ...report, findings };
}

/** Opens the page in headless Chromium; returns its console lines and writes a screenshot. */
function openInBrowser(html: string, screenshot: string): { console: string[]; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-html-"));
  const page = join(dir, "report.html");
  writeFileSync(page, html);
  const run = spawnSync(
    CHROMIUM as string,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--force-device-scale-factor=1",
      "--window-size=1200,1400",
      "--enable-logging=stderr",
      "--v=0",
      `--user-data-dir=${join(dir, "profile")}`,
      `--screenshot=${screenshot}`,
      `file://${page}`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  // Chromium logs each console message (and each CSP violation) as a CONSOLE line.
  const consoleLines = `${run.stderr}${run.stdout}`.split("\n").filter((line) => /CONSOLE|Refused to|ERR_/.test(line));
  return { console: consoleLines, status: run.status };
}

// CI must run the browser test (.ci/run installs Chromium); a developer without Chromium skips it.
it.runIf(CHROMIUM === undefined && process.env.CI !== undefined)("has Chromium to render the HTML report in (CI installs Debian's chromium)", () => {
  expect(CHROMIUM, "no /usr/bin/chromium: install Debian's chromium package").toBeDefined();
});

describe.runIf(CHROMIUM !== undefined)("the HTML report in headless Chromium", () => {
  it.each([
    ["audit", withPath(sampleReports["audit-findings"]!)],
    ["run", sampleReports.failures!],
    ["hostile", sampleReports.hostile!],
  ])(
    "%s renders without a console error, and its screenshot keeps the layout",
    (name, report) => {
      const shot = join(mkdtempSync(join(tmpdir(), "saprobe-shot-")), `${name}.png`);
      const { console: lines, status } = openInBrowser(renderHtml(report, { color: false, width: 120 }), shot);
      expect(status).toBe(0);
      expect(lines).toEqual([]);
      expect(existsSync(shot)).toBe(true);
      if (name === "hostile") return;
      expectGolden(golden(name), readFileSync(shot));
    },
    90_000,
  );
});

describe("the HTML report", () => {
  it("is one file that fetches nothing: no script, no link, no remote URL, and a CSP that forbids loading", () => {
    const html = renderHtml(withPath(sampleReports["audit-findings"]!), { color: false, width: 120 });
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect(html).not.toMatch(/(?:src|href)=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("shows the outcome first, each check with its evidence, findings with their path drawn, and drift", () => {
    const run = renderHtml(sampleReports.failures!, { color: false, width: 120 });
    expect(run.indexOf("FAILED")).toBeLessThan(run.indexOf("<h2>Checks"));
    expect(run).toContain("httpStatus=200, items=3");
    expect(run).toContain("<h2>Drift from the expected RBAC</h2>");
    const audit = renderHtml(withPath(sampleReports["audit-findings"]!), { color: false, width: 120 });
    // One drawing per finding that has a path: the sample's own cluster-admin-path and the one added here.
    const withPaths = withPath(sampleReports["audit-findings"]!).findings.filter((finding) => (finding.path ?? []).length > 0).length;
    expect(withPaths).toBeGreaterThanOrEqual(2);
    expect(audit.match(/<svg class="path"/g)).toHaveLength(withPaths);
    expect(audit).toContain("impersonate:serviceaccount on serviceaccounts");
    expect(audit).toContain("ServiceAccount ci/deployer");
  });

  it("escapes every string from the report", () => {
    const html = renderHtml(sampleReports.hostile!, { color: false, width: 120 });
    expect(html).not.toContain(`<&"'>`);
    expect(html).not.toContain("\u001b");
    expect(html).toContain("&#60;&#38;&#34;&#39;&#62;");
    expect(HOSTILE).toContain("<&");
  });
});
