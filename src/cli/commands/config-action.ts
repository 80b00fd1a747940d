import { describeConnection, type ConnectionView } from "../../connect/describe.js";
import { ExitCode, UsageError } from "../../model/errors.js";
import { flag, type ParsedArgs } from "../args.js";
import type { CommandIo } from "../command.js";
import { connectionFromArgs } from "../connection-flags.js";

function renderTable(view: ConnectionView, explain: boolean): string {
  const auth = Object.entries(view.auth)
    .filter(([key]) => key !== "kind")
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(" ") : String(value)}`)
    .join(", ");
  const tls = view.tls.insecureSkipTLSVerify
    ? "NOT VERIFIED (insecure-skip-tls-verify)"
    : (view.tls.caFile ?? (view.tls.caData ? "certificate-authority-data" : view.server.startsWith("http:") ? "none (plain HTTP)" : "system CAs"));
  const rows: [string, string][] = [
    ["Source", view.source],
    ["Server", view.server],
    ["Context", view.context ?? "-"],
    ["Cluster", view.cluster ?? "-"],
    ["User", view.user ?? "-"],
    ["Namespace", view.namespace],
    ["Auth", auth ? `${view.auth.kind} (${auth})` : view.auth.kind],
    ["CA", tls],
    ...(view.tls.serverName ? [["TLS server name", view.tls.serverName] as [string, string]] : []),
    ...(view.impersonate
      ? [["Impersonate", [view.impersonate.user, ...view.impersonate.groups.map((group) => `group ${group}`)].join(", ")] as [string, string]]
      : []),
    ["Files", view.files.join("\n") || "-"],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = rows.flatMap(([label, value]) => value.split("\n").map((line, index) => `${(index === 0 ? `${label}:` : "").padEnd(width)}${line}`));
  const warnings = view.explain.filter((line) => line.startsWith("warning: "));
  if (explain) lines.push("", "Why:", ...view.explain.filter((line) => !line.startsWith("warning: ")).map((line) => `  - ${line}`));
  if (warnings.length > 0) lines.push("", ...warnings.map((line) => `Warning: ${line.slice("warning: ".length)}`));
  return `${lines.join("\n")}\n`;
}

/** What `saprobe config` does once its flags are parsed. */
export async function runConfig(args: ParsedArgs, io: CommandIo): Promise<number> {
  const [subcommand, ...extra] = args.positionals;
  if (subcommand !== "view")
    throw new UsageError(
      subcommand === undefined ? 'missing subcommand: use "saprobe config view"' : `unknown subcommand "config ${subcommand}": the only one is "view"`,
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" for "saprobe config view"`);
  const view = describeConnection(await connectionFromArgs(args, io));
  const output = flag.string(args, "output") ?? (io.stdout.isTTY ? "table" : "json");
  io.stdout.write(output === "json" ? `${JSON.stringify(view, null, 2)}\n` : renderTable(view, flag.boolean(args, "explain")));
  return ExitCode.ok;
}
