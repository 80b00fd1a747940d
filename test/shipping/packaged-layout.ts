import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repository = fileURLToPath(new URL("../../", import.meta.url));

/** Where the packaged CLI was installed, laid out like /opt/saprobe in the image. */
export interface PackagedInstall {
  prefix: string;
  /** `<prefix>/bin`, where npm put the `saprobe` and `kubectl-saprobe` links. */
  bin: string;
  /** The installed package directory. */
  packageDir: string;
  /** Files inside the tarball, relative to the package root. */
  tarballFiles: string[];
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
}

/**
 * Repeats the Dockerfile's build and install stages without Docker: compile into a staging copy,
 * `npm pack` it, then install the tarball globally under a fresh prefix with production
 * dependencies only. `--prefer-offline` uses the npm cache `npm ci` filled.
 */
export function buildPackagedInstall(): PackagedInstall {
  const root = mkdtempSync(join(tmpdir(), "saprobe-package-"));
  const staging = join(root, "staging");
  mkdirSync(join(staging, "reports"), { recursive: true });
  for (const entry of ["package.json", "package-lock.json", "bin", "checks", "schemas", "reports/report.schema.json"]) {
    cpSync(join(repository, entry), join(staging, entry), { recursive: true });
  }
  run(process.execPath, [join(repository, "node_modules/typescript/bin/tsc"), "-p", join(repository, "tsconfig.json"), "--outDir", join(staging, "dist")], repository);
  const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], staging)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(root, packed[0]?.filename ?? "missing.tgz");
  const prefix = join(root, "opt", "saprobe");
  run("npm", ["install", "--global", "--prefix", prefix, "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", tarball], root);
  return {
    prefix,
    bin: join(prefix, "bin"),
    packageDir: join(prefix, "lib", "node_modules", "saprobe"),
    tarballFiles: (packed[0]?.files ?? []).map((file) => file.path),
  };
}

/** Every path under a directory with its size and modification time, to prove nothing was written. */
export function snapshot(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
