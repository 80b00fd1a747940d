import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startStopwatch } from "../../src/kube/stopwatch.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("startStopwatch", () => {
  it("gives the whole milliseconds since it started, rounded, and keeps counting", () => {
    vi.useFakeTimers({ toFake: ["hrtime"] });
    const elapsed = startStopwatch();
    expect(elapsed()).toBe(0);
    vi.advanceTimersByTime(1_499.6);
    expect(elapsed()).toBe(1_500);
    vi.advanceTimersByTime(250);
    expect(elapsed()).toBe(1_750);
  });

  it("is what src/ times with: no module uses the global performance, whose first use loads node:perf_hooks", () => {
    const root = join(import.meta.dirname, "..", "..", "src");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((file) => /\bperformance\s*\.\s*now\b/.test(readFileSync(join(root, file), "utf8")))).toEqual([]);
  });
});
