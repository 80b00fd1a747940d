import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDefaultChecks } from "../../src/checks/load.js";
import { PROBE_KINDS } from "../../src/checks/types.js";
import { PROBES } from "../../src/probes/index.js";

const schema = JSON.parse(readFileSync("checks/schema.json", "utf8")) as { definitions: { check: { properties: { probe: { enum: string[] } } } } };

describe("probe kinds", () => {
  it("are the same in the JSON Schema, the type and the probe modules", () => {
    expect(schema.definitions.check.properties.probe.enum).toEqual([...PROBE_KINDS]);
    expect(Object.keys(PROBES).sort()).toEqual([...PROBE_KINDS].sort());
  });

  it("every default check's probe kind has a module", async () => {
    for (const check of await loadDefaultChecks()) expect(PROBES[check.probe], check.id).toBeTypeOf("function");
  });
});
