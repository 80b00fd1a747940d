import type { ResourceType } from "../rbac/request-spec.js";
import type { RbacObject, RbacSnapshot } from "../rbac/types.js";
import { enforcedLevel } from "../model/pod-security.js";
import { listItemLines } from "./item-lines.js";
import type { Locator } from "./locate.js";
import type { Located, ParsedDocument } from "./parse.js";
import { RBAC_KINDS, validateObject, type RbacKind } from "./validate.js";

/*
 * From parsed documents to typed RBAC objects: unwraps `kind: List` / `*List`, ignores kinds that
 * are not RBAC or ServiceAccount, validates the rest, fills the namespace kubectl would, and records
 * where each object came from. Of a Namespace (ignored all the same) it keeps the Pod Security level,
 * which decides where the path search lets a pod escape to its node.
 */

const API_VERSION: Record<RbacKind, string> = {
  Role: "rbac.authorization.k8s.io/v1",
  ClusterRole: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
  ClusterRoleBinding: "rbac.authorization.k8s.io/v1",
  ServiceAccount: "v1",
};
const NAMESPACED = new Set<RbacKind>(["Role", "RoleBinding", "ServiceAccount"]);
/**
 * Removed in Kubernetes 1.22 but still in old charts. Its RBAC objects have exactly v1's fields
 * (v1alpha1's do not: subjects had apiVersion), so they are audited as v1 with a warning.
 */
const RBAC_V1BETA1 = "rbac.authorization.k8s.io/v1beta1";

/** Where converted objects go. */
export interface Collector {
  snapshot: RbacSnapshot;
  /** The CustomResourceDefinitions met on the way, as discovery would list their types. */
  customResources: ResourceType[];
  ignored: number;
  /** The Pod Security level each Namespace object enforces, by name ("" when it sets none). */
  podSecurity: Map<string, string>;
  problems: Located[];
  defaultNamespace: string;
  /** Namespaced objects that named no namespace and were given `defaultNamespace`. */
  defaulted: number;
  /** Objects read as written though the apiserver no longer serves their apiVersion. */
  warnings: string[];
  locate: Locator;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

const KINDS = new Set<string>(RBAC_KINDS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SNAPSHOT_LIST: Record<RbacKind, keyof RbacSnapshot> = {
  Role: "roles",
  ClusterRole: "clusterRoles",
  RoleBinding: "roleBindings",
  ClusterRoleBinding: "clusterRoleBindings",
  ServiceAccount: "serviceAccounts",
};

/** Problems located precisely; later ones (never printed one by one) get the document's line, so a huge bad List stays cheap. */
const LOCATED_PROBLEMS = 50;

function report(collector: Collector, file: string, document: ParsedDocument, path: (string | number)[], message: string, atKey = false): void {
  if (collector.problems.length >= LOCATED_PROBLEMS) {
    collector.problems.push({ file, document: document.document, line: document.line, column: 1, message });
    return;
  }
  const position = collector.locate(document.text, path, { key: atKey });
  collector.problems.push({ file, document: document.document, line: document.startLine + position.line - 1, column: position.column, message });
}

/** A CRD's type as discovery lists it, or undefined when its names are incomplete (the apiserver would refuse it). */
function customResourceType(value: Record<string, unknown>): ResourceType | undefined {
  const spec = isRecord(value.spec) ? value.spec : {};
  const names = isRecord(spec.names) ? spec.names : {};
  if (typeof spec.group !== "string" || typeof names.plural !== "string" || typeof names.kind !== "string") return undefined;
  const shortNames = Array.isArray(names.shortNames) ? names.shortNames.filter((name): name is string => typeof name === "string") : [];
  return {
    name: names.plural,
    group: spec.group,
    namespaced: spec.scope !== "Cluster",
    ...(typeof names.singular === "string" ? { singular: names.singular } : {}),
    ...(shortNames.length > 0 ? { shortNames } : {}),
    kind: names.kind,
  };
}

type PathOf = () => (string | number)[];

/** Keeps a Namespace's Pod Security level; labels that are not strings are refused, as the apiserver would. */
function recordNamespace(collector: Collector, file: string, document: ParsedDocument, value: Record<string, unknown>, pathOf: PathOf): void {
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  if (typeof metadata.name !== "string") return;
  const labels = metadata.labels ?? undefined;
  if (labels !== undefined && (!isRecord(labels) || Object.values(labels).some((label) => typeof label !== "string"))) {
    report(
      collector,
      file,
      document,
      [...pathOf(), "metadata", "labels"],
      `Namespace ${JSON.stringify(metadata.name)}: metadata.labels: must be a map of strings`,
    );
    return;
  }
  collector.podSecurity.set(metadata.name, enforcedLevel(labels));
}

function convert(collector: Collector, file: string, document: ParsedDocument, value: Record<string, unknown>, pathOf: PathOf, line = document.line): void {
  const kind = value.kind;
  const apiVersion = value.apiVersion;
  if (typeof kind !== "string" || typeof apiVersion !== "string") {
    report(collector, file, document, pathOf(), "every object needs a string apiVersion and kind");
    return;
  }
  if (kind.endsWith("List") && Array.isArray(value.items)) {
    const items = value.items;
    const topLevel = pathOf().length === 0;
    const scanned = document.itemLines?.length === items.length ? document.itemLines : undefined;
    const lines = topLevel ? (scanned ?? (document.itemLines ? undefined : listItemLines(document.text, document.startLine, items.length))) : undefined;
    // A raw API list (`GET /apis/.../roles`) leaves kind and apiVersion off its items: they are the list's.
    const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
    items.forEach((item, index) => {
      const itemPath = () => [...pathOf(), "items", index];
      if (isRecord(item) && itemKind && item.kind === undefined && item.apiVersion === undefined) {
        convert(collector, file, document, { kind: itemKind, apiVersion, ...item }, itemPath, lines?.[index] ?? line);
      } else if (isRecord(item)) convert(collector, file, document, item, itemPath, lines?.[index] ?? line);
      else report(collector, file, document, itemPath(), "a List item must be an object");
    });
    return;
  }
  if (!KINDS.has(kind)) {
    if (kind === "Namespace" && apiVersion === "v1") recordNamespace(collector, file, document, value, pathOf);
    const custom = kind === "CustomResourceDefinition" && groupOf(apiVersion) === "apiextensions.k8s.io" ? customResourceType(value) : undefined;
    if (custom) collector.customResources.push(custom);
    else collector.ignored++;
    return;
  }
  const rbacKind = kind as RbacKind;
  const served = API_VERSION[rbacKind];
  // The served apiVersion (nearly every object) needs no look at the group.
  if (apiVersion !== served && groupOf(apiVersion) !== groupOf(served)) {
    collector.ignored++;
    return;
  }
  const label = (): string => `${kind} ${JSON.stringify(isRecord(value.metadata) ? (value.metadata.name ?? "") : "")}`;
  if (apiVersion === RBAC_V1BETA1) {
    collector.warnings.push(
      `${file}:${line}: ${label()}: ${RBAC_V1BETA1} is no longer served (removed in Kubernetes 1.22), so current servers refuse it; audited as ${served}, which has the same fields`,
    );
  } else if (apiVersion !== served) {
    report(
      collector,
      file,
      document,
      [...pathOf(), "apiVersion"],
      `${label()}: apiVersion ${apiVersion} is not served by current Kubernetes; use ${API_VERSION[rbacKind]}`,
    );
    return;
  }
  const problems = validateObject(rbacKind, value);
  for (const problem of problems)
    report(collector, file, document, [...pathOf(), ...problem.path], `${label()}: ${problem.field}: ${problem.message}`, problem.atKey);
  if (problems.length > 0) return;
  // The parsed value is ours: copy only what we change (metadata only when its namespace changes).
  let metadata = value.metadata as Record<string, unknown>;
  const namespaced = NAMESPACED.has(rbacKind);
  if (namespaced ? metadata.namespace === undefined : metadata.namespace !== undefined) {
    metadata = { ...metadata };
    if (namespaced) {
      metadata.namespace = collector.defaultNamespace;
      collector.defaulted++;
    } else delete metadata.namespace;
  }
  // Completed in place (a copy per object costs a big cluster's load a noticeable share), unless a
  // YAML alias may put this very object elsewhere too: each place then gets its own copy and source.
  const object = (document.aliasesPossible ? { ...value } : value) as Record<string, unknown>;
  object.metadata = metadata;
  object.source = { file, line, document: document.document };
  if (rbacKind === "Role" || rbacKind === "ClusterRole") object.rules ??= [];
  if (rbacKind === "RoleBinding" || rbacKind === "ClusterRoleBinding") object.subjects ??= [];
  (collector.snapshot[SNAPSHOT_LIST[rbacKind]] as RbacObject[]).push(object as unknown as RbacObject);
}

/** Converts one parsed document (an object or a List of them) into the collector. */
export function collectDocument(collector: Collector, file: string, document: ParsedDocument): void {
  if (!isRecord(document.value)) {
    report(collector, file, document, [], `document ${document.document} is not an object (a YAML mapping)`);
    return;
  }
  convert(collector, file, document, document.value, () => []);
}
