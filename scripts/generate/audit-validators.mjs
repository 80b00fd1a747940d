#!/usr/bin/env node
// Compiles the audit's schemas (checks/audit/schema.json, allowlist.schema.json, config.schema.json)
// ahead of time into src/audit/files/audit-validators.generated.ts (ajv standalone code, the options
// they were compiled with at run time), so an audit or `usage` neither imports ajv (~15 ms of CPU)
// nor compiles a schema when a user gives a rule file, allowlist or configuration
// (bench/startup.mjs). test/audit/audit-validators.test.ts fails when the generated file is not what
// this script writes now (a schema or ajv changed), and checks that it answers as ajv compiling the
// schemas at run time does.
// Usage: node scripts/generate/audit-validators.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AJV_OPTIONS, standaloneSource } from "./standalone.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

export { AJV_OPTIONS };

/** Each schema file of checks/audit, by the name its validator is exported under. */
export const AUDIT_SCHEMAS = { rules: "schema.json", allowlist: "allowlist.schema.json", config: "config.schema.json" };

/** The generated module's text. */
export function validatorSource() {
  return standaloneSource({
    generator: "scripts/generate/audit-validators.mjs",
    from: "checks/audit/{schema,allowlist.schema,config.schema}.json",
    comment: "// One validate function per audit schema, exported under AUDIT_SCHEMAS's names; errors as ajv reports them (verbose).",
    compile: (ajv) => {
      const exported = {};
      for (const [name, file] of Object.entries(AUDIT_SCHEMAS)) {
        const schema = JSON.parse(readFileSync(`${root}checks/audit/${file}`, "utf8"));
        ajv.addSchema(schema);
        exported[name] = schema.$id;
      }
      return exported;
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(`${root}src/audit/files/audit-validators.generated.ts`, validatorSource());
  console.log("wrote src/audit/files/audit-validators.generated.ts");
}
