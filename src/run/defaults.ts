/** The default overall deadline of a run: no result arrives later than this. */
export const DEFAULT_DEADLINE_MS = 60_000;
