import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseByteSize } from "../../src/input/units.js";

const MiB = 1024 * 1024;

describe("sizes", () => {
  it("reads the ways people write a size; K, M and G are binary, KB, MB and GB decimal", () => {
    const written = ["4096", "32M", "32m", "32MiB", "32Mi", "32 MiB", "512K", "1.5G", "2MB", "10kb"];
    expect(written.map(parseByteSize)).toEqual([4096, 32 * MiB, 32 * MiB, 32 * MiB, 32 * MiB, 32 * MiB, 512 * 1024, 1.5 * 1024 * MiB, 2_000_000, 10_000]);
  });

  it("refuses what is not a size", () => {
    expect(["", "M", "32X", "-1M", "1e3", "thirty"].map(parseByteSize)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("prints sizes in the largest binary unit, one decimal when not whole", () => {
    expect([formatBytes(16 * MiB), formatBytes(17.25 * MiB), formatBytes(MiB / 2), formatBytes(1), formatBytes(1000), formatBytes(3 * 1024 * MiB)]).toEqual([
      "16 MiB",
      "17.3 MiB",
      "512 KiB",
      "1 byte",
      "1000 bytes",
      "3 GiB",
    ]);
  });

  it("prints what it reads back to the same number of bytes", () => {
    for (const bytes of [1, 512, 1024, 16 * MiB, 5 * 1024 * MiB])
      expect(parseByteSize(formatBytes(bytes).replace(" bytes", "").replace(" byte", ""))).toBe(bytes);
  });
});

describe("durations", () => {
  it("prints milliseconds as a duration flag takes them", () => {
    expect([500, 1000, 30_000, 60_000, 300_000, 3_600_000, 1500].map(formatDuration)).toEqual(["500ms", "1s", "30s", "60s", "5m", "1h", "1500ms"]);
  });
});
