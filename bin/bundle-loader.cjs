// Loads the CLI bundle's CommonJS chunks (dist/bundle/*.cjs, scripts/bundle.mjs) with the V8 code cache
// `npm run build` wrote next to each (dist/bundle/<chunk>.cache, scripts/code-cache.cjs), so a run
// skips parsing and compiling them. main.cjs is loaded first; a command's chunks when main asks for
// them (its `require("./<chunk>.cjs")`, which esbuild made of an `import()`). Without a usable cache
// (another Node.js or V8 version, other V8 flags, a chunk rebuilt since) V8 compiles the source.
//
// Public APIs only: node:fs, and node:vm's Script with `cachedData` / `createCachedData()`. A chunk
// is run as the function a CommonJS module is, and its `require` answers its sibling chunks from here
// and Node's built-in modules from Node (the chunks require nothing else: every package is bundled).
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const vm = require("node:vm");

/** The folder of the chunks and their caches. */
const BUNDLE_DIR = join(__dirname, "..", "dist", "bundle");

// On the chunk's first line (its id comment), so every line number in a stack trace is the file's.
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) { ";
const WRAPPER_END = "\n})";

/** A chunk's source as the function it runs as: what V8 compiles, and what its code cache is made from. */
function wrapChunk(source) {
  return WRAPPER_START + source + WRAPPER_END;
}

/** The id scripts/bundle.mjs writes on each chunk's first line; a cache names the chunk it is for. */
function bundleIdOf(source) {
  return /^\/\/ saprobe-bundle-id: ([0-9a-f]+)\n/.exec(source)?.[1];
}

/** The first line of a chunk's cache file: the cache is used only for the chunk with this id. */
function cacheHeader(id) {
  return Buffer.from(`saprobe-code-cache ${id}\n`);
}

/** Where the cache of a chunk (`main.cjs`) lives: `main.cache`. */
function cacheFileOf(name) {
  return join(BUNDLE_DIR, name.replace(/\.cjs$/, ".cache"));
}

/** The cached data for this exact chunk, or undefined. V8 alone would only compare the source length. */
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

/**
 * A loader of the bundle's chunks: each is compiled and run once, on first `require`. `loaded` keeps,
 * per chunk, its compiled script (to write a cache from), its id and what became of its cache
 * (`absent`, `accepted` or `rejected`).
 */
function createLoader(options = {}) {
  const modules = new Map();
  const loaded = new Map();
  function load(name) {
    const known = modules.get(name);
    if (known) return known.exports;
    const filename = join(BUNDLE_DIR, name);
    const source = readFileSync(filename, "utf8");
    const id = bundleIdOf(source);
    const cachedData = options.ignoreCache ? undefined : readCache(name, id);
    const script = new vm.Script(wrapChunk(source), { filename, ...(cachedData ? { cachedData } : {}) });
    loaded.set(name, { script, id, cache: cachedData === undefined ? "absent" : script.cachedDataRejected ? "rejected" : "accepted" });
    const chunk = { exports: {} };
    // Registered before it runs, as CommonJS does, so chunks that require each other see one another.
    modules.set(name, chunk);
    const requireFromChunk = (specifier) => (specifier.startsWith("./") ? load(specifier.slice(2)) : require(specifier));
    script.runInThisContext().call(chunk.exports, chunk.exports, requireFromChunk, chunk, filename, BUNDLE_DIR);
    return chunk.exports;
  }
  return { load, loaded };
}

/**
 * Loads the bundle's entry chunk (main.cjs) and returns its exports (`main`), what became of its
 * cache, and the loader, which loads the other chunks as main asks for them.
 */
function loadBundle(options = {}) {
  const loader = createLoader(options);
  const exports = loader.load("main.cjs");
  return { exports, cache: loader.loaded.get("main.cjs").cache, loader };
}

module.exports = { loadBundle, wrapChunk, cacheHeader, cacheFileOf, BUNDLE_DIR };
