import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

function shell(script: string, cwd: string): string {
  // npm_config_prefer_offline: use the cache `npm ci` filled, so the install needs no network.
  return execFileSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_prefer_offline: "true", npm_config_update_notifier: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 150_000,
  });
}

/**
 * Runs the Dockerfile's own `build` and `install` stages without Docker: its COPY lines copy from
 * the checkout into a staging directory, its RUN lines run in bash with the image's absolute paths
 * moved under a temporary root. Only `npm ci` is replaced, by a link to the checkout's
 * node_modules. The result is the runtime stage's /opt/saprobe.
 */
export async function buildPackagedInstall(): Promise<PackagedInstall> {
  const { stage } = await import("./dockerfile.js");
  const root = mkdtempSync(join(tmpdir(), "saprobe-image-"));
  const moved = (text: string): string => text.replaceAll("/tmp/", `${root}/tmp/`).replaceAll("/opt/", `${root}/opt/`);
  mkdirSync(join(root, "tmp"));
  const staging = join(root, "src");
  mkdirSync(staging);
  symlinkSync(join(repository, "node_modules"), join(staging, "node_modules"));

  for (const instruction of stage("build").slice(1)) {
    const [keyword, ...words] = instruction.split(/\s+/);
    if (keyword === "COPY") {
      const target = words.at(-1) as string;
      for (const source of words.slice(0, -1)) {
        const destination = target.endsWith("/") ? join(staging, target, source) : join(staging, target);
        mkdirSync(dirname(destination), { recursive: true });
        cpSync(join(repository, source), destination, { recursive: true });
      }
    } else if (keyword === "RUN" && !instruction.startsWith("RUN npm ci")) {
      shell(moved(instruction.slice(4)), staging);
    }
  }
  for (const instruction of stage("install").slice(1)) {
    const [keyword, ...words] = instruction.split(/\s+/);
    if (keyword === "COPY" && words[0] === "--from=build") copyFileSync(moved(words[1] as string), moved(words[2] as string));
    else if (keyword === "RUN") shell(moved(instruction.slice(4)), root);
  }
  const tarball = readdirSync(join(root, "tmp")).find((name) => name.endsWith(".tgz")) as string;
  const prefix = join(root, "opt", "saprobe");
  return {
    prefix,
    bin: join(prefix, "bin"),
    packageDir: join(prefix, "lib", "node_modules", "saprobe"),
    tarballFiles: shell(`tar -tzf ${join(root, "tmp", tarball)}`, root)
      .split("\n")
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, "")),
  };
}

/** Every path under a directory, sorted, to prove a run wrote nothing. */
export function snapshot(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
