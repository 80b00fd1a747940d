import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileStages, dockerfileText } from "./dockerfile.js";
import { repository } from "./packaged-layout.js";

// No Docker engine runs here; package.cli.test.ts runs the build and install stages' commands. This
// test holds the Dockerfile to the properties that layout test cannot see.
const dockerfile = dockerfileText;
const stages = dockerfileStages;
const instructions = stages.flat();
const runtime = stages.at(-1) ?? [];

describe("Dockerfile", () => {
  it("builds in stages on a current Node.js LTS and ends on a distroless runtime", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/ARG NODE_MAJOR=(22|24)\b/);
    expect(stages[0]?.[0]).toMatch(/^FROM node:\$\{NODE_MAJOR\}-bookworm-slim AS build$/);
    expect(runtime[0]).toMatch(/^FROM gcr\.io\/distroless\/nodejs\$\{NODE_MAJOR\}-debian12:nonroot$/);
  });

  it("installs production dependencies only, from the packed package", () => {
    const install = instructions.find((line) => line.startsWith("RUN npm install"));
    expect(install).toContain("--omit=dev");
    expect(install).toContain("--ignore-scripts");
    expect(install).toMatch(/saprobe\.tgz/);
  });

  it("runs as a numeric non-root user with saprobe as the entrypoint", () => {
    expect(runtime).toContain("USER 65532:65532");
    expect(runtime).toContain('ENTRYPOINT ["saprobe"]');
    expect(runtime.filter((line) => line.startsWith("RUN "))).toEqual([]);
  });

  it("copies into the runtime only the install and the env the entry point's shebang needs", () => {
    const copies = runtime.filter((line) => line.startsWith("COPY "));
    expect(copies).toEqual(["COPY --from=install /usr/bin/env /usr/bin/env", "COPY --from=install /opt/saprobe /opt/saprobe"]);
    expect(readFileSync(join(repository, "bin/saprobe.js"), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("has a build context (.dockerignore) that holds every file the build copies and nothing else", () => {
    const allowed = readFileSync(join(repository, ".dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/\/$/, ""));
    const sources = (stages[0] ?? []).filter((line) => line.startsWith("COPY ") && !line.includes("--from")).flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.sort()).toEqual(allowed.sort());
    expect(readFileSync(join(repository, ".dockerignore"), "utf8").split("\n")).toContain("*");
  });
});
