/*
 * The live audit's deadlines, alone in a module that imports nothing, so `saprobe audit`'s flags can
 * print them as defaults without loading the audit.
 */

/** The whole live audit's time when the caller sets none (reads, rules and cross-check together). */
export const LIVE_AUDIT_DEADLINE_MS = 10 * 60_000;

/** The cross-check's time when the caller sets none: generous, since every finding is asked about. */
export const CROSS_CHECK_DEADLINE_MS = 5 * 60_000;
