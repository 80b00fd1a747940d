import { resolve } from "node:path";
import { loadOfflineSnapshot } from "../../manifests/offline.js";
import { ExitCode, InputError, UsageError } from "../../model/errors.js";
import { createAuthorizer, type Authorizer } from "../../rbac/authorizer.js";
import { answerBatchQuestion, parseBatchLine } from "../../rbac/batch.js";
import { describeReason, explainDecision, formatEffectiveRule } from "../../rbac/format.js";
import { describeRequest, type ParsedRequest, type ResourceType } from "../../rbac/request-spec.js";
import { usernamesNamedByBindings } from "../../rbac/subjects.js";
import type { RbacSnapshot, UserInfo } from "../../rbac/types.js";
import { didYouMean } from "../../input/suggest.js";
import { heading, indentedItem } from "../report-output.js";
import { fitToTerminal, writeWarnings } from "../terminal-text.js";
import { readTextFile, readTextStream } from "../../input/read-text-file.js";
import { flag, type ParsedArgs } from "../args.js";
import { stdinIfNamed, type CommandIo } from "../command.js";

/* `saprobe can-i --manifests ...`: the questions answered from manifests alone, no server. */

/**
 * Loads the manifests named by --manifests (+ --with-defaults; objects without a namespace in -n,
 * else default), warns (stderr) about skipped files, duplicates, where unnamespaced objects went and
 * what the apiserver would refuse, and builds an authorizer that aggregates roles.
 */
export async function offlineAuthorizer(
  args: ParsedArgs,
  io: CommandIo,
): Promise<{ authorizer: Authorizer; files: string[]; snapshot: RbacSnapshot; customResources: ResourceType[] }> {
  const maxFileBytes = flag.number(args, "max-file-bytes");
  // Objects without metadata.namespace go where `kubectl apply -n` would put them.
  const namespace = flag.string(args, "namespace");
  const loaded = await loadOfflineSnapshot(flag.list(args, "manifests"), {
    withDefaults: flag.boolean(args, "with-defaults"),
    ...stdinIfNamed(flag.list(args, "manifests"), io),
    cwd: io.cwd,
    ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    ...(namespace !== undefined ? { namespaceFlag: namespace } : {}),
  });
  writeWarnings(loaded.warnings, io);
  return {
    authorizer: createAuthorizer(loaded.snapshot, { aggregate: true }),
    files: loaded.files,
    snapshot: loaded.snapshot,
    customResources: loaded.customResources,
  };
}

/**
 * A `--as` user no binding names gets only what its groups get, and a typo looks exactly like
 * that: say so on stderr, with the closest name a binding does use.
 */
export function warnIfNoBindingNames(user: UserInfo, snapshot: RbacSnapshot, io: CommandIo): void {
  const named = usernamesNamedByBindings(snapshot);
  if (named.has(user.name)) return;
  writeWarnings(
    [
      `--as ${user.name}: no binding in the manifests names this user, so only its groups (${user.groups.join(", ") || "none"}) can grant it anything${didYouMean(user.name, [...named])}`,
    ],
    io,
  );
}

/**
 * The user named by --as and --as-group (required offline: there is no "current user" without a
 * server), with the groups the server's impersonation would give it (`impersonatedUser`).
 */
export function offlineUser(args: ParsedArgs, impersonatedUser: (name: string, groups: string[]) => UserInfo): UserInfo {
  const name = flag.string(args, "as");
  if (!name) throw new UsageError("with --manifests, say whose permissions to check with --as USER (e.g. --as system:serviceaccount:NS:NAME)");
  return impersonatedUser(name, flag.list(args, "as-group"));
}

/** One question: prints yes/no with the reason; exit 0 for yes, 1 for no. */
export function answerOne(authorizer: Authorizer, user: UserInfo, request: ParsedRequest, json: boolean, io: CommandIo): number {
  const decision = authorizer.authorize(user, request.attrs);
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ allowed: decision.allowed, reason: decision.reason, user, request: request.attrs, grant: decision.grant, nearMisses: decision.nearMisses, errors: decision.errors, warnings: request.warnings })}\n`,
    );
  } else {
    writeWarnings(request.warnings, io);
    io.stdout.write(`${decision.allowed ? "yes" : "no"}\n`);
    for (const line of explainDecision(decision)) io.stdout.write(indentedItem(line, io));
    if (!decision.allowed) io.stdout.write(indentedItem(`(asked: may ${user.name} ${describeRequest(request.attrs)})`, io));
  }
  return decision.allowed ? ExitCode.ok : ExitCode.failed;
}

/** `--list`: the user's effective rules in the namespace (cluster-wide ones included). */
export function listRules(authorizer: Authorizer, user: UserInfo, namespace: string, json: boolean, io: CommandIo): number {
  const review = authorizer.rulesReview(user, namespace);
  if (json) {
    io.stdout.write(`${JSON.stringify({ user, namespace, rules: review.rules, errors: review.errors })}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(
    heading(`Rules for ${user.name} (groups ${user.groups.join(", ") || "none"}) ${namespace ? `in namespace ${namespace}` : "cluster-wide"}:`, io),
  );
  if (review.rules.length === 0) io.stdout.write("  (none)\n");
  for (const rule of review.rules) io.stdout.write(indentedItem(formatEffectiveRule(rule), io));
  for (const error of review.errors) io.stdout.write(`  error: ${error}\n`);
  return ExitCode.ok;
}

/** The largest `--batch` file or standard input accepted. */
const BATCH_MAX_BYTES = 16 * 1024 * 1024;

/** `--batch FILE`: JSON lines in, one JSON answer per line out, in order. Exit 1 when any answer is no. */
export async function answerBatch(authorizer: Authorizer, batchFile: string, json: boolean, io: CommandIo): Promise<number> {
  // Bounded and strictly decoded like every other user file; 16 MiB is about 100,000 questions.
  const read = { what: "batch file", maxBytes: BATCH_MAX_BYTES, shown: batchFile };
  const text = batchFile === "-" ? await readTextStream(io.stdin, read) : readTextFile(resolve(io.cwd, batchFile), read);
  const lines = text.split(/\r?\n/);
  const questions = lines.flatMap((line, index) => {
    if (line.trim() === "") return [];
    try {
      return [{ question: parseBatchLine(line), line: index + 1 }];
    } catch (error) {
      throw new InputError(`batch line ${index + 1}: ${(error as Error).message}`, { file: batchFile, line: index + 1 });
    }
  });
  let allAllowed = true;
  for (const { question, line } of questions) {
    const answer = answerBatchQuestion(authorizer, question, line);
    allAllowed &&= answer.allowed;
    io.stdout.write(
      json
        ? `${JSON.stringify(answer)}\n`
        : `${fitToTerminal(`${answer.allowed ? "yes" : "no "}  ${question.user.name} ${describeRequest(question.attrs)}: ${describeReason(answer)}`, io)}\n`,
    );
  }
  return allAllowed ? ExitCode.ok : ExitCode.failed;
}
