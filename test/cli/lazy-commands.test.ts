import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { runCli } from "../support/cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The modules `src/cli/main.ts` loads before any command runs: its static imports, followed
 * transitively. `import type` and dynamic `import()` are not followed (they load nothing at start).
 */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"([^"]+)";/gms)) {
      const specifier = match[1] as string;
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else if (!specifier.startsWith("node:")) packages.add(specifier);
    }
  }
  return { files: new Set([...files].map((file) => relative(root, file))), packages };
}

describe("the CLI loads a command's implementation only when that command runs", () => {
  const graph = staticGraph(join(root, "src/cli/main.ts"));

  it("starts without the HTTP client, probes, RBAC engine, audit, manifest loader, renderers or YAML/JSON Schema libraries", () => {
    // Flag defaults come from their domain's constants: modules of constants alone, importing nothing.
    const constants = new Set(["src/run/defaults.ts", "src/input/limits.ts", "src/audit/deadlines.ts"]);
    for (const file of constants) expect(readFileSync(join(root, file), "utf8")).not.toMatch(/^import /m);
    const heavy = [...graph.files].filter(
      (file) =>
        !constants.has(file) &&
        /^src\/(kube|probes|run|audit|rbac|manifests|conformance|checks|token|report\/render\/(?!types\.ts|text\.ts)|report\/write|connect\/(?!input\.ts))/.test(
          file,
        ),
    );
    expect(heavy).toEqual([]);
    expect([...graph.packages].filter((name) => ["undici", "yaml", "js-yaml", "ajv"].includes(name.split("/")[0] as string))).toEqual([]);
    // The walk itself must see the command descriptors, or the assertions above prove nothing.
    expect(graph.files).toContain("src/cli/commands/run.ts");
    expect(graph.files).toContain("src/cli/connection-flags.ts");
  });

  it("keeps no implementation module in the start graph: each lives in <command>-action.ts", () => {
    expect([...graph.files].filter((file) => file.endsWith("-action.ts"))).toEqual([]);
    for (const command of commands) {
      const action = join(root, "src/cli/commands", `${command.name}-action.ts`);
      expect(readFileSync(join(root, "src/cli/commands", `${command.name}.ts`), "utf8")).toContain(`import("./${command.name}-action.js")`);
      expect(readFileSync(action, "utf8")).toMatch(/^export async function run\w+\(args: ParsedArgs, io: CommandIo\): Promise<number>/m);
    }
  });

  it("still lists every command in `saprobe --help` and every flag in `saprobe <command> --help`", async () => {
    const top = await runCli(["--help"], { env: {}, cwd: root });
    expect(top.code).toBe(0);
    for (const command of commands) {
      expect(top.stdout).toContain(`  ${command.name} `);
      const help = await runCli([command.name, "--help"], { env: {}, cwd: root });
      expect(help.code).toBe(0);
      for (const spec of command.flags) expect(help.stdout).toContain(`--${spec.name}`);
    }
    expect(commands.map((command) => command.name)).toEqual(["run", "audit", "can-i", "who-can", "whoami", "usage", "token", "validate", "config"]);
  });

  it("`saprobe run` loads undici through its public index only, and no JSON Schema validator", () => {
    const run = staticGraph(join(root, "src/cli/commands/run-action.ts"));
    expect(run.files).toContain("src/kube/client.ts");
    expect([...run.packages].filter((name) => name.startsWith("undici")).sort()).toEqual(["undici"]);
    expect([...run.packages].filter((name) => name === "ajv" || name.startsWith("ajv/"))).toEqual([]);
  });

  it("loads no JSON Schema compiler in any command: saprobe's own schemas and the RBAC schema are compiled ahead of time", () => {
    for (const command of commands) {
      const action = staticGraph(join(root, "src/cli/commands", `${command.name}-action.ts`));
      expect(action.files.size, command.name).toBeGreaterThan(5);
      expect(
        [...action.packages].filter((name) => name === "ajv" || name.startsWith("ajv/")),
        command.name,
      ).toEqual([]);
    }
    // Nor later, on demand: no module of src imports ajv other than for its types.
    const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(100);
    const loading = sources.filter((file) => /^import\s+(?!type\b)[^;]*?\sfrom\s+"ajv[/"]|import\("ajv/m.test(readFileSync(join(root, "src", file), "utf8")));
    expect(loading).toEqual([]);
  });

  it("loads the HTTP client only for a question to the server: offline can-i, who-can and token --offline do without it", () => {
    for (const action of ["can-i-action", "who-can-action", "token-action", "validate-action", "config-action"]) {
      const graph = staticGraph(join(root, "src/cli/commands", `${action}.ts`));
      expect(
        [...graph.files].filter((file) => ["src/kube/client.ts", "src/kube/undici.ts", "src/kube/dispatcher.ts"].includes(file)),
        action,
      ).toEqual([]);
      expect(
        [...graph.packages].filter((name) => name.startsWith("undici")),
        action,
      ).toEqual([]);
    }
  });

  it("loads the manifest loader and the bootstrap policy for a live who-can only with --manifests", () => {
    const graph = staticGraph(join(root, "src/cli/commands/who-can-action.ts"));
    expect(graph.files).toContain("src/rbac/authorizer.ts");
    expect([...graph.files].filter((file) => file.startsWith("src/manifests/") || file === "src/rbac/bootstrap.ts")).toEqual([]);
    expect([...graph.packages].filter((name) => name === "js-yaml" || name === "yaml")).toEqual([]);
  });

  it("runs a command through its lazily loaded implementation", async () => {
    const { code, stdout, stderr } = await runCli(["validate", join(root, "checks/default.yaml")], { env: {}, cwd: root });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/default\.yaml: \d+ checks, valid/);
  });
});
