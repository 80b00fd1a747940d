import type { Finding, ObjectRef, PathHop, Severity } from "../../model/report.js";
import type { UserInfo } from "../../rbac/types.js";
import { subjectAppliesToUser } from "../../rbac/subjects.js";
import type { Expectations } from "../expected.js";
import { describeRef, makeFinding, sentence } from "../finding-text.js";
import type { AuditRule } from "../rule-types.js";
import { bypassRemediation } from "./escape-bypass-scope.js";
import { lowerSeverity } from "../../model/severity.js";
import type { PathFacts } from "./facts.js";
import type { PathAnalysis } from "./analysis.js";
import { identityKey, type Identity, type IdentityGrant } from "./grants.js";
import { describeReached, hopOf, stepsOf } from "./hops.js";
import type { Route, Step } from "./search.js";

/*
 * One `cluster-admin-path` finding per identity that reaches cluster-admin power only through
 * other identities (or by granting it to itself): the shortest path, hop by hop. Direct holders are
 * `cluster-admin-binding`'s; an identity whose first hop is a grant of a group it is in is covered by
 * that group's own finding, and a controller whose first hop is a bootstrap binding the input lacks
 * (added offline: controllers.ts) gets none.
 */

/** What the path analysis needs besides the prepared snapshot. */
export interface PathOptions {
  facts: PathFacts;
  expectations: Expectations;
  subject?: UserInfo;
}

function appliesTo(identity: Identity, user: UserInfo | undefined): boolean {
  if (!user) return true;
  const { ref } = identity;
  return subjectAppliesToUser(user, { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) }, ref.namespace ?? "");
}

function hopSummary(hop: PathHop): string {
  const grant = hop.grants[0];
  if (hop.edge === "holds") return grant ? sentence("which holds cluster-admin power through ", describeRef(grant.binding)) : "which is in system:masters";
  return sentence(hop.permission, " -> ", describeReached(hop.reaches), hop.precondition ? ` (only if ${hop.precondition})` : "");
}

/** What a path finding says beyond its hops: where it ends, how serious it is. */
export interface PathEnd {
  /** `cluster-admin power`, `ServiceAccount kube-system/job-controller`. */
  reached: string;
  severity: Severity;
  /** A sentence after the hops (what the identity at the end can do), or "". */
  after: string;
}

/** What routeFindings keeps while it makes one rule's findings: each step's hop, each route's continuation. */
interface FindingRun {
  rule: AuditRule;
  analysis: PathAnalysis;
  routes: ReadonlyMap<string, Route>;
  options: PathOptions;
  endOf: (identity: Identity, steps: readonly Step[]) => PathEnd | undefined;
  hopsByStep: Map<Step, MadeHop>;
  continuations: Map<string, Continuation>;
}

interface MadeHop {
  hop: PathHop;
  summary: string;
}

/** The rest of a path after an identity's own steps (the route of `next`): its steps, hops and words. */
interface Continuation {
  steps: Step[];
  hops: PathHop[];
  /** `, then <summary>` for each hop (`, <summary>` for a holds hop). */
  text: string;
  moves: number;
  conditional: boolean;
}

/**
 * One finding per identity with a route in `routes` that it takes through a grant of its own (an
 * identity whose first hop is a grant of a group it is in is covered by that group's finding), for
 * `rule`. `endOf` says where a route ends; identities it returns undefined for are skipped. Pure.
 */
export function routeFindings(
  rule: AuditRule,
  analysis: PathAnalysis,
  routes: ReadonlyMap<string, Route>,
  options: PathOptions,
  endOf: (identity: Identity, steps: readonly Step[]) => PathEnd | undefined,
): Finding[] {
  const findings: Finding[] = [];
  // Routes share their tails (every team that escapes to the node goes on as the node does): each step's
  // hop, and each route's continuation with its words, once.
  const run: FindingRun = { rule, analysis, routes, options, endOf, hopsByStep: new Map(), continuations: new Map() };
  for (const identity of analysis.table.identities.values()) {
    const finding = routeFinding(run, identity);
    if (finding) findings.push(finding);
  }
  return findings;
}

function hopFor(run: FindingRun, step: Step): MadeHop {
  let made = run.hopsByStep.get(step);
  if (!made) {
    const hop = hopOf(step, run.options.facts);
    run.hopsByStep.set(step, (made = { hop, summary: hopSummary(hop) }));
  }
  return made;
}

/** Where an identity's route goes on from `next` (routes deepen by one level at least per step, so it ends). */
function continuationOf(run: FindingRun, next: string | undefined): Continuation {
  const key = next ?? "";
  let continuation = run.continuations.get(key);
  if (!continuation) {
    const steps = next === undefined ? [] : stepsOf(next, run.routes);
    const made = steps.map((step) => hopFor(run, step));
    continuation = {
      steps,
      hops: made.map((hop) => hop.hop),
      text: made.map(({ hop, summary }) => (hop.edge === "holds" ? ", " : ", then ") + summary).join(""),
      moves: made.filter(({ hop }) => hop.edge !== "holds").length,
      conditional: made.some(({ hop }) => hop.precondition),
    };
    run.continuations.set(key, continuation);
  }
  return continuation;
}

function routeFinding(run: FindingRun, identity: Identity): Finding | undefined {
  const { rule, analysis, options } = run;
  const route = run.routes.get(identity.key);
  if (!route || route.steps.length === 0 || identity.own.length === 0 || route.steps[0]?.edge.kind === "holds" || !appliesTo(identity, options.subject))
    return undefined;
  const first = route.steps[0]?.edge.evidence ?? [];
  // The identity's own grants carry its ref itself (grants.ts); a key compared only for any other.
  const own = first.filter((evidence) => evidence.grant.subject === identity.ref || identityKey(evidence.grant.subject) === identity.key);
  // A controller whose first hop is its bootstrap binding, added offline (analysis.ts): the user gave neither.
  if (own.length === 0 || own.every((evidence) => analysis.implied.has(evidence.grant.binding))) return undefined;
  const rest = continuationOf(run, route.next);
  const steps = [...route.steps, ...rest.steps];
  const end = run.endOf(identity, steps);
  if (!end) return undefined;
  const made = route.steps.map((step) => hopFor(run, step));
  const hops = [...made.map((hop) => hop.hop), ...rest.hops];
  const conditional = rest.conditional || made.some(({ hop }) => hop.precondition);
  // The subject's own part is its first hop: when a default grant of an unchanged default role gives it
  // (a controller that creates pods by design), the path is expected; the identity at the end has its
  // own finding. A default role given more (system:discovery with Secrets) is no default.
  const expected = first.length > 0 && first.every((evidence) => isDefaultGrant(analysis, options, evidence.grant));
  const severity: Severity = conditional ? lowerSeverity(end.severity) : end.severity;
  const via = own[0];
  const grant = via?.grant;
  const moves = rest.moves + made.filter(({ hop }) => hop.edge !== "holds").length;
  const message = sentence(
    describeRef(identity.ref),
    " reaches ",
    end.reached,
    " in ",
    moves,
    " hop",
    moves === 1 ? "" : "s",
    ": ",
    made.map(({ hop, summary }, position) => (position === 0 ? "" : hop.edge === "holds" ? ", " : ", then ") + summary).join(""),
    rest.text,
    ".",
    end.after,
    conditional ? " A hop relies on what the audit could not see; severity lowered until it is checked." : "",
  );
  const finding = makeFinding(rule, {
    severity,
    status: expected ? "expected" : "finding",
    message,
    scope: hops[0]?.requests[0]?.namespace || "cluster",
    rules: first.map((evidence) => evidence.rule),
    subject: identity.ref,
    ...(hops[0]?.edge === "node-escape" ? { remediation: bypassRemediation(rule, hops[0]) ?? escapeRemediation(rule, hops[0]) } : {}),
    ...(grant ? { binding: grant.bindingRef, role: grant.roleRef } : {}),
    ...(grant?.binding.source ? { source: grant.binding.source } : {}),
  });
  finding.path = hops;
  return finding;
}

/** A path that starts by escaping to a node breaks where Pod Security forbids the privileged pod. */
function escapeRemediation(rule: AuditRule, hop: PathHop): string {
  const namespace = hop.requests[0]?.namespace || "the namespace";
  return `Enforce Pod Security level baseline or restricted in ${namespace} (kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=baseline), which refuses privileged pods, hostPath volumes and host namespaces; or ${rule.remediation.charAt(0).toLowerCase()}${rule.remediation.slice(1)}`;
}

/** The `cluster-admin-path` findings. Pure. */
export function pathFindings(rule: AuditRule, analysis: PathAnalysis, options: PathOptions): Finding[] {
  // Only holders (level 1) reach the power: no finding, and the identity graph need not be built.
  if (![...analysis.routes.values()].some((route) => route.steps[0]?.edge.kind !== "holds")) return [];
  const end: PathEnd = { reached: "cluster-admin power", severity: rule.severity, after: "" };
  return routeFindings(rule, analysis, analysis.routes, options, () => end);
}

/** True when a default binding grants it to a default subject, through a role that grants what the default does. */
function isDefaultGrant(analysis: PathAnalysis, options: PathOptions, grant: IdentityGrant): boolean {
  if (!options.expectations.isDefaultGrant(grant.binding, subjectOf(grant.subject))) return false;
  const resolved = analysis.prepared.resolve(grant.binding);
  return resolved.ok && options.expectations.isDefaultRole(resolved.role);
}

function subjectOf(ref: ObjectRef): { kind: string; name: string; namespace?: string } {
  return ref.namespace ? { kind: ref.kind, name: ref.name, namespace: ref.namespace } : { kind: ref.kind, name: ref.name };
}
