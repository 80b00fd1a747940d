import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "../../../src/model/report.js";
import { auditFiles, refText } from "../support.js";

/*
 * The scene of the offline node-escape tests (offline-escape.test.ts, escape-bypass.test.ts): manifests
 * where ServiceAccount ops/admin holds cluster-admin and group dev is granted what a test gives it, read
 * through the manifest loader as `saprobe audit --manifests` reads them.
 */

const RBAC = "rbac.authorization.k8s.io";

/** ops/admin holds cluster-admin. */
export const ADMIN = `apiVersion: v1
kind: ServiceAccount
metadata: {name: admin, namespace: ops}
---
apiVersion: ${RBAC}/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: ${RBAC}, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: admin, namespace: ops}]
`;

/** Group dev may `verbs` `resources` of API group `group` (with `names`) in `namespace` ("" cluster-wide), by a role and binding called `name`. */
export function devMay(name: string, verbs: string, resources: string, namespace: string, names?: string, group = ""): string {
  const role = namespace ? `kind: Role\nmetadata: {name: ${name}, namespace: ${namespace}}` : `kind: ClusterRole\nmetadata: {name: ${name}}`;
  const binding = namespace ? `kind: RoleBinding\nmetadata: {name: ${name}, namespace: ${namespace}}` : `kind: ClusterRoleBinding\nmetadata: {name: ${name}}`;
  return `apiVersion: ${RBAC}/v1
${role}
rules: [{apiGroups: ["${group}"], resources: [${resources}], verbs: [${verbs}]${names ? `, resourceNames: [${names}]` : ""}}]
---
apiVersion: ${RBAC}/v1
${binding}
roleRef: {apiGroup: ${RBAC}, kind: ${namespace ? "Role" : "ClusterRole"}, name: ${name}}
subjects: [{kind: Group, name: dev, apiGroup: ${RBAC}}]
`;
}

/** A Namespace object, with its Pod Security enforce level when given. */
export function namespaceObject(name: string, level?: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${level ? `  labels:\n    pod-security.kubernetes.io/enforce: ${level}\n` : ""}`;
}

/** Every finding of an offline audit of manifests made of `documents` (ADMIN not included). */
export async function auditDocuments(...documents: string[]): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-offline-escape-"));
  writeFileSync(join(dir, "all.yaml"), documents.join("---\n"));
  return auditFiles([join(dir, "all.yaml")]);
}

/** The path findings of group dev, from manifests made of ADMIN and `documents`. */
export async function devPaths(...documents: string[]): Promise<Finding[]> {
  const findings = await auditDocuments(ADMIN, ...documents);
  return findings.filter((finding) => finding.rule === "cluster-admin-path" && refText(finding.subject) === "Group:dev");
}

/** Each finding as `severity: edge>reaches ...`. */
export const summary = (findings: Finding[]): string[] =>
  findings.map((finding) => `${finding.severity}: ${finding.path?.map((hop) => `${hop.edge}>${refText(hop.reaches)}`).join(" ")}`);
