import { closestName } from "../input/suggest.js";
import { formatBytes, formatDuration, parseByteSize } from "../input/units.js";
import { UsageError } from "../model/errors.js";

/** How a flag takes its value. */
export type FlagType = "string" | "boolean" | "list" | "duration" | "integer" | "size";

/** One kubectl-style flag (`--name value`, `--name=value`, `-s value`). */
export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  /** Shown in help, e.g. `PATH`. */
  valueName?: string;
  /** Allowed values for a `string` flag. */
  choices?: readonly string[];
  default?: string | boolean | number | string[];
  /**
   * The value when the flag is typed without one (last, or before another flag): `--out` alone means
   * `--out reports/`. `--out DIR` and `--out=DIR` still take DIR.
   */
  bareValue?: string;
  /** The smallest value a `duration` (in ms), `size` (in bytes) or `integer` flag accepts. */
  min?: number;
}

/** Parsed flags and positional arguments. Durations are in milliseconds, sizes in bytes. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | number | string[] | undefined>;
  /** Names of the flags the user actually typed (defaults excluded). */
  given: Set<string>;
  positionals: string[];
}

/** Parses `30s`, `2m`, `1h`, `500ms`, or a bare number of seconds (kubectl's `--request-timeout`). */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`invalid duration "${text}" for --${flag}: use a number with a unit, like 30s, 2m or 500ms`);
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1000;
  return Math.round(value * factor);
}

function parseBoolean(text: string, flag: string): boolean {
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  throw new UsageError(`invalid value "${text}" for --${flag}: use true or false`);
}

/**
 * A flag's number as help and messages print it, in the form the flag takes back: `60s`, `16MiB`, `3`
 * (one word, so a wrapped help line never puts the number and its unit on different lines).
 */
export function describeFlagNumber(spec: Pick<FlagSpec, "type">, value: number): string {
  if (spec.type === "duration") return formatDuration(value);
  if (spec.type !== "size") return String(value);
  const size = formatBytes(value);
  return /^\d+ [KMG]iB$/.test(size) ? size.replace(" ", "") : String(value);
}

function atLeastMin(spec: FlagSpec, raw: string, value: number): number {
  if (spec.min !== undefined && value < spec.min) {
    const least = spec.min === 1 && spec.type !== "integer" ? "more than 0" : `at least ${describeFlagNumber(spec, spec.min)}`;
    throw new UsageError(`invalid value "${raw}" for --${spec.name}: it must be ${least}`);
  }
  return value;
}

function convert(spec: FlagSpec, raw: string): string | number | boolean {
  switch (spec.type) {
    case "duration":
      return atLeastMin(spec, raw, parseDuration(raw, spec.name));
    case "size": {
      const bytes = parseByteSize(raw);
      if (bytes === undefined)
        throw new UsageError(`invalid size "${raw}" for --${spec.name}: use a number of bytes with a unit, like 32M, 512K or 1G (binary units)`);
      return atLeastMin(spec, raw, bytes);
    }
    case "integer": {
      if (!/^-?\d+$/.test(raw)) throw new UsageError(`invalid value "${raw}" for --${spec.name}: expected a whole number`);
      return atLeastMin(spec, raw, Number(raw));
    }
    case "boolean":
      return parseBoolean(raw, spec.name);
    default:
      if (spec.choices && !spec.choices.includes(raw)) {
        throw new UsageError(`invalid value "${raw}" for --${spec.name}: choose one of ${spec.choices.join(", ")}`);
      }
      return raw;
  }
}

/** `; did you mean --kubeconfig?` for a mistyped long flag, or nothing. */
function suggestFlag(typed: string, specs: readonly FlagSpec[]): string {
  const closest = closestName(
    typed,
    specs.map((spec) => spec.name),
  );
  return closest === undefined ? "" : `; did you mean --${closest}?`;
}

/**
 * Parses argv against the flag specs. `--` ends flags. Unknown flags are a `UsageError` that names
 * them (exit 2), as kubectl does.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short as string, spec]));
  const flags: ParsedArgs["flags"] = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (const spec of specs) if (spec.default !== undefined) flags[spec.name] = spec.default;

  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] as string;
    if (token === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    const isLong = token.startsWith("--");
    const body = isLong ? token.slice(2) : token.slice(1);
    const equals = body.indexOf("=");
    const key = equals >= 0 ? body.slice(0, equals) : body;
    let inline = equals >= 0 ? body.slice(equals + 1) : undefined;
    let spec = isLong ? byName.get(key) : byShort.get(key);
    if (!spec && !isLong && key.length > 1 && equals < 0) {
      // -nkube-system, as kubectl accepts
      spec = byShort.get(key[0] as string);
      if (spec && spec.type !== "boolean") inline = key.slice(1);
      else spec = undefined;
    }
    if (!spec) throw new UsageError(`unknown flag ${isLong ? "--" : "-"}${key} for "saprobe ${command}"${isLong ? suggestFlag(key, specs) : ""}`);
    let raw: string;
    if (spec.type === "boolean" && inline === undefined) {
      raw = "true";
    } else if (inline !== undefined) {
      raw = inline;
    } else {
      const next = argv[index + 1];
      const bare = next === undefined || (next.startsWith("-") && next !== "-");
      if (bare && spec.bareValue !== undefined) {
        raw = spec.bareValue;
      } else {
        if (next === undefined) throw new UsageError(`flag --${spec.name} needs a value`);
        raw = next;
        index++;
      }
    }
    if (spec.type === "list") {
      // The first value the user types replaces the default list; later ones append.
      const previous = given.has(spec.name) ? (flags[spec.name] as string[]) : [];
      flags[spec.name] = [...previous, raw];
      given.add(spec.name);
    } else {
      given.add(spec.name);
      flags[spec.name] = convert(spec, raw);
    }
  }
  return { flags, given, positionals };
}

/** Typed accessors, so commands do not cast. */
export const flag = {
  string(args: ParsedArgs, name: string): string | undefined {
    const value = args.flags[name];
    return typeof value === "string" ? value : undefined;
  },
  boolean(args: ParsedArgs, name: string): boolean {
    return args.flags[name] === true;
  },
  number(args: ParsedArgs, name: string): number | undefined {
    const value = args.flags[name];
    return typeof value === "number" ? value : undefined;
  },
  list(args: ParsedArgs, name: string): string[] {
    const value = args.flags[name];
    return Array.isArray(value) ? value : [];
  },
};
