import Table from "cli-table3";
import { wrapText } from "./text.js";

/** One table row: plain cells, and an optional function that colours the first cell. */
export interface GridRow {
  cells: string[];
  paintFirst?: (text: string) => string;
}

const BORDERS_PER_COLUMN = 1;
const PADDING = 2;
/** The last column (the message) keeps at least this share of the room. */
const MESSAGE_SHARE = 0.35;
const NARROWEST_COLUMN = 6;

/**
 * Widths (padding included) that make the table exactly fit `width`: every column but the last
 * gets its natural width, the widest ones shrunk first until the last keeps its share. Undefined
 * when the terminal is too narrow for a table at all.
 */
export function fitColumns(width: number, natural: readonly number[]): number[] | undefined {
  const fixedCount = natural.length - 1;
  const room = width - (natural.length + 1) * BORDERS_PER_COLUMN - natural.length * PADDING;
  const fixed = natural.slice(0, fixedCount).map((size) => Math.max(NARROWEST_COLUMN, size));
  const budget = Math.floor(room * (1 - MESSAGE_SHARE));
  let total = fixed.reduce((sum, size) => sum + size, 0);
  while (total > budget) {
    const widest = fixed.indexOf(Math.max(...fixed));
    if ((fixed[widest] ?? 0) <= NARROWEST_COLUMN) return undefined;
    fixed[widest] = (fixed[widest] ?? 0) - 1;
    total -= 1;
  }
  const last = room - total;
  if (last < 12) return undefined;
  return [...fixed, last].map((size) => size + PADDING);
}

/**
 * A bordered table that fits `width`, or, when even a minimal table would not fit, one wrapped
 * paragraph per row. Cells are wrapped here (not by cli-table3) so no line is ever cut short.
 */
export function renderGrid(head: readonly string[], rows: readonly GridRow[], width: number, paintHead: (text: string) => string): string {
  const natural = head.map((title, column) => Math.max(title.length, ...rows.map((row) => (row.cells[column] ?? "").length)));
  const widths = fitColumns(width, natural);
  if (!widths) {
    return rows
      .map((row) => {
        const first = row.cells[0] ?? "";
        const lines = wrapText(`${first} ${row.cells.slice(1).filter(Boolean).join(" | ")}`, width);
        if (row.paintFirst && lines[0]?.startsWith(first)) lines[0] = `${row.paintFirst(first)}${lines[0].slice(first.length)}`;
        return lines.join("\n");
      })
      .join("\n");
  }
  const table = new Table({
    head: head.map(paintHead),
    colWidths: widths,
    wordWrap: false,
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const cells = row.cells.map((text, column) => wrapText(text, (widths[column] ?? PADDING + 1) - PADDING).join("\n"));
    if (row.paintFirst) cells[0] = cells[0]?.split("\n").map(row.paintFirst).join("\n") ?? "";
    table.push(cells);
  }
  return table.toString();
}
