// Groups the CLI bundle's chunks into the files bin/bundle-loader.cjs reads (scripts/bundle.mjs).
//
// esbuild splits the code into a chunk per set of entry points sharing it, so a command loaded 30 to
// 45 small chunks, each read, compiled from its V8 code cache and run on its own: about 5 ms of CPU
// of an offline audit's start more than the same code as one script (measured with one file holding
// the chunks an audit loads, and its cache: 84 ms against 89 ms, `node -e 0` 64 ms). A pack holds
// every chunk its entry point (main.cjs, or a chunk that an `import()` loads) needs when it loads:
// the entry and the chunks it imports, transitively, less those main.cjs's pack already holds (main
// is always loaded first). A chunk two entries share is in both packs and still runs once: the loader
// keeps the first copy it reads.
//
// A pack is one expression: an object of CommonJS module functions by chunk name,
//   ({ "main.cjs": function (exports, require, module, __filename, __dirname) { ... }, ... })
// after the id line scripts/bundle.mjs writes on each file (its code cache names the pack it was made from).
import { basename } from "node:path";

/** The chunk files each chunk imports when it loads, and the chunks an `import()` loads: from esbuild's metafile. */
function graphOf(metafile) {
  const imports = new Map();
  const dynamic = new Set();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith(".cjs")) continue;
    const local = output.imports.filter((item) => !item.external);
    imports.set(
      basename(path),
      local.filter((item) => item.kind === "import-statement").map((item) => basename(item.path)),
    );
    for (const item of local) if (item.kind === "dynamic-import") dynamic.add(basename(item.path));
  }
  return { imports, dynamic };
}

/** `name` and every chunk it imports when it loads, transitively. */
function closureOf(name, imports, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of imports.get(name) ?? []) closureOf(next, imports, seen);
  return seen;
}

/**
 * The pack files: file name (its entry chunk's) -> text without the id line. `codeOf` holds each
 * chunk's CommonJS code; `alone` names chunks built apart (the yaml package), each its own pack.
 */
export function packChunks(metafile, codeOf, alone = []) {
  const { imports, dynamic } = graphOf(metafile);
  const atStart = closureOf("main.cjs", imports);
  const packs = new Map();
  const write = (file, members) => {
    const modules = [...members].map((name) => `${JSON.stringify(name)}: function (exports, require, module, __filename, __dirname) {\n${codeOf.get(name)}\n}`);
    packs.set(file, `({\n${modules.join(",\n")}\n})\n`);
  };
  write("main.cjs", atStart);
  for (const entry of dynamic) {
    // An entry main's pack holds is never read from a file of its own.
    if (!atStart.has(entry))
      write(
        entry,
        [...closureOf(entry, imports)].filter((name) => !atStart.has(name)),
      );
  }
  for (const name of alone) write(name, [name]);
  const packed = new Set([...atStart, ...alone]);
  for (const entry of dynamic) for (const name of closureOf(entry, imports)) packed.add(name);
  const missing = [...codeOf.keys()].filter((name) => !packed.has(name));
  if (missing.length > 0) throw new Error(`scripts/bundle-packs.mjs: chunks in no pack: ${missing.join(", ")}`);
  return packs;
}
