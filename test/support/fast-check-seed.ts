import fc from "fast-check";

/*
 * The property tests (test/hardening/*-properties.test.ts) draw new random inputs on every run, which
 * is how the fuzzing finds new counterexamples on developers' machines. CI pins the seed
 * (SAPROBE_FC_SEED, set by .ci/run) so that main stays green on what it has already checked; a failure
 * prints its seed, and `SAPROBE_FC_SEED=<seed> npm test` replays it.
 */
const seed = process.env.SAPROBE_FC_SEED;
if (seed !== undefined && seed !== "") {
  if (!/^-?\d+$/.test(seed)) throw new Error(`SAPROBE_FC_SEED must be an integer, not ${JSON.stringify(seed)}`);
  fc.configureGlobal({ seed: Number(seed) });
}
