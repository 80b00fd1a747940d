import { readdirSync, readFileSync, statSync } from "node:fs";
import jsYaml from "js-yaml";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPrecompiled } from "../../input/precompiled.js";
import { InputError } from "../../model/errors.js";
import type { AuditRule, Catalogue } from "../rule-types.js";
import { inputProblem } from "../../input/stat-input.js";
import { readValidatedYaml, throwIfProblems, type Problem } from "./validated-yaml.js";

/** The folder of the built-in rules and the audit's schemas: `checks/audit` at the package root (from `src/audit/files` or `dist/audit/files`). */
export const BUILTIN_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../checks/audit");

function ruleFilesIn(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(path, name));
  } catch (error) {
    throw new InputError(`cannot read the audit rules: ${inputProblem(error)}`, { file: path });
  }
}

/**
 * The rules saprobe ships, read without the YAML document API and the schema compiler (about a
 * tenth of a second per run): test/audit/catalogue.test.ts proves that they validate and that this
 * reads them exactly as the validated path does. Rule files a user adds always take that path.
 */
function readBuiltinRules(file: string): unknown {
  return jsYaml.load(readFileSync(file, "utf8"), { schema: jsYaml.CORE_SCHEMA, filename: file });
}

/**
 * The rule files saprobe ships, each parsed (by file name). The build saves this
 * (scripts/bundle.mjs, src/input/precompiled.ts) and a run reads it while the files are unchanged.
 */
export function readBuiltinRuleFiles(): Record<string, unknown> {
  return Object.fromEntries(ruleFilesIn(BUILTIN_RULES_DIR).map((file) => [basename(file), readBuiltinRules(file)]));
}

/**
 * Loads audit rules from files and folders (each `*.yaml`/`*.yml` holds `rules: [...]`), validated
 * against checks/audit/schema.json. Every problem in every file is reported at once, in one
 * `InputError` naming the first file. Rule ids must be unique across all files.
 */
export function loadCatalogue(paths: readonly string[] = [BUILTIN_RULES_DIR]): Catalogue {
  const problems: Problem[] = [];
  const rules: AuditRule[] = [];
  const seen = new Map<string, string>();
  const saved = paths.includes(BUILTIN_RULES_DIR) ? readPrecompiled<Record<string, unknown>>("audit-rules", ruleFilesIn(BUILTIN_RULES_DIR)) : undefined;
  for (const file of paths.flatMap(ruleFilesIn)) {
    const builtin = dirname(file) === BUILTIN_RULES_DIR;
    const data = (builtin ? (saved?.[basename(file)] ?? readBuiltinRules(file)) : readValidatedYaml(file, "schema.json", problems)) as
      | { rules: AuditRule[] }
      | undefined;
    for (const rule of data?.rules ?? []) {
      const earlier = seen.get(rule.id);
      if (earlier) problems.push({ file, message: `rule id "${rule.id}" is already defined in ${earlier}` });
      else seen.set(rule.id, file);
      rules.push({ ...rule, rationale: rule.rationale.trim(), remediation: rule.remediation.trim(), file });
    }
  }
  throwIfProblems("audit rules", problems);
  return { rules };
}
