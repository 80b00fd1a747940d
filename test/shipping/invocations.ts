import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { repository } from "./packaged-layout.js";

/** One `saprobe ...` command found in an example or manifest. */
export interface Invocation {
  file: string;
  /** Arguments after `saprobe`, as the shell would pass them (quotes removed, variables kept). */
  argv: string[];
}

/** Splits a shell command line into words: quotes grouped and removed, nothing expanded. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  let started = false;
  for (const character of line) {
    if (quote) {
      if (character === quote) quote = undefined;
      else current += character;
      continue;
    }
    if (character === "'" || character === '"') {
      quote = character;
      started = true;
    } else if (/\s/.test(character)) {
      if (started) words.push(current);
      current = "";
      started = false;
    } else {
      current += character;
      started = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${line}`);
  if (started) words.push(current);
  return words;
}

const REDIRECTION = /^(\d?>>?|<|\|\|?|&&|;|2>&1)$/;

/** Every `saprobe` command in a piece of shell script, up to the first pipe or redirection. */
export function invocationsInScript(script: string, file: string): Invocation[] {
  const logical = script.replace(/\\\n\s*/g, " ").split("\n");
  const found: Invocation[] = [];
  for (const line of logical) {
    const trimmed = line.trim();
    if (trimmed.startsWith("#")) continue;
    const words = shellWords(trimmed.replace(/\s#.*$/, ""));
    words.forEach((word, index) => {
      if (word !== "saprobe") return;
      const previous = words[index - 1];
      if (previous !== undefined && !REDIRECTION.test(previous)) return;
      const rest = words.slice(index + 1);
      const end = rest.findIndex((candidate) => REDIRECTION.test(candidate));
      found.push({ file, argv: end === -1 ? rest : rest.slice(0, end) });
    });
  }
  return found;
}

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) for (const item of value) walk(item, visit);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child);
      walk(child, visit);
    }
  }
}

/** Reads every YAML document of a repository file. */
export function readYamlDocuments(relativePath: string): unknown[] {
  const text = readFileSync(join(repository, relativePath), "utf8");
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${relativePath}: ${document.errors[0]?.message}`);
    return document.toJS() as unknown;
  });
}

/** `saprobe` commands in a CI file: GitHub `run:` steps, GitLab `script`/`before_script` lines. */
export function invocationsInCiFile(relativePath: string): Invocation[] {
  const scripts: string[] = [];
  for (const document of readYamlDocuments(relativePath)) {
    walk(document, (key, value) => {
      if (key === "run" && typeof value === "string") scripts.push(value);
      if ((key === "script" || key === "before_script" || key === "after_script") && Array.isArray(value)) {
        scripts.push(...value.filter((line): line is string => typeof line === "string"));
      }
    });
  }
  return scripts.flatMap((script) => invocationsInScript(script, relativePath));
}

/** Container args of every saprobe container in a manifest (the image's entrypoint is `saprobe`). */
export function invocationsInManifest(relativePath: string): Invocation[] {
  const found: Invocation[] = [];
  for (const document of readYamlDocuments(relativePath)) {
    walk(document, (key, value) => {
      if (key !== "containers" || !Array.isArray(value)) return;
      for (const container of value as Array<{ image?: string; args?: string[] }>) {
        if (container.image?.includes("saprobe")) found.push({ file: relativePath, argv: container.args ?? [] });
      }
    });
  }
  return found;
}
