import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";

/*
 * The JSON Schema validators of saprobe's own files (check files, audit rules, allowlists, audit
 * configurations), compiled once per process. Callers that must start fast (check files) import
 * this module dynamically: ajv's import and a compile cost more than the default suite's requests.
 * Manifests use validators compiled ahead of time (src/manifests/rbac-validators.generated.ts).
 */

const compiled = new Map<string, ValidateFunction>();

/** The validator for the schema file at `path` (a path or a file: URL), compiled on first use. */
export function schemaValidator(path: string | URL): ValidateFunction {
  const key = String(path);
  let validate = compiled.get(key);
  if (!validate) {
    const schema = JSON.parse(readFileSync(path, "utf8")) as object;
    // verbose: errors carry their schema, so an unknown field can be matched against the known ones.
    validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}
