import type { ObjectRef, PathGrant, PathHop, PathRequest } from "../../model/report.js";
import { describeRef } from "../finding-text.js";
import { CLIENT_SIGNER, KUBELET_CLIENT_SIGNER } from "./edges.js";
import type { PathFacts } from "./facts.js";
import { awaitedPod, awaiting } from "./future-pods.js";
import { nodeNameOf } from "./node-edges.js";
import type { Evidence, Question } from "./reach.js";
import { NODES_GROUP, NODE_USER_PREFIX } from "./targets.js";
import { POWER, type Route, type Step } from "./search.js";

/*
 * A route as the report shows it: one hop per step, each with the permission in words, the grants
 * (subject -> binding -> role -> rule, with file:line offline) and the concrete requests a
 * SubjectAccessReview can confirm.
 */

const TARGET_RESOURCE: Record<string, string> = { ServiceAccount: "serviceaccounts", User: "users", Group: "groups" };

/** The name a request of this step carries: the identity reached, or the rule's single name (a role, a signer). */
function requestName(evidence: Evidence, step: Step): string | undefined {
  const { question } = evidence;
  // A self-grant's bind, escalate and update requests name the role it grants itself.
  const role = step.edge.grantsRole;
  if (role && (question.verb === "bind" || question.resource === "roles" || question.resource === "clusterroles")) {
    // A create carries no name when it is authorized, nor does the escalate check of a role being created
    // (checked on v1.37.2); a role it creates without a name a rule imposes has none here ("").
    const creating = step.edge.evidence.some((other) => other.question.verb === "create" && other.question.resource === question.resource);
    return question.verb === "create" || (creating && question.verb === "escalate") ? undefined : role.name || undefined;
  }
  // A Secret the Node authorizer lets a node read: impersonate-on's get names it as the node's does.
  if (step.edge.authorizer?.name && question.resource === "secrets") return step.edge.authorizer.name;
  if (step.edge.bindingName && (question.resource === "rolebindings" || question.resource === "clusterrolebindings")) return step.edge.bindingName;
  if (step.edge.namesTarget && question.resource === TARGET_RESOURCE[step.reaches.kind]) return step.reaches.name;
  // A node reached: the one named (live, a node pods are bound to), else the rule's, else any.
  const node = step.reaches.kind === "Node" && nodeNameOf(step.reaches) !== "*" ? nodeNameOf(step.reaches) : undefined;
  if (question.verb === "impersonate:arbitrary-node") return node ?? evidence.rule.resourceNames?.[0] ?? "n1";
  if (question.verb === "impersonate:associated-node") return "*";
  if (step.edge.target.kind === "node" && question.verb === "impersonate") {
    // A node's identity: a user system:node:<name> in group system:nodes.
    if (question.resource === "groups") return NODES_GROUP;
    if (question.resource === "users")
      return node ? `${NODE_USER_PREFIX}${node}` : (evidence.rule.resourceNames?.find((name) => name.startsWith(NODE_USER_PREFIX)) ?? `${NODE_USER_PREFIX}n1`);
  }
  if (question.resource === "signers") {
    const signers = step.edge.target.kind === "node" ? [CLIENT_SIGNER, KUBELET_CLIENT_SIGNER] : [CLIENT_SIGNER];
    return (
      evidence.rule.resourceNames?.find((name) => signers.includes(name)) ??
      (step.edge.permission.includes(KUBELET_CLIENT_SIGNER) ? KUBELET_CLIENT_SIGNER : CLIENT_SIGNER)
    );
  }
  if (question.verb === "bind")
    return evidence.rule.resourceNames?.find((name) => name === "cluster-admin") ?? evidence.rule.resourceNames?.[0] ?? "cluster-admin";
  // The Namespace object an escape relabels (escape-bypass.ts): the namespace its pod is made in.
  if (question.resource === "namespaces" && step.edge.inNamespace) return step.edge.inNamespace;
  return evidence.rule.resourceNames?.[0];
}

/** The request `as` makes: `question` on `name` (if any) in `namespace` ("" for a cluster-scoped one). */
function requestAs(as: ObjectRef, question: Question, name: string | undefined, namespace: string): PathRequest {
  return {
    as,
    verb: question.verb,
    group: question.group,
    resource: question.resource,
    ...(question.subresource ? { subresource: question.subresource } : {}),
    ...(name ? { name } : {}),
    namespace: question.clusterScoped ? "" : namespace,
  };
}

function requestOf(evidence: Evidence, step: Step): PathRequest {
  // A namespaced request goes to the namespace of the ServiceAccount reached (or the grant's own).
  const namespace = evidence.grant.namespace || step.edge.inNamespace || (step.reaches.kind === "ServiceAccount" ? (step.reaches.namespace ?? "") : "");
  const request = requestAs(evidence.as, evidence.question, requestName(evidence, step), namespace);
  // Allowed by a grant an earlier hop gives the identity: the server would deny it until then.
  if (evidence.grant.planned) request.planned = true;
  return request;
}

function grantOf(evidence: Evidence): PathGrant {
  const { grant } = evidence;
  return {
    subject: grant.subject,
    binding: grant.bindingRef,
    role: grant.roleRef,
    rule: evidence.rule,
    ...(grant.binding.source ? { source: grant.binding.source } : {}),
    ...(grant.planned ? { planned: true } : {}),
  };
}

/**
 * Each grant of a step once: an edge that needs two verbs of one rule (escalate and patch a ClusterRole)
 * has evidence for each from the same grant, and the hop would list that grant twice (its requests,
 * one per verb, stay).
 */
function grantsOf(step: Step): PathGrant[] {
  const grants: PathGrant[] = [];
  const seen: Evidence[] = [];
  for (const evidence of step.edge.evidence) {
    if (seen.some((other) => sameGrant(other, evidence))) continue;
    seen.push(evidence);
    grants.push(grantOf(evidence));
  }
  return grants;
}

/** True when two pieces of evidence show the same grant: subject, binding, role and rule (a hop's grant is made of just these). */
function sameGrant(one: Evidence, other: Evidence): boolean {
  const [a, b] = [one.grant, other.grant];
  return (
    one.rule === other.rule &&
    a.binding === b.binding &&
    a.planned === b.planned &&
    a.subject.kind === b.subject.kind &&
    a.subject.name === b.subject.name &&
    a.subject.namespace === b.subject.namespace
  );
}

/** True when a step's requests are made by another identity acting as the one that takes it (constrained impersonation). */
function impersonating(step: Step): boolean {
  return step.edge.evidence.some((evidence) => evidence.as !== step.from);
}

function permissionText(step: Step, request: PathRequest | undefined): string {
  const { edge } = step;
  const named = edge.namesTarget && step.reaches !== POWER ? ` "${step.reaches.name}"` : "";
  const where = !request
    ? ""
    : request.namespace
      ? ` in ${request.namespace}`
      : edge.target.kind === "serviceaccounts" && step.reaches.namespace
        ? ` in every namespace (${step.reaches.namespace} among them)`
        : " cluster-wide";
  const impersonated = impersonating(step) ? ` as ${describeRef(step.from)}` : "";
  return `${edge.permission}${named}${where}${impersonated}`;
}

/** Why a hop into running pods reaches a ServiceAccount no pod runs as: a pod has its legacy token Secret. */
function mountedNote(step: Step, facts: PathFacts | undefined): string {
  const { target } = step.edge;
  if (target.kind !== "serviceaccounts" || target.need !== "pod" || step.reaches.kind !== "ServiceAccount") return "";
  const mounted = facts?.mountedTokens?.get(`${step.reaches.namespace ?? ""}/${step.reaches.name}`);
  return mounted ? ` (pod ${mounted.pod} has its legacy token Secret ${mounted.secret})` : "";
}

/** A node's token request for a pod the scheduler binds later (future-pods.ts): the Node authorizer allows it only once the pod is bound. */
function awaitingPod(step: Step, facts: PathFacts | undefined, request: PathRequest): PathRequest {
  // A node-secret edge names its own future pod; a node-token edge reaches the ServiceAccounts of several.
  if (step.edge.authorizer?.awaits) return { ...request, awaits: step.edge.authorizer.awaits };
  if (step.edge.kind !== "node-token" || step.reaches.kind !== "ServiceAccount") return request;
  const pod = awaitedPod(facts, `${step.reaches.namespace ?? ""}/${step.reaches.name}`, nodeNameOf(step.from));
  return pod ? awaiting(request, pod) : request;
}

/** The hop of one step; `facts` name the pod when it is another ServiceAccount's token a pod has. */
export function hopOf(step: Step, facts?: PathFacts): PathHop {
  const { authorizer } = step.edge;
  const requests = [
    ...step.edge.evidence.map((evidence) => requestOf(evidence, step)),
    // Another authorizer's requests: made by the identity that takes the step, for the identity it reaches.
    ...(authorizer?.questions.map((question) =>
      awaitingPod(step, facts, requestAs(step.from, question, authorizer.name ?? step.reaches.name, step.reaches.namespace ?? "")),
    ) ?? []),
  ];
  const hop: PathHop = {
    edge: step.edge.kind,
    permission: permissionText(step, requests[0]) + mountedNote(step, facts),
    reaches: step.reaches,
    grants: grantsOf(step),
    requests,
  };
  // The identity acting is named once: permissionText names it when another identity's grant is used too.
  if (authorizer) hop.permission += `${impersonating(step) ? "" : ` as ${describeRef(step.from)}`} (allowed by ${authorizer.by})`;
  if (step.edge.constrained) hop.permission += ` (constrained impersonation: only what impersonate-on:${step.edge.constrained}:<verb> allows)`;
  if (step.preconditions.length > 0) hop.precondition = [...new Set(step.preconditions)].join("; ");
  return hop;
}

/** Every step from an identity to cluster-admin power, following the routes. */
export function stepsOf(key: string, routes: ReadonlyMap<string, Route>): Step[] {
  const steps: Step[] = [];
  let route = routes.get(key);
  const seen = new Set<string>();
  while (route && !seen.has(key)) {
    seen.add(key);
    steps.push(...route.steps);
    if (!route.next) break;
    key = route.next;
    route = routes.get(key);
  }
  return steps;
}

/** `ServiceAccount ns/name` or `cluster-admin power`. */
export function describeReached(ref: ObjectRef): string {
  return ref.kind === POWER.kind ? "cluster-admin power" : describeRef(ref);
}
