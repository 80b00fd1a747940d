import { isAbsolute } from "node:path";
import type { CheckResult, Finding, ObjectRef, Target } from "../../model/report.js";
import { describeObject, stripControl } from "./text.js";

/** A SARIF `location` object. */
export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn?: number };
  };
  logicalLocations?: Array<{ fullyQualifiedName: string; kind: string }>;
}

// stripControl first: encodeURI throws on lone surrogates, and control characters have no place in a URI.
function encodePath(text: string): string {
  return encodeURI(stripControl(text));
}

function encodePart(text: string): string {
  return encodeURIComponent(stripControl(text));
}

const RBAC_PLURALS: Record<string, string> = {
  ClusterRoleBinding: "clusterrolebindings",
  ClusterRole: "clusterroles",
  RoleBinding: "rolebindings",
  Role: "roles",
};

/** A file path as a URI reference: relative paths stay relative to the checkout, with `/` separators. */
function fileUri(file: string): { uri: string; uriBaseId?: string } {
  const slashes = file.replace(/\\/g, "/");
  if (isAbsolute(file) || /^[A-Za-z]:\//.test(slashes)) return { uri: `file://${slashes.startsWith("/") ? "" : "/"}${encodePath(slashes)}` };
  return { uri: encodePath(slashes.replace(/^\.\//, "")), uriBaseId: "%SRCROOT%" };
}

/** The API path of an object, relative, so code-scanning accepts it as an artifact location. */
function objectPath(ref: ObjectRef): string {
  const plural = RBAC_PLURALS[ref.kind];
  const name = encodePart(ref.name);
  if (plural) {
    const scope = ref.namespace ? `namespaces/${encodePart(ref.namespace)}/` : "";
    return `apis/rbac.authorization.k8s.io/v1/${scope}${plural}/${name}`;
  }
  if (ref.kind === "ServiceAccount" && ref.namespace) return `api/v1/namespaces/${encodePart(ref.namespace)}/serviceaccounts/${name}`;
  return `${encodePart(ref.kind.toLowerCase())}/${name}`;
}

/** Where a live check points: the API path it requested, or the check id under `cluster/`. */
export function sarifLocationForCheck(result: CheckResult, target: Target): SarifLocation {
  const path = result.request?.path.split("?")[0]?.replace(/^\/+/, "");
  return {
    physicalLocation: { artifactLocation: { uri: encodePath(path || `cluster/${result.id}`) } },
    logicalLocations: [{ fullyQualifiedName: `${target.server ?? "cluster"}/${result.id}`, kind: "resource" }],
  };
}

/** Where a finding points: its manifest file and line, else the API path of its binding or subject. */
export function sarifLocationForFinding(finding: Finding): SarifLocation {
  const logical = [finding.binding, finding.subject, finding.role]
    .filter((ref): ref is ObjectRef => ref !== undefined)
    .map((ref) => ({ fullyQualifiedName: describeObject(ref), kind: "resource" }));
  const logicalLocations = logical.length > 0 ? { logicalLocations: logical } : {};
  if (finding.source) {
    const region = { startLine: Math.max(1, finding.source.line), ...(finding.source.column ? { startColumn: Math.max(1, finding.source.column) } : {}) };
    return { physicalLocation: { artifactLocation: fileUri(finding.source.file), region }, ...logicalLocations };
  }
  const anchor = finding.binding ?? finding.subject ?? finding.role;
  const uri = anchor ? objectPath(anchor) : `cluster/${encodePart(finding.rule)}`;
  return { physicalLocation: { artifactLocation: { uri } }, ...logicalLocations };
}
