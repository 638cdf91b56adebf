/**
 * What ends one HTTP call early: its own timeout, or the request's signal.
 *
 * A timer cleared when the call ends, and one listener on the request's
 * signal, removed then. `AbortSignal.timeout` cannot be cleared: each call
 * kept its signal (and, through `AbortSignal.any`, a composite one) alive for
 * the whole timeout, and fired it long after the call had ended
 * (BENCHMARKS.md, eleventh round).
 */
import { timeoutReason } from "./upstream-policy.ts";

/** One call's cut-off: pass `signal` to the call, and `release()` once it has ended, however it ended. */
export class AttemptCutOff {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly outer: AbortSignal | undefined;
  private readonly onOuterAbort: (() => void) | undefined;
  /** Whether the call's own timeout ended it. */
  timedOut = false;

  constructor(timeoutMs: number, outer: AbortSignal | undefined) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(timeoutReason());
    }, timeoutMs);
    // Like AbortSignal.timeout, the timeout alone never keeps the process alive.
    this.timer.unref();
    this.outer = outer;
    if (outer?.aborted) this.controller.abort(outer.reason);
    else if (outer) {
      const controller = this.controller;
      this.onOuterAbort = () => controller.abort(outer.reason);
      outer.addEventListener("abort", this.onOuterAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The call has ended: stop the timer and stop listening. */
  release(): void {
    clearTimeout(this.timer);
    if (this.onOuterAbort) this.outer?.removeEventListener("abort", this.onOuterAbort);
  }
}
