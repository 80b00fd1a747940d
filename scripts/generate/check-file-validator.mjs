#!/usr/bin/env node
// Compiles checks/schema.json ahead of time into src/checks/check-file-validator.generated.ts (ajv
// standalone code, with the options src/checks/validate.ts compiled it with at run time), so
// `saprobe validate` and `run --checks` do not spend ~70 ms of CPU importing ajv and compiling the
// schema on every run (bench/startup.mjs). test/checks/check-file-validator.test.ts fails when the
// generated file is not what this script writes now (schema or ajv changed), and checks that it
// answers as ajv compiling the schema at run time does.
// Usage: node scripts/generate/check-file-validator.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AJV_OPTIONS, standaloneSource } from "./standalone.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

export { AJV_OPTIONS };

/** The generated module's text. */
export function validatorSource() {
  const schema = JSON.parse(readFileSync(`${root}checks/schema.json`, "utf8"));
  return standaloneSource({
    generator: "scripts/generate/check-file-validator.mjs",
    from: "checks/schema.json",
    comment: "// The check-file validator; errors as ajv reports them (verbose).",
    compile: (ajv) => ajv.compile(schema),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(`${root}src/checks/check-file-validator.generated.ts`, validatorSource());
  console.log("wrote src/checks/check-file-validator.generated.ts");
}
