// Loads the CLI bundle (dist/bundle/main.cjs) with the V8 code cache `npm run build` wrote next to it
// (dist/bundle/main.cache, scripts/code-cache.cjs), so a run skips parsing and compiling the 1.7 MB
// bundle: about 15 ms of every start (bench/run-suite.mjs). Without a usable cache (another Node.js
// or V8 version, other V8 flags, a bundle rebuilt since) V8 compiles the source as `require` would.
"use strict";
const { readFileSync } = require("node:fs");
// Node's CommonJS Module class, taken from this module rather than require("node:module"): in Node 20
// that public module starts the ES module loader (about 10 ms), which a bundled run never needs.
const Module = module.constructor;
const { dirname, join } = require("node:path");
const { setFlagsFromString } = require("node:v8");
const vm = require("node:vm");

const BUNDLE = join(__dirname, "..", "dist", "bundle", "main.cjs");
const CACHE = join(__dirname, "..", "dist", "bundle", "main.cache");

/** The id scripts/bundle.mjs writes on the bundle's first line; the cache names the bundle it is for. */
function bundleIdOf(source) {
  return /^\/\/ saprobe-bundle-id: ([0-9a-f]+)\n/.exec(source)?.[1];
}

function cacheHeader(id) {
  return Buffer.from(`saprobe-code-cache ${id}\n`);
}

/** The cached data for this exact bundle, or undefined. V8 alone would only compare the source length. */
function readCache(id) {
  if (id === undefined) return undefined;
  let data;
  try {
    data = readFileSync(CACHE);
  } catch {
    return undefined;
  }
  const header = cacheHeader(id);
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/**
 * Compiles and runs the bundle as the CommonJS module it is (registered in require.cache) and returns
 * its exports, the compiled script (to write a cache from), and what became of the cache.
 */
function loadBundle(options = {}) {
  // saprobe runs with --liftoff-only (src/run/fast-exit.ts). V8 accepts a code cache only under the
  // flags it was made with, so the flag is set before compiling, here and when the cache is written.
  setFlagsFromString("--liftoff-only");
  const source = readFileSync(BUNDLE, "utf8");
  const id = bundleIdOf(source);
  const cachedData = options.ignoreCache ? undefined : readCache(id);
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const bundle = new Module(BUNDLE, module);
  bundle.filename = BUNDLE;
  bundle.paths = Module._nodeModulePaths(dirname(BUNDLE));
  Module._cache[BUNDLE] = bundle;
  // The bundle only calls require(id) (no require.resolve or require.cache); Module.createRequire
  // would also start the ES module loader.
  const requireFromBundle = (id) => bundle.require(id);
  script.runInThisContext().call(bundle.exports, bundle.exports, requireFromBundle, bundle, BUNDLE, dirname(BUNDLE));
  bundle.loaded = true;
  const cache = cachedData === undefined ? "absent" : script.cachedDataRejected ? "rejected" : "accepted";
  return { exports: bundle.exports, script, id, cache };
}

module.exports = { loadBundle, cacheHeader, BUNDLE, CACHE };
