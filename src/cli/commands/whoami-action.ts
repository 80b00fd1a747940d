import { describeConnection } from "../../connect/describe.js";
import type { Connection } from "../../connect/types.js";
import { createKubeClient } from "../../kube/client.js";
import { CouldNotRunError, ExitCode } from "../../model/errors.js";
import { lookupIdentity } from "../../probes/identity.js";
import type { IdentityLookup } from "../../probes/types.js";
import { diagnoseToken } from "../../token/diagnose.js";
import { tokenOfConnection } from "../../token/source.js";
import { flag, type ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";
import { terminalColumns } from "../output-flags.js";
import { wrapText } from "../../report/render/text.js";

/** What `whoami` found: the server's answer, and what saprobe knows of the credentials. */
interface Whoami {
  username?: string;
  uid?: string;
  groups: string[];
  identitySource: IdentityLookup["source"];
  server: string;
  credentials: string;
  from: string;
  impersonating?: string;
  token?: { kind: string; expires: string; issuer?: string; problems: string[] };
}

/** Where the credentials came from, in words: the context and file, the mount, the flags. */
function credentialOrigin(connection: Connection): string {
  const view = describeConnection(connection);
  const where = [
    view.context ? `context "${view.context}"` : undefined,
    view.user ? `user "${view.user}"` : undefined,
    view.files.length > 0 ? `in ${view.files.join(", ")}` : undefined,
  ].filter(Boolean);
  return where.length > 0 ? `${connection.source}: ${where.join(" ")}` : connection.source;
}

const TOKEN_KINDS = {
  bound: "bound (TokenRequest / projected)",
  legacy: "legacy Secret-based (no expiry)",
  other: "JWT from another issuer",
  unknown: "opaque (a static or provider token)",
} as const;

async function tokenFacts(connection: Connection): Promise<Whoami["token"]> {
  const read = await tokenOfConnection(connection);
  if (!read?.token) return undefined;
  const diagnosis = diagnoseToken(read.token, { source: read.source, now: new Date() });
  return {
    kind: TOKEN_KINDS[diagnosis.kind],
    expires: diagnosis.expiresAt ?? (diagnosis.format === "jwt" ? "never (no exp claim)" : "unknown (not a JWT: saprobe cannot read it)"),
    ...(diagnosis.issuer ? { issuer: diagnosis.issuer } : {}),
    problems: diagnosis.problems,
  };
}

/** The ATTRIBUTE/VALUE table; with a known terminal width, a long value wraps under its column. */
function renderText(found: Whoami, columns: number | undefined): string {
  const rows: Array<[string, string | undefined]> = [
    ["Username", found.username],
    ["UID", found.uid],
    ["Groups", `[${found.groups.join(" ")}]`],
    [
      "Answered by",
      found.identitySource === "SelfSubjectReview" ? `${found.server} (SelfSubjectReview)` : `${found.identitySource} (not confirmed by the server)`,
    ],
    ["Impersonating", found.impersonating],
    ["Credentials", found.credentials],
    ["From", found.from],
    ["Token", found.token?.kind],
    ["Token expires", found.token?.expires],
  ];
  const present = rows.filter((row): row is [string, string] => row[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 2;
  const wrapped = (text: string, room: number): string[] => (columns === undefined ? [text] : wrapText(text, room));
  const lines = ["ATTRIBUTE".padEnd(width) + "VALUE"];
  for (const [label, value] of present) {
    const [first = "", ...rest] = wrapped(value, (columns ?? 0) - width);
    lines.push(`${label.padEnd(width)}${first}`, ...rest.map((part) => `${" ".repeat(width)}${part}`));
  }
  for (const problem of found.token?.problems ?? [])
    lines.push(...wrapped(`PROBLEM: ${problem}`, (columns ?? 0) - 2).map((part, index) => (index === 0 ? part : `  ${part}`)));
  return `${lines.join("\n")}\n`;
}

/** What `saprobe whoami` does once its flags are parsed. Exit 3 when the server cannot say. */
export async function runWhoami(args: ParsedArgs, io: CommandIo): Promise<number> {
  const connection = await connectionFromArgs(args, io);
  const client = createKubeClient(connection, requestLogOptions(args, io));
  let identity: IdentityLookup;
  try {
    identity = await lookupIdentity(client, connection, {
      signal: AbortSignal.timeout(connection.requestTimeoutMs || 30_000),
      timeoutMs: connection.requestTimeoutMs,
      token: () => tokenOfConnection(connection),
    });
  } finally {
    await client.close();
  }
  if (identity.state === "unauthorized") throw new CouldNotRunError("E_UNAUTHORIZED", identity.message);
  if (identity.state !== "known") throw new CouldNotRunError("E_WHOAMI", identity.message);
  const auth = describeConnection(connection).auth;
  const token = await tokenFacts(connection);
  const found: Whoami = {
    ...(identity.username ? { username: identity.username } : {}),
    ...(identity.uid ? { uid: identity.uid } : {}),
    groups: identity.groups,
    identitySource: identity.source,
    server: connection.server,
    credentials: auth.kind,
    from: credentialOrigin(connection),
    ...(connection.impersonate ? { impersonating: connection.impersonate.user } : {}),
    ...(token ? { token } : {}),
  };
  io.stdout.write(flag.string(args, "output") === "json" ? `${JSON.stringify(found, null, 2)}\n` : renderText(found, terminalColumns(io)));
  return ExitCode.ok;
}
