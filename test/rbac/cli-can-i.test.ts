import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const team = ["-f", "fixtures/rbac/scenarios/team.yaml"];
const bot = ["--as", "system:serviceaccount:team:bot"];

describe("saprobe can-i (offline)", () => {
  it("says yes with the reason and the path, objects written Kind namespace/name, exit 0", async () => {
    const result = await runCli(["can-i", "get", "pods/log", "p1", "-n", "team", ...bot, ...team]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("yes\n");
    expect(result.stdout).toContain("RBAC: allowed by RoleBinding team/bot-reads-pods of ClusterRole pod-reader to ServiceAccount team/bot\n");
    expect(result.stdout).toContain("binding defined at fixtures/rbac/scenarios/team.yaml:20");
  });

  it("says no with near misses, exit 1", async () => {
    const result = await runCli(["can-i", "get", "nodes", ...bot, ...team]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^no\n/);
    expect(result.stdout).toContain("has no effect on a cluster-scoped");
    expect(result.stderr).toBe("Warning: resource 'nodes' is not namespace scoped\n");
    const secrets = await runCli(["can-i", "list", "secrets", "-n", "team", ...bot, ...team]);
    expect(secrets.stdout).toContain("cannot match");
  });

  it("resolves short names and groups like kubectl, and warns for cluster-scoped resources given -n", async () => {
    const result = await runCli(["can-i", "get", "no", "-n", "team", ...bot, ...team, "-o", "json"]);
    const answer = JSON.parse(result.stdout) as { allowed: boolean; request: { resource: string; namespace: string }; warnings: string[] };
    expect(answer.request).toMatchObject({ resource: "nodes", namespace: "" });
    expect(answer.warnings).toContain("resource 'nodes' is not namespace scoped");
    const deploy = JSON.parse((await runCli(["can-i", "create", "deploy", ...bot, ...team, "-o", "json"])).stdout) as { request: { apiGroup: string } };
    expect(deploy.request.apiGroup).toBe("apps");
  });

  it("answers non-resource URLs, with the default policy only when asked", async () => {
    expect((await runCli(["can-i", "get", "/healthz", ...bot, ...team])).code).toBe(1);
    const withDefaults = await runCli(["can-i", "get", "/healthz", ...bot, ...team, "--with-defaults"]);
    expect(withDefaults.code).toBe(0);
    expect(withDefaults.stdout).toMatch(/RBAC: allowed by ClusterRoleBinding system:(discovery|public-info-viewer) of ClusterRole /);
  });

  it("lists effective rules with their sources", async () => {
    const result = await runCli(["can-i", "--list", "-n", "team", ...bot, ...team]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'verbs=[get list watch] apiGroups=[""] resources=[pods pods/log]  <- RoleBinding team/bot-reads-pods -> ClusterRole pod-reader (only in namespace team)',
    );
    expect(result.stdout).toContain("resourceNames=[bot-config]");
  });

  it("answers a batch in order, one JSON object per line, exit 1 when any is no", async () => {
    const questions = [
      { user: "system:serviceaccount:team:bot", verb: "get", resource: "secrets", name: "bot-config", namespace: "team" },
      { user: "system:serviceaccount:team:bot", verb: "get", resource: "secrets", name: "other", namespace: "team" },
      { user: "system:anonymous", verb: "get", nonResourceURL: "/version" },
    ];
    const result = await runCli(["can-i", ...team, "--with-defaults", "--batch", "-", "-o", "json"], {
      stdin: questions.map((question) => JSON.stringify(question)).join("\n"),
    });
    const answers = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { line: number; allowed: boolean; reason: string });
    expect(answers.map((answer) => [answer.line, answer.allowed])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(answers[1]?.reason).toBe("no RBAC rule allows this");
    expect(result.code).toBe(1);
  });

  it("refuses a malformed batch line, naming the line", async () => {
    const result = await runCli(["can-i", ...team, "--batch", "-"], { stdin: '{"user":"a","verb":"get","resource":"pods"}\n{"user":"a"}\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-:2: batch line 2: "verb" is required');
  });

  it("reads a batch file like every other user file: missing, a directory, binary, invalid UTF-8 or a control character is exit 2 naming it", async () => {
    const cases: [string, RegExp][] = [
      ["fixtures/hostile/does-not-exist.jsonl", /^saprobe: fixtures\/hostile\/does-not-exist\.jsonl: cannot read batch file: no such file\n$/],
      ["fixtures/hostile/any", /^saprobe: fixtures\/hostile\/any: cannot read batch file: it is a directory\n$/],
      ["fixtures/hostile/any/binary.yaml", /binary\.yaml:1:8: is not text: it contains a NUL byte/],
      ["fixtures/hostile/manifests/invalid-utf8.yaml", /invalid-utf8\.yaml:4:13: is not valid UTF-8/],
      ["fixtures/hostile/any/control-character.yaml", /control-character\.yaml:5:9: contains the control character U\+001B/],
    ];
    for (const [file, says] of cases) {
      const result = await runCli(["can-i", ...team, "--batch", file]);
      expect({ file, code: result.code }).toEqual({ file, code: 2 });
      expect(result.stderr).toMatch(says);
      expect(result.stdout).toBe("");
    }
    const stdin = await runCli(["can-i", ...team, "--batch", "-"], { stdin: '{"user":"a","verb":"get","resource":"pods"}\n\u0000' });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/^saprobe: -:2:1: is not text: it contains a NUL byte/);
  });

  it("asks about one namespace object in that namespace, as the apiserver does, so a RoleBinding there counts", async () => {
    const manifests = ["--manifests", "fixtures/audit/rules/namespace-modify/fail.yaml"];
    const own = await runCli(["can-i", "update", "namespaces", "team", "--as", "team-lead", ...manifests, "-o", "json"]);
    expect(JSON.parse(own.stdout)).toMatchObject({ allowed: true, request: { resource: "namespaces", name: "team", namespace: "team" } });
    expect(own.code).toBe(0);
    const other = await runCli(["can-i", "update", "namespaces", "default", "--as", "team-lead", ...manifests, "-n", "team"]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain("(asked: may team-lead update namespaces/default -n default)");
    // Without a name (the collection) the request is cluster-wide, and the RoleBinding has no effect;
    // create goes to the collection too (POST /api/v1/namespaces), whatever name is given.
    expect((await runCli(["can-i", "update", "namespaces", "--as", "team-lead", ...manifests, "-n", "team"])).code).toBe(1);
    const create = await runCli([
      "can-i",
      "create",
      "namespaces",
      "team",
      "--as",
      "team-lead",
      "-o",
      "json",
      "--manifests",
      "fixtures/rbac/scenarios/team.yaml",
    ]);
    expect(JSON.parse(create.stdout)).toMatchObject({ request: { resource: "namespaces", namespace: "" } });
  });

  it("needs --as offline and a verb and resource", async () => {
    expect((await runCli(["can-i", "get", "pods", ...team])).stderr).toContain("--as USER");
    expect((await runCli(["can-i", "get", ...bot, ...team])).code).toBe(2);
  });
});

describe("saprobe who-can (offline)", () => {
  it("lists the privileged group first, then every subject with its path", async () => {
    const result = await runCli(["who-can", "get", "pods", "-n", "team", ...team]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").slice(1, 3)).toEqual([
      "  Group system:masters  (privileged group: allowed before RBAC)",
      '  ServiceAccount team/bot  <- RoleBinding team/bot-reads-pods -> ClusterRole pod-reader (only in namespace team); verbs=[get list watch] apiGroups=[""] resources=[pods pods/log] (fixtures/rbac/scenarios/team.yaml:20)',
    ]);
  });

  it("does not list RoleBinding subjects for cluster-scoped requests", async () => {
    const result = await runCli(["who-can", "get", "nodes", ...team, "-o", "json"]);
    const answer = JSON.parse(result.stdout) as { subjects: { subject: { name: string } }[] };
    expect(answer.subjects.map((entry) => entry.subject.name)).toEqual(["system:masters"]);
  });
});

describe("saprobe who-can -o json", () => {
  it("keeps the namespace of a ServiceAccount subject written without one in a RoleBinding, as the text output does", async () => {
    const rbac = [
      "apiVersion: rbac.authorization.k8s.io/v1",
      "kind: Role",
      "metadata: {name: r, namespace: team-b}",
      "rules: [{apiGroups: [''], resources: [secrets], verbs: [list]}]",
      "---",
      "apiVersion: rbac.authorization.k8s.io/v1",
      "kind: RoleBinding",
      "metadata: {name: r, namespace: team-b}",
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}",
      "subjects: [{kind: ServiceAccount, name: app}]",
    ].join("\n");
    const text = await runCli(["who-can", "list", "secrets", "-n", "team-b", "-f", "-"], { stdin: rbac });
    expect(text.stdout).toContain("ServiceAccount team-b/app");
    const json = await runCli(["who-can", "list", "secrets", "-n", "team-b", "-f", "-", "-o", "json"], { stdin: rbac });
    const answer = JSON.parse(json.stdout) as { subjects: Array<{ subject: { kind: string; name: string; namespace?: string } }> };
    expect(answer.subjects.find((entry) => entry.subject.kind === "ServiceAccount")?.subject).toEqual({
      kind: "ServiceAccount",
      name: "app",
      namespace: "team-b",
    });
  });
});
