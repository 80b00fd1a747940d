#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it imports, dependencies included) into
// dist/bundle/: main.js plus one chunk per lazily loaded part (each command's implementation,
// --expect, ajv...). `npm run build` runs it after tsc, which still writes dist/ for the library.
//
// Why: Node 20 resolves, reads and compiles each ES module on its own, and `saprobe run` loaded about
// 240 of them (dist/, yaml, undici): about 50 ms of a run that should cost one process start and a
// few round trips (bench/run-suite.mjs). Node 20 has no module compile cache (22.1+), so fewer and
// larger files is the cache we can have.
//
// bin/saprobe.js uses the bundle when it is at least as new as tsc's dist/cli/main.js, so a plain
// `tsc` afterwards never leaves a stale bundle running.
import { readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const sources = join(root, "src");
const outdir = join(root, "dist", "bundle");

/**
 * Source files find their data (checks/, schemas/, package.json) relative to `import.meta.url`, as
 * compiled files one level per folder below dist/. In the bundle every module's `import.meta.url` is
 * the bundle's own, so each use is rewritten to the URL its tsc output would have.
 */
const compiledLocation = {
  name: "import-meta-url-as-compiled",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url") || !args.path.startsWith(sources)) return { contents: text, loader: "ts" };
      const compiled = join(root, "dist", relative(sources, args.path)).replace(/\.ts$/, ".js");
      const fromBundle = relative(outdir, compiled).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * `await import("ajv")` of a CommonJS package: Node gives the module its named exports (found by
 * cjs-module-lexer), esbuild only `default`. The dynamic import gets a facade that names each export
 * the package has, read from the package itself.
 */
const namedCommonJsExports = {
  name: "named-exports-of-dynamically-imported-commonjs",
  setup(pluginBuild) {
    const requireFromRoot = createRequire(join(root, "package.json"));
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === "dynamic-import" && !args.path.startsWith("node:") ? { path: args.path, namespace: "facade" } : undefined));
    pluginBuild.onLoad({ filter: /.*/, namespace: "facade" }, (args) => {
      const names = Object.keys(requireFromRoot(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default");
      const contents = [`import * as all from ${JSON.stringify(args.path)};`, "export default all.default;", ...names.map((name) => `export const ${name} = all.${name};`)].join("\n");
      return { contents, loader: "js", resolveDir: root };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(sources, "cli", "main.ts") },
  outdir,
  bundle: true,
  // Every output file sits in outdir: the import.meta.url rewriting above relies on it.
  splitting: true,
  chunkNames: "[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20.18",
  // Bundled CommonJS dependencies (undici, yaml, ajv) call require() for Node's built-in modules.
  banner: { js: 'import { createRequire as saprobeCreateRequire } from "node:module";\nconst require = saprobeCreateRequire(import.meta.url);' },
  plugins: [compiledLocation, namedCommonJsExports],
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".js"));
const bytes = outputs.reduce((total, [, output]) => total + output.bytes, 0);
console.log(`scripts/bundle.mjs: dist/bundle/ holds ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
