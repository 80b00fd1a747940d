import type { Finding } from "../model/report.js";
import type { ClusterRole, ClusterRoleBinding, RbacSnapshot, Role, RoleBinding, Subject, UserInfo } from "../rbac/types.js";
import { subjectAppliesToUser } from "../rbac/subjects.js";
import { roleFindings } from "./role-findings.js";
import { defaultExpectations, type Expectations } from "./expected.js";
import { broadnessOf } from "./broad-subjects.js";
import { bindingRef, describeRef, makeFinding, roleRefOf, subjectRef } from "./finding-text.js";
import { mastersFindings, type MastersEvidence } from "./masters-findings.js";
import { compilePatterns, PatternEvaluator, type RoleLevels } from "./permission-match.js";
import { prepareSnapshot } from "./prepare.js";
import type { AuditRule, Catalogue } from "./rule-types.js";
import { pathText, subjectFindings, type GrantContext } from "./subject-findings.js";
import { effectivePermissionsFinding } from "./subject-permissions.js";
import { unknownFindings, type UnreadableResource } from "./unknown-findings.js";
import { unusedServiceAccountFindings } from "./unused-serviceaccounts.js";
import { pathFindings } from "./paths/findings.js";
import { pathFacts, type LivePathFacts } from "./paths/facts.js";

/** How to audit a snapshot. */
export interface AuditOptions {
  /**
   * `offline` (manifests): bootstrap ClusterRoles the input refers to but lacks are filled in and
   * aggregation is resolved. `live`: objects are used as stored.
   */
  mode: "offline" | "live";
  /** RoleBindings in these namespaces count as cluster-wide grants (default `kube-system`). */
  privilegedNamespaces?: readonly string[];
  /** `namespace/name` of every ServiceAccount a pod runs as (live); absent when pods could not be read. */
  podServiceAccounts?: ReadonlySet<string>;
  /** What could not be read (live): rules that need it become `unknown`. */
  unreadable?: readonly UnreadableResource[];
  /** Evidence of system:masters membership (client certificates, approved CSRs). */
  mastersEvidence?: readonly MastersEvidence[];
  /** Narrow the audit to the bindings that apply to this user. */
  subject?: UserInfo;
  /** What a live audit saw about token Secrets and workloads, for the attack paths. */
  pathFacts?: LivePathFacts;
}

/**
 * Audits a snapshot against a catalogue: pure, no I/O, no clock. Returns findings in a stable order
 * (catalogue order, then the order of bindings and subjects in the snapshot).
 */
export function auditSnapshot(input: RbacSnapshot, catalogue: Catalogue, options: AuditOptions): Finding[] {
  const prepared = prepareSnapshot(input, options.mode === "offline");
  const expectations = defaultExpectations();
  const compiled = compilePatterns(catalogue.rules);
  const evaluator = new PatternEvaluator(compiled);
  const privileged = new Set(options.privilegedNamespaces ?? ["kube-system"]);
  const findings: Finding[] = [];
  const levelsByRole = new Map<ClusterRole | Role, RoleLevels>();
  const boundServiceAccounts = new Map<string, GrantContext>();

  const byKind = (kind: AuditRule["match"]["kind"]): AuditRule | undefined => catalogue.rules.find((rule) => rule.match.kind === kind);
  const missingRole = byKind("missing-role");

  const visit = (binding: ClusterRoleBinding | RoleBinding): void => {
    const bindingNamespace = binding.kind === "RoleBinding" ? binding.metadata.namespace : "";
    const subjects = applicableSubjects(binding.subjects ?? [], bindingNamespace, options.subject);
    if (subjects.length === 0) return;
    const resolved = prepared.resolve(binding);
    if (!resolved.ok) {
      if (missingRole) findings.push(missingRoleFinding(missingRole, binding, resolved.error, expectations));
      return;
    }
    let levels = levelsByRole.get(resolved.role);
    if (!levels) {
      levels = evaluator.roleLevels(resolved.rules);
      levelsByRole.set(resolved.role, levels);
    }
    const reference = { binding: bindingRef(binding), role: roleRefOf(binding) };
    const path = pathText(reference.binding, reference.role);
    const clusterWide = bindingNamespace === "" || privileged.has(bindingNamespace);
    const scope = bindingNamespace === "" ? "cluster" : bindingNamespace;
    for (const subject of subjects) {
      const subjectReference = subjectRef(subject, bindingNamespace);
      const context: GrantContext = {
        binding,
        bindingRef: reference.binding,
        roleRef: reference.role,
        path,
        subject,
        subjectRef: subjectReference,
        subjectText: describeRef(subjectReference),
        broadness: broadnessOf(subject),
        rules: resolved.rules,
        levels,
        clusterWide,
        scope,
        expected: expectations.isDefaultGrant(binding, subject),
      };
      if (options.podServiceAccounts && subject.kind === "ServiceAccount" && context.subjectRef.namespace) {
        const key = `${context.subjectRef.namespace}/${subject.name}`;
        if (!boundServiceAccounts.has(key)) boundServiceAccounts.set(key, context);
      }
      const found = subjectFindings(catalogue, compiled, context);
      findings.push(...found);
      if (options.subject) findings.push(effectivePermissionsFinding(context, found));
    }
  };
  for (const binding of prepared.snapshot.clusterRoleBindings) visit(binding);
  for (const binding of prepared.snapshot.roleBindings) visit(binding);

  if (!options.subject) findings.push(...roleFindings(catalogue, prepared, expectations));
  const unused = byKind("unused-serviceaccount");
  if (unused && options.podServiceAccounts) {
    findings.push(...unusedServiceAccountFindings(unused, boundServiceAccounts, input.serviceAccounts, options.podServiceAccounts));
  }
  const masters = byKind("system-masters");
  if (masters && !options.subject) findings.push(...mastersFindings(masters, options.mastersEvidence ?? []));
  const paths = byKind("cluster-admin-path");
  if (paths) findings.push(...pathFindings(paths, prepared, { facts: pathFacts(input, options), expectations, ...(options.subject ? { subject: options.subject } : {}) }));
  findings.push(...unknownFindings(catalogue, options.unreadable ?? []));
  return sortFindings(findings, catalogue);
}

function applies(subject: Subject, bindingNamespace: string, user: UserInfo | undefined): boolean {
  // A ServiceAccount without a namespace in a ClusterRoleBinding matches nobody (upstream appliesToUser).
  if (subject.kind === "ServiceAccount" && !subject.namespace && bindingNamespace === "") return false;
  return user ? subjectAppliesToUser(user, subject, bindingNamespace) : true;
}

/** The binding's subjects that can match someone (and, with --subject, that user); no copy in the common case. */
function applicableSubjects(subjects: Subject[], bindingNamespace: string, user: UserInfo | undefined): Subject[] {
  if (!user && subjects.every((subject) => applies(subject, bindingNamespace, undefined))) return subjects;
  return subjects.filter((subject) => applies(subject, bindingNamespace, user));
}

function missingRoleFinding(rule: AuditRule, binding: ClusterRoleBinding | RoleBinding, error: string, expectations: Expectations): Finding {
  const role = roleRefOf(binding);
  const expected = (binding.subjects ?? []).length > 0 && (binding.subjects ?? []).every((subject) => expectations.isDefaultGrant(binding, subject));
  return makeFinding(rule, {
    severity: rule.severity,
    status: expected ? "expected" : "finding",
    message: `${binding.kind} ${bindingRef(binding).namespace ? `${binding.metadata.namespace}/` : ""}${binding.metadata.name} refers to ${role.kind} ${role.name}, which does not exist (${error}); it grants nothing until a role of that name is created.`,
    scope: binding.kind === "RoleBinding" ? binding.metadata.namespace : "cluster",
    binding: bindingRef(binding),
    role,
    ...(binding.source ? { source: binding.source } : {}),
  });
}

function sortFindings(findings: Finding[], catalogue: Catalogue): Finding[] {
  // Buckets per rule keep snapshot order inside each rule without sorting tens of thousands of findings.
  const order = new Map(catalogue.rules.map((rule, position) => [rule.id, position]));
  const buckets: Finding[][] = Array.from({ length: catalogue.rules.length + 1 }, () => []);
  for (const finding of findings) (buckets[order.get(finding.rule) ?? catalogue.rules.length] as Finding[]).push(finding);
  return buckets.flat();
}
