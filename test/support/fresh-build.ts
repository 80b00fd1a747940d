import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** What `npm run build` reads: the sources, the bundler's scripts, the compiler's and the packages' settings. */
const INPUTS = ["src", "scripts/bundle.mjs", "scripts/code-cache.cjs", "tsconfig.json", "package.json", "package-lock.json"];

/** What `bin/saprobe.js` and the library load: when one is older than an input, dist/ is stale. */
const OUTPUTS = ["dist/index.js", "dist/cli/main.js", "dist/bundle/main.cjs"];

/** The newest file under `path` (a file or a folder), or undefined when there is none. */
function newest(path: string): { file: string; time: number } | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return { file: path, time: stat.mtimeMs };
  let found: { file: string; time: number } | undefined;
  for (const entry of readdirSync(path)) {
    const candidate = newest(join(path, entry));
    if (candidate && (!found || candidate.time > found.time)) found = candidate;
  }
  return found;
}

/** Why dist/ must be rebuilt, or undefined when it is fresh. */
export function staleness(): string | undefined {
  const input = INPUTS.map((path) => newest(join(root, path))).reduce((a, b) => (b && (!a || b.time > a.time) ? b : a), undefined);
  for (const output of OUTPUTS) {
    const path = join(root, output);
    if (!existsSync(path)) return `${output} is missing`;
    if (input && statSync(path).mtimeMs < input.time) return `${output} is older than ${relative(root, input.file)}`;
  }
  return undefined;
}

/**
 * Vitest global setup of the projects that run the built CLI (cli, integration): builds once when
 * dist/ is missing or older than what it is built from, so no test runs a stale dist/. `npm test` has
 * just built, so there it only checks.
 */
export default function setup(): void {
  const reason = staleness();
  if (reason === undefined) return;
  process.stderr.write(`test/support/fresh-build.ts: ${reason}; running npm run build\n`);
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const after = staleness();
  // A build that does not write what this check reads means the list above is out of date.
  if (after !== undefined) throw new Error(`after npm run build, ${after}: update OUTPUTS in test/support/fresh-build.ts`);
}
