import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { testCluster } from "../support/cluster.js";

// README.md shows the first screen of `saprobe run` against the local control plane as an 80-column
// terminal shows it (its server written https://127.0.0.1:6443, the port the harness usually picks
// being a free one); this keeps it true, as test/shipping/readme-screens.test.ts does for audit.

describe("README.md", () => {
  it("shows the first screen of saprobe run at 80 columns as it is today", async () => {
    const { code, stdout } = await runCli(["run", "--kubeconfig", testCluster().adminKubeconfig], { env: { COLUMNS: "80", HOME: "/nonexistent" } });
    expect(code).toBe(0);
    const firstScreen = stdout.replaceAll(testCluster().server, "https://127.0.0.1:6443").split("\n").slice(0, 16).join("\n");
    expect(readFileSync("README.md", "utf8")).toContain(`\`\`\`text\n${firstScreen}\n…\n\`\`\``);
    expect(stdout.split("\n").filter((line) => line.length > 80)).toEqual([]);
  });
});
