import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/*
 * The rules of ARCHITECTURE.md, read from the imports of every file in src/. A rule broken here is a
 * design decision to make in ARCHITECTURE.md first, not a test to relax.
 */

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

const files = sourceFiles(SRC);
const texts = new Map(files.map((file) => [file, readFileSync(file, "utf8")]));
const name = (file: string) => relative(SRC, file);

/** Specifiers a file imports at run time (`import type` is erased and does not count). */
function importsOf(file: string): string[] {
  const text = texts.get(file) ?? "";
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) found.push(match[1] as string);
  for (const match of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1] as string);
  return found;
}

/** Local imports resolved to files in src/. */
function localImports(file: string): string[] {
  return importsOf(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
}

function inFolder(folder: string): string[] {
  return files.filter((file) => name(file).startsWith(`${folder}/`));
}

const IO_MODULES = /^(node:)?(fs|fs\/promises|net|tls|http|https|http2|child_process|dgram|dns|worker_threads)$|^undici/;

describe("ARCHITECTURE.md rules", () => {
  it("1. no import cycles in src/ (static or dynamic)", () => {
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, "visiting");
      stack.push(file);
      for (const next of localImports(file)) {
        if (!texts.has(next)) continue;
        if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next].map(name).join(" -> "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("2. the RBAC engine does no I/O: src/rbac imports no Node module and nothing outside rbac/, model/ and the pure input/suggest.ts", () => {
    const offending = inFolder("rbac").flatMap((file) =>
      importsOf(file)
        .filter((spec) =>
          spec.startsWith(".")
            ? !/^(rbac\/|model\/|input\/suggest\.ts$)/.test(name(resolve(dirname(file), spec).replace(/\.js$/, ".ts")))
            : !spec.endsWith(".json"),
        )
        .map((spec) => `${name(file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("3. renderers only format: src/report imports no I/O module (but write.ts) and nothing of cli/, kube/ or connect/", () => {
    const offending = inFolder("report").flatMap((file) =>
      importsOf(file)
        .filter((spec) =>
          spec.startsWith(".") ? /^(cli|kube|connect)\//.test(name(resolve(dirname(file), spec))) : IO_MODULES.test(spec) && name(file) !== "report/write.ts",
        )
        .map((spec) => `${name(file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("3. renderers spell no predicate over findings: the report model says which are listed, to act on or counted", () => {
    const predicate = /status\s*[!=]==\s*"(expected|finding|unknown)"\s*(&&|\|\|)|(&&|\|\|)\s*!?\s*\w+\.suppressed\b/;
    expect(
      inFolder("report/render")
        .filter((file) => predicate.test(texts.get(file) ?? ""))
        .map(name),
    ).toEqual([]);
    expect(predicate.test('findings.filter((finding) => finding.status !== "expected" && !finding.suppressed)')).toBe(true);
  });

  it("4. only the CLI ends the process: process.exit only in src/cli/main.ts (a closed stdout must end the process at once)", () => {
    expect(files.filter((file) => /\bprocess\.exit\s*\(/.test(texts.get(file) ?? "")).map(name)).toEqual(["cli/main.ts"]);
  });

  it("5. nothing outside src/cli imports the CLI", () => {
    const offending = files
      .filter((file) => !name(file).startsWith("cli/"))
      .flatMap((file) =>
        localImports(file)
          .filter((target) => name(target).startsWith("cli/"))
          .map((target) => `${name(file)} imports ${name(target)}`),
      );
    expect(offending).toEqual([]);
  });

  it("6. every access review is asked through src/kube/access-reviews.ts: no other file writes a review's body", () => {
    const review = /kind:\s*"(SelfSubjectReview|SelfSubjectAccessReview|SubjectAccessReview|SelfSubjectRulesReview)"/;
    expect(files.filter((file) => !name(file).startsWith("kube/") && review.test(texts.get(file) ?? "")).map(name)).toEqual([]);
  });

  it("7. requests only in src/kube: no other file calls a client's request or watch", () => {
    const call = /\.(request|watch)\(/;
    expect(files.filter((file) => !name(file).startsWith("kube/") && call.test(texts.get(file) ?? "")).map(name)).toEqual([]);
    // The pattern sees the calls it is meant to see.
    expect(call.test("await client.request({ path })") && call.test("context.systemCaClient().watch({ path, query })")).toBe(true);
  });

  it("8. the audit engine is pure: src/audit outside files/ and live/ imports no Node module and nothing of kube/, connect/, audit/files or audit/live", () => {
    const impure = /^(audit\/files|audit\/live|kube|connect)\//;
    const offending = inFolder("audit")
      // index.ts is the folder's surface, re-exporting all three parts.
      .filter((file) => !/^audit\/(files\/|live\/|index\.ts$)/.test(name(file)))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => (spec.startsWith(".") ? impure.test(name(resolve(dirname(file), spec))) : spec.startsWith("node:") || IO_MODULES.test(spec)))
          .map((spec) => `${name(file)} imports ${spec}`),
      );
    expect(offending).toEqual([]);
    // The split is real: the live audit and the file readers are where the rule says.
    expect(inFolder("audit/live").some((file) => importsOf(file).some((spec) => spec.includes("/kube/")))).toBe(true);
    expect(inFolder("audit/files").some((file) => importsOf(file).some((spec) => spec.startsWith("node:")))).toBe(true);
  });

  it("ARCHITECTURE.md's folder table names every folder of src/, and no folder that is gone", () => {
    const folders = readdirSync(SRC).filter((entry) => statSync(join(SRC, entry)).isDirectory());
    const architecture = readFileSync(new URL("../ARCHITECTURE.md", import.meta.url), "utf8");
    const rows = [...architecture.matchAll(/^\| `([a-z]+)\/` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(folders.sort());
  });

  it("the library's surface: src/index.ts exports by name, and nothing it reaches is the CLI's", () => {
    const index = join(SRC, "index.ts");
    expect((texts.get(index) ?? "").match(/^export (type )?\*/gm) ?? []).toEqual([]);
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file) || !texts.has(file)) return;
      reached.add(file);
      for (const next of localImports(file)) visit(next);
    };
    visit(index);
    expect(reached.size).toBeGreaterThan(50);
    expect([...reached].map(name).filter((file) => file.startsWith("cli/"))).toEqual([]);
  });

  it("the rules can fail: the import reader sees static, re-exported and dynamic imports", () => {
    texts.set(
      "/virtual/a.ts",
      'import { x } from "./b.js";\nexport { y } from "./c.js";\nconst d = await import("./d.js");\nimport type { T } from "./e.js";\n',
    );
    expect(importsOf("/virtual/a.ts")).toEqual(["./b.js", "./c.js", "./d.js"]);
    texts.delete("/virtual/a.ts");
  });
});
