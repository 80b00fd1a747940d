import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCheckFile } from "../../src/checks/load.js";
import { kubeconfigCandidates, loadKubeconfigs } from "../../src/connect/kubeconfig/load.js";
import { readValidatedYaml, type Problem } from "../../src/audit/files/validated-yaml.js";
import { InputError } from "../../src/model/errors.js";

// Properties of the other file loaders (the manifest loader has its own, manifest-properties.test.ts):
// whatever bytes a check file, kubeconfig or audit file holds, the loader returns a value or an
// InputError naming the file; never another exception, and never a message carrying raw control
// characters from the input. Bounded: about a second per loader.

// Counterexamples fast-check found once, replayed in every run: a !!binary key (raw bytes in the
// key, and so in messages) and a list as a key (Node's "stringified" process warning).
const RUNS = { numRuns: 120, examples: [[Buffer.from("!!binary checks:\n")], [Buffer.from("? [a, b]\n: 1\n")]] as [Buffer][] };
const dir = mkdtempSync(join(tmpdir(), "saprobe-loader-props-"));
let counter = 0;

/** Fragments that make YAML parsers work hard, mixed with the keys each loader looks for. */
const fragments = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!binary ",
        "? ",
        "|\n",
        "#",
        '"',
        "'",
        "\t",
        "  ",
        "\n",
        "---\n",
        "\r\n",
        "\ufeff",
        "\u0000",
        "\u001b[2J",
        "\u0085",
      ),
      fc.constantFrom(
        "checks:\n",
        "  - id: x\n",
        "    probe: list\n",
        "clusters:\n",
        "- name: c\n",
        "  cluster: {server: https://k}\n",
        "users:\n",
        "current-context: x\n",
        "rules:\n",
        "allow:\n",
        "failOn: high\n",
        "server: a\nserver: b\n",
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.from(parts.join("")));
const anyInput = fc.oneof(
  fragments,
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

function write(bytes: Buffer): string {
  const path = join(dir, `input-${counter++}.yaml`);
  writeFileSync(path, bytes);
  return path;
}

function expectNamedInputError(error: unknown, file: string): void {
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).message).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/);
  expect(`${(error as InputError).file ?? ""} ${(error as InputError).message}`).toContain(file);
}

describe("file loader properties", () => {
  it("check files: checks, or an InputError naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async (bytes) => {
        const file = write(bytes);
        await loadCheckFile(file).then(
          (checks) => expect(Array.isArray(checks)).toBe(true),
          (error: unknown) => expectNamedInputError(error, file),
        );
      }),
      RUNS,
    );
  });

  it("kubeconfigs: a set, or an InputError naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(anyInput, async (bytes) => {
        const file = write(bytes);
        await loadKubeconfigs(kubeconfigCandidates({ explicit: file, env: {}, cwd: dir })).then(
          (loaded) => expect(loaded.files).toEqual([file]),
          (error: unknown) => expectNamedInputError(error, file),
        );
      }),
      RUNS,
    );
  });

  it("audit files: data, or problems naming the file; never an exception", () => {
    fc.assert(
      fc.property(anyInput, (bytes) => {
        const file = write(bytes);
        const problems: Problem[] = [];
        const data = readValidatedYaml(file, "allowlist.schema.json", problems);
        if (data === undefined) expect(problems.length).toBeGreaterThan(0);
        for (const problem of problems) {
          expect(problem.file).toBe(file);
          expect(problem.message).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/);
        }
      }),
      RUNS,
    );
  });
});
