import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPackagedInstall, repository, snapshot, type PackagedInstall } from "./packaged-layout.js";

let install: PackagedInstall;

beforeAll(async () => {
  install = await buildPackagedInstall();
}, 180_000);

function withPath(extra: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${extra}${delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1" };
}

describe("the packaged CLI (the image's layout, built without Docker)", () => {
  it("ships the compiled CLI, checks and schemas, and no sources or tests", () => {
    const files = install.tarballFiles;
    expect(files).toContain("bin/saprobe.js");
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("dist/bundle/main.cjs");
    expect(files).toContain("bin/package.json");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("checks/default.yaml");
    expect(files).toContain("reports/report.schema.json");
    expect(files.filter((file) => /^(src|test|bench|fixtures|deploy|examples)\//.test(file))).toEqual([]);
  });

  it("has production dependencies only", () => {
    const modules = readdirSync(join(install.packageDir, "node_modules"));
    expect(modules).toEqual(expect.arrayContaining(["ajv", "undici", "yaml"]));
    for (const devOnly of ["typescript", "vitest", "fast-check", "junit2json", "@microsoft", "cli-table3", "esbuild"]) expect(modules).not.toContain(devOnly);
  });

  it("runs `saprobe --help` from the install, through the npm bin link, writing nothing", () => {
    const before = snapshot(install.prefix);
    const result = spawnSync("saprobe", ["--help"], { env: withPath(install.bin), encoding: "utf8", timeout: 30_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("saprobe <command> [flags]");
    expect(result.stdout).toMatch(/Exit codes: 0 passed/);
    expect(snapshot(install.prefix)).toEqual(before);
  });

  it("runs `node .../bin/saprobe.js --version` and reports the package version", () => {
    const output = execFileSync(process.execPath, [join(install.packageDir, "bin", "saprobe.js"), "--version"], { encoding: "utf8" });
    const version = (
      JSON.parse(execFileSync(process.execPath, ["-p", "JSON.stringify(require('./package.json'))"], { cwd: install.packageDir, encoding: "utf8" })) as {
        version: string;
      }
    ).version;
    expect(output.trim()).toBe(`saprobe ${version}`);
  });

  it("runs the CLI from the bundle (dist/bundle/*.cjs, loaded by bin's loader, not require) without Node's ES module loader, whatever times npm gave the unpacked files", () => {
    // At exit: the CommonJS modules loaded from the package, and whether any ES module was loaded.
    const preload = join(mkdtempSync(join(tmpdir(), "saprobe-preload-")), "loaded.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => process._rawDebug(JSON.stringify({ cjs: Object.keys(require.cache).filter((file) => file.includes("/saprobe/")), esm: process.moduleLoadList.includes("NativeModule internal/modules/esm/loader") })));\n`,
    );
    const result = spawnSync(process.execPath, ["--require", preload, join(install.packageDir, "bin", "saprobe.js"), "--version"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const loaded = JSON.parse(result.stderr.trim().split("\n").at(-1) as string) as { cjs: string[]; esm: boolean };
    expect(result.stdout).toMatch(/^saprobe \d/);
    expect(loaded.cjs.map((file) => file.slice(install.packageDir.length))).toEqual(["/bin/saprobe.js", "/bin/bundle-loader.cjs"]);
    expect(loaded.esm).toBe(false);
  });

  it("ships the bundle's V8 code caches, each made for its chunk, and V8 accepts them when the installed CLI starts", () => {
    expect(install.tarballFiles).toContain("dist/bundle/main.cache");
    expect(
      install.tarballFiles
        .filter((file) => file.endsWith(".cjs") && file.startsWith("dist/bundle/"))
        .map((file) => file.replace(/\.cjs$/, ".cache"))
        .filter((cache) => !install.tarballFiles.includes(cache)),
    ).toEqual([]);
    const loader = join(install.packageDir, "bin", "bundle-loader.cjs");
    // As bin/saprobe.js starts: no V8 flag (a cache is accepted only under the flags it was made with).
    const probe = `const r = require(${JSON.stringify(loader)}).loadBundle(); console.log(JSON.stringify({ cache: r.cache, main: typeof r.exports.main }))`;
    const fresh = JSON.parse(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" })) as { cache: string; main: string };
    expect(fresh).toEqual({ cache: "accepted", main: "function" });
    // A command's chunks, loaded when it runs, come with accepted caches too.
    const command = `${probe.replace(/console\.log.*$/, "")} r.exports.main(["validate", ${JSON.stringify(join(install.packageDir, "checks", "default.yaml"))}]).then(() => process._rawDebug(JSON.stringify([...r.loader.loaded.values()].map((chunk) => chunk.cache))))`;
    const caches = JSON.parse(spawnSync(process.execPath, ["-e", command], { encoding: "utf8" }).stderr.trim().split("\n").at(-1) as string) as string[];
    expect(caches.length).toBeGreaterThan(3);
    expect(new Set(caches)).toEqual(new Set(["accepted"]));
    // So do the chunks the build's warm-up never ran (the live audit, run --expect, some renderers).
    const everyChunk = `${probe.replace(/console\.log.*$/, "")} for (const name of require("node:fs").readdirSync(require(${JSON.stringify(loader)}).BUNDLE_DIR).filter((file) => file.endsWith(".cjs"))) r.loader.load(name); console.log(JSON.stringify([...r.loader.loaded].filter(([, chunk]) => chunk.cache !== "accepted").map(([name]) => name)))`;
    expect(JSON.parse(execFileSync(process.execPath, ["-e", everyChunk], { encoding: "utf8" }))).toEqual([]);
    // A cache made for another bundle is never used (V8 alone would only compare the source's length).
    const cacheFile = join(install.packageDir, "dist", "bundle", "main.cache");
    const original = readFileSync(cacheFile);
    try {
      writeFileSync(cacheFile, Buffer.concat([Buffer.from("saprobe-code-cache 0000000000000000\n"), original.subarray(original.indexOf(10) + 1)]));
      expect(JSON.parse(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" }))).toEqual({ cache: "absent", main: "function" });
      writeFileSync(cacheFile, "");
      expect(execFileSync(process.execPath, [join(install.packageDir, "bin", "saprobe.js"), "--version"], { encoding: "utf8" })).toMatch(/^saprobe \d/);
    } finally {
      writeFileSync(cacheFile, original);
    }
  });

  it("loads the yaml package's pack only for a command that uses it: not for an audit of YAML manifests (js-yaml reads them)", () => {
    const loader = join(install.packageDir, "bin", "bundle-loader.cjs");
    const chunksOf = (argv: string[]) => {
      const script = `const r = require(${JSON.stringify(loader)}).loadBundle(); r.exports.main(${JSON.stringify(argv)}).then(() => process._rawDebug(JSON.stringify([...r.loader.loaded.keys()])))`;
      const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
      return JSON.parse(result.stderr.trim().split("\n").at(-1) as string) as string[];
    };
    const audit = chunksOf(["audit", "--manifests", join(repository, "deploy"), "-o", "json"]);
    expect(audit.filter((name) => name.startsWith("audit-action-"))).toHaveLength(1);
    expect(audit).not.toContain("vendor-yaml.cjs");
    expect(chunksOf(["validate", join(install.packageDir, "checks", "default.yaml")])).toContain("vendor-yaml.cjs");
  });

  it("runs the probes from the bundle without loading node:http2 (undici's HTTP/2 client is left out)", () => {
    const preload = join(mkdtempSync(join(tmpdir(), "saprobe-preload-")), "builtins.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => process._rawDebug(JSON.stringify(process.moduleLoadList.filter((name) => /^NativeModule (http2|tls)$/.test(name)))));\n`,
    );
    // Nothing listens on port 1: every probe fails to connect, after undici and node:tls loaded.
    const args = ["--require", preload, join(install.packageDir, "bin", "saprobe.js"), "run", "--server", "https://127.0.0.1:1", "--token", "t", "-o", "json"];
    const result = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 30_000 });
    expect(result.status, result.stderr).toBe(3);
    expect(JSON.parse(result.stderr.trim().split("\n").at(-1) as string)).toEqual(["NativeModule tls"]);
  });

  it("validates check files and audits manifests from the install (JSON Schemas compiled ahead of time: no ajv at run time)", () => {
    const validate = spawnSync(
      "saprobe",
      ["validate", join(install.packageDir, "checks", "default.yaml"), join(repository, "fixtures/hostile/any/scalar.yaml")],
      { env: withPath(install.bin), encoding: "utf8", timeout: 30_000 },
    );
    expect(validate.stdout).toMatch(/default\.yaml: \d+ checks, valid/);
    expect(validate.stderr).toMatch(/scalar\.yaml:1:1: the file must be a mapping/);
    expect(validate.status).toBe(2);
    const audit = spawnSync("saprobe", ["audit", "--manifests", join(repository, "deploy"), "-o", "json"], {
      env: withPath(install.bin),
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(audit.stderr).toBe("");
    expect((JSON.parse(audit.stdout) as { command: string }).command).toBe("audit");
  });

  it("installs an executable kubectl-saprobe, so `kubectl saprobe --help` works from PATH", () => {
    const plugin = join(install.bin, "kubectl-saprobe");
    expect(existsSync(plugin)).toBe(true);
    expect(statSync(plugin).mode & 0o111).not.toBe(0);
    const help = spawnSync("kubectl", ["saprobe", "--help"], { env: withPath(install.bin), encoding: "utf8", timeout: 30_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("saprobe <command> [flags]");
    const list = spawnSync("kubectl", ["plugin", "list"], { env: withPath(install.bin), encoding: "utf8", timeout: 30_000 });
    expect(list.stdout).toContain(plugin);
  });

  it("loads the default checks from the build's parse while checks/default.yaml is unchanged, exactly as parsing it, and parses an edited file", () => {
    expect(install.tarballFiles).toContain("dist/precompiled/default-checks.json");
    const suite = join(install.packageDir, "checks", "default.yaml");
    const compare = `import { loadDefaultChecks, loadCheckFile, DEFAULT_CHECKS_FILE } from "saprobe";
      const saved = await loadDefaultChecks();
      const parsed = await loadCheckFile(DEFAULT_CHECKS_FILE, { trusted: true });
      console.log(JSON.stringify({ same: JSON.stringify(saved) === JSON.stringify(parsed), frozen: Object.isFrozen(saved) && Object.isFrozen(saved[0].origin), file: saved[0].origin.file, titles: saved.map((check) => check.title) }));`;
    const run = () =>
      JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", compare], { cwd: join(install.prefix, "lib"), encoding: "utf8" })) as {
        same: boolean;
        frozen: boolean;
        file: string;
        titles: string[];
      };
    expect(run()).toMatchObject({ same: true, frozen: true, file: suite });
    // The record is what answers: a title changed in it (its source text unchanged) shows.
    const record = join(install.packageDir, "dist", "precompiled", "default-checks.json");
    const saved = readFileSync(record, "utf8");
    try {
      writeFileSync(record, saved.replace('"title":"', '"title":"FROM THE RECORD '));
      expect(run().titles[0]).toMatch(/^FROM THE RECORD /);
    } finally {
      writeFileSync(record, saved);
    }
    const original = readFileSync(suite, "utf8");
    try {
      writeFileSync(suite, original.replace(/title: (.*)/, "title: EDITED $1"));
      const edited = run();
      expect(edited.same).toBe(true);
      expect(edited.titles[0]).toMatch(/^EDITED /);
    } finally {
      writeFileSync(suite, original);
    }
  });

  it("loads the audit's built-in rules from the build's parse while their files are unchanged, exactly as parsing them", () => {
    expect(install.tarballFiles).toContain("dist/precompiled/audit-rules.json");
    const load = `import { loadCatalogue } from "saprobe"; console.log(JSON.stringify(loadCatalogue()));`;
    const catalogue = () => execFileSync(process.execPath, ["--input-type=module", "-e", load], { cwd: join(install.prefix, "lib"), encoding: "utf8" });
    const record = join(install.packageDir, "dist", "precompiled", "audit-rules.json");
    const saved = readFileSync(record, "utf8");
    const fromRecord = catalogue();
    try {
      rmSync(record);
      expect(fromRecord).toBe(catalogue());
      // The record is what answers when present: a rationale changed in it shows.
      writeFileSync(record, saved.replace('"rationale":"', '"rationale":"FROM THE RECORD '));
      expect(catalogue()).toContain("FROM THE RECORD ");
      // A rule file that no longer holds the text the record was made from is parsed instead.
      const rules = join(install.packageDir, "checks", "audit", "hygiene.yaml");
      const original = readFileSync(rules, "utf8");
      try {
        writeFileSync(rules, `${original}\n# edited\n`);
        expect(catalogue()).not.toContain("FROM THE RECORD ");
      } finally {
        writeFileSync(rules, original);
      }
    } finally {
      writeFileSync(record, saved);
    }
  });

  it("is importable as a library by its package name", () => {
    const output = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", "const m = await import('saprobe'); console.log(typeof m.buildReport, typeof m.renderers.sarif, typeof m.exitCodeFor)"],
      { cwd: join(install.prefix, "lib"), encoding: "utf8" },
    );
    expect(output.trim()).toBe("function function function");
  });

  it("does the four jobs as a library: resolveConnection, runChecks, evaluate and audit, imported by name", () => {
    const script = `
      import { resolveConnection, runChecks, evaluate, audit, loadCatalogue, loadDefaultChecks, createKubeClient, systemCaConnection, userInfoFor, Secret } from "saprobe";
      const connection = await resolveConnection({ overrides: { server: "https://127.0.0.1:1", token: new Secret("lib-token-PLANTED") }, env: {}, cwd: process.cwd(), requestTimeoutMs: 2000 });
      const checks = await loadDefaultChecks();
      const run = await runChecks({ connection, checks, client: createKubeClient(connection), createSystemCaClient: () => createKubeClient(systemCaConnection(connection, undefined)), deadlineMs: 5000 });
      const snapshot = {
        roles: [], roleBindings: [], serviceAccounts: [],
        clusterRoles: [{ metadata: { name: "pod-reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] }],
        clusterRoleBindings: [
          { metadata: { name: "read-pods" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" }, subjects: [{ kind: "ServiceAccount", name: "app", namespace: "team" }] },
          { metadata: { name: "ops-admin" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "ops" }] },
        ],
      };
      const app = userInfoFor("system:serviceaccount:team:app");
      const list = evaluate(snapshot, app, { resourceRequest: true, verb: "list", apiGroup: "", resource: "pods", namespace: "team" });
      const remove = evaluate(snapshot, app, { resourceRequest: true, verb: "delete", apiGroup: "", resource: "pods", namespace: "team" });
      const findings = audit(snapshot, loadCatalogue(), { mode: "offline" });
      console.log(JSON.stringify({
        source: connection.source,
        results: run.results.length === checks.length ? run.results.slice(0, checks.length).map((result) => result.status) : "mismatch",
        runErrors: run.errors.map((error) => error.code),
        list: [list.allowed, list.reason],
        remove: remove.allowed,
        admins: findings.filter((finding) => finding.rule === "cluster-admin-binding" && finding.status === "finding").map((finding) => finding.subject),
        leaked: JSON.stringify({ connection, run }).includes("PLANTED"),
      }));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: join(install.prefix, "lib"),
      encoding: "utf8",
      timeout: 30_000,
    });
    const result = JSON.parse(output) as {
      source: string;
      results: string[];
      runErrors: string[];
      list: [boolean, string];
      remove: boolean;
      admins: unknown[];
      leaked: boolean;
    };
    expect(result.source).toBe("flags");
    // Nothing listens on port 1: every check is an error value, and the run says why; nothing is thrown.
    expect(result.results.length).toBeGreaterThan(5);
    expect(new Set(result.results)).toEqual(new Set(["error"]));
    expect(result.runErrors.length).toBeGreaterThan(0);
    expect(result.list[0]).toBe(true);
    expect(result.list[1]).toContain("read-pods");
    expect(result.remove).toBe(false);
    expect(result.admins).toEqual([{ kind: "Group", name: "ops" }]);
    expect(result.leaked).toBe(false);
  });
});
