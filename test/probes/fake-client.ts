import type { CheckDefinition } from "../../src/checks/types.js";
import type { Connection } from "../../src/connect/types.js";
import type { KubeClient, KubeResponse, RequestOptions, RequestOutcome, TransportFailure, WatchEvent, WatchOutcome } from "../../src/kube/types.js";
import { Secret } from "../../src/model/secret.js";
import { lookupIdentity } from "../../src/probes/identity.js";
import type { ProbeContext } from "../../src/probes/types.js";
import type { TokenRead } from "../../src/token/source.js";

/** What the fake answers for one request: a response, a transport failure, or a watch. */
export type FakeAnswer =
  | { status: number; json?: unknown; text?: string }
  | { failure: TransportFailure }
  | { watch: WatchEvent[]; status?: number; hang?: boolean };

/** A scripted KubeClient: answers by `METHOD path` (path without query), records every request. */
export class FakeClient implements KubeClient {
  readonly requests: RequestOptions[] = [];
  closed = false;
  constructor(private readonly answers: Record<string, FakeAnswer | ((options: RequestOptions) => FakeAnswer | Promise<FakeAnswer>)>) {}

  private async answer(options: RequestOptions): Promise<FakeAnswer> {
    this.requests.push(options);
    const entry = this.answers[`${options.method ?? "GET"} ${options.path}`];
    if (entry === undefined) return { status: 404, json: status(404, "NotFound", `fake: nothing at ${options.path}`) };
    return typeof entry === "function" ? entry(options) : entry;
  }

  async request(options: RequestOptions): Promise<RequestOutcome> {
    const answer = await this.answer(options);
    if ("failure" in answer) return { ok: false, failure: answer.failure, durationMs: 1 };
    if ("watch" in answer) throw new Error("fake: watch answer for a plain request");
    return { ok: true, response: response(answer.status, answer.json, answer.text) };
  }

  async watch(options: RequestOptions): Promise<WatchOutcome> {
    const answer = await this.answer(options);
    if ("failure" in answer) return { ok: false, failure: answer.failure, durationMs: 1 };
    if (!("watch" in answer)) return { ok: true, status: answer.status, response: response(answer.status, answer.json, answer.text) };
    const signal = options.signal;
    const script = answer;
    async function* events(): AsyncGenerator<WatchEvent> {
      for (const event of script.watch) yield event;
      if (script.hang) await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
    }
    return { ok: true, status: answer.status ?? 200, events: events() };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A metav1.Status failure body. */
export function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function response(code: number, json: unknown, text?: string): KubeResponse {
  return { status: code, headers: {}, text: text ?? (json === undefined ? "" : JSON.stringify(json)), ...(json === undefined ? {} : { json }), durationMs: 2 };
}

/** A connection as the connect layer would resolve it for an in-cluster ServiceAccount. */
export function fakeConnection(overrides: Partial<Connection> = {}): Connection {
  return {
    source: "in-cluster",
    server: "https://10.0.0.1:443",
    files: [],
    namespace: "team-a",
    namespaceSource: "mount namespace file",
    tls: { caFile: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", insecureSkipTLSVerify: false },
    credentials: { kind: "token", token: new Secret("not-a-real-token") },
    viaProxy: false,
    requestTimeoutMs: 1000,
    explain: [],
    warnings: [],
    ...overrides,
  };
}

/** A check with the fields a probe needs. */
export function fakeCheck(fields: Partial<CheckDefinition> & Pick<CheckDefinition, "probe">): CheckDefinition {
  return {
    id: "probe-under-test",
    title: "a probe under test",
    expect: "allowed",
    severity: "medium",
    remediation: "fix it",
    origin: { file: "test.yaml", line: 1, column: 1 },
    ...fields,
  };
}

/** The user a fake SelfSubjectReview reports. */
export const SA_USER = {
  username: "system:serviceaccount:team-b:builder",
  groups: ["system:serviceaccounts", "system:serviceaccounts:team-b", "system:authenticated"],
};

/** The answer of a SelfSubjectReview for `SA_USER`. */
export const WHOAMI_ANSWER: FakeAnswer = { status: 201, json: { kind: "SelfSubjectReview", status: { userInfo: SA_USER } } };

/** A probe context over the fake client, with a real identity lookup against it. */
export function fakeContext(client: KubeClient, options: { token?: TokenRead; systemCa?: KubeClient; now?: Date; connection?: Connection } = {}): ProbeContext {
  const connection = options.connection ?? fakeConnection();
  const signal = new AbortController().signal;
  let identity: ReturnType<ProbeContext["identity"]> | undefined;
  const token = async () => options.token;
  return {
    signal,
    timeoutMs: 1000,
    now: () => options.now ?? new Date("2026-01-01T00:00:00Z"),
    identity: () => (identity ??= lookupIdentity(client, connection, { signal, timeoutMs: 1000, token })),
    token,
    systemCaClient: () => options.systemCa ?? client,
  };
}
