import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../support/cli.js";

// stdout as a pipe, with a report many times the pipe's buffer: every part goes through the encoding
// buffer src/cli/write-parts.ts reuses (Node writes stdio pipes synchronously on Linux), and the bytes
// must be renderJson's, whole and in order.

function namespaceObjects(index: number): object[] {
  const namespace = `team-${index}`;
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "reader", namespace },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "reader", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
      subjects: [{ kind: "ServiceAccount", name: "app", namespace }],
    },
  ];
}

describe("audit -o json through a pipe", () => {
  it("prints a report of megabytes whole and unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-write-parts-"));
    const items = Array.from({ length: 1500 }, (_, index) => namespaceObjects(index)).flat();
    writeFileSync(join(dir, "list.json"), JSON.stringify({ apiVersion: "v1", kind: "List", items }));
    const result = await spawnCli(["audit", "--manifests", join(dir, "list.json"), "-o", "json", "--fail-on", "critical"]);
    expect(result.stderr).toBe("");
    expect(result.stdout.length).toBeGreaterThan(1024 * 1024);
    const report = JSON.parse(result.stdout) as { findings: { rule: string; scope: string }[] };
    expect(`${JSON.stringify(report, null, 2)}\n`).toBe(result.stdout);
    const secrets = report.findings.filter((finding) => finding.rule === "secrets-read");
    expect(secrets.map((finding) => finding.scope)).toEqual(items.flatMap((_, index) => (index % 2 === 0 ? [`team-${index / 2}`] : [])));
  });
});
