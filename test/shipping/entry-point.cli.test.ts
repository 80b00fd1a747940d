import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repository } from "./packaged-layout.js";

// bin/saprobe.js chooses between dist/bundle/main.cjs (scripts/bundle.mjs) and dist/cli/main.js (tsc).
// Here both are stand-ins that say which one ran, in a copy of the package layout.
const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function layout(files: { bundle?: number; compiled?: number; checkout?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), "saprobe-entry-"));
  made.push(root);
  mkdirSync(join(root, "bin"));
  copyFileSync(join(repository, "bin/saprobe.js"), join(root, "bin/saprobe.js"));
  copyFileSync(join(repository, "bin/package.json"), join(root, "bin/package.json"));
  copyFileSync(join(repository, "bin/bundle-loader.cjs"), join(root, "bin/bundle-loader.cjs"));
  writeFileSync(join(root, "package.json"), '{"type":"module"}');
  if (files.checkout !== false) mkdirSync(join(root, "src"));
  const stub = (path: string, main: string, seconds: number) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), `${main}\n`);
    utimesSync(join(root, path), seconds, seconds);
  };
  const body = (name: string) => `async function main(argv) { process.stdout.write("${name} " + argv.join(" ")); return 7; }`;
  // The bundle is a pack of CommonJS chunks (scripts/bundle-packs.mjs), tsc's output an ES module (the root package.json says "module").
  if (files.bundle !== undefined)
    stub("dist/bundle/main.cjs", `({ "main.cjs": function (exports) { ${body("bundle")}\nexports.main = main; } })`, files.bundle);
  if (files.compiled !== undefined) stub("dist/cli/main.js", `export ${body("compiled")}`, files.compiled);
  return root;
}

function run(root: string): { stdout: string; status: number | null } {
  const result = spawnSync(process.execPath, [join(root, "bin/saprobe.js"), "run", "-o", "json"], { encoding: "utf8", timeout: 30_000 });
  return { stdout: result.stdout, status: result.status };
}

describe("bin/saprobe.js", () => {
  it("in a checkout, runs the bundle when it is as new as tsc's output or newer, passing argv and the exit code", () => {
    expect(run(layout({ bundle: 1_000, compiled: 1_000 }))).toEqual({ stdout: "bundle run -o json", status: 7 });
    expect(run(layout({ bundle: 2_000, compiled: 1_000 }))).toEqual({ stdout: "bundle run -o json", status: 7 });
  });

  it("runs tsc's output when a later tsc left the bundle stale, or when there is no bundle", () => {
    expect(run(layout({ bundle: 1_000, compiled: 2_000 }))).toEqual({ stdout: "compiled run -o json", status: 7 });
    expect(run(layout({ compiled: 1_000 }))).toEqual({ stdout: "compiled run -o json", status: 7 });
  });

  it("always runs the bundle in an installed package (no src/), whose files npm dates as it unpacks them", () => {
    expect(run(layout({ bundle: 1_000, compiled: 2_000, checkout: false }))).toEqual({ stdout: "bundle run -o json", status: 7 });
  });

  it("has V8 compile WebAssembly (undici's HTTP parser) with its baseline compiler only, the flags set just while a module compiles", () => {
    const root = layout({ bundle: 1_000, checkout: false });
    // main records the V8 flags set while it compiles and instantiates a module (the 8 bytes of an empty
    // one), and whether a code cache made before is still accepted after (V8 checks its flags' hash).
    const main = `async function main() {
      const vm = require("node:vm"); const source = "(function () { return 1 + 1; })()";
      const cachedData = new vm.Script(source).createCachedData();
      const v8 = require("node:v8"); const set = v8.setFlagsFromString; const flags = [];
      v8.setFlagsFromString = (flag) => { flags.push(flag); set(flag); };
      const compiled = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      new WebAssembly.Instance(compiled);
      const cacheAccepted = !new vm.Script(source, { cachedData }).cachedDataRejected;
      process.stdout.write(JSON.stringify({ flags, isModule: compiled instanceof WebAssembly.Module, cacheAccepted }));
      return 0;
    }`;
    writeFileSync(join(root, "dist/bundle/main.cjs"), `({ "main.cjs": function (exports, require) { ${main}\nexports.main = main; } })\n`);
    const flags = ["--liftoff-only --no-wasm-lazy-compilation", "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --wasm-lazy-compilation"];
    expect(run(root)).toEqual({ stdout: JSON.stringify({ flags, isModule: true, cacheAccepted: true }), status: 0 });
  });

  it("has V8's optimizing compiler work without inlining from the audit's pack on, each pack compiled under V8's defaults so its code cache is accepted", () => {
    // A code cache made under V8's defaults (a process without flags) is accepted only while they hold.
    const root = layout({ bundle: 1_000, checkout: false });
    const source = "(function () { return 1 + 1; })()";
    const reference = join(root, "reference.cache");
    execFileSync(process.execPath, [
      "-e",
      `require("node:fs").writeFileSync(${JSON.stringify(reference)}, new (require("node:vm").Script)(${JSON.stringify(source)}).createCachedData())`,
    ]);
    const main = `async function main() {
      const vm = require("node:vm"); const cachedData = require("node:fs").readFileSync(${JSON.stringify(reference)});
      const defaults = () => !new vm.Script(${JSON.stringify(source)}, { cachedData }).cachedDataRejected;
      const before = defaults(); const { after } = require("./audit-action-TEST.cjs");
      process.stdout.write(JSON.stringify({ before, after: after(defaults) }));
      return 0;
    }`;
    writeFileSync(join(root, "dist/bundle/main.cjs"), `({ "main.cjs": function (exports, require) { ${main}\nexports.main = main; } })\n`);
    writeFileSync(
      join(root, "dist/bundle/audit-action-TEST.cjs"),
      `({ "audit-action-TEST.cjs": function (exports) { exports.after = (defaults) => defaults(); } })\n`,
    );
    expect(run(root)).toEqual({ stdout: JSON.stringify({ before: true, after: false }), status: 0 });
    // The built bundle, loaded as bin/saprobe.js loads it: an audit loads the pack named in
    // WITHOUT_INLINING_FROM, and main's pack and the command's packs keep their caches.
    const loader = JSON.stringify(join(repository, "bin/bundle-loader.cjs"));
    const argv = JSON.stringify(["audit", "--manifests", join(repository, "fixtures/seed"), "-o", "json"]);
    const probe = `const l = require(${loader}); l.compileWebAssemblyWithBaselineOnly(); const r = l.loadBundle({ withoutInliningFrom: l.WITHOUT_INLINING_FROM });
      r.exports.main(${argv}).then(() => process._rawDebug(JSON.stringify([...r.loader.loaded].map(([name, pack]) => [name, pack.cache]))))`;
    const packs = JSON.parse(spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" }).stderr.trim().split("\n").at(-1) as string) as [string, string][];
    expect(packs.some(([name]) => name.startsWith("audit-action-"))).toBe(true);
    expect(new Set(packs.map(([, cache]) => cache))).toEqual(new Set(["accepted"]));
  });
});
