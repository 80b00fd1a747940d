import { describe, expect, it } from "vitest";
import { renderCommandHelp, renderMainHelp } from "../../src/cli/help.js";
import { commands } from "../../src/cli/commands/index.js";

// A wrapped example's shell continuation (a lone backslash) and a wrapped comment's "#" are not words of the help.
const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== "" && word !== "\\" && word !== "#");
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

  it("starts no prose line with `saprobe ` but the synopsis: such a line stands alone, as a command, and breaks its paragraph", () => {
    for (const command of commands) {
      const usage = command.usage.split("\n");
      const synopsis = usage.findIndex((line) => !line.startsWith("saprobe "));
      const alone = usage.slice(synopsis).filter((line) => line.startsWith("saprobe "));
      expect({ command: command.name, alone }).toEqual({ command: command.name, alone: [] });
    }
  });

  it("prints sizes and durations in the units a flag takes", () => {
    const run = renderCommandHelp(commands.find((command) => command.name === "run")!, 200);
    expect(run).toMatch(/--max-file-bytes SIZE +largest --expect manifest file accepted \[default: 16MiB\]/);
    expect(run).toMatch(/--deadline DURATION +overall deadline of the run \[default: 60s\]/);
    expect(run).toMatch(/--request-timeout DURATION .*\[default: 30s\]/);
    const audit = renderCommandHelp(commands.find((command) => command.name === "audit")!, 200);
    expect(audit).toMatch(/--confirm-deadline DURATION +live: how long the SubjectAccessReview cross-check may take.*\[default: 5m\]/);
    expect(audit).toMatch(/--deadline DURATION +live: overall deadline of the audit .*\[default: 10m\]/);
    for (const [page, text] of pages(200)) expect({ page, raw: text.match(/\b\d{5,}\b/g) ?? [] }).toEqual({ page, raw: [] });
    // Each default is one word the flag takes back: at 80 columns a number never leaves its unit behind.
    for (const [page, text] of pages(80))
      expect({ page, split: text.match(/\[default: [^\]]* [^\]]*\]|\[default: [^\]]*$/gm) ?? [] }).toEqual({ page, split: [] });
  });

  it("puts a flag's description under it when the terminal is too narrow to have them side by side", () => {
    const help = renderCommandHelp(commands.find((command) => command.name === "validate")!, 36);
    expect(help.split("\n").every((line) => line.length <= 36)).toBe(true);
  });

  it.each([60, 80])("ends each line of a wrapped example with the shell's backslash, so it pastes as one command (%i columns)", (width) => {
    for (const [page, text] of pages(width)) {
      const lines = text.split("\n");
      const examples = lines.slice(lines.indexOf("  Examples:") + 1, lines.indexOf("Flags:") - 1);
      if (!lines.includes("  Examples:")) continue;
      examples.forEach((line, index) => {
        const next = examples[index + 1] ?? "";
        // A line followed by a deeper-indented one is cut short of its command: it must say so to the shell.
        if (/^ {4}# /.test(line)) expect({ page, next }).toEqual({ page, next: expect.not.stringMatching(/^ {5,}/) });
        else if (/^ {6}\S/.test(next)) expect({ page, line }).toEqual({ page, line: expect.stringMatching(/ \\$/) });
        else expect({ page, line }).toEqual({ page, line: expect.not.stringMatching(/\\$/) });
      });
    }
  });
});
