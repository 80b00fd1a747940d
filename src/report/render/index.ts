import { renderHtml } from "./html.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";
import type { Renderer, ReportFormat } from "./types.js";

export { REPORT_FORMATS, type RenderOptions, type Renderer, type ReportFormat } from "./types.js";

/** Every output format and its renderer; `-o/--output` picks one, `--out DIR` writes four. */
export const renderers: Readonly<Record<ReportFormat, Renderer>> = {
  table: renderTable,
  json: renderJson,
  junit: renderJunit,
  sarif: renderSarif,
  markdown: renderMarkdown,
  html: renderHtml,
};

/** Renders a finished report in one format. */
export function renderReport(report: Parameters<Renderer>[0], format: ReportFormat, options: Parameters<Renderer>[1]): string {
  return renderers[format](report, options);
}
