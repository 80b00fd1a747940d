import type { Secret } from "../model/secret.js";
import { decodeJwt } from "./jwt.js";

/** What a ServiceAccount token says about itself, read from its claims without verifying it. */
export interface TokenDiagnosis {
  source: string;
  /** `opaque` tokens (static tokens, cloud tokens) have no readable claims. */
  format: "jwt" | "opaque";
  /** `bound`: TokenRequest/projected token; `legacy`: Secret-based; `other`: a JWT from another issuer. */
  kind: "bound" | "legacy" | "other" | "unknown";
  issuer?: string;
  subject?: string;
  audiences: string[];
  issuedAt?: string;
  notBefore?: string;
  expiresAt?: string;
  /** Seconds until `exp` at diagnosis time (negative when expired). */
  secondsLeft?: number;
  /** kubelet-projected tokens: the server extended the lifetime; the kubelet refreshes the file after this. */
  warnAfter?: string;
  serviceAccount?: { namespace?: string; name?: string; uid?: string };
  /** The objects the token is bound to (Pod, Secret, Node); it dies with them. */
  boundTo: { kind: "Pod" | "Secret" | "Node"; name?: string; uid?: string }[];
  namespaceClaim?: string;
  mountNamespace?: string;
  /** Findings: each a sentence a person can act on. */
  problems: string[];
  /** Facts worth showing that are not problems. */
  notes: string[];
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const seconds = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const time = (value: number | undefined): string | undefined => (value === undefined ? undefined : new Date(value * 1000).toISOString());

/** `3d 4h`, `59m 10s`, `12s`: a duration for people. */
export function formatDuration(totalSeconds: number): string {
  const value = Math.abs(Math.round(totalSeconds));
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = value;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(`${count}${unit}`);
    else if (parts.length > 0) break;
  }
  return parts.length > 0 ? parts.join(" ") : "0s";
}

function objectRef(kind: "Pod" | "Secret" | "Node", value: unknown): TokenDiagnosis["boundTo"][number] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ref = value as Record<string, unknown>;
  const name = text(ref.name);
  const uid = text(ref.uid);
  return { kind, ...(name ? { name } : {}), ...(uid ? { uid } : {}) };
}

function boundClaims(payload: Record<string, unknown>, diagnosis: TokenDiagnosis): void {
  const kube = payload["kubernetes.io"] as Record<string, unknown>;
  diagnosis.namespaceClaim = text(kube.namespace);
  const account = (kube.serviceaccount ?? {}) as Record<string, unknown>;
  diagnosis.serviceAccount = { namespace: diagnosis.namespaceClaim, name: text(account.name), uid: text(account.uid) };
  for (const kind of ["Pod", "Secret", "Node"] as const) {
    const ref = objectRef(kind, kube[kind.toLowerCase()]);
    if (ref) diagnosis.boundTo.push(ref);
  }
  diagnosis.warnAfter = time(seconds(kube.warnafter));
}

function legacyClaims(payload: Record<string, unknown>, diagnosis: TokenDiagnosis): void {
  const claim = (name: string) => text(payload[`kubernetes.io/serviceaccount/${name}`]);
  diagnosis.namespaceClaim = claim("namespace");
  diagnosis.serviceAccount = { namespace: diagnosis.namespaceClaim, name: claim("service-account.name"), uid: claim("service-account.uid") };
  const secret = claim("secret.name");
  if (secret) diagnosis.boundTo.push({ kind: "Secret", name: secret });
}

function timing(payload: Record<string, unknown>, diagnosis: TokenDiagnosis, now: Date): void {
  const nowSeconds = now.getTime() / 1000;
  const exp = seconds(payload.exp);
  const nbf = seconds(payload.nbf);
  diagnosis.issuedAt = time(seconds(payload.iat));
  diagnosis.notBefore = time(nbf);
  diagnosis.expiresAt = time(exp);
  if (exp === undefined) {
    const secret = diagnosis.boundTo.find((ref) => ref.kind === "Secret")?.name;
    diagnosis.problems.push(
      diagnosis.kind === "legacy"
        ? `legacy Secret-based token${secret ? ` (Secret "${secret}")` : ""}: it never expires and stays valid as long as the Secret exists`
        : "the token has no expiry (exp claim)",
    );
    return;
  }
  diagnosis.secondsLeft = Math.round(exp - nowSeconds);
  if (diagnosis.secondsLeft <= 0) diagnosis.problems.push(`the token expired at ${diagnosis.expiresAt} (${formatDuration(diagnosis.secondsLeft)} ago)`);
  else diagnosis.notes.push(`expires at ${diagnosis.expiresAt} (in ${formatDuration(diagnosis.secondsLeft)})`);
  if (nbf !== undefined && nbf > nowSeconds + 60) diagnosis.problems.push(`the token is not valid before ${diagnosis.notBefore}`);
}

/**
 * Reads a token's claims and judges them: bound or legacy, expiry, binding, namespace claim vs
 * the mount's namespace file. Pure: the caller passes the clock. Never includes the token itself.
 */
export function diagnoseToken(token: Secret, options: { source: string; now: Date; mountNamespace?: string }): TokenDiagnosis {
  const diagnosis: TokenDiagnosis = { source: options.source, format: "opaque", kind: "unknown", audiences: [], boundTo: [], problems: [], notes: [] };
  if (options.mountNamespace) diagnosis.mountNamespace = options.mountNamespace;
  const decoded = decodeJwt(token);
  if (!decoded) {
    diagnosis.notes.push("not a JWT: saprobe cannot read its claims (a static or provider token)");
    return diagnosis;
  }
  const payload = decoded.payload;
  diagnosis.format = "jwt";
  diagnosis.issuer = text(payload.iss);
  diagnosis.subject = text(payload.sub);
  diagnosis.audiences = Array.isArray(payload.aud)
    ? payload.aud.filter((item): item is string => typeof item === "string")
    : text(payload.aud)
      ? [payload.aud as string]
      : [];
  if (typeof payload["kubernetes.io"] === "object" && payload["kubernetes.io"] !== null) {
    diagnosis.kind = "bound";
    boundClaims(payload, diagnosis);
  } else if (diagnosis.issuer === "kubernetes/serviceaccount") {
    diagnosis.kind = "legacy";
    legacyClaims(payload, diagnosis);
  } else {
    diagnosis.kind = "other";
  }
  timing(payload, diagnosis, options.now);
  if (diagnosis.warnAfter) diagnosis.notes.push(`kubelet-style extended token: the kubelet refreshes it after ${diagnosis.warnAfter}`);
  if (diagnosis.kind === "bound" && diagnosis.boundTo.length === 0) diagnosis.notes.push("not bound to a Pod, Secret or Node: it lives until it expires");
  if (diagnosis.namespaceClaim && diagnosis.mountNamespace && diagnosis.namespaceClaim !== diagnosis.mountNamespace) {
    diagnosis.problems.push(`the token's namespace claim "${diagnosis.namespaceClaim}" differs from the mount's namespace file "${diagnosis.mountNamespace}"`);
  }
  return diagnosis;
}
