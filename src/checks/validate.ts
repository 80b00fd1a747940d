import type { ValidateFunction } from "ajv";
import type { JsonPath, SchemaHints } from "../input/schema-problems.js";

/** Where the shipped check files live, relative to this module in `src/` and in `dist/`. */
export const CHECKS_DIR = new URL("../../checks/", import.meta.url);

let compiled: Promise<ValidateFunction> | undefined;

/**
 * The ajv validator for `checks/schema.json`, compiled once per process. Loaded on first use:
 * importing ajv and compiling the schema costs more than the whole default suite's requests.
 */
export function checkFileValidator(): Promise<ValidateFunction> {
  compiled ??= import("../input/json-schema.js").then(({ schemaValidator }) => schemaValidator(new URL("schema.json", CHECKS_DIR)));
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
