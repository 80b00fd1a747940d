import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as compiledValidators from "../../src/audit/files/audit-validators.generated.js";

/*
 * The audit's schemas (checks/audit/schema.json, allowlist.schema.json, config.schema.json) are
 * compiled ahead of time (src/audit/files/audit-validators.generated.ts). These tests fail when that
 * file is stale, and check that each validator answers exactly as ajv compiling its schema at run
 * time, with the same options, answers: the same verdict and the same errors, which the problem
 * describer (src/input/schema-problems.ts) turns into messages.
 */

const ROOT = join(import.meta.dirname, "../..");
const TOOL = pathToFileURL(join(ROOT, "scripts/generate/audit-validators.mjs")).href;

interface Validate {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}

type Name = "rules" | "allowlist" | "config";

async function runtimeValidators(): Promise<Record<Name, Validate>> {
  const { AJV_OPTIONS, AUDIT_SCHEMAS } = (await import(TOOL)) as { AJV_OPTIONS: Record<string, unknown>; AUDIT_SCHEMAS: Record<Name, string> };
  const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: new (options: Record<string, unknown>) => { compile(schema: unknown): Validate } };
  const compile = (file: string) => new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(join(ROOT, "checks/audit", file), "utf8")));
  return { rules: compile(AUDIT_SCHEMAS.rules), allowlist: compile(AUDIT_SCHEMAS.allowlist), config: compile(AUDIT_SCHEMAS.config) };
}

const rule = { id: "my-rule", title: "t", severity: "high", rationale: "r", remediation: "r", match: { kind: "missing-role" } };
const samples: [Name, string, unknown][] = [
  ...readdirSync(join(ROOT, "checks/audit"))
    .filter((file) => file.endsWith(".yaml"))
    .map((file): [Name, string, unknown] => ["rules", `checks/audit/${file}`, parse(readFileSync(join(ROOT, "checks/audit", file), "utf8"))]),
  ["rules", "not a mapping", "rules"],
  ["rules", "no rules, an unknown key", { extra: 1 }],
  [
    "rules",
    "a bad id, severity and match kind, a missing field",
    { rules: [{ ...rule, id: "Bad_ID", severity: "huge", match: { kind: "nope" }, title: undefined }] },
  ],
  ["rules", "a field the rule does not take", { rules: [{ ...rule, colour: "red" }] }],
  ["allowlist", "a valid entry", { allow: [{ rule: "*", subject: "ServiceAccount apps/app", reason: "known", expires: "2030-01-01" }] }],
  ["allowlist", "no allow", {}],
  ["allowlist", "a bad date, an empty reason, an unknown field", { allow: [{ rule: "x", reason: "", expires: "soon", colour: 1 }] }],
  ["allowlist", "no rule, a number as subject", { allow: [{ reason: "r", subject: 3 }] }],
  ["config", "a valid configuration", { rules: ["extra"], disable: ["a"], severity: { a: "low" }, allowlist: "allow.yaml", failOn: "high" }],
  ["config", "an unknown severity, empty strings, an unknown key", { severity: { a: "huge" }, rules: [""], allowlist: "", failOn: "never", extra: true }],
  ["config", "astral characters counted as one", { allowlist: "😀" }],
];

describe("the ahead-of-time audit schema validators", () => {
  it("are what scripts/generate/audit-validators.mjs writes now (run it after changing a schema in checks/audit or ajv)", async () => {
    const { validatorSource } = (await import(TOOL)) as { validatorSource(): string };
    expect(readFileSync(join(ROOT, "src/audit/files/audit-validators.generated.ts"), "utf8")).toBe(validatorSource());
  });

  it("answer as ajv compiling checks/audit's schemas at run time: the same verdict and the same errors", async () => {
    const runtime = await runtimeValidators();
    const compiled = compiledValidators as unknown as Record<Name, Validate>;
    const failures: Record<Name, number> = { rules: 0, allowlist: 0, config: 0 };
    const check = (name: Name, label: string, data: unknown) => {
      const expected = runtime[name](data);
      expect(compiled[name](data), label).toBe(expected);
      expect(JSON.stringify(compiled[name].errors ?? null), label).toBe(JSON.stringify(runtime[name].errors ?? null));
      if (!expected) failures[name] += 1;
    };
    for (const [name, label, data] of samples) check(name, label, data);
    const unusual = join(ROOT, "fixtures/hostile/unusual/audit");
    for (const file of readdirSync(unusual).filter((name) => /\.(ya?ml|json)$/.test(name))) {
      let data: unknown;
      try {
        data = parse(readFileSync(join(unusual, file), "utf8").replace(/^\uFEFF/, ""));
      } catch {
        continue;
      }
      check(file.startsWith("allowlist") ? "allowlist" : file.startsWith("config") ? "config" : "rules", file, data);
    }
    // Every schema must see errors, or the comparison proves little.
    expect(failures.rules).toBeGreaterThan(2);
    expect(failures.allowlist).toBeGreaterThan(1);
    expect(failures.config).toBeGreaterThan(0);
  });
});
