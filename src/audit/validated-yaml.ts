import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { readTextFile } from "../input/read-text-file.js";
import { didYouMean, propertyNames } from "../input/suggest.js";
import { locatedParseErrors, toJsWithinLimits } from "../input/yaml-limits.js";
import { InputError } from "../model/errors.js";

/*
 * Reads the audit's own small YAML files (rules, allowlist, configuration) and validates them with
 * ajv against the JSON Schemas in checks/audit, collecting every problem with file, line and column
 * so a user fixes them all in one go.
 */

/** One problem in one file, with where it is. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** These files are small; anything bigger is not one of them. */
const MAX_FILE_BYTES = 1024 * 1024;

const validators = new Map<string, ValidateFunction>();

function validatorFor(schemaDir: string, schemaFile: string): ValidateFunction {
  const path = join(schemaDir, schemaFile);
  let validate = validators.get(path);
  if (!validate) {
    const schema = JSON.parse(readFileSync(path, "utf8")) as object;
    // verbose: errors carry their schema, so an unknown field can be matched against the known ones.
    validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
    validators.set(path, validate);
  }
  return validate;
}

function positionOf(node: Node | undefined, lines: LineCounter): { line?: number; column?: number } {
  const offset = node?.range?.[0];
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "the file" : error.instancePath.slice(1).replaceAll("/", ".");
  if (error.keyword === "additionalProperties") {
    const field = String(error.params.additionalProperty);
    return `${where}: unknown field "${field}"${didYouMean(field, propertyNames(error.parentSchema))}`;
  }
  if (error.keyword === "propertyNames") return `${where}: only "kind" is allowed for this kind of matcher`;
  if (error.keyword === "enum") return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
  return `${where}: ${error.message ?? "is invalid"}`;
}

function nodeAt(root: Node | null | undefined, instancePath: string): Node | undefined {
  let node: unknown = root;
  for (const segment of instancePath.split("/").slice(1)) {
    if (isMap(node)) node = node.get(segment, true);
    else if (isSeq(node)) node = node.get(Number(segment), true);
    else break;
  }
  return (node ?? undefined) as Node | undefined;
}

/** Reads and validates one YAML file; returns undefined (and adds to `problems`) when it is unusable. */
export function readValidatedYaml(file: string, schemaDir: string, schemaFile: string, problems: Problem[]): unknown {
  let text: string;
  try {
    text = readTextFile(file, { what: "audit file", maxBytes: MAX_FILE_BYTES });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push({ file, line: error.line, column: error.column, message: error.message });
    return undefined;
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    problems.push(...locatedParseErrors(document, lines).map((problem) => ({ file, ...problem })));
    return undefined;
  }
  const converted = toJsWithinLimits(document, lines);
  if ("problem" in converted) {
    problems.push({ file, ...converted.problem });
    return undefined;
  }
  const data = converted.value;
  const validate = validatorFor(schemaDir, schemaFile);
  if (validate(data)) return data;
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // "if" only says that a "then"/"else" failed; the errors next to it say what is wrong.
    if (error.keyword === "if") continue;
    const problem = { file, ...positionOf(nodeAt(document.contents, error.instancePath), lines), message: describeSchemaError(error) };
    const key = `${problem.line}:${problem.column}:${problem.message}`;
    if (!seen.has(key)) problems.push(problem);
    seen.add(key);
  }
  return undefined;
}

/** Throws one `InputError` listing every problem (naming the first file), or returns. */
export function throwIfProblems(what: string, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const first = problems[0] as Problem;
  const listed = problems.map((problem) => `  ${[problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(":")}: ${problem.message}`);
  throw new InputError(`invalid ${what} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${listed.join("\n")}`, { file: first.file });
}
