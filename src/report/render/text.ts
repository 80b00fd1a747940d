/**
 * Text helpers shared by the renderers. Report strings come from the API server, from manifests
 * and from users, so every renderer treats them as hostile: no escape sequence may reach a
 * terminal, and no string may break the surrounding format.
 */

import { describeRef } from "../../model/report.js";

// CSI/OSC/other escape sequences first, so their parameters go with them, then any other control char.
const ESCAPE_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Removes terminal escape sequences and control characters (keeps tab and newline), and replaces
 * lone UTF-16 surrogates, which no encoder can write, with U+FFFD.
 */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, "").replace(CONTROL_CHARACTERS, "").replace(LONE_SURROGATES, "\ufffd");
}

/** One line of plain text: control characters removed, whitespace runs collapsed. */
export function oneLine(text: string): string {
  return stripControl(text).replace(/\s+/g, " ").trim();
}

/**
 * Cuts a text to at most `max` characters, marking the cut with an ellipsis; at a space when there is
 * one in the second half, so no name is left cut in two (`SelfSubjectAccessReview` as `S…`).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  const space = text.lastIndexOf(" ", max - 2);
  return space >= max / 2 ? `${text.slice(0, space)} …` : `${text.slice(0, max - 1)}…`;
}

/** `Kind namespace/name` or `Kind name`, as kubectl's messages write an object. */
export function describeObject(ref: { kind: string; name: string; namespace?: string } | undefined): string {
  return ref ? describeRef(ref) : "";
}

/** `ServiceAccount ns/name`, or `cluster-admin power` for the power node of an attack path. */
export function describeReached(ref: { kind: string; name: string; namespace?: string }): string {
  return ref.kind === "Power" ? `${ref.name} power` : describeObject(ref);
}

type EvidenceRef = { kind: string; name: string; namespace?: string };

function isRef(value: unknown): value is EvidenceRef {
  const ref = value as Partial<EvidenceRef> | null;
  return typeof ref === "object" && ref !== null && typeof ref.kind === "string" && typeof ref.name === "string" && Object.keys(ref).length <= 3;
}

/** A hop as the renderers read it. */
interface RenderedHop {
  permission: string;
  reaches: EvidenceRef;
  confirmation?: { agreed: boolean };
  requests?: readonly { planned?: boolean; awaits?: string }[];
}

/**
 * What the server said of a hop: confirmed, disagrees, or not asked because every request of it is
 * allowed only by a self-grant of an earlier hop, or only once the scheduler binds a pod to the node
 * (the server would deny it until then); "" offline.
 */
export function hopConfirmation(hop: RenderedHop): string {
  if (!hop.confirmation) return "";
  if (!hop.confirmation.agreed) return " (the server disagrees)";
  const requests = hop.requests ?? [];
  if (requests.length > 0 && requests.every((request) => request.awaits)) return " (not asked: allowed once the scheduler binds the pod to the node)";
  return requests.length > 0 && requests.every((request) => request.planned) ? " (not asked: allowed by the self-grant before it)" : " (confirmed)";
}

function isHops(value: unknown): value is RenderedHop[] {
  return Array.isArray(value) && value.length > 0 && value.every((hop) => typeof hop?.permission === "string" && isRef(hop.reaches));
}

/**
 * Evidence as `key=value` pairs on one line, values JSON-encoded when they are not plain strings; an
 * object reference as kubectl names it, and an attack path (`run --expect`'s) as its hops.
 */
export function describeEvidence(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .map(([key, value]) => {
      if (typeof value === "string") return `${key}=${value}`;
      if (isRef(value)) return `${key}=${describeObject(value)}`;
      if (isHops(value)) {
        const hops = value.map((hop, position) => {
          return `${position + 1}. ${hop.permission} -> ${describeReached(hop.reaches)}${hopConfirmation(hop)}`;
        });
        return `${key}: ${hops.join("; ")}`;
      }
      return `${key}=${JSON.stringify(value)}`;
    })
    .join(", ");
}

/**
 * Why the server was not asked about a live finding (its review failed, the cross-check's deadline
 * passed), as a sentence to follow the finding's message, or "" when it was asked or the audit was offline.
 */
export function describeUnconfirmed(finding: { unconfirmed?: { reason: string } }): string {
  return finding.unconfirmed ? `Not confirmed by the server: ${finding.unconfirmed.reason}` : "";
}

/** `file:line[:column]` of a finding's source, or "". */
export function describeSource(source: { file: string; line: number; column?: number } | undefined): string {
  if (!source) return "";
  return source.column === undefined ? `${source.file}:${source.line}` : `${source.file}:${source.line}:${source.column}`;
}

/** `file:line:column: message` of a refused manifest document (as much of the place as is known). */
export function describeRefused(refused: { file: string; line?: number; column?: number; message: string }): string {
  const place = [refused.file, refused.line, refused.line === undefined ? undefined : refused.column]
    .filter((part) => part !== undefined && part !== "")
    .join(":");
  return place ? `${place}: ${refused.message}` : refused.message;
}

/**
 * The length of the longest piece of `text` that `wrapText` keeps on one line: a word between
 * spaces, or with `breaksPaths`, a piece of a word up to and including a slash.
 */
export function longestWord(text: string, breaksPaths: boolean): number {
  const pieces = breaksPaths ? text.split(" ").flatMap((word) => word.split(/(?<=\/)/)) : text.split(" ");
  return pieces.reduce((widest, piece) => Math.max(widest, piece.length), 0);
}

/**
 * Wraps one line of plain text at spaces to `width` columns. Identifiers (`tls-system-ca`,
 * `system:anonymous`) are never cut: only a word longer than a whole line is, after its last
 * slash that fits (a file path), else at the limit.
 */
export function wrapText(text: string, width: number): string[] {
  const limit = Math.max(1, width);
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const joined = current === "" ? word : `${current} ${word}`;
    if (joined.length <= limit) {
      current = joined;
      continue;
    }
    if (current !== "") lines.push(current);
    current = word;
    while (current.length > limit) {
      const soft = current.lastIndexOf("/", limit - 1);
      const cut = soft > 0 ? soft + 1 : limit;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  lines.push(current);
  return lines;
}
