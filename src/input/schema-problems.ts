import type { ErrorObject } from "ajv";
import { didYouMean } from "./suggest.js";

/*
 * ajv's errors, as sentences about a file: which field (written as people write it,
 * `rules[0].verbs`), what is wrong with it, and where to point (its key or its value). Check files,
 * audit files and manifests all describe their schema problems here, in one wording.
 */

/** A JSON path: object keys and array indexes. */
export type JsonPath = (string | number)[];

/** A schema violation: where (JSON path), which field, what is wrong. */
export interface SchemaProblem {
  path: JsonPath;
  /** True when the path names a key (a field that should not be there) rather than a value. */
  atKey: boolean;
  /** The field as people write it: `rules[0].verbs`; `(document)` for the whole document. */
  field: string;
  /** What is wrong, without the field: `required field is missing`. */
  message: string;
}

/** What a file kind adds to the generic sentences. */
export interface SchemaHints {
  /** The fields allowed next to an unknown one (default: the `properties` of ajv's verbose `parentSchema`). */
  knownFields?: (error: ErrorObject) => string[];
  /** Who decides which fields a value needs (`probe "list"`), said with a missing or unused field. */
  decidedBy?: (path: JsonPath, data: unknown) => string | undefined;
}

/** The segments of a JSON pointer (`/rules/0/verbs`, as in ajv's `instancePath` and `schemaPath`). */
export function pointerSegments(pointer: string): JsonPath {
  const body = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (body === "") return [];
  return body
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `rules[0].verbs` from `["rules", 0, "verbs"]`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "") || "(document)";
}

/** The names a schema node lists under `properties` (ajv's verbose errors give it as `parentSchema`). */
export function propertyNames(schemaNode: unknown): string[] {
  const properties = typeof schemaNode === "object" && schemaNode !== null ? (schemaNode as { properties?: unknown }).properties : undefined;
  return typeof properties === "object" && properties !== null ? Object.keys(properties) : [];
}

/**
 * The property names allowed next to the `additionalProperties` keyword an ajv error points at
 * (`error.schemaPath`, e.g. `#/$defs/PolicyRule/additionalProperties`), looked up in `schema`.
 * Empty when the path leads elsewhere.
 */
export function allowedProperties(schema: unknown, schemaPath: string): string[] {
  if (!schemaPath.startsWith("#/") || !schemaPath.endsWith("/additionalProperties")) return [];
  let node: unknown = schema;
  for (const part of pointerSegments(schemaPath.slice(0, -"/additionalProperties".length))) {
    if (typeof node !== "object" || node === null) return [];
    node = (node as Record<string, unknown>)[part];
  }
  return propertyNames(node);
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let value = data;
  for (const part of path) value = (value as Record<string | number, unknown> | undefined)?.[part];
  return value;
}

function quoted(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/** `a mapping`, `an array`, `a string or a number` for ajv's type names. */
function typeName(types: string): string {
  return types
    .split(",")
    .map((type) => (type === "object" ? "a mapping" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`))
    .join(" or ");
}

function at(path: JsonPath, message: string, atKey = false): SchemaProblem {
  return { path, atKey, field: fieldName(path), message };
}

/** One ajv error as a problem; undefined for errors that only repeat another (`if` wrappers, a property name's inner check). */
function problemOf(error: ErrorObject, data: unknown, hints: SchemaHints): SchemaProblem | undefined {
  const path = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const decided = (): string | undefined => hints.decidedBy?.(path, data);
  switch (error.keyword) {
    case "if":
      return undefined;
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const known = hints.knownFields ? hints.knownFields(error) : propertyNames(error.parentSchema);
      return at([...path, extra], `unknown field${didYouMean(extra, known)}`, true);
    }
    case "propertyNames": {
      const only = (error.parentSchema as { propertyNames?: { const?: unknown } } | undefined)?.propertyNames?.const;
      return at([...path, String(params.propertyName)], `unknown field${only === undefined ? "" : ` (only ${quoted(only)} is allowed here)`}`, true);
    }
    case "false schema": {
      const by = decided();
      return at(path, `is not used${by ? ` by ${by}` : " here"}`, true);
    }
    case "required": {
      const by = decided();
      return {
        path,
        atKey: false,
        field: fieldName([...path, String(params.missingProperty)]),
        message: `required field is missing${by ? ` (${by} needs it)` : ""}`,
      };
    }
    case "enum":
      return at(path, `${quoted(valueAt(data, path))} is not one of: ${(params.allowedValues as unknown[]).join(", ")}`);
    case "type":
      return at(path, `must be ${typeName(String(params.type))}, not ${quoted(valueAt(data, path))}`);
    case "pattern": {
      const meaning = (error.parentSchema as { "x-pattern-meaning"?: unknown } | undefined)?.["x-pattern-meaning"];
      return at(path, `${quoted(valueAt(data, path))} must ${typeof meaning === "string" ? `be ${meaning}` : `match ${String(params.pattern)}`}`);
    }
    default:
      // An error about a property name repeats as a `propertyNames` error, which names the field.
      if ("propertyName" in error) return undefined;
      return at(path, error.message ?? "is invalid");
  }
}

/**
 * ajv's errors for `data` as problems, one per field and sentence (`allOf` branches repeat the same
 * complaint), in ajv's order.
 */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown, hints: SchemaHints = {}): SchemaProblem[] {
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    const problem = problemOf(error, data, hints);
    if (!problem) continue;
    const key = `${problem.field}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** A problem as one sentence: `rules[0].verbs: required field is missing`; a problem with the whole file says so. */
export function describeSchemaProblem(problem: SchemaProblem): string {
  return problem.path.length === 0 && !problem.atKey && problem.field === "(document)" ? `the file ${problem.message}` : `${problem.field}: ${problem.message}`;
}
