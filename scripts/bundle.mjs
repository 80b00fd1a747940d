#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it imports, dependencies included) into CommonJS
// chunks in dist/bundle/: main.cjs holds what every run needs (argv, help, the command table), and each
// command's implementation, with what only it imports (undici, yaml, ajv, the RBAC engine...), lives
// in chunks loaded when that command runs. `npm run build` runs this after tsc, which still writes
// dist/ for the library. bin/bundle-loader.cjs loads the chunks, each with its V8 code cache.
//
// Why: Node 20 resolves, reads and compiles each ES module on its own, and `saprobe run` loaded about
// 240 of them (dist/, yaml, undici): about 50 ms of a run (bench/run-suite.mjs). CommonJS also spares
// Node's ES module loader (about 10 ms). One file for everything made every command read, deserialize
// and run the top level of all of it (1.9 MB, 1.3 MB of code cache, node:crypto and node:fs/promises at
// the top): `saprobe --help` cost 1.51x `node -e 0` (bench/startup.mjs). esbuild splits only ES module
// output, so the chunks are built as ES modules and each is then turned into CommonJS (esbuild's
// transform: `import()` of a chunk becomes a `require` that bin's loader answers). The chunks are
// then grouped into one file per entry point (scripts/bundle-packs.mjs says why): main.cjs, and one
// per chunk an `import()` loads, named after it.
//
// Node 20 has no module compile cache (22.1+), so this script also writes a V8 code cache per file
// (scripts/code-cache.cjs). V8 accepts a cache only under the flags it was made with: bin/saprobe.js
// sets no V8 flag for the whole process, and the cache is made without any.
//
// bin/saprobe.js uses the bundle in an installed package, and in a checkout when it is at least as new
// as tsc's dist/cli/main.js, so a plain `tsc` afterwards never leaves a stale bundle running.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, transform } from "esbuild";
import { packChunks } from "./bundle-packs.mjs";

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
      return {
        contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader: "ts",
        resolveDir: dirname(args.path),
      };
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
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === "dynamic-import" && !args.path.startsWith("node:") ? { path: args.path, namespace: "facade" } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "facade" }, (args) => {
      const names = Object.keys(requireFromRoot(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default");
      const contents = [
        `import * as all from ${JSON.stringify(args.path)};`,
        "export default all.default;",
        ...names.map((name) => `export const ${name} = all.${name};`),
      ].join("\n");
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
    pluginBuild.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      args.importer.endsWith(join("undici", "lib", "dispatcher", "client.js")) ? { path: args.path, namespace: "no-http2" } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "no-http2" }, () => ({
      contents:
        'module.exports = async function connectH2 () { throw new Error("saprobe\'s bundle has no HTTP/2 client: undici was asked for allowH2 (see scripts/bundle.mjs)") }',
      loader: "js",
    }));
  },
};

/**
 * undici's cookie helpers check their argument against its own `Headers` and `globalThis.Headers`,
 * when the module loads. In Node 20 that global is a getter that loads Node's own copy of undici
 * (with node:http2): about 35 ms of every live command's start (bench/startup.mjs), for helpers
 * saprobe never calls. In the bundle, the check names undici's own `Headers` only. If a later undici
 * words it differently, nothing is replaced and the bench shows the cost again.
 */
const withoutGlobalHeaders = {
  name: "undici-cookies-without-global-headers",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]web[\\/]cookies[\\/]index\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replace("[Headers, globalThis.Headers].filter(Boolean)", "[Headers]"),
      loader: "js",
    }));
  },
};

/**
 * undici calls node:assert as `assert(value)` on its own invariants, and nothing else of it (the test of
 * scripts/undici-in-bundle.cjs checks), but loading node:assert cost about 1.5 ms of every live command's
 * start (bench/startup.mjs). In the bundle, undici's `assert` loads node:assert only when an assertion
 * fails, and then fails with node:assert's own AssertionError.
 */
const undiciAssertOnFailure = {
  name: "undici-assert-on-failure",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:assert$/ }, (args) =>
      args.importer.includes(join("undici", "lib")) ? { path: "node:assert", namespace: "assert-on-failure" } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "assert-on-failure" }, () => ({
      contents: 'module.exports = function assert(value, message) { if (!value) require("node:assert")(value, message) }',
      loader: "js",
    }));
  },
};

/**
 * `undici` in saprobe's sources means, in the bundle, scripts/undici-in-bundle.cjs: the undici files
 * saprobe uses rather than undici's whole public index (that file says why, with the figures).
 */
const undiciAsUsed = {
  name: "undici-as-used",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.startsWith(sources) ? { path: join(root, "scripts", "undici-in-bundle.cjs") } : undefined,
    );
  },
};

/**
 * The `yaml` package is its own chunk (vendor-yaml.cjs, built below), loaded the first time a module
 * uses one of its exports, not when a module that imports it loads. In the main build `yaml` is a
 * module of getters, one per export the package has (read from the package), that require that chunk
 * on first use. Why: most runs read no YAML at all (an audit of JSON or of small manifests, the
 * manifest loader parsing with js-yaml; a live command without a kubeconfig), yet the package's chunk
 * (262 KB, 200 KB of code cache) was loaded and its modules run by every command that imports a
 * module that imports it (bench/startup.mjs).
 */
const YAML_CHUNK = "vendor-yaml.cjs";
const yamlOnDemand = {
  name: "yaml-on-demand",
  setup(pluginBuild) {
    const requireFromRoot = createRequire(join(root, "package.json"));
    pluginBuild.onResolve({ filter: /^yaml$/ }, (args) => (args.importer.startsWith(sources) ? { path: "yaml", namespace: "yaml-on-demand" } : undefined));
    pluginBuild.onResolve({ filter: new RegExp(`^\\./${YAML_CHUNK.replace(".", "\\.")}$`) }, (args) =>
      args.namespace === "yaml-on-demand" ? { path: args.path, external: true } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "yaml-on-demand" }, () => {
      const names = Object.keys(requireFromRoot("yaml")).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
      const contents = [
        "let yaml;",
        `const loaded = () => (yaml ??= require(${JSON.stringify(`./${YAML_CHUNK}`)}));`,
        `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => loaded()[name] });`,
      ].join("\n");
      return { contents, loader: "js", resolveDir: root };
    });
  },
};

// The default check suite and the audit's built-in rules, parsed once here instead of on every run
// (bench/startup.mjs): src/input/precompiled.ts says when a run may use them (only while the files are unchanged).
const precompiledDir = join(root, "dist", "precompiled");
await rm(precompiledDir, { recursive: true, force: true });
const { loadCheckFile, DEFAULT_CHECKS_FILE } = await import(pathToFileURL(join(root, "dist", "checks", "load.js")).href);
const { precompiledRecord } = await import(pathToFileURL(join(root, "dist", "input", "precompiled.js")).href);
await mkdir(precompiledDir, { recursive: true });
await writeFile(
  join(precompiledDir, "default-checks.json"),
  precompiledRecord([DEFAULT_CHECKS_FILE], await loadCheckFile(DEFAULT_CHECKS_FILE, { trusted: true })),
);
const { readBuiltinRuleFiles, BUILTIN_RULES_DIR } = await import(pathToFileURL(join(root, "dist", "audit", "files", "catalogue.js")).href);
const ruleFiles = (await readdir(BUILTIN_RULES_DIR)).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(BUILTIN_RULES_DIR, name));
await writeFile(join(precompiledDir, "audit-rules.json"), precompiledRecord(ruleFiles, readBuiltinRuleFiles()));

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: { main: join(sources, "cli", "main.ts") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.18",
  chunkNames: "[name]-[hash]",
  // Each chunk becomes CommonJS below; its own URL stands in for import.meta.url (see compiledLocation),
  // made when a module reads it: most chunks never do, and making it cost every command about 0.5 ms.
  banner: { js: 'const saprobeBundle = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
  define: { "import.meta.url": "saprobeBundle.url" },
  plugins: [compiledLocation, namedCommonJsExports, undiciAsUsed, undiciAssertOnFailure, yamlOnDemand, withoutHttp2Client, withoutGlobalHeaders],
  legalComments: "linked",
  logLevel: "warning",
  write: false,
  metafile: true,
});

// The yaml package alone, as CommonJS, for yamlOnDemand's getters.
const yamlChunk = await build({
  entryPoints: { [YAML_CHUNK.replace(/\.cjs$/, "")]: createRequire(join(root, "package.json")).resolve("yaml") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20.18",
  legalComments: "linked",
  logLevel: "warning",
  write: false,
});

// Each chunk as CommonJS, then grouped into packs (scripts/bundle-packs.mjs), each file's first line
// naming it by its content: the V8 code cache written next to it names the pack it was made from
// (bin/bundle-loader.cjs uses a cache only for that pack).
const codeOf = new Map();
for (const output of [...result.outputFiles, ...yamlChunk.outputFiles]) {
  if (!output.path.endsWith(".cjs")) {
    await writeFile(output.path, output.contents);
    continue;
  }
  // `import()` of a chunk becomes `require` too (esbuild keeps it unless told it is unsupported).
  const { code } = await transform(output.text, {
    format: "cjs",
    platform: "node",
    target: "node20.18",
    supported: { "dynamic-import": false },
    sourcefile: output.path,
    logLevel: "warning",
  });
  codeOf.set(basename(output.path), code);
}
let bytes = 0;
let chunks = 0;
for (const [file, code] of packChunks(result.metafile, codeOf, [YAML_CHUNK])) {
  const id = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const text = `// saprobe-bundle-id: ${id}\n${code}`;
  await writeFile(join(outdir, file), text);
  bytes += Buffer.byteLength(text);
  chunks += 1;
}

// The caches are made in a fresh process, with no flags but the one bin sets, as bin/saprobe.js will run.
// They only make starts faster: without them (a failed warm-up) the CLI works the same, so a failure is
// a warning, not a failed install. The packaging test checks that V8 accepts them.
const cache = spawnSync(process.execPath, [join(root, "scripts", "code-cache.cjs")], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, NODE_OPTIONS: "" },
});
const caches = (await readdir(outdir)).filter((name) => name.endsWith(".cache"));
if (cache.status === 0) {
  const cacheBytes = (await Promise.all(caches.map((name) => stat(join(outdir, name))))).reduce((total, file) => total + file.size, 0);
  console.log(
    `scripts/bundle.mjs: dist/bundle/ holds ${chunks} packs of ${codeOf.size} chunks, ${(bytes / 1024).toFixed(0)} KiB, and their V8 code caches, ${(cacheBytes / 1024).toFixed(0)} KiB`,
  );
} else {
  await Promise.all(caches.map((name) => rm(join(outdir, name), { force: true })));
  console.warn(
    `scripts/bundle.mjs: no V8 code cache (scripts/code-cache.cjs exited ${cache.status}; the CLI starts a little slower): ${(cache.stderr || String(cache.error ?? "")).trim().split("\n")[0]}`,
  );
  console.log(`scripts/bundle.mjs: dist/bundle/ holds ${chunks} packs of ${codeOf.size} chunks, ${(bytes / 1024).toFixed(0)} KiB`);
}
