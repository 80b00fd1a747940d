import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { scanKubeconfig } from "../../src/audit/files/kubeconfig-scan.js";
import type { AuditOptions } from "../../src/audit/engine.js";
import { auditFiles, comparable, expectedText, FIXTURES, folders, readYaml, type ExpectedFinding } from "./support.js";

const catalogue = loadCatalogue();

interface CaseOptions {
  podServiceAccounts?: string[];
  kubeconfigScan?: string[];
}

function optionsFor(dir: string, which: "fail" | "pass"): Partial<AuditOptions> {
  const file = join(dir, "options.yaml");
  if (!existsSync(file)) return {};
  const raw = readYaml<Record<string, CaseOptions>>(file)[which] ?? {};
  const options: Partial<AuditOptions> = {};
  if (raw.podServiceAccounts) options.podServiceAccounts = new Set(raw.podServiceAccounts);
  if (raw.kubeconfigScan) options.mastersEvidence = raw.kubeconfigScan.flatMap((name) => scanKubeconfig(join(dir, name)));
  return options;
}

describe("every audit rule has a fixture that triggers it and a near miss that does not", () => {
  const ruleDirs = folders(join(FIXTURES, "rules"));

  it("has a fixture folder for every catalogue rule, and none for rules that do not exist", () => {
    expect(ruleDirs).toEqual(catalogue.rules.map((rule) => rule.id).sort());
  });

  for (const rule of catalogue.rules) {
    const dir = join(FIXTURES, "rules", rule.id);
    it(`${rule.id}: fail.yaml triggers it`, async () => {
      const findings = await auditFiles([join(dir, "fail.yaml")], optionsFor(dir, "fail"));
      expect(findings.filter((finding) => finding.rule === rule.id && finding.status === "finding").length).toBeGreaterThan(0);
    });
    it(`${rule.id}: pass.yaml does not`, async () => {
      const findings = await auditFiles([join(dir, "pass.yaml")], optionsFor(dir, "pass"));
      expect(findings.filter((finding) => finding.rule === rule.id).map((finding) => finding.message)).toEqual([]);
    });
  }
});

describe("real-world RBAC sets give exactly the expected findings", () => {
  for (const scenario of folders(join(FIXTURES, "scenarios"))) {
    it(scenario, async () => {
      const dir = join(FIXTURES, "scenarios", scenario);
      const expected = readYaml<{ findings: ExpectedFinding[] }>(join(dir, "expected.yaml")).findings;
      const findings = await auditFiles([join(dir, "manifests")]);
      const actual = findings.map((finding) => {
        const match = expected.find(
          (candidate) =>
            candidate.rule === finding.rule &&
            (candidate.subject ?? candidate.role) ===
              comparable(finding)
                .split(" | ")[1]
                ?.replace(/^role /, ""),
        );
        return comparable(finding, match);
      });
      expect(actual.sort()).toEqual(expected.map(expectedText).sort());
    });
  }
});
