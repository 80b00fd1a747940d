import { dirname, resolve } from "node:path";
import { UsageError } from "../../model/errors.js";
import type { Severity } from "../../model/report.js";
import type { Catalogue } from "../rule-types.js";
import { parseSeverity } from "../../model/severity.js";
import { readValidatedYaml, throwIfProblems, type Problem } from "./validated-yaml.js";

/** How a user tailors the catalogue: from `--config FILE` and the flags, merged. */
export interface AuditCustomization {
  /** Extra rule files or folders, added to the built-in ones. */
  ruleDirs: string[];
  disable: string[];
  severity: Record<string, Severity>;
  allowlist?: string;
  failOn?: Severity;
}

/** Reads an audit configuration file (checks/audit/config.schema.json); relative paths are resolved against its folder. */
export function loadAuditConfig(file: string): AuditCustomization {
  const problems: Problem[] = [];
  const data = readValidatedYaml(file, "config.schema.json", problems) as
    | { rules?: string[]; disable?: string[]; severity?: Record<string, Severity>; allowlist?: string; failOn?: Severity }
    | undefined;
  throwIfProblems("audit configuration", problems);
  const base = dirname(file);
  const customization: AuditCustomization = {
    ruleDirs: (data?.rules ?? []).map((path) => resolve(base, path)),
    disable: data?.disable ?? [],
    severity: { ...(data?.severity ?? {}) },
  };
  if (data?.allowlist) customization.allowlist = resolve(base, data.allowlist);
  if (data?.failOn) customization.failOn = data.failOn;
  return customization;
}

/** Parses `--severity ID=LEVEL` values. */
export function parseSeverityOverrides(values: readonly string[]): Record<string, Severity> {
  const overrides: Record<string, Severity> = {};
  for (const value of values) {
    const [id, level] = value.split("=", 2);
    const severity = parseSeverity(level ?? "");
    if (!id || !severity) throw new UsageError(`invalid --severity "${value}": use RULE-ID=LEVEL with LEVEL one of critical, high, medium, low, info`);
    overrides[id] = severity;
  }
  return overrides;
}

/**
 * The catalogue with rules disabled and re-levelled. A re-levelled rule gets the level everywhere
 * (its namespaced severity too). Unknown rule ids are a `UsageError`: a typo must not silently keep
 * a rule on.
 */
export function customizeCatalogue(catalogue: Catalogue, customization: Pick<AuditCustomization, "disable" | "severity">): Catalogue {
  const known = new Set(catalogue.rules.map((rule) => rule.id));
  for (const id of [...customization.disable, ...Object.keys(customization.severity)]) {
    if (!known.has(id)) throw new UsageError(`unknown audit rule "${id}"; the rules are: ${[...known].join(", ")}`);
  }
  const disabled = new Set(customization.disable);
  return {
    rules: catalogue.rules
      .filter((rule) => !disabled.has(rule.id))
      .map((rule) => {
        const severity = customization.severity[rule.id];
        if (!severity) return rule;
        const { namespacedSeverity: _dropped, ...rest } = rule;
        return { ...rest, severity };
      }),
  };
}
