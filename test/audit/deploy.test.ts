import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAtLeast } from "../../src/model/severity.js";
import type { Report } from "../../src/model/report.js";
import { runSaprobe } from "./support.js";

const DEPLOY = join(import.meta.dirname, "../../deploy");

describe("saprobe's own least-privilege manifests (deploy/)", () => {
  it("have no audit finding above low, even with the default policy added", async () => {
    for (const extra of [[], ["--with-defaults"]]) {
      const run = await runSaprobe(["audit", "--manifests", DEPLOY, ...extra, "-o", "json", "--fail-on", "medium"]);
      const report = JSON.parse(run.stdout) as Report;
      const serious = report.findings.filter((finding) => finding.status !== "expected" && isAtLeast(finding.severity, "medium"));
      expect(serious.map((finding) => finding.message)).toEqual([]);
      expect(run.code).toBe(0);
      // The audit really read them: the saprobe ClusterRoles are there (a broken path would also give no finding).
      const permissions = await runSaprobe(["audit", "--manifests", DEPLOY, ...extra, "-o", "json", "--subject", "system:serviceaccount:saprobe:saprobe"]);
      const listed = (JSON.parse(permissions.stdout) as Report).findings
        .filter((finding) => finding.rule === "effective-permissions")
        .map((finding) => finding.role?.name);
      expect(listed).toEqual(expect.arrayContaining(["saprobe-probe", "saprobe-audit"]));
    }
  });
});
