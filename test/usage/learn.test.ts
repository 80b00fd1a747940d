import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/manifests/index.js";
import { createAuthorizer } from "../../src/rbac/authorizer.js";
import { bootstrapPolicy, withBootstrapPolicy } from "../../src/rbac/bootstrap.js";
import type { RequestAttributes } from "../../src/rbac/types.js";
import { userInfoFor } from "../../src/rbac/users.js";
import { learnedYaml, learnRbac, readLogLines, readUsage, rulesForRequests, usageOutcome } from "../../src/usage/index.js";
import { expectGolden } from "../support/golden.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const LOG = "fixtures/usage/audit.log";
const golden = new URL("./golden/", import.meta.url);

// Golden files: review a change like a change to the code. Regenerate with
// UPDATE_GOLDEN=1 npx vitest run test/usage/learn.test.ts
function matchesGolden(name: string, text: string): void {
  expectGolden(new URL(name, golden), text);
}

async function learnedFromFixture(identity: string) {
  const read = await readUsage(readLogLines([LOG], { cwd: ROOT }), { identities: [identity] });
  const outcome = usageOutcome(read, undefined);
  return { read, outcome, yaml: learnedYaml(outcome.learned, { files: [LOG] }) };
}

const resource = (verb: string, resourceName: string, extra: Partial<Extract<RequestAttributes, { resourceRequest: true }>> = {}): RequestAttributes => ({
  resourceRequest: true,
  verb,
  apiGroup: "",
  resource: resourceName,
  namespace: "ci",
  ...extra,
});

describe("rulesForRequests: rules as a person would write them", () => {
  it("groups resources that share a group and verbs, keeps watch beside list, and sorts verbs as kubectl users do", () => {
    const rules = rulesForRequests([
      resource("watch", "pods"),
      resource("list", "pods"),
      resource("list", "services"),
      resource("watch", "services"),
      resource("list", "jobs", { apiGroup: "batch" }),
    ]);
    expect(rules).toEqual([
      { apiGroups: [""], resources: ["pods", "services"], verbs: ["list", "watch"] },
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list"] },
    ]);
  });

  it("names objects when a verb was only used on a few, and drops the names past the limit", () => {
    const few = rulesForRequests([resource("get", "configmaps", { name: "a" }), resource("update", "configmaps", { name: "b" })]);
    expect(few).toEqual([{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["a", "b"], verbs: ["get", "update"] }]);
    const many = rulesForRequests(["a", "b", "c", "d", "e", "f"].map((name) => resource("get", "configmaps", { name })));
    expect(many).toEqual([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]);
  });

  it("gives a verb used without a name a rule without names (resourceNames never match a list or create)", () => {
    const rules = rulesForRequests([resource("get", "pods", { name: "a" }), resource("get", "pods"), resource("create", "pods/exec", { name: "a" })]);
    expect(rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      { apiGroups: [""], resources: ["pods/exec"], resourceNames: ["a"], verbs: ["create"] },
    ]);
  });

  it("groups non-resource URLs by verb", () => {
    const rules = rulesForRequests([
      { resourceRequest: false, verb: "get", path: "/metrics" },
      { resourceRequest: false, verb: "get", path: "/debug/pprof" },
    ]);
    expect(rules).toEqual([{ nonResourceURLs: ["/debug/pprof", "/metrics"], verbs: ["get"] }]);
  });
});

describe("the learned RBAC of fixed logs", () => {
  it.each([
    ["namespaced, subresources, resourceNames, watch and non-resource URLs", "system:serviceaccount:ci:runner", "runner.yaml"],
    ["cluster-scoped, all-namespaces list and watch, two namespaces", "system:serviceaccount:monitoring:scraper", "scraper.yaml"],
  ])("%s matches its golden file", async (_what, identity, file) => {
    matchesGolden(file, (await learnedFromFixture(identity)).yaml);
  });

  it("loads as --expect manifests with no warning, and allows exactly what was allowed in the log", async () => {
    for (const identity of ["system:serviceaccount:ci:runner", "system:serviceaccount:monitoring:scraper"]) {
      const { read, yaml } = await learnedFromFixture(identity);
      const loaded = await loadManifests(["-"], { stdin: (await import("node:stream")).Readable.from([yaml]), cwd: ROOT });
      expect(loaded.warnings).toEqual([]);
      const authorizer = createAuthorizer(withBootstrapPolicy(loaded.snapshot));
      const tally = read.identities.get(identity);
      const user = userInfoFor(identity, [...(tally?.groups ?? [])]);
      for (const request of tally?.requests.values() ?? []) {
        expect(authorizer.authorize(user, request.attributes).allowed, JSON.stringify(request.attributes)).toBe(request.denied < request.count);
      }
      // Nothing beyond: a write the log never showed stays denied.
      expect(authorizer.authorize(user, resource("delete", "secrets", { name: "x" })).allowed).toBe(false);
      expect(authorizer.authorize(user, { resourceRequest: true, verb: "list", apiGroup: "", resource: "secrets", namespace: "" }).allowed).toBe(false);
    }
  });

  it("leaves out what the default policy allows every user", () => {
    const user = userInfoFor("system:serviceaccount:ci:runner");
    const learned = learnRbac(
      user,
      [
        { resourceRequest: false, verb: "get", path: "/version" },
        { resourceRequest: false, verb: "get", path: "/metrics" },
      ],
      createAuthorizer(bootstrapPolicy()),
    );
    expect(learned.allowedByDefault).toBe(1);
    expect(learned.snapshot.clusterRoles[0]?.rules).toEqual([{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
  });
});
