import type { Renderer, ReportFormat } from "./types.js";

/*
 * The renderer of one format, loaded on its own: a command prints one format, and loading all six
 * (node:crypto for SARIF's fingerprints, the HTML page's style sheet) cost about 5 ms of every `run`'s
 * and `audit`'s start-up (bench/startup.mjs). `renderers` (./index.ts) keeps all six at hand for the
 * library and for `--out`, which writes four.
 */

const LOADERS: Readonly<Record<ReportFormat, () => Promise<Renderer>>> = {
  table: async () => (await import("./table.js")).renderTable,
  json: async () => (await import("./json.js")).renderJson,
  junit: async () => (await import("./junit.js")).renderJunit,
  sarif: async () => (await import("./sarif.js")).renderSarif,
  markdown: async () => (await import("./markdown.js")).renderMarkdown,
  html: async () => (await import("./html.js")).renderHtml,
};

/** The renderer of `format`, or undefined for a format saprobe does not know. */
export function loadRenderer(format: string): Promise<Renderer> | undefined {
  return Object.hasOwn(LOADERS, format) ? LOADERS[format as ReportFormat]() : undefined;
}
