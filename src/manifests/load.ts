import { readdirSync, statSync } from "node:fs";
import { extname, isAbsolute, join, relative } from "node:path";
import type { Readable } from "node:stream";
import { readTextFile, readTextStream } from "../input/read-text-file.js";
import { statInput } from "../input/stat-input.js";
import { DEFAULT_LIMITS, type LoadLimits } from "../input/limits.js";
import { formatBytes } from "../input/units.js";
import { InputError } from "../model/errors.js";
import type { RefusedInput, SkippedInput } from "../model/report.js";
import type { ResourceType } from "../rbac/request-spec.js";
import type { RbacObject, RbacSnapshot } from "../rbac/types.js";
import { apiServerRefusals } from "./api-rules.js";
import { collectDocument, type Collector } from "./objects.js";
import { dropReplaced } from "./duplicates.js";
import { createLocator } from "./locate.js";
import { chartRoots, skipByContent, skipByPath, templateHint } from "./not-objects.js";
import { parseStream, type Located } from "./parse.js";

/** Options for `loadManifests`. */
export interface LoadOptions {
  /** Where `-` reads from. */
  stdin?: Readable;
  /** Largest file in bytes (default 16 MiB). */
  maxFileBytes?: number;
  /** Most YAML aliases to collections per document (default 100). */
  maxAliases?: number;
  /** Deepest nesting (default 64). */
  maxDepth?: number;
  /** Base for relative paths (default the process's working directory). */
  cwd?: string;
  /** Namespace of namespaced objects that name none, as `kubectl apply -n` would give (default "default"). */
  defaultNamespace?: string;
  /**
   * What to do with documents that cannot be used (syntax errors, schema violations) and with input
   * that holds no Kubernetes object: `throw` one `InputError` naming them all (the default), or
   * `return` them in `refused` with everything else loaded, so a report can still be made.
   */
  refused?: "throw" | "return";
  /** Told before each file is read (`done` files of `total` read so far), for a progress display. */
  onFile?: (done: number, total: number, file: string) => void;
}

/** What `loadManifests` found. */
export interface LoadedManifests {
  snapshot: RbacSnapshot;
  /** The types the manifests' CustomResourceDefinitions add, for reading `can-i get widgets`. */
  customResources: ResourceType[];
  /** Every file read, in order (`-` for stdin). */
  files: string[];
  /** Objects of other kinds, skipped. */
  ignored: number;
  /** The Pod Security level each Namespace object enforces, by name ("" when it sets none); Namespaces count as ignored too. */
  podSecurity: ReadonlyMap<string, string>;
  /**
   * Sentences worth a person's attention: skipped files, objects given twice, what the apiserver
   * would refuse (`file:line: Kind name: problem`; evaluated as written all the same).
   */
  warnings: string[];
  /** Files that are not Kubernetes objects (chart sources, kustomizations, values), with why and what to audit instead. */
  skipped: SkippedInput[];
  /** Documents that could not be used, located where they can be; always empty when `refused` is `throw`. */
  refused: RefusedInput[];
  /** Namespaced objects without metadata.namespace, given `namespace` as `kubectl apply` would. */
  defaulted: { namespace: string; objects: number };
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const MAX_LISTED_PROBLEMS = 20;

async function expand(path: string, cwd: string): Promise<string[]> {
  if (path === "-") return ["-"];
  const { absolute, info } = await statInput(path, cwd);
  if (!info.isDirectory()) return [absolute];
  const entries = readdirSync(absolute, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // A mounted ConfigMap holds each file twice more under the kubelet's `..data` and `..<timestamp>`
    // entries (its atomic writer): the files themselves are the top-level links.
    if (entry.name.startsWith("..")) continue;
    const child = join(absolute, entry.name);
    if (entry.isDirectory()) found.push(...(await expand(child, cwd)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(child);
  }
  return found;
}

async function readStdin(stdin: Readable | undefined, maxBytes: number): Promise<string> {
  if (!stdin) throw new InputError("'-' reads manifests from standard input, but none is available", { file: "-" });
  return readTextStream(stdin, {
    what: "manifest",
    maxBytes,
    shown: "-",
    tooLarge: (_, max) => `standard input is larger than the limit of ${formatBytes(max)} (raise it with --max-file-bytes)`,
  });
}

async function readManifest(file: string, limits: LoadLimits, stdin: Readable | undefined, shown: string): Promise<string> {
  if (file === "-") return readStdin(stdin, limits.maxFileBytes);
  const info = statSync(file);
  if (info.size > limits.maxFileBytes) {
    throw new InputError(`file is ${formatBytes(info.size)}, larger than the limit of ${formatBytes(limits.maxFileBytes)} (raise it with --max-file-bytes)`, {
      file: shown,
    });
  }
  // Strict decoding (no silent U+FFFD), and a bounded read for what stat cannot size (a FIFO).
  return readTextFile(file, {
    what: "manifest",
    maxBytes: limits.maxFileBytes,
    shown,
    tooLarge: (_, max) => `file is larger than the limit of ${formatBytes(max)} (raise it with --max-file-bytes)`,
  });
}

function refusals(snapshot: RbacSnapshot): string[] {
  const warnings: string[] = [];
  // A plain loop: this visits every object of a big cluster, and almost all of them are fine.
  for (const objects of [snapshot.roles, snapshot.clusterRoles, snapshot.roleBindings, snapshot.clusterRoleBindings] as RbacObject[][]) {
    for (const object of objects) {
      const problems = apiServerRefusals(object);
      if (problems.length === 0) continue;
      const where = object.source ? `${object.source.file}:${object.source.line}: ` : "";
      const name =
        object.metadata.namespace && !object.kind.startsWith("Cluster") ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
      for (const problem of problems) warnings.push(`${where}${object.kind} ${name}: ${problem}; the apiserver would refuse it`);
    }
  }
  return warnings;
}

/** The expanded files, each once (a file given directly and inside a given folder is read once). */
function once(files: string[], warnings: string[], show: (file: string) => string): string[] {
  const seen = new Set<string>();
  return files.filter((file) => {
    if (file === "-" || !seen.has(file)) {
      seen.add(file);
      return true;
    }
    warnings.push(`${show(file)} is given more than once: read once`);
    return false;
  });
}

function describe(problem: Located): string {
  return `${problem.file}:${problem.line}:${problem.column}: document ${problem.document}: ${problem.message}`;
}

function toInputError(problems: Located[]): InputError {
  const [first] = problems as [Located, ...Located[]];
  const rest = problems.slice(1, MAX_LISTED_PROBLEMS).map(describe);
  const more = problems.length > MAX_LISTED_PROBLEMS ? [`... and ${problems.length - MAX_LISTED_PROBLEMS} more`] : [];
  const message = [`document ${first.document}: ${first.message}`, ...rest, ...more].join("\n");
  return new InputError(message, { file: first.file, line: first.line, column: first.column }, { code: "E_MANIFEST" });
}

/** How a file is named in messages: relative to the working directory when it is inside it, else as given (absolute). */
function displayPath(file: string, cwd: string): string {
  if (file === "-") return "-";
  const shown = relative(cwd, file);
  return shown && !shown.startsWith("..") && !isAbsolute(shown) ? shown : file;
}

function inputName(files: readonly string[]): string {
  if (files.length === 1) return files[0] === "-" ? "standard input" : (files[0] as string);
  return `the ${files.length} files read`;
}

/**
 * Loads RBAC objects from files, directories (recursively: .yaml, .yml, .json) and `-` (stdin).
 * Multi-document YAML, JSON and `kind: List` work; other kinds are counted as ignored. Files that are
 * not Kubernetes objects (chart sources, kustomizations) are skipped with a warning; documents that
 * cannot be used are collected, then thrown as one `InputError` located at the first (or returned,
 * see `LoadOptions.refused`). Input with no Kubernetes object at all is refused too: an empty
 * `helm template` must not pass a pipeline.
 */
export async function loadManifests(paths: string[], options: LoadOptions = {}): Promise<LoadedManifests> {
  const cwd = options.cwd ?? process.cwd();
  const limits: LoadLimits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxAliases: options.maxAliases ?? DEFAULT_LIMITS.maxAliases,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
  const warnings: string[] = [];
  const expanded: string[] = [];
  for (const path of paths) expanded.push(...(await expand(path, cwd)));
  const files = once(expanded, warnings, (file) => displayPath(file, cwd));
  const roots = chartRoots(files);
  const namespace = options.defaultNamespace ?? "default";
  const collector: Collector = {
    snapshot: { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] },
    customResources: [],
    ignored: 0,
    podSecurity: new Map(),
    problems: [],
    defaultNamespace: namespace,
    defaulted: 0,
    warnings: [],
    locate: createLocator(),
  };
  const shownFiles: string[] = [];
  const skipped: SkippedInput[] = [];
  for (const file of files) {
    const shown = displayPath(file, cwd);
    options.onFile?.(shownFiles.length, files.length, shown);
    shownFiles.push(shown);
    const byPath = skipByPath(file, roots);
    if (byPath) {
      skipped.push({ file: shown, reason: byPath });
      continue;
    }
    const text = await readManifest(file, limits, options.stdin, shown);
    const parsed = parseStream(text, shown, limits, collector.locate);
    const byContent = skipByContent(parsed.documents, parsed.problems.length, text);
    if (byContent) {
      skipped.push({ file: shown, reason: byContent });
      continue;
    }
    const before = collector.problems.length;
    collector.problems.push(...parsed.problems);
    for (const document of parsed.documents) collectDocument(collector, shown, document);
    // Within a file, report problems top to bottom.
    const found = collector.problems.splice(before).sort((a, b) => a.line - b.line || a.column - b.column);
    const hint = found.length > 0 ? templateHint(text) : undefined;
    collector.problems.push(...(hint ? found.map((problem) => ({ ...problem, message: `${problem.message} (${hint})` })) : found));
  }
  const { snapshot, warnings: replaced } = dropReplaced(collector.snapshot);
  const objects = Object.values(collector.snapshot).reduce((sum, list: unknown[]) => sum + list.length, collector.ignored);
  const refused: RefusedInput[] = collector.problems;
  if (objects === 0 && refused.length === 0) {
    const skippedNote = skipped.length > 0 ? ` (${skipped.length} skipped, see the warnings)` : "";
    const message = `no Kubernetes object in ${inputName(shownFiles)}${skippedNote}: nothing to audit (an empty or failed \`helm template\` or \`kustomize build\` gives this)`;
    const file = paths.join(" ");
    if (options.refused !== "return") throw new InputError(message, { file }, { code: "E_NO_OBJECTS" });
    refused.push({ file, message });
  }
  if (refused.length > 0 && options.refused !== "return") throw toInputError(collector.problems);
  return {
    snapshot,
    customResources: collector.customResources,
    files: shownFiles,
    ignored: collector.ignored,
    podSecurity: collector.podSecurity,
    warnings: [...warnings, ...skipped.map((skip) => `${skip.file}: skipped: ${skip.reason}`), ...collector.warnings, ...replaced, ...refusals(snapshot)],
    skipped,
    refused,
    defaulted: { namespace, objects: collector.defaulted },
  };
}
