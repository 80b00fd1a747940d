/**
 * The fault server's healthy default: a tiny, believable Kubernetes API (version, discovery,
 * SelfSubjectReview, SelfSubjectAccessReview, SelfSubjectRulesReview, empty lists, quiet watches).
 * Faults are injected per path on top of it, so "404 on SelfSubjectReview" leaves the rest working.
 */
import type { ServerResponse } from "node:http";

/** The request as the fake API needs it. */
export interface FakeKubeRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: string;
}

/** The identity the fake API reports for authenticated callers. */
export const FAKE_USER = {
  username: "system:serviceaccount:saprobe:fault",
  groups: ["system:serviceaccounts", "system:serviceaccounts:saprobe", "system:authenticated"],
};

/** The version `/version` answers with. */
export const FAKE_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-saprobe-fault",
  gitCommit: "0000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.23.0",
  compiler: "gc",
  platform: "linux/amd64",
};

/** Sends a JSON body with a content-length. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** A `metav1.Status` failure body, as the API server sends it. */
export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, ...(details ? { details } : {}), code };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function review(request: FakeKubeRequest, status: Record<string, unknown>): Record<string, unknown> {
  const body = parseBody(request.body);
  return { kind: body.kind, apiVersion: body.apiVersion, metadata: { creationTimestamp: null }, spec: body.spec ?? {}, status };
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get("watch");
  return watch === "1" || watch === "true";
}

/** Answers one request like a healthy, empty API server that denies everything but reviews. */
export function answerLikeKube(request: FakeKubeRequest, response: ServerResponse): void {
  const { method, pathname } = request;
  const anonymous = request.authorization === undefined;
  if (["/healthz", "/readyz", "/livez"].includes(pathname)) {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok");
    return;
  }
  if (pathname === "/version") return sendJson(response, 200, FAKE_VERSION);
  // As system:public-info-viewer: anonymous callers get the endpoints above and nothing else.
  if (anonymous)
    return sendJson(response, 403, statusBody(403, "Forbidden", `forbidden: User "system:anonymous" cannot ${method.toLowerCase()} path "${pathname}"`, {}));
  if (pathname === "/api") return sendJson(response, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
  if (pathname === "/apis") {
    const groups = ["authentication.k8s.io", "authorization.k8s.io", "rbac.authorization.k8s.io", "apps"].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    }));
    return sendJson(response, 200, { kind: "APIGroupList", apiVersion: "v1", groups });
  }
  if (method === "POST" && pathname.endsWith("/selfsubjectreviews")) {
    return sendJson(response, 201, review(request, { userInfo: { ...FAKE_USER, uid: "00000000-0000-0000-0000-000000000001" } }));
  }
  if (method === "POST" && pathname.endsWith("/selfsubjectaccessreviews")) {
    return sendJson(response, 201, review(request, { allowed: false, reason: "saprobe fault server denies everything" }));
  }
  if (method === "POST" && pathname.endsWith("/selfsubjectrulesreviews")) {
    return sendJson(response, 201, review(request, { resourceRules: [], nonResourceRules: [], incomplete: false }));
  }
  if (method === "GET" && isWatch(request.query)) {
    // A quiet watch: headers now, no events, closed after timeoutSeconds (capped so tests stay short).
    response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    response.flushHeaders();
    const seconds = Math.min(Number(request.query.get("timeoutSeconds") ?? "2") || 2, 5);
    const timer = setTimeout(() => response.end(), seconds * 1000);
    response.once("close", () => clearTimeout(timer));
    return;
  }
  if (method === "GET") return sendJson(response, 200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] });
  return sendJson(response, 403, statusBody(403, "Forbidden", `forbidden: User "${FAKE_USER.username}" cannot ${method.toLowerCase()} path "${pathname}"`, {}));
}
