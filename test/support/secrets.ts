/**
 * Planted secrets: distinctive credential values the tests put in every credential source, then
 * look for in everything saprobe prints or writes. A secret is searched in every form it could leak
 * in: as is, base64 (kubeconfig `*-data` fields, Basic auth), and, for PEM keys, each body line.
 */
import { createPrivateKey, randomBytes } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A planted credential and every form in which a leak of it would show. */
export interface PlantedSecret {
  /** Where it was planted, for messages (e.g. `--token`, `exec plugin`). */
  source: string;
  /** The value as saprobe receives it. */
  value: string;
  /** Substrings whose presence in an output means a leak. */
  forms: string[];
}

/** One place a leak was found. */
export interface Leak {
  source: string;
  output: string;
  form: string;
}

/** A token like `saprobe-planted-SECRET-token-3f9a...`, unique per call. */
export function plantToken(source: string): PlantedSecret {
  const value = `saprobe-planted-SECRET-${randomBytes(12).toString("hex")}`;
  return { source, value, forms: formsOf(value) };
}

/** A Basic-auth password; its leak forms include the `user:password` base64 a header would carry. */
export function plantPassword(source: string, username: string): PlantedSecret {
  const planted = plantToken(source);
  const header = Buffer.from(`${username}:${planted.value}`).toString("base64");
  return { ...planted, forms: [...planted.forms, header] };
}

/**
 * A PEM private key. Its leak forms are the base64 runs that encode only private bytes (the JWK `d`
 * scalar inside the PKCS#8 DER): as they appear in the PEM body, and inside base64 of the whole PEM
 * (`client-key-data`). Public parts are left out on purpose: they are in the certificate too.
 */
export function plantKey(source: string, pem: string): PlantedSecret {
  const key = createPrivateKey(pem);
  const der = key.export({ type: "pkcs8", format: "der" });
  const scalar = Buffer.from(String(key.export({ format: "jwk" }).d), "base64url");
  const offset = der.indexOf(scalar);
  const from = Math.ceil(offset / 3) * 4;
  const to = Math.floor((offset + scalar.length) / 3) * 4;
  const body = der.toString("base64");
  // The PEM wraps the body at 64 characters: keep the pieces of the private run between line breaks.
  const pieces: string[] = [];
  for (let start = from; start < to; start = (Math.floor(start / 64) + 1) * 64) pieces.push(body.slice(start, Math.min(to, (Math.floor(start / 64) + 1) * 64)));
  const pemStart = pem.indexOf(body.slice(0, 64)) + from + Math.floor(from / 64);
  const pemEnd = pem.indexOf(body.slice(0, 64)) + to + Math.floor(to / 64);
  const wrapped = Buffer.from(pem)
    .toString("base64")
    .slice(Math.ceil(pemStart / 3) * 4 + 4, Math.floor(pemEnd / 3) * 4 - 4);
  return { source, value: pem, forms: [...pieces.filter((piece) => piece.length >= 12), wrapped] };
}

function formsOf(value: string): string[] {
  const base64 = Buffer.from(value).toString("base64");
  // A long enough slice of the base64 still identifies the value when it is embedded in other text.
  return [value, base64.slice(0, 24), Buffer.from(value).toString("base64url").slice(0, 24)];
}

/** Every leak of any planted secret in the named outputs (stdout, stderr, files...). */
export function findLeaks(outputs: Record<string, string>, secrets: readonly PlantedSecret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const [output, text] of Object.entries(outputs)) {
    for (const secret of secrets) {
      for (const form of secret.forms) if (text.includes(form)) leaks.push({ source: secret.source, output, form });
    }
  }
  return leaks;
}

/** Every regular file under `dir` (recursively) as `{ path: text }`, read as latin1 so binary files cannot hide a value. */
export function readTree(dir: string, limit = 200): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (Object.keys(files).length >= limit) return;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files[path] = readFileSync(path, "latin1");
    }
  };
  walk(dir);
  return files;
}

/** Mode bits of every file under `dir` that group or others may write (none is the goal). */
export function groupOrWorldWritable(dir: string): string[] {
  return Object.keys(readTree(dir)).filter((path) => (statSync(path).mode & 0o022) !== 0);
}

/**
 * Writes an exec credential plugin (a node script) that prints an ExecCredential carrying `token`.
 * Returns the script's path. The plugin prints nothing on stderr.
 */
export function writeExecPlugin(dir: string, token: string, apiVersion = "client.authentication.k8s.io/v1"): string {
  const path = join(dir, "planted-exec-plugin.mjs");
  const credential = { apiVersion, kind: "ExecCredential", status: { token } };
  writeFileSync(path, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(JSON.stringify(credential))});\n`);
  chmodSync(path, 0o755);
  return path;
}
