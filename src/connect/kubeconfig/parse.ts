import { dirname } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { NOT_PLAIN } from "../../input/block-yaml.js";
import { locatedParseErrors, toJsWithinLimits } from "../../input/yaml-limits.js";
import { InputError } from "../../model/errors.js";
import { Secret } from "../../model/secret.js";
import { FieldReader, isPlainObject, resolveAgainst } from "./fields.js";
import { emptyKubeconfigSet, type KubeconfigCluster, type KubeconfigContext, type KubeconfigExec, type KubeconfigSet, type KubeconfigUser } from "./model.js";
import { readPlainKubeconfig } from "./plain-yaml.js";

const EXEC_EXTENSION = "client.authentication.k8s.io/exec";

/** At most this many duplicate-key warnings per file; the rest are counted. */
const MAX_DUPLICATE_WARNINGS = 5;

function duplicateWarnings(file: string, duplicates: readonly { line: number; column: number; message: string }[]): string[] {
  const shown = duplicates
    .slice(0, MAX_DUPLICATE_WARNINGS)
    .map((item) => `${file}:${item.line}:${item.column}: ${item.message}: the last value is used, as kubectl does`);
  const more = duplicates.length - shown.length;
  return more > 0 ? [...shown, `${file}: ${more} more duplicate key(s)`] : shown;
}

function parseYaml(file: string, text: string): { root: unknown; warnings: string[] } {
  // The plain block YAML kubectl writes, when it means the same in YAML 1.1: without loading `yaml`.
  const plain = readPlainKubeconfig(text);
  if (plain !== NOT_PLAIN) return { root: plain, warnings: [] };
  // kubectl reads kubeconfigs as YAML 1.1 (go-yaml v2): `name: y` is a boolean there, not a string.
  // It also takes the last of duplicate keys without a word; saprobe takes the same value but warns.
  const lines = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, version: "1.1", lineCounter: lines, prettyErrors: false });
  const [problem] = locatedParseErrors(document, lines);
  if (problem) throw new InputError(`not valid YAML: ${problem.message}`, { file, line: problem.line, column: problem.column });
  const converted = toJsWithinLimits(document, lines);
  if ("problem" in converted) {
    const { line, column, message } = converted.problem;
    throw new InputError(`not a usable kubeconfig: ${message}`, { file, line, column });
  }
  return { root: converted.value, warnings: duplicateWarnings(file, converted.duplicateKeys) };
}

/** Turns `[{name, <field>: {...}}]` into named bodies; duplicate names in one file are an error (client-go). */
function namedEntries(file: string, root: Record<string, unknown>, list: string, field: string): [string, FieldReader][] {
  const value = root[list];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`"${list}" must be a list`, { file });
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== "string" || entry.name === "") {
      throw new InputError(`${list}[${index}] needs a "name"`, { file });
    }
    if (seen.has(entry.name)) throw new InputError(`duplicate name "${entry.name}" in ${list}`, { file });
    seen.add(entry.name);
    const body = entry[field] ?? {};
    if (!isPlainObject(body)) throw new InputError(`${list}[${index}] "${field}" must be a mapping`, { file });
    return [entry.name, new FieldReader(file, `${list.slice(0, -1)} "${entry.name}"`, body)];
  });
}

function execExtension(reader: FieldReader): unknown {
  const extensions = reader.raw("extensions");
  if (!Array.isArray(extensions)) return undefined;
  const found = extensions.find((item: unknown) => isPlainObject(item) && item.name === EXEC_EXTENSION) as Record<string, unknown> | undefined;
  return found?.extension;
}

function parseCluster(name: string, origin: string, reader: FieldReader): KubeconfigCluster {
  const baseDir = dirname(origin);
  return {
    name,
    origin,
    server: reader.string("server"),
    certificateAuthority: reader.path("certificate-authority", baseDir),
    certificateAuthorityData: reader.base64("certificate-authority-data"),
    insecureSkipTlsVerify: reader.boolean("insecure-skip-tls-verify"),
    tlsServerName: reader.string("tls-server-name"),
    proxyUrl: reader.string("proxy-url"),
    execExtension: execExtension(reader),
  };
}

function parseExec(file: string, where: string, body: Record<string, unknown>, baseDir: string): KubeconfigExec {
  const reader = new FieldReader(file, `${where} exec`, body);
  const command = reader.string("command");
  const rawEnv = body.env ?? [];
  if (!Array.isArray(rawEnv)) throw new InputError(`${where} exec: "env" must be a list`, { file });
  const env = rawEnv.map((item: unknown) => {
    if (!isPlainObject(item) || typeof item.name !== "string" || item.name === "") {
      throw new InputError(`${where} exec: every env entry needs a "name"`, { file });
    }
    return { name: item.name, value: typeof item.value === "string" ? item.value : "" };
  });
  return {
    apiVersion: reader.string("apiVersion"),
    // Like client-go, only a command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
    command: command?.includes("/") ? resolveAgainst(baseDir, command) : command,
    args: reader.stringList("args"),
    env,
    interactiveMode: reader.string("interactiveMode"),
    provideClusterInfo: reader.boolean("provideClusterInfo"),
    installHint: reader.string("installHint"),
  };
}

function parseUser(file: string, name: string, origin: string, reader: FieldReader): KubeconfigUser {
  const baseDir = dirname(origin);
  const secret = (value: string | undefined) => (value === undefined ? undefined : new Secret(value));
  const exec = reader.object_("exec");
  const authProvider = reader.object_("auth-provider");
  const extra = reader.object_("as-user-extra");
  return {
    name,
    origin,
    token: secret(reader.string("token")),
    tokenFile: reader.path("tokenFile", baseDir),
    clientCertificate: reader.path("client-certificate", baseDir),
    clientCertificateData: secret(reader.base64("client-certificate-data")),
    clientKey: reader.path("client-key", baseDir),
    clientKeyData: secret(reader.base64("client-key-data")),
    username: reader.string("username"),
    password: secret(reader.string("password")),
    exec: exec ? parseExec(file, `user "${name}"`, exec, baseDir) : undefined,
    authProvider: authProvider ? { name: typeof authProvider.name === "string" ? authProvider.name : "" } : undefined,
    impersonate: reader.string("as"),
    impersonateUid: reader.string("as-uid"),
    impersonateGroups: reader.stringList("as-groups"),
    impersonateExtra: extra as Record<string, string[]> | undefined,
  };
}

function parseContext(name: string, origin: string, reader: FieldReader): KubeconfigContext {
  return { name, origin, cluster: reader.string("cluster"), user: reader.string("user"), namespace: reader.string("namespace") };
}

/** One parsed kubeconfig file. */
export interface ParsedKubeconfig {
  set: KubeconfigSet;
  /** `file:line:column: ...` for what kubectl accepts silently but a user should know (duplicate keys). */
  warnings: string[];
}

/**
 * Parses one kubeconfig file (YAML or JSON). `file` must be absolute: it becomes every entry's origin
 * and the base of its relative paths. An empty file is an empty config, as in client-go.
 */
export function parseKubeconfig(file: string, text: string): ParsedKubeconfig {
  const set = emptyKubeconfigSet();
  const { root, warnings } = parseYaml(file, text);
  if (root === null || root === undefined) return { set, warnings };
  if (!isPlainObject(root)) throw new InputError("a kubeconfig must be a mapping with clusters, users and contexts", { file });
  for (const [name, reader] of namedEntries(file, root, "clusters", "cluster")) set.clusters.set(name, parseCluster(name, file, reader));
  for (const [name, reader] of namedEntries(file, root, "users", "user")) set.users.set(name, parseUser(file, name, file, reader));
  for (const [name, reader] of namedEntries(file, root, "contexts", "context")) set.contexts.set(name, parseContext(name, file, reader));
  const current = new FieldReader(file, "kubeconfig", root).string("current-context");
  if (current !== undefined) {
    set.currentContext = current;
    set.currentContextOrigin = file;
  }
  return { set, warnings };
}
