import { ConnectionConfigError, ExitCode, InputError, UsageError } from "../../model/errors.js";
import { tokenEvidence } from "../../probes/token.js";
import { diagnoseToken } from "../../token/diagnose.js";
import type { TokenAcceptance } from "../../token/render.js";
import { renderTokenText } from "../../token/render.js";
import { readServiceAccountDir, readTokenFile, tokenOfConnection, type TokenRead } from "../../token/source.js";
import { flag, type ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";
import { connectionFromArgs, requestLogOptions } from "../connection-flags.js";

async function tokenFor(args: ParsedArgs, io: CommandIo): Promise<TokenRead> {
  const resolvePath = (path: string) => (path.startsWith("/") ? path : `${io.cwd}/${path}`);
  if (args.given.has("token-file")) return readTokenFile(resolvePath(flag.string(args, "token-file") ?? ""));
  if (args.given.has("sa-dir") && !flag.boolean(args, "in-cluster")) return readServiceAccountDir(resolvePath(flag.string(args, "sa-dir") ?? ""));
  const read = await tokenOfConnection(await connectionFromArgs(args, io));
  if (!read) throw new UsageError("the resolved connection does not use a bearer token; pass --sa-dir DIR or --token-file FILE");
  return read;
}

/** The first line of a multi-line message, without the "Tried:" that introduces the list below it. */
function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/[.:]?\s*Tried:\s*$/, "").trim();
}

/** Asks the server (SelfSubjectReview) with exactly this token; 401 means it is no longer accepted. */
async function acceptanceOf(read: TokenRead & { token: NonNullable<TokenRead["token"]> }, args: ParsedArgs, io: CommandIo): Promise<TokenAcceptance> {
  if (flag.boolean(args, "offline")) return { state: "unknown", detail: "not asked (--offline)" };
  let connection;
  try {
    connection = await connectionFromArgs(args, io);
  } catch (error) {
    if (error instanceof ConnectionConfigError || error instanceof UsageError)
      return { state: "unknown", detail: `not asked: ${firstLine(error.message)} (saprobe config view --explain says what was tried)` };
    throw error;
  }
  const withToken = { ...connection, credentials: { kind: "token" as const, token: read.token }, impersonate: undefined };
  // The HTTP client loads only when the server is asked: --offline never pays for it (bench/startup.mjs).
  const [{ createKubeClient }, { lookupIdentity }] = await Promise.all([import("../../kube/client.js"), import("../../probes/identity.js")]);
  const client = createKubeClient(withToken, requestLogOptions(args, io));
  try {
    const identity = await lookupIdentity(client, withToken, {
      signal: AbortSignal.timeout(connection.requestTimeoutMs),
      timeoutMs: connection.requestTimeoutMs,
      token: async () => read,
    });
    if (identity.state === "unauthorized") return { state: "rejected", detail: `${connection.server} answered 401 Unauthorized` };
    if (identity.state === "known" && identity.source === "SelfSubjectReview")
      return { state: "accepted", detail: `${connection.server} sees "${identity.username}"` };
    return { state: "unknown", detail: identity.message, ...(identity.failure ? { unreachable: true as const } : {}) };
  } finally {
    await client.close();
  }
}

/** What `saprobe token` does once its flags are parsed. */
export async function runToken(args: ParsedArgs, io: CommandIo): Promise<number> {
  const read = await tokenFor(args, io);
  if (!read.token) throw new InputError(read.error ?? "cannot read the token", { file: read.source });
  const token = read.token;
  const diagnosis = diagnoseToken(token, { source: read.source, now: new Date(), ...(read.mountNamespace ? { mountNamespace: read.mountNamespace } : {}) });
  const acceptance = await acceptanceOf({ ...read, token }, args, io);
  if (flag.string(args, "output") === "json") {
    io.stdout.write(
      `${JSON.stringify({ ...tokenEvidence(diagnosis), notes: diagnosis.notes, problems: diagnosis.problems, accepted: acceptance }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(renderTokenText(diagnosis, acceptance));
  }
  // Asked but unanswered (unreachable, TLS, no answer) is "could not run", as for `run`; --offline
  // or no server configured is a clear "not asked", not a failure.
  if (acceptance.unreachable) return ExitCode.couldNotRun;
  return diagnosis.problems.length > 0 || acceptance.state === "rejected" ? ExitCode.failed : ExitCode.ok;
}
