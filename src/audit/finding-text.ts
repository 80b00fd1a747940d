import type { Finding, ObjectRef, Severity, SourceLocation } from "../model/report.js";
import type { ClusterRoleBinding, RoleBinding, Subject } from "../rbac/types.js";
import type { AuditRule } from "./rule-types.js";

/*
 * How findings name things: subjects, bindings and roles as ObjectRefs, and the one-sentence path
 * subject -> binding -> role that every finding's message starts from.
 */

/** The subject as an ObjectRef; a ServiceAccount without namespace in a RoleBinding means the binding's namespace. */
export function subjectRef(subject: Subject, bindingNamespace: string): ObjectRef {
  if (subject.kind === "ServiceAccount") {
    const namespace = subject.namespace || bindingNamespace;
    return namespace ? { kind: subject.kind, name: subject.name, namespace } : { kind: subject.kind, name: subject.name };
  }
  return { kind: subject.kind, name: subject.name };
}

/** The binding as an ObjectRef. */
export function bindingRef(binding: ClusterRoleBinding | RoleBinding): ObjectRef {
  return binding.kind === "RoleBinding"
    ? { kind: binding.kind, name: binding.metadata.name, namespace: binding.metadata.namespace }
    : { kind: binding.kind, name: binding.metadata.name };
}

/** The binding's role as an ObjectRef (a Role lives in the binding's namespace). */
export function roleRefOf(binding: ClusterRoleBinding | RoleBinding): ObjectRef {
  return binding.kind === "RoleBinding" && binding.roleRef.kind === "Role"
    ? { kind: "Role", name: binding.roleRef.name, namespace: binding.metadata.namespace }
    : { kind: binding.roleRef.kind, name: binding.roleRef.name };
}

/** `ServiceAccount ci/runner`, `Group system:authenticated`, `ClusterRole admin` (one home: the model's). */
export { describeRef } from "../model/report.js";

/**
 * One message from its parts, as one flat string. A template literal leaves a rope of small pieces,
 * and a big cluster's tens of thousands of findings would keep every piece alive until the report
 * is written (about twice the memory, all of it copied by the garbage collector on the way).
 */
export function sentence(...parts: (string | number)[]): string {
  return parts.join("");
}

/** `in every namespace` for cluster scope, `in namespace X` otherwise. */
export function describeScope(scope: string): string {
  return scope === "cluster" ? "cluster-wide" : `in namespace ${scope}`;
}

/** The parts every finding has, given by the engine; the rest comes from the rule. */
export interface FindingParts {
  severity: Severity;
  status: Finding["status"];
  message: string;
  scope: string;
  rules?: unknown[];
  subject?: ObjectRef;
  binding?: ObjectRef;
  role?: ObjectRef;
  source?: SourceLocation;
  /** What to do about this finding, when it says more than the rule's text (names the role, drops advice already followed). */
  remediation?: string | undefined;
}

/**
 * A finding of `rule`, with the rule's title, remediation and CIS item. Every finding is built with
 * the same fields in the same order (absent ones are undefined, which JSON leaves out), so the tens
 * of thousands of findings of a big cluster share one object shape.
 */
export function makeFinding(rule: AuditRule, parts: FindingParts): Finding {
  return {
    rule: rule.id,
    severity: parts.severity,
    status: parts.status,
    title: rule.title,
    message: parts.message,
    subject: parts.subject,
    binding: parts.binding,
    role: parts.role,
    scope: parts.scope,
    rules: parts.rules ?? [],
    source: parts.source,
    remediation: parts.remediation ?? rule.remediation,
    cis: rule.cis === "none" ? undefined : rule.cis,
  };
}
