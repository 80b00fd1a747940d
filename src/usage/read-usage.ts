import type { UsageLog } from "../model/usage.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import { observationOf } from "./audit-event.js";
import type { LineBatch } from "./log-lines.js";
import { countObservation, type IdentityTally } from "./tally.js";

/** Which events count: whose, and when. */
export interface UsageQuery {
  /** Exact user names; empty means every ServiceAccount. */
  identities: readonly string[];
  /** Milliseconds since the epoch, inclusive; absent for an open end. */
  since?: number;
  until?: number;
}

/** What reading the log gave: the tallies, the log's numbers, and every user seen (to suggest names). */
export interface UsageRead {
  identities: Map<string, IdentityTally>;
  log: Omit<UsageLog, "files" | "since" | "until">;
  /** Every user name met in the window (up to `MAX_USERS_REMEMBERED`), for "did you mean". */
  usersSeen: Set<string>;
  /** The first and last event time in the whole log, window or not, to explain an empty window. */
  span: { first?: string; last?: string };
}

/** How many bad lines are named; the rest are counted. */
export const MAX_NAMED_BAD_LINES = 20;
const MAX_USERS_REMEMBERED = 10_000;

/*
 * A request is logged at each stage the policy keeps: RequestReceived (before authorization, so
 * without its decision), ResponseStarted (long-running requests: watch, exec, logs -f), then
 * ResponseComplete or Panic. Each request counts once: at ResponseStarted when it has one (a watch
 * still open when the log was copied has no ResponseComplete yet), else at its end.
 */
const COUNTED_STAGES = new Set(["ResponseStarted", "ResponseComplete", "Panic", ""]);

function shortReason(error: unknown): string {
  // V8's message quotes the line, and a RequestResponse log's lines hold object bodies (Secrets):
  // only the position is kept.
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : "");
  return position ? `not JSON (at column ${Number(position[1]) + 1})` : "not JSON";
}

/**
 * A function that widens `target.first`/`target.last` to a time, keeping the text as written.
 * Compared as times: RFC 3339 texts of different precision do not sort as text.
 */
function spanWidener(target: { first?: string; last?: string }): (time: number, text: string) => void {
  let first = Infinity;
  let last = -Infinity;
  return (time, text) => {
    if (time < first) {
      first = time;
      target.first = text;
    }
    if (time > last) {
      last = time;
      target.last = text;
    }
  };
}

/** Reads batches of audit log lines into per-identity tallies; lines that are not events are counted and named. */
export async function readUsage(batches: AsyncIterable<LineBatch>, query: UsageQuery): Promise<UsageRead> {
  const wanted = query.identities.length > 0 ? new Set(query.identities) : undefined;
  // Whether a user name counts, remembered (a log has millions of events and a few hundred users);
  // the names remembered are the users seen in the window.
  const counts = new Map<string, boolean>();
  const isCounted = (username: string): boolean => {
    let answer = counts.get(username);
    if (answer === undefined) {
      answer = wanted ? wanted.has(username) : parseServiceAccountUsername(username) !== undefined;
      if (counts.size < MAX_USERS_REMEMBERED) {
        counts.set(username, answer);
        usersSeen.add(username);
      }
    }
    return answer;
  };
  const identities = new Map<string, IdentityTally>();
  const usersSeen = new Set<string>();
  const started = new Set<string>();
  const log: UsageRead["log"] = { lines: 0, events: 0, counted: 0, malformed: 0, malformedAt: [] };
  const span: UsageRead["span"] = {};
  const widenSpan = spanWidener(span);
  const widenCounted = spanWidener(log);
  const bad = (file: string, line: number, why: string): void => {
    log.malformed += 1;
    if (log.malformedAt.length < MAX_NAMED_BAD_LINES) log.malformedAt.push(`${file}:${line}: ${why}`);
  };
  for await (const batch of batches) {
    for (let index = 0; index < batch.lines.length; index++) {
      const text = batch.lines[index] as string | null;
      log.lines += 1;
      if (text === null) {
        bad(batch.file, batch.firstLine + index, "line longer than the limit");
        continue;
      }
      if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        bad(batch.file, batch.firstLine + index, shortReason(error));
        continue;
      }
      const observation = observationOf(value);
      if ("skipped" in observation) {
        bad(batch.file, batch.firstLine + index, observation.skipped);
        continue;
      }
      log.events += 1;
      widenSpan(observation.time, observation.timestamp);
      if (!COUNTED_STAGES.has(observation.stage)) continue;
      if (observation.stage === "ResponseStarted") started.add(observation.auditID);
      else if (started.size > 0 && started.delete(observation.auditID)) continue;
      if ((query.since !== undefined && observation.time < query.since) || (query.until !== undefined && observation.time > query.until)) continue;
      if (!isCounted(observation.username)) continue;
      log.counted += 1;
      widenCounted(observation.time, observation.timestamp);
      countObservation(identities, observation);
    }
  }
  return { identities, log, usersSeen, span };
}
