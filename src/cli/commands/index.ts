import type { Command } from "../command.js";
import { auditCommand } from "./audit.js";
import { canICommand } from "./can-i.js";
import { configCommand } from "./config.js";
import { runCommand } from "./run.js";
import { tokenCommand } from "./token.js";
import { usageCommand } from "./usage.js";
import { validateCommand } from "./validate.js";
import { whoamiCommand } from "./whoami.js";
import { whoCanCommand } from "./who-can.js";

/** Every command, in the order `saprobe --help` lists them. Each lives in its own module. */
export const commands: readonly Command[] = [
  runCommand,
  auditCommand,
  canICommand,
  whoCanCommand,
  whoamiCommand,
  usageCommand,
  tokenCommand,
  validateCommand,
  configCommand,
];
