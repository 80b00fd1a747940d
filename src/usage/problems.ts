import { closestName } from "../input/suggest.js";
import type { UsageRead } from "./read-usage.js";

/** Why a read gave nothing to report: a sentence, for an `InputError`. */
export interface UsageProblem {
  message: string;
}

function filesText(files: readonly string[]): string {
  const named = files.map((file) => (file === "-" ? "standard input" : file));
  return named.length <= 3 ? named.join(", ") : `${named.slice(0, 3).join(", ")} and ${named.length - 3} more`;
}

function windowText(window: { since?: string; until?: string }): string {
  return `from ${window.since ?? "the start"} to ${window.until ?? "the end"}`;
}

/**
 * What makes a read unusable, in the order a person would look: no audit event at all, none in
 * the window, an asked identity never seen (with the closest name seen), no ServiceAccount at all.
 * Empty when there is something to report.
 */
export function nothingToReport(
  read: UsageRead,
  files: readonly string[],
  asked: readonly string[],
  window: { since?: string; until?: string },
): UsageProblem[] {
  if (read.log.events === 0) {
    const bad = read.log.malformed > 0 ? `; ${read.log.malformed} line(s) are not audit events, the first at ${read.log.malformedAt[0]}` : "";
    return [{ message: `no audit.k8s.io Event in ${filesText(files)} (${read.log.lines} line(s) read${bad})` }];
  }
  if (read.usersSeen.size === 0) {
    return [{ message: `no request in the window ${windowText(window)}; the log's ${read.log.events} events span ${read.span.first} to ${read.span.last}` }];
  }
  const seen = [...read.usersSeen];
  if (asked.length === 0) {
    if (read.identities.size > 0) return [];
    return [
      {
        message: `no ServiceAccount made a request in the window ${windowText(window)}; name the users to study with --as (users seen: ${seen.slice(0, 5).join(", ")}${seen.length > 5 ? ", ..." : ""})`,
      },
    ];
  }
  return asked
    .filter((username) => !read.identities.has(username))
    .map((username) => {
      const closest = closestName(username, seen);
      const hint = closest ? `; did you mean "${closest}"?` : ` (${seen.length} user(s) made requests in it)`;
      return { message: `--as ${username}: this user made no request in the window ${windowText(window)}${hint}` };
    });
}
