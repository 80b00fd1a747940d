import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repository } from "./packaged-layout.js";

/** The Dockerfile's text. */
export const dockerfileText = readFileSync(join(repository, "Dockerfile"), "utf8");

/** Instructions (continuations joined, comments dropped), grouped by stage, in order. */
export const dockerfileStages: string[][] = dockerfileText
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"))
  .reduce<string[][]>((stages, line) => {
    if (line.startsWith("FROM ")) stages.push([]);
    stages.at(-1)?.push(line);
    return stages;
  }, []);

/** The stage named `name` (`FROM ... AS name`). */
export function stage(name: string): string[] {
  const found = dockerfileStages.find((instructions) => instructions[0]?.endsWith(` AS ${name}`));
  if (!found) throw new Error(`Dockerfile has no stage "${name}"`);
  return found;
}
