import type { Authorizer } from "./authorizer.js";
import type { Grant } from "./decision.js";
import type { RequestAttributes, UserInfo } from "./types.js";
import { userInfoFor } from "./users.js";

/*
 * `can-i --batch`: JSON lines in, one JSON answer per line out. Each line is
 * {"user", "groups"?, "verb", "apiGroup"?, "resource"?, "subresource"?, "name"?, "namespace"?, "nonResourceURL"?};
 * attributes are taken as written (no short names), and a missing namespace means "" (cluster-wide).
 */

/** One batch question, parsed. */
export interface BatchQuestion {
  user: UserInfo;
  attrs: RequestAttributes;
}

/** One batch answer: the question's line number, the verdict and its explanation. */
export interface BatchAnswer {
  line: number;
  allowed: boolean;
  reason: string;
  grant?: Grant;
  nearMisses: string[];
  errors: string[];
}

const FIELDS = new Set(["user", "groups", "verb", "apiGroup", "resource", "subresource", "name", "namespace", "nonResourceURL"]);

function optionalString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new Error(`"${field}" must be a string`);
  return value;
}

/** Parses one batch line; throws an Error whose message names the problem (the caller adds file and line). */
export function parseBatchLine(text: string): BatchQuestion {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("not a JSON object");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((key) => `"${key}"`).join(", ")}`);
  const user = optionalString(record, "user");
  const verb = optionalString(record, "verb");
  if (!user) throw new Error('"user" is required');
  if (!verb) throw new Error('"verb" is required');
  const groups = record.groups ?? [];
  if (!Array.isArray(groups) || groups.some((group) => typeof group !== "string")) throw new Error('"groups" must be an array of strings');
  const url = optionalString(record, "nonResourceURL");
  const resource = optionalString(record, "resource");
  if ((url === undefined) === (resource === undefined)) throw new Error('give exactly one of "resource" and "nonResourceURL"');
  const attrs: RequestAttributes =
    url !== undefined
      ? { resourceRequest: false, verb, path: url }
      : {
          resourceRequest: true,
          verb,
          apiGroup: optionalString(record, "apiGroup") ?? "",
          resource: resource as string,
          namespace: optionalString(record, "namespace") ?? "",
          ...(optionalString(record, "subresource") ? { subresource: optionalString(record, "subresource") as string } : {}),
          ...(optionalString(record, "name") ? { name: optionalString(record, "name") as string } : {}),
        };
  return { user: userInfoFor(user, groups as string[]), attrs };
}

/** Answers one parsed question. */
export function answerBatchQuestion(authorizer: Authorizer, question: BatchQuestion, line: number): BatchAnswer {
  const decision = authorizer.authorize(question.user, question.attrs);
  // The authorizer says "" for a plain "no" (as upstream does); a pipeline reader deserves words.
  const reason = decision.reason || "no RBAC rule allows this";
  const answer: BatchAnswer = { line, allowed: decision.allowed, reason, nearMisses: decision.nearMisses, errors: decision.errors };
  if (decision.grant) answer.grant = decision.grant;
  return answer;
}
