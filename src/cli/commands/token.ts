import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";

/** `saprobe token`: decodes a ServiceAccount token (never verifies or prints it) and says what it is worth. */
export const tokenCommand: Command = {
  name: "token",
  summary: "Decode a ServiceAccount token (never printed): issuer, audiences, expiry, binding, legacy, accepted",
  usage: [
    "saprobe token [--sa-dir DIR | --token-file FILE] [connection flags] [-o text|json]",
    "",
    "Without --sa-dir or --token-file, the token of the resolved connection is diagnosed.",
    "Exit code 1 when the token has a problem (legacy, expired, namespace mismatch, rejected by the server);",
    "3 when the server cannot be reached to ask whether it accepts the token (--offline does not ask).",
    "",
    "Examples:",
    "  saprobe token --sa-dir /var/run/secrets/kubernetes.io/serviceaccount --in-cluster",
    "  saprobe token --token-file ./token --offline -o json",
  ].join("\n"),
  flags: [
    ...connectionFlags,
    { name: "output", short: "o", type: "string", valueName: "FORMAT", description: "output format", choices: ["text", "json"], default: "text" },
    { name: "offline", type: "boolean", description: "do not ask the server whether it still accepts the token" },
  ],
  async run(args, io) {
    const { runToken } = await import("./token-action.js");
    return runToken(args, io);
  },
};
