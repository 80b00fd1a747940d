import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

/** A fresh temp directory for one test. */
export function tempDir(prefix = "saprobe-connect-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a file (creating parent directories) and returns its path. */
export function writeAt(root: string, relative: string, content: string): string {
  const path = join(root, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Writes a kubeconfig object as YAML. */
export function writeKubeconfig(root: string, relative: string, config: unknown): string {
  return writeAt(root, relative, stringify(config));
}
