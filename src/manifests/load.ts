import { readdir, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import type { Readable } from "node:stream";
import { readTextFile, readTextStream } from "../input/read-text-file.js";
import { formatBytes } from "../input/units.js";
import { InputError } from "../model/errors.js";
import type { ResourceType } from "../rbac/request-spec.js";
import type { RbacObject, RbacSnapshot } from "../rbac/types.js";
import { apiServerRefusals } from "./api-rules.js";
import { DEFAULT_LIMITS, type LoadLimits } from "./limits.js";
import { collectDocument, type Collector } from "./objects.js";
import { createLocator } from "./locate.js";
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
  /** Namespace of namespaced objects that name none, as kubectl's context would give (default "default"). */
  defaultNamespace?: string;
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
  /** `file:line: Kind name: problem` for what the apiserver would refuse (evaluated as written all the same). */
  warnings: string[];
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const MAX_LISTED_PROBLEMS = 20;

async function expand(path: string, cwd: string): Promise<string[]> {
  if (path === "-") return ["-"];
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new InputError(`no such file or directory: ${path}`, { file: path });
  if (!info.isDirectory()) return [absolute];
  const entries = await readdir(absolute, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = join(absolute, entry.name);
    if (entry.isDirectory()) found.push(...(await expand(child, cwd)));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(child);
  }
  return found;
}

async function readStdin(stdin: Readable | undefined, maxBytes: number): Promise<string> {
  if (!stdin) throw new InputError("'-' reads manifests from standard input, but none is available", { file: "-" });
  return readTextStream(stdin, { what: "manifest", maxBytes, shown: "-", tooLarge: (_, max) => `standard input is larger than the limit of ${formatBytes(max)} (raise it with --max-file-bytes)` });
}

async function readManifest(file: string, limits: LoadLimits, stdin: Readable | undefined, shown: string): Promise<string> {
  if (file === "-") return readStdin(stdin, limits.maxFileBytes);
  const info = await stat(file);
  if (info.size > limits.maxFileBytes) {
    throw new InputError(`file is ${formatBytes(info.size)}, larger than the limit of ${formatBytes(limits.maxFileBytes)} (raise it with --max-file-bytes)`, { file: shown });
  }
  // Strict decoding (no silent U+FFFD), and a bounded read for what stat cannot size (a FIFO).
  return readTextFile(file, { what: "manifest", maxBytes: limits.maxFileBytes, shown, tooLarge: (_, max) => `file is larger than the limit of ${formatBytes(max)} (raise it with --max-file-bytes)` });
}

function refusals(snapshot: RbacSnapshot): string[] {
  const warnings: string[] = [];
  // A plain loop: this visits every object of a big cluster, and almost all of them are fine.
  for (const objects of [snapshot.roles, snapshot.clusterRoles, snapshot.roleBindings, snapshot.clusterRoleBindings] as RbacObject[][]) {
    for (const object of objects) {
      const problems = apiServerRefusals(object);
      if (problems.length === 0) continue;
      const where = object.source ? `${object.source.file}:${object.source.line}: ` : "";
      const name = object.metadata.namespace && !object.kind.startsWith("Cluster") ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
      for (const problem of problems) warnings.push(`${where}${object.kind} ${name}: ${problem}; the apiserver would refuse it`);
    }
  }
  return warnings;
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

/**
 * Loads RBAC objects from files, directories (recursively: .yaml, .yml, .json) and `-` (stdin).
 * Multi-document YAML, JSON and `kind: List` work; other kinds are counted as ignored. Every problem
 * in every file is collected, then thrown as one `InputError` located at the first.
 */
export async function loadManifests(paths: string[], options: LoadOptions = {}): Promise<LoadedManifests> {
  const cwd = options.cwd ?? process.cwd();
  const limits: LoadLimits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxAliases: options.maxAliases ?? DEFAULT_LIMITS.maxAliases,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
  const files: string[] = [];
  for (const path of paths) files.push(...(await expand(path, cwd)));
  const collector: Collector = {
    snapshot: { roles: [], clusterRoles: [], roleBindings: [], clusterRoleBindings: [], serviceAccounts: [] },
    customResources: [],
    ignored: 0,
    problems: [],
    defaultNamespace: options.defaultNamespace ?? "default",
    locate: createLocator(),
  };
  const shownFiles: string[] = [];
  for (const file of files) {
    const shown = displayPath(file, cwd);
    options.onFile?.(shownFiles.length, files.length, shown);
    shownFiles.push(shown);
    const text = await readManifest(file, limits, options.stdin, shown);
    const parsed = parseStream(text, shown, limits, collector.locate);
    const before = collector.problems.length;
    collector.problems.push(...parsed.problems);
    for (const document of parsed.documents) collectDocument(collector, shown, document);
    // Within a file, report problems top to bottom.
    const found = collector.problems.splice(before).sort((a, b) => a.line - b.line || a.column - b.column);
    collector.problems.push(...found);
  }
  if (collector.problems.length > 0) throw toInputError(collector.problems);
  return { snapshot: collector.snapshot, customResources: collector.customResources, files: shownFiles, ignored: collector.ignored, warnings: refusals(collector.snapshot) };
}
