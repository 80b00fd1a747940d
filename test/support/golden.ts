import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Expects `actual` to equal the committed golden file. `UPDATE_GOLDEN=1` writes the file first (then
 * read the diff like a change to the code); without it, a missing golden is a failure, never a new
 * golden, so a renamed or forgotten file cannot pass by writing itself.
 */
export function expectGolden(golden: URL | string, actual: string | Buffer): void {
  const path = golden instanceof URL ? fileURLToPath(golden) : golden;
  const name = relative(root, path);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${name} is missing: write it with UPDATE_GOLDEN=1 and read the diff`).toBe(true);
  if (typeof actual === "string") expect(actual, name).toBe(readFileSync(path, "utf8"));
  else expect(actual.equals(readFileSync(path)), `the new output differs from ${name}`).toBe(true);
}
