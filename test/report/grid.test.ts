import Table from "cli-table3";
import { describe, expect, it } from "vitest";
import { fitColumns, renderGrid } from "../../src/report/render/grid.js";

const plain = (text: string) => text;

describe("renderGrid", () => {
  it("draws a big table in stitched parts that look exactly like one cli-table3 table", () => {
    const rows = Array.from({ length: 173 }, (_, index) => ({ cells: [`r${index}`, index % 7 === 0 ? "a longer cell that wraps onto a second line" : "short"] }));
    const output = renderGrid(["Id", "Text"], rows, 40, plain);
    const widths = fitColumns(40, [4, 43]) as number[];
    const whole = new Table({ head: ["Id", "Text"], colWidths: widths, wordWrap: true, wrapOnWordBoundary: true, style: { head: [], border: [] } });
    for (const row of rows) whole.push(row.cells);
    expect(output).toBe(whole.toString());
  });

  it("falls back to wrapped lines when no table fits", () => {
    const output = renderGrid(["Status", "Check", "Message"], [{ cells: ["PASS", "list-nodes", "allowed"] }], 20, plain);
    expect(output).toBe("PASS list-nodes |\nallowed");
  });
});
