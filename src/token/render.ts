import type { TokenDiagnosis } from "./diagnose.js";

/** Whether the server accepts the token, and how saprobe knows. */
export interface TokenAcceptance {
  state: "accepted" | "rejected" | "unknown";
  detail: string;
  /** The server was to be asked but could not be reached (transport, TLS): `unknown` is a failure to run. */
  unreachable?: true;
}

/** The token diagnosis as aligned `label: value` lines for a terminal. Never contains the token. */
export function renderTokenText(diagnosis: TokenDiagnosis, acceptance: TokenAcceptance): string {
  const rows: [string, string | undefined][] = [
    ["source", diagnosis.source],
    ["format", diagnosis.format === "jwt" ? "JWT (claims decoded, signature not verified)" : "opaque (no readable claims)"],
    [
      "kind",
      { bound: "bound (TokenRequest / projected)", legacy: "legacy Secret-based", other: "JWT from another issuer", unknown: "unknown" }[diagnosis.kind],
    ],
    ["issuer", diagnosis.issuer],
    ["subject", diagnosis.subject],
    ["audiences", diagnosis.audiences.length > 0 ? diagnosis.audiences.join(", ") : undefined],
    ["issued at", diagnosis.issuedAt],
    ["expires at", diagnosis.expiresAt ?? (diagnosis.format === "jwt" ? "never (no exp claim)" : undefined)],
    ["warn after", diagnosis.warnAfter],
    [
      "bound to",
      diagnosis.boundTo.length > 0
        ? diagnosis.boundTo.map((ref) => `${ref.kind} ${ref.name ?? "?"}${ref.uid ? ` (uid ${ref.uid})` : ""}`).join(", ")
        : undefined,
    ],
    ["namespace claim", diagnosis.namespaceClaim],
    ["mount namespace", diagnosis.mountNamespace],
    ["server accepts", `${acceptance.state}: ${acceptance.detail}`],
  ];
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 1;
  const lines = present.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
  for (const note of diagnosis.notes) lines.push(`note: ${note}`);
  for (const problem of diagnosis.problems) lines.push(`PROBLEM: ${problem}`);
  if (acceptance.state === "rejected") lines.push("PROBLEM: the server no longer accepts the token (401 Unauthorized)");
  return `${lines.join("\n")}\n`;
}
