import type { ValidateFunction } from "ajv";
import type { JsonPath, SchemaHints } from "../input/schema-problems.js";

/** Where the shipped check files live, relative to this module in `src/` and in `dist/`. */
export const CHECKS_DIR = new URL("../../checks/", import.meta.url);

let compiled: Promise<ValidateFunction> | undefined;

/**
 * The validator for `checks/schema.json`, compiled ahead of time by ajv (standalone code,
 * scripts/generate/check-file-validator.mjs): importing ajv and compiling the schema at run time
 * cost about 70 ms of CPU, more than the whole default suite's requests. Loaded on first use.
 */
export function checkFileValidator(): Promise<ValidateFunction> {
  compiled ??= import("./check-file-validator.generated.js").then((module) => module.default as ValidateFunction);
  return compiled;
}

/** A check's probe decides which fields it needs and takes: problems in a check say which probe. */
export const CHECK_FILE_HINTS: SchemaHints = {
  decidedBy: (path: JsonPath, data: unknown) => {
    if (path[0] !== "checks" || typeof path[1] !== "number") return undefined;
    const probe = (data as { checks?: { probe?: unknown }[] }).checks?.[path[1]]?.probe;
    return typeof probe === "string" ? `probe "${probe}"` : undefined;
  },
};
