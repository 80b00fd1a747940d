import type { KubeResponse } from "./types.js";

/** The parts of a `metav1.Status` body worth showing as evidence. */
export interface StatusSummary {
  reason?: string;
  message?: string;
  code?: number;
}

/** Reads a `metav1.Status` from a response body (401, 403, 404, 410...), if the body is one. */
export function statusOf(value: unknown): StatusSummary | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const body = value as Record<string, unknown>;
  if (body.kind !== "Status") return undefined;
  const summary: StatusSummary = {};
  if (typeof body.reason === "string" && body.reason !== "") summary.reason = body.reason;
  if (typeof body.message === "string" && body.message !== "") summary.message = body.message;
  if (typeof body.code === "number") summary.code = body.code;
  return summary;
}

/** Evidence for an HTTP response: the status code and, for failures, the Status reason and message. */
export function responseEvidence(response: KubeResponse): Record<string, unknown> {
  const status = statusOf(response.json);
  const evidence: Record<string, unknown> = { httpStatus: response.status };
  if (status?.reason) evidence.reason = status.reason;
  if (status?.message) evidence.statusMessage = status.message;
  if (!status && response.status >= 400 && response.text) evidence.body = response.text.slice(0, 300);
  return evidence;
}
