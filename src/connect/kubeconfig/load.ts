import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { MAX_FILE_BYTES } from "../../input/limits.js";
import { readTextFile } from "../../input/read-text-file.js";
import { ConnectionConfigError } from "../../model/errors.js";
import { emptyKubeconfigSet, type KubeconfigSet } from "./model.js";
import { parseKubeconfig } from "./parse.js";

/** The largest kubeconfig accepted (the limits table, src/input/limits.ts). */
export const MAX_KUBECONFIG_BYTES = MAX_FILE_BYTES.kubeconfig;

/** Which kubeconfig files to read, and why (client-go's loading rules). */
export interface KubeconfigCandidates {
  /** Absolute paths in merge order, duplicates removed. */
  paths: string[];
  /** Where the list came from. */
  from: "--kubeconfig" | "KUBECONFIG" | "~/.kube/config" | "none";
  explain: string[];
}

/** The merged result of reading the candidate files. */
export interface LoadedKubeconfig {
  set: KubeconfigSet;
  /** Files that existed and were read, in merge order. */
  files: string[];
  explain: string[];
  /** `file:line:column: ...` for what kubectl accepts silently (duplicate keys); they reach the connection's warnings. */
  warnings: string[];
}

/**
 * client-go's precedence: `--kubeconfig` alone; else every entry of `KUBECONFIG` (split on the path
 * delimiter, empty entries dropped, duplicates removed); else `$HOME/.kube/config`. They never mix.
 */
export function kubeconfigCandidates(options: { explicit?: string; env: Record<string, string | undefined>; cwd: string }): KubeconfigCandidates {
  if (options.explicit !== undefined && options.explicit !== "") {
    return {
      paths: [resolve(options.cwd, options.explicit)],
      from: "--kubeconfig",
      explain: ["--kubeconfig given: only that file is read; KUBECONFIG and ~/.kube/config are ignored"],
    };
  }
  const list = options.env.KUBECONFIG ?? "";
  if (list !== "") {
    const paths = [
      ...new Set(
        list
          .split(delimiter)
          .filter((entry) => entry !== "")
          .map((entry) => resolve(options.cwd, entry)),
      ),
    ];
    return { paths, from: "KUBECONFIG", explain: [`KUBECONFIG lists ${paths.length} file(s); ~/.kube/config is ignored while KUBECONFIG is set`] };
  }
  const home = options.env.HOME;
  if (home === undefined || home === "") {
    return { paths: [], from: "none", explain: ["no --kubeconfig, KUBECONFIG is not set, and HOME is not set, so there is no ~/.kube/config"] };
  }
  return { paths: [join(home, ".kube", "config")], from: "~/.kube/config", explain: ["no --kubeconfig and KUBECONFIG is not set: reading ~/.kube/config"] };
}

async function readIfPresent(path: string, mustExist: boolean): Promise<string | undefined> {
  if (!existsSync(path)) {
    if (mustExist) throw new ConnectionConfigError(`the kubeconfig given with --kubeconfig does not exist: ${path}`);
    return undefined;
  }
  return readTextFile(path, { what: "kubeconfig", maxBytes: MAX_KUBECONFIG_BYTES, directoryHint: "not a kubeconfig file" });
}

/**
 * Merges sets in order with client-go's rules: the first file that defines a cluster, user or
 * context name wins as a whole object (later definitions are dropped, not merged field by field),
 * and the first non-empty current-context wins.
 */
export function mergeKubeconfigs(sets: readonly KubeconfigSet[]): KubeconfigSet {
  const merged = emptyKubeconfigSet();
  for (const set of sets) {
    for (const [name, entry] of set.clusters) if (!merged.clusters.has(name)) merged.clusters.set(name, entry);
    for (const [name, entry] of set.users) if (!merged.users.has(name)) merged.users.set(name, entry);
    for (const [name, entry] of set.contexts) if (!merged.contexts.has(name)) merged.contexts.set(name, entry);
    if (merged.currentContext === undefined && set.currentContext !== undefined) {
      merged.currentContext = set.currentContext;
      merged.currentContextOrigin = set.currentContextOrigin;
    }
  }
  return merged;
}

/** Reads and merges the candidates. Missing files are skipped (except `--kubeconfig`); broken ones are errors. */
export async function loadKubeconfigs(candidates: KubeconfigCandidates): Promise<LoadedKubeconfig> {
  const sets: KubeconfigSet[] = [];
  const files: string[] = [];
  const explain = [...candidates.explain];
  const warnings: string[] = [];
  for (const path of candidates.paths) {
    const text = await readIfPresent(path, candidates.from === "--kubeconfig");
    if (text === undefined) {
      explain.push(`${path}: does not exist, skipped`);
      continue;
    }
    const parsed = parseKubeconfig(path, text);
    sets.push(parsed.set);
    warnings.push(...parsed.warnings);
    files.push(path);
    explain.push(`${path}: read`);
  }
  return { set: mergeKubeconfigs(sets), files, explain, warnings };
}
