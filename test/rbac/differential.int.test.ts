import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { policyRulesEqual } from "../../src/rbac/aggregate.js";
import { createAuthorizer } from "../../src/rbac/authorizer.js";
import { ruleAllows } from "../../src/rbac/match.js";
import { describeGrantSource } from "../../src/rbac/resolve.js";
import type { ClusterRole, PolicyRule, RequestAttributes, UserInfo } from "../../src/rbac/types.js";
import { adminRequest, deleteObjects, uniqueNamespace } from "../support/cluster.js";
import { liveRbacSnapshot } from "./live-snapshot.js";
import { generateScenario } from "./scenario-generator.js";

/*
 * The differential test: generated RBAC scenarios are applied to the real kube-apiserver, which then
 * answers SubjectAccessReviews; saprobe's evaluator answers the same questions from the same objects
 * (everything the server holds: the scenario, the live bootstrap policy, other tests' objects) and
 * every answer must agree.
 *
 * Aggregation: the scenario's aggregated ClusterRoles (nested, matchLabels and matchExpressions) are
 * applied as written, with no rules; the real clusterrole-aggregation controller of the harness's
 * kube-controller-manager fills them. Its rules must equal saprobe's offline aggregation rule for
 * rule, in order; then the server judges requests against them. The algorithm is also checked against
 * the upstream controller's test table in fixtures/rbac/vectors/aggregation.upstream.json.
 */

const SEEDS = [1, 2, 3];
const QUESTIONS_PER_SEED = 800;
const CONCURRENCY = 16;

interface Verdict {
  allowed: boolean;
  reason: string;
}

function reviewOf(user: UserInfo, attrs: RequestAttributes): unknown {
  const spec: Record<string, unknown> = { user: user.name, groups: user.groups };
  if (attrs.resourceRequest) {
    spec.resourceAttributes = {
      namespace: attrs.namespace,
      verb: attrs.verb,
      group: attrs.apiGroup,
      resource: attrs.resource,
      subresource: attrs.subresource ?? "",
      name: attrs.name ?? "",
    };
  } else {
    spec.nonResourceAttributes = { path: attrs.path, verb: attrs.verb };
  }
  return { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec };
}

async function askServer(questions: { user: UserInfo; attrs: RequestAttributes }[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(questions.length);
  let next = 0;
  const worker = async () => {
    while (next < questions.length) {
      const index = next++;
      const { user, attrs } = questions[index] as { user: UserInfo; attrs: RequestAttributes };
      const review = (await adminRequest("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", reviewOf(user, attrs))) as {
        status: { allowed?: boolean; reason?: string };
      };
      verdicts[index] = { allowed: review.status.allowed === true, reason: review.status.reason ?? "" };
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return verdicts;
}

/**
 * Resolution errors in a "no" reason, order-free (the server lists bindings in cache order). The
 * server's SubjectAccessReview prefixes a "no opinion" reason with the authorizer's name ("rbac: ").
 */
function errorSet(reason: string): string[] {
  const body = reason.replace(/^rbac: /, "").replace(/^RBAC: /, "");
  const inner = body.startsWith("[") && body.endsWith("]") ? body.slice(1, -1) : body;
  return inner === "" ? [] : inner.split(", ").sort();
}

/**
 * The rules the controller gave `roles` on the server, once they equal saprobe's (nested aggregation
 * takes the controller a few passes), or as they stand after 30 seconds.
 */
async function aggregatedByController(roles: ClusterRole[]): Promise<{ name: string; rules: PolicyRule[] }[]> {
  const read = () =>
    Promise.all(
      roles.map(async (role) => {
        const stored = (await adminRequest("GET", `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role.metadata.name}`)) as { rules?: PolicyRule[] };
        return { name: role.metadata.name, rules: stored.rules ?? [] };
      }),
    );
  const sameRules = (left: PolicyRule[], right: PolicyRule[]) =>
    left.length === right.length && left.every((rule, index) => policyRulesEqual(rule, right[index] as PolicyRule));
  const deadline = Date.now() + 30_000;
  let stored = await read();
  while (Date.now() < deadline && !stored.every((entry, index) => sameRules(entry.rules, roles[index]?.rules ?? []))) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    stored = await read();
  }
  return stored;
}

const cleanup: unknown[] = [];
afterAll(async () => {
  if (cleanup.length > 0) await deleteObjects(cleanup);
});

describe("differential: saprobe's evaluator vs kube-apiserver SubjectAccessReview", () => {
  it.each(SEEDS)("seed %i: every answer agrees", async (seed) => {
    const prefix = `sp-diff-${randomBytes(3).toString("hex")}`;
    const namespaces = await Promise.all([0, 1, 2].map(() => uniqueNamespace(prefix)));
    const scenario = generateScenario(seed, prefix, namespaces, QUESTIONS_PER_SEED);
    const objects = [...scenario.declaredClusterRoles, ...scenario.roles, ...scenario.roleBindings, ...scenario.clusterRoleBindings].map((object) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      ...object,
    }));
    cleanup.push(...objects.filter((object) => object.kind.startsWith("Cluster")));
    // POST one by one: the server validates each, and a generator bug shows as the object it refused.
    for (const object of objects) {
      const namespace = (object.metadata as { namespace?: string }).namespace;
      const plural = `${object.kind.toLowerCase()}s`;
      await adminRequest("POST", `/apis/rbac.authorization.k8s.io/v1${namespace ? `/namespaces/${namespace}` : ""}/${plural}`, object);
    }

    const aggregated = scenario.clusterRoles.filter((role) => role.aggregationRule !== undefined);
    expect(aggregated.length).toBeGreaterThan(0);
    expect(await aggregatedByController(aggregated)).toEqual(aggregated.map((role) => ({ name: role.metadata.name, rules: role.rules })));

    const server = await askServer(scenario.questions);
    let authorizer = createAuthorizer(await liveRbacSnapshot());
    const evaluate = async () => {
      authorizer = createAuthorizer(await liveRbacSnapshot());
      return scenario.questions.map(({ user, attrs }) => authorizer.authorize(user, attrs));
    };
    let ours = await evaluate();
    const disagree = () => scenario.questions.flatMap((_question, index) => ((ours[index]?.allowed ?? false) !== server[index]?.allowed ? [index] : []));
    // Other tests change cluster-wide objects concurrently; re-ask the server once about any disagreement.
    const suspects = disagree();
    if (suspects.length > 0) {
      const again = await askServer(suspects.map((index) => scenario.questions[index] as { user: UserInfo; attrs: RequestAttributes }));
      suspects.forEach((index, position) => (server[index] = again[position] as Verdict));
      ours = await evaluate();
    }
    const mismatches = disagree().map((index) => ({ ...scenario.questions[index], server: server[index], saprobe: ours[index]?.reason }));
    expect(mismatches).toEqual([]);

    const allowedCount = server.filter((verdict) => verdict.allowed).length;
    // A scenario that allows (or denies) everything would prove little.
    expect(allowedCount).toBeGreaterThan(QUESTIONS_PER_SEED * 0.1);
    expect(allowedCount).toBeLessThan(QUESTIONS_PER_SEED * 0.9);
    scenario.questions.forEach((_, index) => {
      const mine = ours[index];
      const theirs = server[index] as Verdict;
      if (!mine) return;
      if (!theirs.allowed) {
        expect(errorSet(mine.reason)).toEqual(errorSet(theirs.reason));
        return;
      }
      if (theirs.reason === "") return; // system:masters: allowed before RBAC, no reason
      // The server names the first allowing rule in its cache order; it must be one saprobe sees too, word for word.
      const { user, attrs } = scenario.questions[index] as { user: UserInfo; attrs: RequestAttributes };
      const namespace = attrs.resourceRequest ? attrs.namespace : "";
      const possible = authorizer
        .rulesFor(user, namespace)
        .filter((effective) => ruleAllows(effective.rule, attrs))
        .map((effective) => `RBAC: allowed by ${describeGrantSource(effective.grant)}`);
      expect(possible).toContain(theirs.reason);
    });
  });

  it("asked at least 2,000 questions", () => {
    expect(SEEDS.length * QUESTIONS_PER_SEED).toBeGreaterThanOrEqual(2000);
  });
});
