import { isAbsolute, resolve } from "node:path";
import { InputError } from "../../model/errors.js";

/** Reads typed fields out of one YAML mapping, with errors that name the file and the entry. */
export class FieldReader {
  constructor(
    private readonly file: string,
    private readonly where: string,
    private readonly object: Record<string, unknown>,
  ) {}

  private fail(key: string, expected: string): never {
    throw new InputError(`${this.where}: "${key}" must be ${expected}`, { file: this.file });
  }

  /** The untyped value, for fields saprobe passes through without reading (extensions). */
  raw(key: string): unknown {
    return this.object[key];
  }

  /** A string field; empty strings count as unset, as in client-go. */
  string(key: string): string | undefined {
    const value = this.object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") this.fail(key, "a string");
    return value === "" ? undefined : value;
  }

  boolean(key: string): boolean {
    const value = this.object[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== "boolean") this.fail(key, "true or false");
    return value;
  }

  stringList(key: string): string[] {
    const value = this.object[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) this.fail(key, "a list of strings");
    return value as string[];
  }

  object_(key: string): Record<string, unknown> | undefined {
    const value = this.object[key];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) this.fail(key, "a mapping");
    return value;
  }

  /** A path field, made absolute against the directory of the file that defines it. */
  path(key: string, baseDir: string): string | undefined {
    const value = this.string(key);
    return value === undefined ? undefined : resolveAgainst(baseDir, value);
  }

  /** A `*-data` field: base64 in the file, decoded text here (client-go decodes strictly). */
  base64(key: string): string | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const compact = value.replace(/[\r\n]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) this.fail(key, "valid base64");
    return Buffer.from(compact, "base64").toString("utf8");
  }
}

/** True for a YAML mapping (not a list, not a scalar). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** client-go's ResolveLocalPaths for one value: empty and absolute paths are left alone. */
export function resolveAgainst(baseDir: string, value: string): string {
  return isAbsolute(value) ? value : resolve(baseDir, value);
}
