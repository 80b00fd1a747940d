import type { Command } from "../command.js";

/** `saprobe validate FILE...`: checks check files against `checks/schema.json` and lists every problem. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Validate check files (YAML) and print every problem with line and column",
  usage: "saprobe validate FILE...\n\nExample:\n  saprobe validate checks/default.yaml my-checks.yaml",
  flags: [],
  async run(args, io) {
    const { runValidate } = await import("./validate-action.js");
    return runValidate(args, io);
  },
};
