import { describe, expect, it } from "vitest";
import { parseArgs, parseDuration, type FlagSpec } from "../../src/cli/args.js";
import { UsageError } from "../../src/model/errors.js";

const specs: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string", description: "namespace" },
  { name: "verbose", short: "v", type: "boolean", description: "verbose" },
  { name: "as-group", type: "list", description: "groups" },
  { name: "request-timeout", type: "duration", description: "timeout", default: 30_000 },
  { name: "output", short: "o", type: "string", description: "format", choices: ["json", "table"], default: "table" },
];

describe("parseArgs", () => {
  it("reads long, short, inline and attached values like kubectl", () => {
    const args = parseArgs(["-n", "a", "--verbose", "pos", "--request-timeout=2s", "-ojson"], specs, "run");
    expect(args.flags).toMatchObject({ namespace: "a", verbose: true, "request-timeout": 2000, output: "json" });
    expect(args.positionals).toEqual(["pos"]);
    expect([...args.given].sort()).toEqual(["namespace", "output", "request-timeout", "verbose"]);
  });

  it("accumulates repeated list flags and keeps defaults for the rest", () => {
    const args = parseArgs(["--as-group", "g1", "--as-group=g2"], specs, "run");
    expect(args.flags["as-group"]).toEqual(["g1", "g2"]);
    expect(args.flags["request-timeout"]).toBe(30_000);
    expect(args.given.has("request-timeout")).toBe(false);
  });

  it("gives a flag with a bare value that value when typed alone, last or before another flag", () => {
    const withOut: FlagSpec[] = [...specs, { name: "out", type: "string", description: "dir", bareValue: "reports/" }];
    expect(parseArgs(["--out"], withOut, "run").flags.out).toBe("reports/");
    expect(parseArgs(["--out", "-o", "json"], withOut, "run").flags).toMatchObject({ out: "reports/", output: "json" });
    expect(parseArgs(["--out", "mine", "-v"], withOut, "run").flags.out).toBe("mine");
    expect(parseArgs(["--out=mine"], withOut, "run").flags.out).toBe("mine");
    expect(parseArgs(["--out", "-"], withOut, "run").flags.out).toBe("-");
    expect(parseArgs(["--out"], withOut, "run").given.has("out")).toBe(true);
    // Without a bare value, a missing value is still an error.
    expect(() => parseArgs(["-n"], specs, "run")).toThrow(/flag --namespace needs a value/);
  });

  it("refuses a duration or number below the flag's minimum, naming the flag", () => {
    const bounded: FlagSpec[] = [
      { name: "deadline", type: "duration", description: "d", min: 1 },
      { name: "max-file-bytes", type: "integer", description: "m", min: 1 },
    ];
    expect(() => parseArgs(["--deadline", "0"], bounded, "run")).toThrow('invalid value "0" for --deadline: it must be more than 0');
    expect(() => parseArgs(["--max-file-bytes=0"], bounded, "audit")).toThrow('invalid value "0" for --max-file-bytes: it must be at least 1');
    expect(parseArgs(["--deadline", "1ms", "--max-file-bytes", "1"], bounded, "run").flags).toMatchObject({ deadline: 1, "max-file-bytes": 1 });
    // No minimum: 0 is a value like any other (--request-timeout 0 means no per-request timeout).
    expect(parseArgs(["--request-timeout", "0"], specs, "run").flags["request-timeout"]).toBe(0);
  });

  it("takes sizes with units and says the minimum in the flag's unit", () => {
    const sized: FlagSpec[] = [
      { name: "max-file-bytes", type: "size", description: "m", min: 1024 },
      { name: "wait", type: "duration", description: "w", min: 2000 },
    ];
    expect(parseArgs(["--max-file-bytes", "32M"], sized, "audit").flags["max-file-bytes"]).toBe(32 * 1024 * 1024);
    expect(parseArgs(["--max-file-bytes=4096"], sized, "audit").flags["max-file-bytes"]).toBe(4096);
    expect(() => parseArgs(["--max-file-bytes", "lots"], sized, "audit")).toThrow(
      'invalid size "lots" for --max-file-bytes: use a number of bytes with a unit, like 32M, 512K or 1G (binary units)',
    );
    expect(() => parseArgs(["--max-file-bytes", "1000"], sized, "audit")).toThrow('invalid value "1000" for --max-file-bytes: it must be at least 1KiB');
    expect(() => parseArgs(["--wait", "1s"], sized, "run")).toThrow('invalid value "1s" for --wait: it must be at least 2s');
  });

  it("treats everything after -- as positional", () => {
    expect(parseArgs(["--", "-n", "x"], specs, "run").positionals).toEqual(["-n", "x"]);
  });

  it("rejects unknown flags, missing values and bad choices with a UsageError naming the flag", () => {
    expect(() => parseArgs(["--nope"], specs, "run")).toThrow(/unknown flag --nope for "saprobe run"/);
    expect(() => parseArgs(["-n"], specs, "run")).toThrow(/--namespace needs a value/);
    expect(() => parseArgs(["-o", "xml"], specs, "run")).toThrow(UsageError);
    expect(() => parseArgs(["--verbose=maybe"], specs, "run")).toThrow(/use true or false/);
  });
});

describe("parseDuration", () => {
  it("understands kubectl units and bare seconds", () => {
    expect(parseDuration("500ms", "t")).toBe(500);
    expect(parseDuration("2m", "t")).toBe(120_000);
    expect(parseDuration("3", "t")).toBe(3000);
    expect(() => parseDuration("soon", "t")).toThrow(/invalid duration "soon" for --t/);
  });
});
