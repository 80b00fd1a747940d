import { SEVERITIES, type Severity } from "./report.js";

/* Severity levels, most serious first (SEVERITIES), and the few questions every layer asks of them. */

/** The next less serious level (`info` stays `info`). */
export function lowerSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)] as Severity;
}

/** The next more serious level (`critical` stays `critical`). */
export function raiseSeverity(severity: Severity): Severity {
  return SEVERITIES[Math.max(SEVERITIES.indexOf(severity) - 1, 0)] as Severity;
}

/** True when `severity` is `threshold` or more serious. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** Parses a severity name, or undefined. */
export function parseSeverity(text: string): Severity | undefined {
  return (SEVERITIES as readonly string[]).includes(text) ? (text as Severity) : undefined;
}
