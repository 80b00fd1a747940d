import type { Command } from "../command.js";
import { validateCommand } from "./validate.js";

/** Every command, in the order `saprobe --help` lists them. Each lives in its own module. */
export const commands: readonly Command[] = [validateCommand];
