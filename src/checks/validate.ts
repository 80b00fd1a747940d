import type { ErrorObject, ValidateFunction } from "ajv";
import { didYouMean, propertyNames } from "../input/suggest.js";

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

/**
 * Where to point for an error: the object and the key, when the error is about a field being
 * there at all (unknown or not used by the probe) rather than about its value.
 */
export function errorTarget(error: ErrorObject): { instancePath: string; key?: string } {
  if (error.keyword === "additionalProperties") return { instancePath: error.instancePath, key: String(error.params.additionalProperty) };
  if (error.keyword === "false schema") {
    const cut = error.instancePath.lastIndexOf("/");
    return { instancePath: error.instancePath.slice(0, cut), key: error.instancePath.slice(cut + 1) };
  }
  return { instancePath: error.instancePath };
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/**
 * Turns one ajv error into a sentence about the check file. `probe` is the probe kind of the
 * check the error is in, used to explain fields that kind does not take.
 */
export function describeSchemaError(error: ErrorObject, value: unknown, probe: string | undefined): string {
  const field = error.instancePath.split("/").pop() ?? "";
  switch (error.keyword) {
    case "required":
      return `missing field "${String(error.params.missingProperty)}"${probe ? ` (probe "${probe}" needs it)` : ""}`;
    case "additionalProperties":
      return `unknown field "${String(error.params.additionalProperty)}"${didYouMean(String(error.params.additionalProperty), propertyNames(error.parentSchema))}`;
    case "false schema":
      return `field "${field}" is not used by probe "${probe ?? "?"}"`;
    case "enum":
      return `${field} ${describeValue(value)} is not one of: ${(error.params.allowedValues as unknown[]).join(", ")}`;
    case "type":
      return `${field || "the file"} must be ${String(error.params.type) === "object" ? "a mapping" : `a ${String(error.params.type)}`}, not ${describeValue(value)}`;
    case "pattern":
      return field === "id"
        ? `id ${describeValue(value)} must be lowercase letters, digits and dashes (at most 63), starting and ending with a letter or digit`
        : `${field} ${describeValue(value)} must match ${String(error.params.pattern)}`;
    default:
      return `${field ? `${field}: ` : ""}${error.message ?? "is invalid"}`;
  }
}

/** Errors that only repeat another error (`if`/`then` wrappers) are dropped. */
export function isNoise(error: ErrorObject): boolean {
  return error.keyword === "if";
}
