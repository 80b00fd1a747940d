import { describe, expect, it } from "vitest";
import type { CheckDefinition } from "../../src/checks/types.js";
import type { Probe } from "../../src/probes/types.js";
import { baseResult } from "../../src/probes/observation.js";
import { runChecks } from "../../src/run/runner.js";
import { systemCaConnection } from "../../src/run/context.js";
import { FakeClient, WHOAMI_ANSWER, fakeCheck, fakeConnection, status } from "../probes/fake-client.js";

const SSR = "POST /apis/authentication.k8s.io/v1/selfsubjectreviews";

const passing: Probe = async (_client, _connection, check) =>
  baseResult(check, { status: "pass", expected: "allowed", observed: "allowed", message: "ok", evidence: {}, durationMs: 0 });
const slow =
  (ms: number): Probe =>
  async (client, connection, check, context) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return passing(client, connection, check, context);
  };
const never: Probe = () => new Promise(() => undefined);
const crashing: Probe = async () => {
  throw new Error("boom");
};

function checks(...ids: string[]): CheckDefinition[] {
  return ids.map((id) => fakeCheck({ id, probe: "raw", path: `/${id}` }));
}

describe("runChecks", () => {
  it("returns results in check order even when later checks finish first", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const probes = { raw: ((client, connection, check, context) => (check.id === "first" ? slow(40) : passing)(client, connection, check, context)) as Probe };
    const outcome = await runChecks({
      connection: fakeConnection(),
      checks: checks("first", "second"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes,
    });
    expect(outcome.results.map((result) => result.id)).toEqual(["first", "second"]);
    expect(outcome.identity.username).toBe("system:serviceaccount:team-b:builder");
    expect(outcome.errors).toEqual([]);
  });

  it("runs probes concurrently", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const started = Date.now();
    await runChecks({
      connection: fakeConnection(),
      checks: checks("a", "b", "c", "d"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes: { raw: slow(150) },
    });
    expect(Date.now() - started).toBeLessThan(450);
  });

  it("turns a probe that throws into an error result", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const outcome = await runChecks({
      connection: fakeConnection(),
      checks: checks("a"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes: { raw: crashing },
    });
    expect(outcome.results[0]).toMatchObject({ status: "error", error: { code: "probe-crashed" } });
    expect(outcome.results[0]?.message).toContain("boom");
  });

  it("ends a probe that overruns its own timeout", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    const check = { ...fakeCheck({ id: "hang", probe: "raw", path: "/x" }), timeoutSeconds: 0.05 };
    const outcome = await runChecks({
      connection: fakeConnection(),
      checks: [check],
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes: { raw: never },
    });
    expect(outcome.results[0]).toMatchObject({ status: "error", error: { code: "timeout" } });
  });

  it("stops everything at the overall deadline and says so", async () => {
    const client = new FakeClient({ [SSR]: () => new Promise(() => undefined) });
    const started = Date.now();
    const outcome = await runChecks({
      connection: fakeConnection({ requestTimeoutMs: 10_000 }),
      checks: checks("a", "b"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 100,
      probes: { raw: never },
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome.results.map((result) => result.error?.code)).toEqual(["deadline", "deadline"]);
    expect(outcome.errors).toEqual([{ code: "deadline", message: "the run's deadline (100ms) passed before the server said who saprobe is" }]);
  });

  it("makes rejected credentials a problem of the whole run", async () => {
    const client = new FakeClient({ [SSR]: { status: 401, json: status(401, "Unauthorized", "Unauthorized") } });
    const outcome = await runChecks({
      connection: fakeConnection(),
      checks: checks("a"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes: { raw: passing },
    });
    expect(outcome.errors[0]?.code).toBe("unauthorized");
  });

  it("says the server sent no response within the request timeout", async () => {
    const client = new FakeClient({ [SSR]: { failure: { code: "timeout", message: "no answer" } } });
    const outcome = await runChecks({
      connection: fakeConnection({ requestTimeoutMs: 2000 }),
      checks: checks("a"),
      client,
      createSystemCaClient: () => client,
      deadlineMs: 5000,
      probes: { raw: passing },
    });
    expect(outcome.errors).toEqual([
      {
        code: "timeout",
        message: "the server at https://10.0.0.1:443 accepted the connection but sent no response within 2s",
        fix: expect.stringContaining("--request-timeout"),
      },
    ]);
  });

  it("builds the tls probe's client once and only when asked", async () => {
    const client = new FakeClient({ [SSR]: WHOAMI_ANSWER });
    let built = 0;
    const probes = {
      raw: ((probeClient, connection, check, context) => (
        context.systemCaClient(), context.systemCaClient(), passing(probeClient, connection, check, context)
      )) as Probe,
    };
    await runChecks({
      connection: fakeConnection(),
      checks: checks("a", "b"),
      client,
      createSystemCaClient: () => (built++, new FakeClient({})),
      deadlineMs: 5000,
      probes,
    });
    expect(built).toBe(1);
  });
});

describe("systemCaConnection", () => {
  it("drops the cluster CA, the credentials and impersonation, and keeps the server name", () => {
    const derived = systemCaConnection(
      fakeConnection({ tls: { caFile: "/ca.crt", insecureSkipTLSVerify: true, serverName: "kubernetes" }, impersonate: { user: "x", groups: [] } }),
      undefined,
    );
    expect(derived.tls).toEqual({ insecureSkipTLSVerify: false, serverName: "kubernetes" });
    expect(derived.credentials.kind).toBe("none");
    expect(derived.impersonate).toBeUndefined();
    expect(systemCaConnection(fakeConnection(), "/etc/ssl/certs/ca-certificates.crt").tls.caFile).toBe("/etc/ssl/certs/ca-certificates.crt");
  });
});
