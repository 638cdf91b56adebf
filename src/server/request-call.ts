/**
 * The call context of one GraphQL request over HTTP: its upstream meter, its
 * id, its deadline, which bounds every upstream call and retry made for it,
 * and its client as the holder of provider budgets (its share of each applies).
 *
 * The deadline's signal is made when a call first asks for it, and its timer
 * stops when the answer has gone out. Most requests under load share an
 * upstream answer that another request is already waiting for (or read a
 * cached one) and never ask; a timer, a controller and `AbortSignal.any`
 * for each of them were a measurable share of a request's CPU and garbage.
 */
import { type CallContext, timeoutReason, UpstreamMeter } from "../providers/core/call-context.ts";
import type { BudgetHolder } from "../providers/core/provider-budget.ts";

function abortAtDeadline(controller: AbortController): void {
  controller.abort(timeoutReason());
}

/** A request's call context, with its deadline as a lazily made signal. */
export class RequestCall implements CallContext {
  readonly meter = new UpstreamMeter();
  readonly requestId: string;
  readonly deadlineAt: number;
  readonly holder: BudgetHolder | undefined;
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  /** `holder`: the client the request is for (see `clientBudgetHolder`); without one, only provider-wide budgets apply. */
  constructor(requestId: string, deadlineMs: number, holder?: BudgetHolder) {
    this.requestId = requestId;
    this.deadlineAt = Date.now() + deadlineMs;
    this.holder = holder;
  }

  /** Whether the deadline's signal has aborted; false while nothing has asked for it (nothing it bounds can have ended). */
  get ended(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  /** Whether the answer has gone out. */
  get answered(): boolean {
    return this.done;
  }

  /** Aborts (reason: a TimeoutError) when the request's deadline passes. */
  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    const left = this.deadlineAt - Date.now();
    if (left <= 0) abortAtDeadline(controller);
    else if (!this.done) {
      this.timer = setTimeout(abortAtDeadline, left, controller);
      // Like AbortSignal.timeout, the deadline alone never keeps the process alive.
      this.timer.unref();
    }
    return controller.signal;
  }

  /** The answer has gone out: the deadline's timer is no longer needed. */
  finish(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
