#!/usr/bin/env node
// The installed entry point. All logic, including the exit code, lives in main().
//
// `npm run build` writes the CLI twice: dist/cli/ (tsc, one module per source file; also the library)
// and dist/bundle/ (scripts/bundle.mjs: the same sources in a few files, which start much faster).
// An installed package (no src/) always runs the bundle. In a checkout, a plain `tsc` after the build
// leaves the bundle behind the sources, so there it runs only when it is at least as new as tsc's output.
import { existsSync, statSync } from "node:fs";

const at = (path) => new URL(path, import.meta.url);
const modified = (path) => statSync(at(path), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = !existsSync(at("../src")) || modified("../dist/bundle/main.js") >= modified("../dist/cli/main.js");
const { main } = await import(bundle ? "../dist/bundle/main.js" : "../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
