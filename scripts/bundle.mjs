#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it imports, dependencies included) into one
// CommonJS file, dist/bundle/main.cjs. `npm run build` runs it after tsc, which still writes dist/
// for the library. What a command loads on demand (its implementation, --expect, ajv) stays lazy:
// it is parsed with the file but only evaluated when imported.
//
// Why: Node 20 resolves, reads and compiles each ES module on its own, and `saprobe run` loaded about
// 240 of them (dist/, yaml, undici): about 50 ms of a run that should cost one process start and a
// few round trips (bench/run-suite.mjs). One CommonJS file also spares Node's ES module loader
// (fs/promises, streams, readline...), about 10 ms more than one ES module file. Node 20 has no module
// compile cache (22.1+), so this script also writes a V8 code cache of the bundle (scripts/code-cache.cjs,
// read by bin/bundle-loader.cjs): 1.12x faster side by side (bench/run-suite.mjs). An earlier try
// measured no gain because V8 rejected the cache: saprobe sets --liftoff-only while it runs, and V8
// accepts a cache only under the flags it was made with; the loader now sets the flag first.
//
// bin/saprobe.js uses the bundle in an installed package, and in a checkout when it is at least as new
// as tsc's dist/cli/main.js, so a plain `tsc` afterwards never leaves a stale bundle running.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
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
 * the bundle file's URL, so each use is rewritten to the URL its tsc output would have.
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

/**
 * undici's HTTP/2 client loads node:http2 when undici loads (about 5 ms of every start, measured
 * with `node -e 'require("http2")'`), but it only runs when a connection negotiated h2, and undici
 * offers h2 (ALPN) only with `allowH2`, which saprobe never sets: the apiserver answers anonymous
 * HTTP/2 requests with GOAWAY, which undici turns into failures of every request on the connection.
 */
const withoutHttp2Client = {
  name: "without-undici-http2-client",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) => (args.importer.endsWith(join("undici", "lib", "dispatcher", "client.js")) ? { path: args.path, namespace: "no-http2" } : undefined));
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-http2" }, () => ({
      contents: 'module.exports = async function connectH2 () { throw new Error("saprobe\'s bundle has no HTTP/2 client: undici was asked for allowH2 (see scripts/bundle.mjs)") }',
      loader: "js",
    }));
  },
};

await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(sources, "cli", "main.ts") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20.18",
  // CommonJS has no import.meta: the bundle file's own URL stands in for it.
  banner: { js: 'const saprobeBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { "import.meta.url": "saprobeBundleUrl" },
  plugins: [compiledLocation, namedCommonJsExports, withoutHttp2Client],
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith(".cjs"));
const bytes = outputs.reduce((total, [, output]) => total + output.bytes, 0);

// The bundle's first line names it by its content, and the V8 code cache written next to it names the
// bundle it was made from (bin/bundle-loader.cjs uses a cache only for that bundle). The cache is made
// in a fresh process, with no flags but the one the loader sets, as bin/saprobe.js will run.
const bundleFile = join(outdir, "main.cjs");
const bundled = await readFile(bundleFile, "utf8");
const id = createHash("sha256").update(bundled).digest("hex").slice(0, 16);
await writeFile(bundleFile, `// saprobe-bundle-id: ${id}\n${bundled}`);
// The cache only makes starts faster: without it (a failed warm-up) the CLI works the same, so a
// failure is a warning, not a failed install. The packaging test checks that V8 accepts the cache.
const cache = spawnSync(process.execPath, [join(root, "scripts", "code-cache.cjs")], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
if (cache.status === 0) {
  const cacheBytes = (await stat(join(outdir, "main.cache"))).size;
  console.log(`scripts/bundle.mjs: dist/bundle/ holds ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB, and a V8 code cache of ${(cacheBytes / 1024).toFixed(0)} KiB`);
} else {
  await rm(join(outdir, "main.cache"), { force: true });
  console.warn(`scripts/bundle.mjs: no V8 code cache (scripts/code-cache.cjs exited ${cache.status}; the CLI starts a little slower): ${(cache.stderr || String(cache.error ?? "")).trim().split("\n")[0]}`);
  console.log(`scripts/bundle.mjs: dist/bundle/ holds ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB`);
}
