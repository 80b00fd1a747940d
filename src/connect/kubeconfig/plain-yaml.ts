import { NOT_PLAIN, readBlockYaml } from "../../input/block-yaml.js";
import { MAX_DEPTH } from "../../input/limits.js";
import { NOT_PLAIN_TEXT } from "../../input/plain-scalars.js";

/*
 * kubectl reads a kubeconfig as YAML 1.1 (go-yaml v2), and so does parse.ts, with the `yaml` package:
 * loading and running it is about 5 to 8 ms of every live command before its first request leaves
 * (bench/who-can-live.mjs). Most kubeconfigs are the plain block YAML kubectl writes, which input/'s
 * block reader reads without a library, but as YAML 1.2's core schema reads it. Within that subset
 * the two differ only in what a plain scalar means. The `yaml` package's YAML 1.1 schema also reads
 * y, n, yes, no, on, off (in the cases it knows) as booleans; `<<` as a merge key; octal (0755),
 * binary, hexadecimal, sexagesimal (1:30) and underscored numbers, floats (`e5` too: its exponent
 * form needs no digit before the `e`), .inf, .nan and timestamps as numbers and dates. The block
 * reader gives up on every plain scalar starting with a digit, a sign or a dot but a decimal integer
 * without a leading zero, which both read alike, and a flag (a dash or two and a letter: `--region`,
 * a string in both unless it is an exponent such as `-e5`), and reads null, true and false as both do.
 * So its value is taken only when no string in it (a key or a value, quoted or not: the value no
 * longer tells them apart) is one YAML 1.1 could read as anything but that string (`OTHER_IN_1_1`,
 * which also refuses `=`, 1.1's value key, and `~`), and the text holds no character YAML 1.1 may read
 * otherwise (NEL, the Unicode line and paragraph separators, a byte-order mark, controls) or that is
 * not plain text. Anything else, and anything nested near the depth limit, goes to the `yaml` package
 * as before, its errors and warnings included (the block reader also gives up on duplicate keys,
 * which parse.ts warns about).
 */

/**
 * A string that as a plain scalar the `yaml` package's YAML 1.1 schema reads as something else: a
 * start that numbers, timestamps, `.inf`, merge keys and nulls have (a sign before a digit or a dot),
 * an exponent alone (signed or not), or a word it reads as a boolean or null (quoted, such a word is
 * a string in both; refused all the same).
 */
const OTHER_IN_1_1 =
  /^(?:[-+]?[.0-9]|[-+]?[eE][-+]?[0-9]+$|[<=~]|(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL)$)/;

/** True when every key and string of `value` means the same in YAML 1.1. */
function sameIn1_1(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (OTHER_IN_1_1.test(item)) return false;
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (item !== null && typeof item === "object") {
      for (const [key, field] of Object.entries(item)) {
        if (OTHER_IN_1_1.test(key)) return false;
        pending.push(field);
      }
    }
  }
  return true;
}

/**
 * The kubeconfig in `text` as YAML 1.1 reads it, when it is plain block YAML that means the same in
 * YAML 1.1 and 1.2 (the `yaml` package's value, without loading it); else `NOT_PLAIN`.
 */
export function readPlainKubeconfig(text: string): unknown {
  if (NOT_PLAIN_TEXT.test(text)) return NOT_PLAIN;
  const facts = { depth: 0, nullFields: false };
  const value = readBlockYaml(text, facts);
  if (value === NOT_PLAIN || facts.depth >= MAX_DEPTH || !sameIn1_1(value)) return NOT_PLAIN;
  return value;
}
