import { defineConfig } from "vitest/config";

// Two projects: "unit" needs nothing; "integration" (files named *.int.test.ts) runs against the
// real kube-apiserver + etcd that test/cluster/up builds and starts (once, in global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          setupFiles: ["test/support/fast-check-seed.ts"],
          exclude: ["test/**/*.int.test.ts", "node_modules/**"],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.int.test.ts"],
          globalSetup: ["test/cluster/global-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          // Integration files run after the unit group, which may use every worker.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
