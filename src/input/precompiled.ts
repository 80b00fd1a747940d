import { readFileSync } from "node:fs";
import { basename } from "node:path";

/*
 * Data the build derives from files saprobe ships (scripts/bundle.mjs writes dist/precompiled/), so a
 * run reads JSON instead of parsing YAML: the default check suite cost `saprobe run` about 13 ms of
 * CPU per start to parse (bench/startup.mjs). Each record keeps the text of the files it was derived
 * from, and is used only while every one of them still holds that text: an edited file is parsed
 * as before, never answered from stale data. Running from the sources there is no record at all.
 */

/** Where the build writes the records: `dist/precompiled/` (from `dist/input/` and from the bundle). */
export const PRECOMPILED_DIR = new URL("../precompiled/", import.meta.url);

interface PrecompiledRecord<T> {
  /** Each source file's name and the text the value was derived from. */
  sources: Record<string, string>;
  value: T;
}

/** The text of a record of `value`, derived from the files `sources` (their current text is kept). */
export function precompiledRecord(sources: readonly string[], value: unknown): string {
  return JSON.stringify({ sources: Object.fromEntries(sources.map((file) => [basename(file), readFileSync(file, "utf8")])), value });
}

/**
 * The value saved as `name` when it was derived from exactly the current text of `sources`, else
 * undefined (no record, an unreadable one, or a source changed or missing): the caller then
 * derives it itself.
 */
export function readPrecompiled<T>(name: string, sources: readonly string[], directory: URL = PRECOMPILED_DIR): T | undefined {
  let record: PrecompiledRecord<T>;
  try {
    record = JSON.parse(readFileSync(new URL(`${name}.json`, directory), "utf8")) as PrecompiledRecord<T>;
  } catch {
    return undefined;
  }
  for (const file of sources) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    if (record.sources?.[basename(file)] !== text) return undefined;
  }
  return record.value;
}
