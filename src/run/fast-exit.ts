import { setFlagsFromString } from "node:v8";

let applied = false;

/**
 * Keeps V8 from re-compiling undici's WebAssembly HTTP parser (llhttp) with its optimizing tier in
 * background threads. Node waits for those threads before it exits, which added 130-480 ms after
 * the report was printed (measured on Node 20 with bench/run-suite.mjs); the baseline compiler's
 * code parses a few small responses just as well. Must run before the first request.
 */
export function keepWasmOnBaselineCompiler(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString("--liftoff-only");
}
