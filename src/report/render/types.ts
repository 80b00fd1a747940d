import type { Report } from "../../model/report.js";

/** How a renderer should lay out its text. Decided by the caller, never read from globals. */
export interface RenderOptions {
  /** Use ANSI colours. Callers pass `stdout.isTTY && !NO_COLOR`. */
  color: boolean;
  /** Columns available, e.g. the terminal width. */
  width: number;
  /** List the cluster's expected defaults row by row (`--show-expected`); otherwise the table gives only their count. */
  showExpected?: boolean;
}

/** A pure function of a finished report: no I/O, no counting, no filtering. */
export type Renderer = (report: Report, options: RenderOptions) => string;

/** The output formats, as named by `-o/--output`. */
export const REPORT_FORMATS = ["table", "json", "junit", "sarif", "markdown", "html"] as const;

/** One of `REPORT_FORMATS`. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];
