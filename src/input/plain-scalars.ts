/*
 * The scalars of block-yaml.ts's subset: plain ones as YAML 1.2's core schema resolves them (null,
 * booleans, decimal integers, strings), simply quoted ones, one-line flow sequences of them, and the
 * common words kept as constants. Anything else gives up (`give`), and js-yaml reads the document.
 */

/** Thrown to give up on a document; block-yaml.ts turns it into `NOT_PLAIN`. */
export class NotPlain extends Error {}

const NULLS = new Set(["~", "null", "Null", "NULL"]);
const BOOLEANS = new Map([
  ["true", true],
  ["True", true],
  ["TRUE", true],
  ["false", false],
  ["False", false],
  ["FALSE", false],
]);
/** A key the core schema keeps a string of itself (not a number or a merge; `isResolvedKey` rules out null and booleans). */
export const KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const FLOW_ITEM = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
// Characters that start something other than a plain string: indicators, numbers (but the integers above); `~` is null.
const NOT_STRING_START = new Set("-?:,[]{}#&*!|>'\"%@`+.0123456789");
// But a dash or two and a letter start a plain string (no number, no indicator): a command-line flag,
// as exec plugins' args in kubeconfigs are (`--region`).
const FLAG = /^--?[A-Za-z]/;

/** Gives up on the document. */
export function give(): never {
  throw new NotPlain();
}

/**
 * A character other than a line feed, printable ASCII and the Basic Multilingual Plane's printable
 * rest: a control, a line or paragraph separator, NEL, a byte-order mark, a surrogate. A YAML library
 * may read such text otherwise than its characters say (YAML 1.1 breaks lines at NEL and the
 * separators) or refuse it; a fast path leaves such text to the library.
 */
export const NOT_PLAIN_TEXT = /[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

// Decimal integers the core schema reads as such, short enough to be exact (ports, replicas).
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;

/** A plain scalar that is no number: null, a boolean (words of at most five characters) or the string itself. */
function resolvePlain(text: string): unknown {
  if (text.length > 5) return text;
  if (NULLS.has(text)) return null;
  return BOOLEANS.get(text) ?? text;
}

/** A key the core schema would read as null or a boolean (not the string it spells). */
export function isResolvedKey(key: string): boolean {
  return key.length <= 5 && (NULLS.has(key) || BOOLEANS.has(key));
}

function quoted(text: string): string {
  const quote = text[0] as string;
  const inner = text.slice(1, -1);
  // One line, closed at its end, nothing to unescape.
  if (text.length < 2 || text[text.length - 1] !== quote || inner.includes(quote) || (quote === '"' && inner.includes("\\"))) give();
  return inner;
}

function flowSequence(text: string): unknown[] {
  if (text[text.length - 1] !== "]") give();
  const inner = spacesOff(text.slice(1, -1));
  if (inner === "") return [];
  return inner.split(",").map((raw) => {
    const item = spacesOff(raw);
    if (item[0] === "'" || item[0] === '"') return quoted(item);
    if (INTEGER.test(item)) return Number(item);
    if (!FLOW_ITEM.test(item)) give();
    return resolvePlain(item);
  });
}

/** The value of a scalar written on one line (spaces around it off), as the core schema reads it. */
export function scalar(text: string): unknown {
  const first = text[0] as string;
  if (first === "'" || first === '"') return quoted(text);
  if (text === "{}") return {};
  if (first === "[") return flowSequence(text);
  if (INTEGER.test(text)) return Number(text);
  if ((NOT_STRING_START.has(first) && !FLAG.test(text)) || text.includes("#") || text.includes(": ") || text[text.length - 1] === ":") give();
  return resolvePlain(text);
}

// The words RBAC manifests are mostly made of, each a plain scalar that is its own string: one met
// is this constant, not a new string (76,200 documents hold millions of them, which the garbage
// collector would copy on the way to the old generation). Quoted forms that are common too follow.
const COMMON = [
  ...["apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "rules", "apiGroups", "resources", "resourceNames"],
  ...["verbs", "nonResourceURLs", "roleRef", "apiGroup", "subjects", "aggregationRule", "clusterRoleSelectors", "matchLabels"],
  ...["v1", "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
  ...["ServiceAccount", "User", "Group", "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "impersonate"],
  ...["bind", "escalate", "apps", "batch", "policy", "extensions", "coordination.k8s.io", "networking.k8s.io", "pods", "secrets"],
  ...["configmaps", "services", "endpoints", "events", "nodes", "namespaces", "serviceaccounts", "deployments", "statefulsets"],
  ...["daemonsets", "replicasets", "jobs", "cronjobs", "leases", "ingresses", "persistentvolumeclaims", "roles", "rolebindings"],
  ...["clusterroles", "clusterrolebindings", "default", "kube-system"],
];
const QUOTED: Record<string, string> = { "''": "", '""': "", "'*'": "*", '"*"': "*" };
const COMMON_BY_LENGTH: string[][] = [];
for (const word of [...COMMON, ...Object.keys(QUOTED)]) (COMMON_BY_LENGTH[word.length] ??= []).push(word);

/** The common word `text` holds from `from` to `to`, or undefined. */
export function common(text: string, from: number, to: number): string | undefined {
  const words = COMMON_BY_LENGTH[to - from];
  if (words === undefined) return undefined;
  for (const word of words) if (text.startsWith(word, from)) return QUOTED[word] ?? word;
  return undefined;
}

/** `text` without the spaces (U+0020 only, as YAML) at its start and end. */
function spacesOff(text: string): string {
  let start = 0;
  let end = text.length;
  while (text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
