import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";

/** `saprobe config view`: the resolved connection, without secrets and without running exec plugins. */
export const configCommand: Command = {
  name: "config",
  summary: "Show how saprobe reaches the API server (config view), without secrets",
  usage: [
    "saprobe config view [-o json|table] [--explain] [connection flags]",
    "",
    "Examples:",
    "  saprobe config view --explain",
    "  KUBECONFIG=a.yaml:b.yaml saprobe config view --context prod -o json",
    "  saprobe config view -s http://127.0.0.1:8001",
  ].join("\n"),
  flags: [
    { name: "output", short: "o", type: "string", choices: ["json", "table"], description: "output format (default: table on a terminal, else json)" },
    { name: "explain", type: "boolean", description: "say which source was used and why the others were skipped" },
    ...connectionFlags,
  ],
  async run(args, io) {
    const { runConfig } = await import("./config-action.js");
    return runConfig(args, io);
  },
};
