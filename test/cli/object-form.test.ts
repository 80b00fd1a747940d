import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

// One way to write an object in what a person reads: `Kind namespace/name` (a Role lives in its
// RoleBinding's namespace), in audit findings as in can-i's answers.

describe("objects in the audit's messages", () => {
  it("write a Role with its namespace, as the binding beside it is written", async () => {
    const result = await runCli(["audit", "-f", "fixtures/rbac/scenarios/team.yaml", "-o", "json"]);
    const messages = (JSON.parse(result.stdout) as { findings: { message: string }[] }).findings.map((finding) => finding.message);
    expect(messages.some((message) => message.includes("through RoleBinding team/bot-reads-its-secret of Role team/one-secret"))).toBe(true);
    expect(messages.filter((message) => /\bof Role [^ /]+[ .]/.test(message))).toEqual([]);
  });
});
