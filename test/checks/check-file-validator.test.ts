import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import validate from "../../src/checks/check-file-validator.generated.js";

/*
 * checks/schema.json is compiled ahead of time (src/checks/check-file-validator.generated.ts). These
 * tests fail when that file is stale, and check that it answers exactly as ajv compiling the schema
 * at run time, with the same options, answers: the same verdict and the same errors.
 */

const ROOT = join(import.meta.dirname, "../..");
const TOOL = pathToFileURL(join(ROOT, "scripts/generate/check-file-validator.mjs")).href;

interface Validate {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}

async function runtimeValidator(): Promise<Validate> {
  const { AJV_OPTIONS } = (await import(TOOL)) as { AJV_OPTIONS: Record<string, unknown> };
  const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: new (options: Record<string, unknown>) => { compile(schema: unknown): Validate } };
  return new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(join(ROOT, "checks/schema.json"), "utf8")));
}

const check = { id: "list-pods", title: "t", probe: "list", expect: "allowed", severity: "high", remediation: "r", resource: "pods" };
const samples: [string, unknown][] = [
  ["the default suite", parse(readFileSync(join(ROOT, "checks/default.yaml"), "utf8"))],
  ["an empty list", { checks: [] }],
  ["not a mapping", "checks"],
  ["no checks", {}],
  ["an unknown top-level key", { checks: [], extra: 1 }],
  ["a field the probe does not take", { checks: [{ ...check, path: "/healthz" }] }],
  ["a bad id, enum, type and a missing field", { checks: [{ ...check, id: "Bad_ID", probe: "nope", severity: 3, remediation: undefined }] }],
  ["an empty resource and a long name", { checks: [{ ...check, probe: "get", resource: "", name: "n".repeat(300) }] }],
  [
    "an access review without a verb, and with path and resource",
    { checks: [{ ...check, probe: "access-review", resource: undefined, reviews: [{ resource: "pods" }, { verb: "get", path: "/x", resource: "pods" }] }] },
  ],
  ["out-of-range numbers", { checks: [{ ...check, timeoutSeconds: 0, followSeconds: 301 }] }],
  ["astral characters counted as one", { checks: [{ ...check, probe: "get", name: "😀".repeat(200) }] }],
];

describe("the ahead-of-time check-file validator", () => {
  it("is what scripts/generate/check-file-validator.mjs writes now (run it after changing checks/schema.json or ajv)", async () => {
    const { validatorSource } = (await import(TOOL)) as { validatorSource(): string };
    expect(readFileSync(join(ROOT, "src/checks/check-file-validator.generated.ts"), "utf8")).toBe(validatorSource());
  });

  it("answers as ajv compiling checks/schema.json at run time: the same verdict and the same errors", async () => {
    const runtime = await runtimeValidator();
    const compiled = validate as unknown as Validate;
    let failures = 0;
    for (const [name, data] of samples) {
      const expected = runtime(data);
      expect(compiled(data), name).toBe(expected);
      expect(JSON.stringify(compiled.errors ?? null), name).toBe(JSON.stringify(runtime.errors ?? null));
      if (!expected) failures += 1;
    }
    // The samples must exercise errors, or the comparison proves little.
    expect(failures).toBeGreaterThan(7);
    for (const file of readdirSync(join(ROOT, "fixtures/checks")).filter((name) => /\.ya?ml$/.test(name))) {
      let data: unknown;
      try {
        data = parse(readFileSync(join(ROOT, "fixtures/checks", file), "utf8"));
      } catch {
        continue;
      }
      expect(compiled(data), file).toBe(runtime(data));
      expect(JSON.stringify(compiled.errors ?? null), file).toBe(JSON.stringify(runtime.errors ?? null));
    }
  });
});
