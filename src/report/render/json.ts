import type { Renderer } from "./types.js";

/** `report.json`: the report itself, as described by `reports/report.schema.json`. */
export const renderJson: Renderer = (report) => `${JSON.stringify(report, null, 2)}\n`;
