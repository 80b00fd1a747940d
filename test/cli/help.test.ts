import { describe, expect, it } from "vitest";
import { renderCommandHelp, renderMainHelp } from "../../src/cli/help.js";
import { commands } from "../../src/cli/commands/index.js";

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
// Wide enough that nothing wraps: the words of the help as written.
const UNWRAPPED = 10_000;

const pages = (width: number): Array<[string, string]> => [
  ["saprobe --help", renderMainHelp(commands, "1.2.3", width)],
  ...commands.map((command): [string, string] => [`saprobe ${command.name} --help`, renderCommandHelp(command, width)]),
];

describe("help", () => {
  it.each([60, 80, 120])("fits %i columns on every page, and wrapping cuts no word", (width) => {
    const unwrapped = new Map(pages(UNWRAPPED));
    for (const [page, text] of pages(width)) {
      expect({ page, long: text.split("\n").filter((line) => line.length > width) }).toEqual({ page, long: [] });
      // Wrapping only moves words to the next line: the same words, none cut in two.
      expect({ page, words: words(text) }).toEqual({ page, words: words(unwrapped.get(page) ?? "") });
    }
  });

  it("prints sizes and durations in the units a flag takes", () => {
    const run = renderCommandHelp(commands.find((command) => command.name === "run")!, 200);
    expect(run).toMatch(/--max-file-bytes SIZE +largest --expect manifest file accepted \[default: 16MiB\]/);
    expect(run).toMatch(/--deadline DURATION +overall deadline of the run \[default: 60s\]/);
    expect(run).toMatch(/--request-timeout DURATION .*\[default: 30s\]/);
    for (const [page, text] of pages(200)) expect({ page, raw: text.match(/\b\d{5,}\b/g) ?? [] }).toEqual({ page, raw: [] });
    // Each default is one word the flag takes back: at 80 columns a number never leaves its unit behind.
    for (const [page, text] of pages(80)) expect({ page, split: text.match(/\[default: [^\]]* [^\]]*\]|\[default: [^\]]*$/gm) ?? [] }).toEqual({ page, split: [] });
  });

  it("puts a flag's description under it when the terminal is too narrow to have them side by side", () => {
    const help = renderCommandHelp(commands.find((command) => command.name === "validate")!, 36);
    expect(help.split("\n").every((line) => line.length <= 36)).toBe(true);
  });
});
