import type { Command } from "../command.js";
import { connectionFlags } from "../connection-flags.js";

/** `saprobe whoami`: kubectl auth whoami, plus where the credentials came from and what the token is. */
export const whoamiCommand: Command = {
  name: "whoami",
  summary: "Who the API server says you are (kubectl auth whoami), where the credentials came from, and the token's kind and expiry",
  usage: [
    "saprobe whoami [connection flags] [-o text|json]",
    "",
    "Asks the server (SelfSubjectReview) who the resolved credentials are, as kubectl auth whoami does, and",
    "says which kubeconfig context, file or mount they came from. For a bearer token it also says what kind",
    "it is (bound, legacy Secret-based, other) and when it expires, without printing it.",
    "",
    "Examples:",
    "  saprobe whoami",
    "  saprobe whoami --in-cluster -o json",
    "  saprobe whoami --as system:serviceaccount:ci:runner",
  ].join("\n"),
  flags: [
    ...connectionFlags,
    { name: "output", short: "o", type: "string", valueName: "FORMAT", description: "output format", choices: ["text", "json"], default: "text" },
  ],
  async run(args, io) {
    const { runWhoami } = await import("./whoami-action.js");
    return runWhoami(args, io);
  },
};
