#!/usr/bin/env node
// The installed entry point. All logic, including the exit code, lives in main().
//
// `npm run build` writes the CLI twice: dist/cli/ (tsc, one module per source file; also the library)
// and dist/bundle/ (scripts/bundle.mjs: the same sources in a few files, which start much faster).
// A plain `tsc` afterwards leaves the bundle behind the sources, so it is used only when it is at
// least as new as tsc's output (npm pack gives both the same time).
import { statSync } from "node:fs";

const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const entry = modified("../dist/bundle/main.js") >= modified("../dist/cli/main.js") ? "../dist/bundle/main.js" : "../dist/cli/main.js";
const { main } = await import(entry);

process.exitCode = await main(process.argv.slice(2));
