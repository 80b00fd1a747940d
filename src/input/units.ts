/**
 * Sizes and durations as people write and read them: flags accept `32M` and `30s`, and help and
 * messages print `16 MiB` and `60s`, never `16777216` or `60000`.
 */

const KIBIBYTE = 1024;

/**
 * Multipliers for a size's suffix, case-insensitive. K, M and G are binary, as in GNU `head -c 32M`
 * and Docker (a file limit is a power of two); Ki/Mi/Gi and KiB/MiB/GiB say so explicitly; only
 * KB/MB/GB are decimal.
 */
const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: KIBIBYTE,
  ki: KIBIBYTE,
  kib: KIBIBYTE,
  kb: 1000,
  m: KIBIBYTE ** 2,
  mi: KIBIBYTE ** 2,
  mib: KIBIBYTE ** 2,
  mb: 1000 ** 2,
  g: KIBIBYTE ** 3,
  gi: KIBIBYTE ** 3,
  gib: KIBIBYTE ** 3,
  gb: 1000 ** 3,
};

/** A size (`32M`, `16MiB`, `512K`, `1.5G`, `4096`) in bytes, or undefined when it is not one. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = SIZE_UNITS[(match?.[2] ?? "").toLowerCase()];
  if (!match || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Bytes for a reader: `16 MiB`, `17.2 MiB`, `4 KiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ["GiB", KIBIBYTE ** 3],
    ["MiB", KIBIBYTE ** 2],
    ["KiB", KIBIBYTE],
  ];
  for (const [name, size] of units) {
    if (bytes < size) continue;
    const value = bytes / size;
    return `${Number.isInteger(value) ? value : value.toFixed(1)} ${name}`;
  }
  return `${bytes} byte${bytes === 1 ? "" : "s"}`;
}

/** Milliseconds the way a duration flag takes them: `500ms`, `30s`, `60s`, `5m`, `1h`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds % 1000 !== 0) return `${milliseconds}ms`;
  const seconds = milliseconds / 1000;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
