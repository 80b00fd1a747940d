/**
 * One request's deadline: the request timeout and the caller's signal, merged into one
 * AbortSignal, remembering which fired and whether the headers had arrived (timeout vs body-timeout).
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#fire("aborted");
  #timer: NodeJS.Timeout | undefined;
  firedBy: "timeout" | "aborted" | undefined;
  headersReceived = false;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    this.#callerSignal = signal;
    if (timeoutMs > 0) this.#timer = setTimeout(() => this.#fire("timeout"), timeoutMs);
    if (signal?.aborted) this.#fire("aborted");
    else signal?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  #fire(reason: "timeout" | "aborted"): void {
    if (this.firedBy) return;
    this.firedBy = reason;
    this.#controller.abort(new Error(reason));
  }

  /** Stops the timer (a watch's stream is bounded by the caller's signal only). */
  stopTimer(): void {
    clearTimeout(this.#timer);
  }

  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener("abort", this.#onCallerAbort);
  }
}
