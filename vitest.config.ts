import { defineConfig } from "vitest/config";

// Three projects (`npm run test:unit`, `test:cli`, `test:integration`):
// - "unit": in-process, fast; runs saprobe through test/support/cli.ts's runCli, never as a process.
// - "cli" (*.cli.test.ts): spawns the built CLI (spawnCli) or a slow real consumer of its output
//   (Chromium, the SARIF multitool); its global setup rebuilds dist/ when it is stale.
// - "integration" (*.int.test.ts): against the real kube-apiserver + etcd that test/cluster/up builds
//   and starts (once, in global setup); it runs after the other two, which may use every worker.
const FRESH_BUILD = "test/support/fresh-build.ts";
const SEED = "test/support/fast-check-seed.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          setupFiles: [SEED],
          exclude: ["test/**/*.int.test.ts", "test/**/*.cli.test.ts", "node_modules/**"],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "cli",
          include: ["test/**/*.cli.test.ts"],
          setupFiles: [SEED],
          globalSetup: [FRESH_BUILD],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.int.test.ts"],
          globalSetup: [FRESH_BUILD, "test/cluster/global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          // Integration files run after the unit and cli group, which may use every worker.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
