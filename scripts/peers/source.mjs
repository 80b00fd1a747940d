// Reads a peer's files from where `fetch` left them: a bare git directory (read with `git show`, so
// nothing is checked out) or a plain directory of copied files (KICS is over the snapshot size limit, so
// its test files are copied from the search index instead).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A read-only view of one peer repository: list(prefix) gives file paths, read(path) their text. */
export function openSource(path) {
  if (existsSync(join(path, "HEAD")) && existsSync(join(path, "objects"))) return gitSource(path);
  if (existsSync(path) && statSync(path).isDirectory()) return directorySource(path);
  return undefined;
}

function gitSource(gitDir) {
  const git = (...args) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  const files = git("ls-tree", "-r", "--name-only", "HEAD").split("\n").filter(Boolean);
  const commit = git("rev-parse", "--short", "HEAD").trim();
  return {
    description: `${gitDir} at ${commit}`,
    list: (prefix) => files.filter((file) => file.startsWith(prefix)),
    read: (file) => git("show", `HEAD:${file}`),
  };
}

function directorySource(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(root, full));
    }
  };
  walk(root);
  files.sort();
  return {
    description: `${root} (copied files)`,
    list: (prefix) => files.filter((file) => file.startsWith(prefix)),
    read: (file) => readFileSync(join(root, file), "utf8"),
  };
}
