import Table from "cli-table3";
import { describe, expect, it } from "vitest";
import { fitColumns, renderGrid } from "../../src/report/render/grid.js";
import { truncate } from "../../src/report/render/text.js";

const plain = (text: string) => text;

describe("renderGrid", () => {
  it("draws a big table in stitched parts that look exactly like one cli-table3 table", () => {
    const rows = Array.from({ length: 173 }, (_, index) => ({
      cells: [`r${index}`, index % 7 === 0 ? "a longer cell that wraps onto a second line" : "short"],
    }));
    const output = renderGrid(["Id", "Text"], rows, 40, plain);
    const widths = fitColumns(40, [4, 43]) as number[];
    const whole = new Table({ head: ["Id", "Text"], colWidths: widths, wordWrap: true, wrapOnWordBoundary: true, style: { head: [], border: [] } });
    for (const row of rows) whole.push(row.cells);
    expect(output).toBe(whole.toString());
  });

  it("stacks each row on a few lines when no table fits, labelled columns as Title: value", () => {
    const head = ["Status", "Check", "Severity", "Expected", "Observed", "Message"];
    const rows = [
      { cells: ["PASS", "list-nodes", "high", "allowed", "allowed", "Listing nodes was allowed, as expected."] },
      { cells: ["ERROR", "tls-system-ca", "high", "tls-ok", "tls-unknown-issuer", "The server's certificate is not signed by a system CA."] },
    ];
    const output = renderGrid(head, rows, 40, plain, { labelled: [3, 4] });
    expect(output).toBe(
      [
        "PASS   list-nodes  high",
        "    Expected: allowed  Observed: allowed",
        "    Listing nodes was allowed, as",
        "    expected.",
        "ERROR  tls-system-ca  high",
        "    Expected: tls-ok",
        "    Observed: tls-unknown-issuer",
        "    The server's certificate is not",
        "    signed by a system CA.",
      ].join("\n"),
    );
  });

  it("indents the cells that do not fit beside a stacked row's first ones, so only a row's first line starts at the margin", () => {
    const rows = [{ cells: ["critical", "cluster-admin-path", "ServiceAccount flux-system/source-controller", "reaches cluster-admin power in 1 hop."] }];
    expect(renderGrid(["Severity", "Rule", "Subject", "Message"], rows, 50, plain)).toBe(
      ["critical  cluster-admin-path", "    ServiceAccount flux-system/source-controller", "    reaches cluster-admin power in 1 hop."].join("\n"),
    );
  });

  it("never makes a column narrower than its longest word, so no identifier is cut", () => {
    const rows = [{ cells: ["anonymous", "system:authenticated", "a message of several short words"] }];
    for (let width = 20; width <= 120; width++) {
      const output = renderGrid(["Check", "Subject", "Message"], rows, width, plain);
      expect(output).toContain("anonymous");
      expect(output).toContain("system:authenticated");
      expect(output.split("\n").every((line) => line.length <= width)).toBe(true);
    }
  });

  it("keeps cli-table3's look when the columns are shrunk to their longest words", () => {
    const rows = [{ cells: ["high", "workload-create", "ServiceAccount ci/gitlab-runner", "can create pods or workload controllers cluster-wide"] }];
    const head = ["Severity", "Rule", "Subject", "Message"];
    const widths = fitColumns(72, [8, 15, 31, 52], [8, 15, 16, 11]) as number[];
    expect(widths[2]).toBeLessThan(33);
    const table = new Table({ head, colWidths: widths, wordWrap: true, wrapOnWordBoundary: true, style: { head: [], border: [] } });
    table.push(rows[0]!.cells);
    expect(renderGrid(head, rows, 72, plain)).toBe(table.toString());
  });

  it("breaks only a message word longer than its column, after a slash", () => {
    const output = renderGrid(["Rule", "Message"], [{ cells: ["pods-exec", "see charts/runner/templates/rbac-objects.yaml:32"] }], 40, plain);
    expect(output).toContain("charts/runner/");
    expect(output).toContain("rbac-objects.yaml:32");
  });
});

describe("truncate", () => {
  it("cuts a long cell at a space, so a name is never left cut in two", () => {
    const text = "list roles (cluster-wide): denied by the preflight SelfSubjectAccessReview; list rolebindings";
    expect(truncate(text, 60)).toBe("list roles (cluster-wide): denied by the preflight …");
    expect(truncate(text, 60).length).toBeLessThanOrEqual(60);
    // One word longer than the cut: nothing better than cutting it.
    expect(truncate("x".repeat(80), 10)).toBe(`${"x".repeat(9)}…`);
    expect(truncate("short", 10)).toBe("short");
  });
});
