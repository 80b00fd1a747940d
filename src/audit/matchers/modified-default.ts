import type { Finding, Severity } from "../../model/report.js";
import { BOOTSTRAP_POLICY_VERSION } from "../../rbac/bootstrap.js";
import { formatRule } from "../../rbac/format.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../rbac/types.js";
import { broadnessOf } from "../broad-subjects.js";
import { AUTOUPDATE_ANNOTATION } from "../expected.js";
import { bindingRef, describeRef, makeFinding, subjectRef } from "../finding-text.js";
import type { AuditRule } from "../rule-types.js";
import { lowerSeverity } from "../../model/severity.js";
import { RBAC_OBJECTS } from "./rbac-objects.js";
import type { AuditRun, Matcher } from "./types.js";

/*
 * `modified-default`: a role or binding of the bootstrap policy (or kubeadm's) that no longer is what
 * the cluster ships. Extra rules on a default role reach every identity the defaults bind it to
 * (system:discovery is bound to every authenticated user), and nothing about the binding looks odd;
 * the change itself is the finding, naming what was added. A default role redefined with fewer rules
 * is restored by the API server at start-up unless its autoupdate annotation is "false", so a
 * narrowed cluster-admin is not narrow for long.
 */

type AnyBinding = ClusterRoleBinding | RoleBinding;

function roleRefOfRole(role: ClusterRole | Role): { kind: string; name: string; namespace?: string } {
  return role.kind === "Role"
    ? { kind: "Role", name: role.metadata.name, namespace: role.metadata.namespace }
    : { kind: "ClusterRole", name: role.metadata.name };
}

function bindsRole(binding: AnyBinding, role: ClusterRole | Role): boolean {
  if (binding.roleRef.kind !== role.kind || binding.roleRef.name !== role.metadata.name) return false;
  return role.kind === "ClusterRole" || (binding.kind === "RoleBinding" && binding.metadata.namespace === role.metadata.namespace);
}

function broadSubjectsOf(bindings: readonly AnyBinding[]): string[] {
  const found: string[] = [];
  for (const binding of bindings) {
    for (const subject of binding.subjects ?? []) {
      if (broadnessOf(subject)) found.push(`${describeRef(subjectRef(subject, ""))} (${describeRef(bindingRef(binding))})`);
    }
  }
  return found;
}

function rulesText(rules: readonly PolicyRule[]): string {
  return rules.map(formatRule).join("; ");
}

function roleFinding(rule: AuditRule, role: ClusterRole | Role, run: AuditRun, bindings: readonly AnyBinding[]): Finding | undefined {
  const changes = run.expectations.roleChanges(role);
  if (!changes) return undefined;
  const keepsChanges = role.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === "false";
  // Offline the dropped rules were given back already (prepare.ts); live they are back at the next start.
  const dropped = run.options.mode === "offline" ? run.prepared.restoredRules(role) : keepsChanges ? [] : changes.dropped;
  const grows = changes.added.length > 0 || changes.selectorsChanged;
  if (!grows && dropped.length === 0) return undefined;
  const ref = roleRefOfRole(role);
  const boundTo = bindings.filter((binding) => bindsRole(binding, role));
  const broad = broadSubjectsOf(boundTo);
  let severity: Severity = grows ? rule.severity : lowerSeverity(rule.severity);
  if (grows && broad.length > 0) severity = "critical";
  const parts = [`${describeRef(ref)} is a default role (bootstrap policy of Kubernetes ${BOOTSTRAP_POLICY_VERSION})`];
  if (changes.added.length > 0) parts.push(` with ${changes.added.length} rule${changes.added.length === 1 ? "" : "s"} added: ${rulesText(changes.added)}`);
  if (changes.selectorsChanged) parts.push(" with its aggregationRule changed");
  parts.push(".");
  if (grows && broad.length > 0) parts.push(` It is bound to ${broad.join(", ")}, so every identity there holds what was added.`);
  else if (grows && boundTo.length > 0)
    parts.push(` Every subject of ${boundTo.map((binding) => describeRef(bindingRef(binding))).join(", ")} holds what was added.`);
  if (dropped.length > 0) {
    parts.push(
      ` It drops ${dropped.length} default rule${dropped.length === 1 ? "" : "s"} without ${AUTOUPDATE_ANNOTATION}: "false", so the API server puts them back at its next start (${rulesText(dropped)})${run.options.mode === "offline" ? "; its bindings are audited with them" : ""}.`,
    );
  }
  return makeFinding(rule, {
    severity,
    status: "finding",
    message: parts.join(""),
    scope: role.kind === "Role" ? role.metadata.namespace : "cluster",
    rules: grows ? changes.added : [...dropped],
    role: ref,
    ...(role.source ? { source: role.source } : {}),
  });
}

function bindingFinding(rule: AuditRule, binding: AnyBinding, run: AuditRun): Finding | undefined {
  const base = run.expectations.defaultBinding(binding);
  if (!base) return undefined;
  const added: Subject[] = (binding.subjects ?? []).filter((subject) => !run.expectations.isDefaultGrant(binding, subject));
  if (added.length === 0) return undefined;
  const namespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
  const severity: Severity = added.some((subject) => broadnessOf(subject)) ? "critical" : rule.severity;
  const names = added.map((subject) => describeRef(subjectRef(subject, namespace))).join(", ");
  return makeFinding(rule, {
    severity,
    status: "finding",
    message: `${describeRef(bindingRef(binding))} is a default binding of ${binding.roleRef.kind} ${binding.roleRef.name} with ${added.length} subject${added.length === 1 ? "" : "s"} added: ${names}.`,
    scope: namespace || "cluster",
    binding: bindingRef(binding),
    role: {
      kind: binding.roleRef.kind,
      name: binding.roleRef.name,
      ...(binding.kind === "RoleBinding" && binding.roleRef.kind === "Role" ? { namespace } : {}),
    },
    ...(binding.source ? { source: binding.source } : {}),
  });
}

/** Default roles with rules added (or dropped without autoupdate "false"), default bindings with subjects added. */
export const modifiedDefaultMatcher: Matcher = {
  needs: RBAC_OBJECTS,
  whole(rule, run) {
    if (run.options.subject) return [];
    const { snapshot } = run.prepared;
    const bindings: AnyBinding[] = [...snapshot.clusterRoleBindings, ...snapshot.roleBindings];
    const findings: Finding[] = [];
    for (const role of [...snapshot.clusterRoles, ...snapshot.roles]) {
      if (run.prepared.isFilled(role)) continue;
      const found = roleFinding(rule, role, run, bindings);
      if (found) findings.push(found);
    }
    for (const binding of bindings) {
      const found = bindingFinding(rule, binding, run);
      if (found) findings.push(found);
    }
    return findings;
  },
};
