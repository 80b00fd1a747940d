// Loads the CLI bundle (dist/bundle/*.cjs, scripts/bundle.mjs) with the V8 code cache `npm run build`
// wrote next to each file (dist/bundle/<pack>.cache, scripts/code-cache.cjs), so a run skips parsing
// and compiling it. Each file is a pack (scripts/bundle-packs.mjs): the CommonJS chunks one entry
// point needs when it loads, as functions by chunk name. main.cjs's pack is loaded first; a command's
// when main asks for its entry chunk (its `require("./<chunk>.cjs")`, which esbuild made of an
// `import()`): the file named after that chunk. Without a usable cache (another Node.js or V8
// version, other V8 flags, a pack rebuilt since) V8 compiles the source.
//
// Public APIs only: node:fs, and node:vm's Script with `cachedData` / `createCachedData()`. A chunk
// is run as the function a CommonJS module is, once, and its `require` answers its sibling chunks from
// here and Node's built-in modules from Node (the chunks require nothing else: every package is bundled).
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const vm = require("node:vm");

/** The folder of the packs and their caches. */
const BUNDLE_DIR = join(__dirname, "..", "dist", "bundle");

/** The id scripts/bundle.mjs writes on each pack's first line; a cache names the pack it is for. */
function bundleIdOf(source) {
  return /^\/\/ saprobe-bundle-id: ([0-9a-f]+)\n/.exec(source)?.[1];
}

/** The first line of a pack's cache file: the cache is used only for the pack with this id. */
function cacheHeader(id) {
  return Buffer.from(`saprobe-code-cache ${id}\n`);
}

/** Where the cache of a pack (`main.cjs`) lives: `main.cache`. */
function cacheFileOf(name) {
  return join(BUNDLE_DIR, name.replace(/\.cjs$/, ".cache"));
}

/** The cached data for this exact pack, or undefined. V8 alone would only compare the source length. */
function readCache(name, id) {
  if (id === undefined) return undefined;
  let data;
  try {
    data = readFileSync(cacheFileOf(name));
  } catch {
    return undefined;
  }
  const header = cacheHeader(id);
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** A pack's source compiled as the loader runs it: what its code cache is made from, and for. */
function compilePack(name, source, cachedData) {
  return new vm.Script(source, { filename: join(BUNDLE_DIR, name), ...(cachedData ? { cachedData } : {}) });
}

/**
 * A loader of the bundle: each pack is read and compiled once, when a chunk it starts is first
 * required, and each chunk run once, on its first `require`. `loaded` keeps, per pack file, its
 * compiled script (to write a cache from), its id and what became of its cache (`absent`,
 * `accepted` or `rejected`).
 */
function createLoader(options = {}) {
  const modules = new Map();
  const factories = new Map();
  const loaded = new Map();
  function readPack(name) {
    if (!inliningOff && options.withoutInliningFrom?.some((command) => name.startsWith(`${command}-`))) optimizeWithoutInlining();
    const source = readFileSync(join(BUNDLE_DIR, name), "utf8");
    const id = bundleIdOf(source);
    const cachedData = options.ignoreCache ? undefined : readCache(name, id);
    const script = underDefaultFlags(() => compilePack(name, source, cachedData));
    loaded.set(name, { script, id, cache: cachedData === undefined ? "absent" : script.cachedDataRejected ? "rejected" : "accepted" });
    // A chunk two packs hold runs from the first read: a module is one object per process.
    for (const [chunk, factory] of Object.entries(script.runInThisContext())) if (!factories.has(chunk)) factories.set(chunk, factory);
  }
  function load(name) {
    const known = modules.get(name);
    if (known) return known.exports;
    if (!factories.has(name)) readPack(name);
    const factory = factories.get(name);
    if (factory === undefined) throw new Error(`saprobe's bundle: the pack ${name} does not hold its own chunk (rebuild with npm run build)`);
    const chunk = { exports: {} };
    // Registered before it runs, as CommonJS does, so chunks that require each other see one another.
    modules.set(name, chunk);
    // Node's built-in modules have code caches too, checked against the same flags' hash.
    const requireFromChunk = (specifier) => (specifier.startsWith("./") ? load(specifier.slice(2)) : underDefaultFlags(() => require(specifier)));
    factory.call(chunk.exports, chunk.exports, requireFromChunk, chunk, join(BUNDLE_DIR, name), BUNDLE_DIR);
    return chunk.exports;
  }
  return { load, loaded };
}

/** What V8 compiles WebAssembly under in compileWebAssemblyWithBaselineOnly: Liftoff only, every function at once. */
const BASELINE_ONLY = "--liftoff-only --no-wasm-lazy-compilation";
/**
 * V8's defaults of what BASELINE_ONLY changes, restored after: --liftoff-only also turns off the two
 * tier-up flags (V8 implies that), and a flag left off changes the hash every code cache is checked against.
 */
const V8_DEFAULTS = "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --wasm-lazy-compilation";

/**
 * Makes V8 compile WebAssembly with its baseline compiler (Liftoff) only, the V8 flags set just while a
 * module compiles. The only module saprobe compiles is undici's HTTP parser (llhttp, `new
 * WebAssembly.Module` on its first connection); without the flag V8 re-compiled it with its optimizing
 * tier in background threads, which Node waits for before it exits: about 75 ms of CPU per live run
 * (one request with and without the flag), for a parser the baseline code runs just as well on a few
 * small responses. Every function compiles in the window (not lazily on its first call, which would be
 * after it, with tier-up on again). Not for the whole process: V8 uses a code cache only under the
 * flags it was made with, Node's own cache of its built-in modules too, so with the flag set at start
 * node:tls, node:http and the rest compiled from source on every live command (about 8 ms of
 * `whoami`'s start, bench/startup.mjs), and after the window V8's defaults are back (V8_DEFAULTS), so
 * the packs a command loads later keep their caches. For the program only (bin/saprobe.js): a library
 * user's process is theirs.
 */
function compileWebAssemblyWithBaselineOnly() {
  WebAssembly.Module = new Proxy(WebAssembly.Module, {
    construct(target, args, newTarget) {
      const v8 = require("node:v8");
      v8.setFlagsFromString(BASELINE_ONLY);
      try {
        return Reflect.construct(target, args, newTarget);
      } finally {
        v8.setFlagsFromString(V8_DEFAULTS);
      }
    },
  });
}

/** What V8's optimizing compiler runs saprobe's code under (see optimizeWithoutInlining); V8's default, restored around each compile of cached code. */
const NO_INLINING = "--no-turbo-inlining";
const INLINING = "--turbo-inlining";
let inliningOff = false;

/**
 * The packs from whose first load on TurboFan compiles without inlining (optimizeWithoutInlining), when
 * bin/saprobe.js asks for it: the audit's command (offline and live), whose engine runs over every
 * object of a cluster. Not from the start: loading node:v8 and compiling built-ins under the flag
 * switch cost every command 2 to 4 ms of CPU (bench/startup.mjs, 2026-12-08), which `run` and
 * `who-can` cannot spare against their start-up targets; an audit of one object pays it (~3 ms).
 */
const WITHOUT_INLINING_FROM = ["audit-action"];

/**
 * Has V8's optimizing compiler (TurboFan) compile without inlining for the rest of the process. A CLI
 * run is short and its hot code is hot for a moment: TurboFan compiles it in background threads, CPU the
 * process pays for, and with inlining it compiles big functions (a path finding with every helper it
 * calls), again after each deoptimization. On bench/audit.mjs (76,200 objects, a 124 MB report) the
 * audit took ~10% less CPU and less wall time without it (2026-12-08, issue 19). Code caches stay
 * usable: V8 accepts one only under the flags it was made with, so each pack (and each Node.js built-in
 * module a chunk requires) is compiled with V8's default set back for that moment (underDefaultFlags).
 * For the program only (bin/saprobe.js, through loadBundle's `withoutInliningFrom`): a library user's
 * process is theirs.
 */
function optimizeWithoutInlining() {
  // Every command writes to stdout: its stream (node:net for a pipe, node:tty) is made first, so Node.js
  // compiles those modules with its own code cache (stderr, rarely written, is made when it is).
  void process.stdout;
  require("node:v8").setFlagsFromString(NO_INLINING);
  inliningOff = true;
}

/** Runs `compile` with V8's default flags (inlining on), so a code cache made under them is accepted. */
function underDefaultFlags(compile) {
  if (!inliningOff) return compile();
  const v8 = require("node:v8");
  v8.setFlagsFromString(INLINING);
  try {
    return compile();
  } finally {
    v8.setFlagsFromString(NO_INLINING);
  }
}

/**
 * Loads the bundle's entry chunk (main.cjs) and returns its exports (`main`), what became of its
 * pack's cache, and the loader, which loads the other packs as main asks for them. Options:
 * `ignoreCache`; `withoutInliningFrom`, entry chunks' names (WITHOUT_INLINING_FROM) from whose pack's
 * first load on V8 optimizes without inlining.
 */
function loadBundle(options = {}) {
  const loader = createLoader(options);
  const exports = loader.load("main.cjs");
  return { exports, cache: loader.loaded.get("main.cjs").cache, loader };
}

module.exports = {
  loadBundle,
  compilePack,
  cacheHeader,
  cacheFileOf,
  compileWebAssemblyWithBaselineOnly,
  WITHOUT_INLINING_FROM,
  BUNDLE_DIR,
};
