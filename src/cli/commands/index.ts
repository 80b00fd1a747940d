import type { Command } from "../command.js";
import { auditCommand } from "./audit.js";
import { configCommand } from "./config.js";
import { runCommand } from "./run.js";
import { tokenCommand } from "./token.js";
import { validateCommand } from "./validate.js";

/** Every command, in the order `saprobe --help` lists them. Each lives in its own module. */
export const commands: readonly Command[] = [runCommand, auditCommand, tokenCommand, validateCommand, configCommand];
