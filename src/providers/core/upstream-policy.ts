/**
 * How calls to one provider are retried, cut off and limited: retries with
 * exponential backoff and jitter (honouring Retry-After), a circuit breaker,
 * a concurrency cap and a client-side rate budget, all bounded by the
 * request's deadline.
 *
 * The breaker, the bulkhead and the backoff curve are cockatiel's. The retry
 * loop is ours because its waits must end the moment the request's deadline
 * passes (cockatiel's retry sleeps through an abort) and because Retry-After
 * changes the delay per failure. cockatiel has no rate limiter, and no
 * installed library gives a sliding window that holds under bursts, so
 * `SlidingWindowLimiter` is written here.
 */
import {
  BrokenCircuitError,
  type BulkheadPolicy,
  bulkhead,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
} from "cockatiel";
import { type ProviderBaseConfig, providerBaseSchema } from "../../config/config.schema.ts";
import { UpstreamError } from "./upstream-error.ts";
import type { UpstreamObserver } from "./upstream-events.ts";

/** The resilience settings of one provider entry (see the config schema for defaults). */
export type ResilienceSettings = ProviderBaseConfig["resilience"];

/** The settings used when a client is built without any (tests, tools): the config's defaults. */
export const DEFAULT_RESILIENCE: ResilienceSettings = providerBaseSchema.shape.resilience.parse({});

/** How the policy treats one failed attempt. */
export interface FailureInfo {
  /** Another attempt may succeed (network error, timeout of one call, 429, 5xx). */
  retryable: boolean;
  /** The failure says the provider is down (network error, timeout of one call, 5xx): it counts for the breaker. */
  providerDown: boolean;
  /** How long the provider asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number | undefined;
}

const failures = new WeakMap<object, FailureInfo>();

/** Tags an attempt's error with how the policy should treat it; returns the error. */
export function markFailure<E extends Error>(error: E, info: FailureInfo): E {
  failures.set(error, info);
  return error;
}

/** How the policy treats an error: untagged errors are final and do not count for the breaker. */
export function failureOf(error: unknown): FailureInfo {
  return (typeof error === "object" && error !== null && failures.get(error)) || { retryable: false, providerDown: false };
}

/**
 * Reads a Retry-After header: delay-seconds or an HTTP date. Answers the wait
 * in ms (never negative), or undefined when the value is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What the policy needs from the request a call serves. */
export interface PolicyCall {
  /** Ends waits and calls: the client went away or the request's deadline passed. */
  signal?: AbortSignal | undefined;
  /** When the request's deadline passes, in `Date.now()` ms, if known: lets waits that would pass it give up at once. */
  deadlineAt?: number | undefined;
  requestId?: string | undefined;
}

/** Why a deadline or timeout aborts a signal: what `AbortSignal.timeout` gives, which {@link abortedByDeadline} recognises. */
export function timeoutReason(): DOMException {
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}

/** Whether a signal was aborted by a deadline (AbortSignal.timeout) rather than by a client going away. */
export function abortedByDeadline(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (signal.reason as { name?: unknown } | undefined)?.name === "TimeoutError";
}

/** A caller waiting for rate budget. */
interface Waiter {
  resolve: (at: number) => void;
  reject: (error: unknown) => void;
}

/**
 * A sliding-window rate limiter: never lets more than `calls` acquisitions
 * happen within any window of `perMs`, however many arrive at once. Waiters
 * are served first come, first served; a waiter whose signal aborts leaves
 * the queue without spending budget.
 */
export class SlidingWindowLimiter {
  readonly calls: number;
  readonly perMs: number;
  private readonly now: () => number;
  /** Times of the acquisitions still inside the window, oldest first. */
  private readonly starts: number[] = [];
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(options: { calls: number; perMs: number; now?: () => number }) {
    this.calls = options.calls;
    this.perMs = options.perMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** Callers waiting for budget. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * The earliest time (in this limiter's clock) a new caller could start,
   * counting the callers already waiting: a lower bound when the queue is long.
   */
  earliestStart(): number {
    const now = this.now();
    this.prune(now);
    const freeNow = this.calls - this.starts.length;
    const needed = this.waiters.length - freeNow;
    if (needed < 0) return now;
    const slot = this.starts[Math.min(needed, this.starts.length - 1)];
    return slot === undefined ? now : Math.max(now, slot + this.perMs);
  }

  /**
   * Takes one unit of budget, waiting for it when the window is full; answers
   * the time it was taken (this limiter's clock). Rejects with the signal's
   * reason when the signal aborts first.
   */
  acquire(signal?: AbortSignal): Promise<number> {
    if (this.closed) return Promise.reject(new Error("rate limiter closed"));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    this.prune(now);
    if (this.waiters.length === 0 && this.starts.length < this.calls) {
      this.starts.push(now);
      return Promise.resolve(now);
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal?.reason);
        this.pump();
      };
      waiter.resolve = (at: number) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(at);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Rejects every waiter and stops the timer. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error("rate limiter closed"));
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && (this.starts[0] as number) + this.perMs <= now) this.starts.shift();
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = this.now();
    this.prune(now);
    while (this.waiters.length > 0 && this.starts.length < this.calls) {
      const waiter = this.waiters.shift();
      this.starts.push(now);
      waiter?.resolve(now);
    }
    if (this.waiters.length > 0 && this.starts.length > 0) {
      // Timers may fire a little early; pump checks the clock again and waits on if so.
      const wait = Math.max(1, Math.ceil((this.starts[0] as number) + this.perMs - now));
      this.timer = setTimeout(() => this.pump(), wait);
    }
  }
}

/** Options of one provider's policy. */
export interface UpstreamPolicyOptions {
  provider: string;
  resilience: ResilienceSettings;
  observer?: UpstreamObserver | undefined;
}

/** What one `execute` may do. */
export interface ExecuteOptions {
  /** Retry retryable failures (idempotent requests only). */
  retry: boolean;
}

/**
 * The policy of one provider: one instance per provider client, so its
 * breaker, concurrency cap and rate budget are shared by every call to it.
 *
 * One attempt passes, outermost first: the circuit breaker (fails fast while
 * open), the concurrency cap (queued, deadline-bounded), the rate budget
 * (taken just before the call starts, so queueing never lets starts bunch up),
 * then the attempt itself. Retries wrap the whole, so each retry is a call
 * that spends budget, passes the breaker and counts as a call.
 */
export class UpstreamPolicy {
  readonly provider: string;
  private readonly settings: ResilienceSettings;
  private readonly observer: UpstreamObserver | undefined;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  private readonly limiter: SlidingWindowLimiter | undefined;
  private readonly backoff: ExponentialBackoff<unknown>;

  constructor(options: UpstreamPolicyOptions) {
    this.provider = options.provider;
    this.settings = options.resilience;
    this.observer = options.observer;
    this.breaker = circuitBreaker(
      handleWhen((error) => failureOf(error).providerDown),
      { halfOpenAfter: this.settings.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.breakerFailures) },
    );
    this.breaker.onStateChange((state) => {
      const name = state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half-open" : "open";
      this.observer?.breaker?.({ provider: this.provider, state: name });
    });
    this.bulkhead = bulkhead(this.settings.maxConcurrency, Number.POSITIVE_INFINITY);
    const rate = this.settings.rateLimit;
    this.limiter = rate && new SlidingWindowLimiter({ calls: rate.calls, perMs: rate.perMs });
    this.backoff = new ExponentialBackoff({ initialDelay: this.settings.backoffMs, maxDelay: this.settings.maxBackoffMs });
  }

  /** The breaker's state, for health checks and tests. */
  get breakerState(): "closed" | "open" | "half-open" {
    const state = this.breaker.state;
    return state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half-open" : "open";
  }

  /**
   * Runs `attempt` (one HTTP call) under the policy. `attempt` gets a signal
   * that ends with the request; its failures are judged by `failureOf`.
   */
  async execute<T>(call: PolicyCall, attempt: () => Promise<T>, options: ExecuteOptions): Promise<T> {
    const attempts = options.retry ? this.settings.retries + 1 : 1;
    let backoff: IBackoff<unknown> | undefined;
    for (let n = 1; ; n++) {
      try {
        return await this.once(call, attempt);
      } catch (error) {
        const info = failureOf(error);
        if (!info.retryable || n >= attempts || call.signal?.aborted) throw error;
        backoff = backoff ? backoff.next(undefined) : this.backoff.next();
        let delayMs = Math.round(backoff.duration);
        if (info.retryAfterMs !== undefined) {
          // A wait longer than we allow is not worth it: the caller hears the failure now.
          if (info.retryAfterMs > this.settings.maxBackoffMs) throw error;
          delayMs = Math.max(delayMs, info.retryAfterMs);
        }
        if (call.deadlineAt !== undefined && Date.now() + delayMs >= call.deadlineAt) throw error;
        const reason = error instanceof UpstreamError ? (error.status !== undefined ? `HTTP ${error.status}` : error.code) : "error";
        this.observer?.retry?.({ provider: this.provider, attempt: n, delayMs, reason, requestId: call.requestId });
        // The deadline passing during the wait ends it; the caller hears why we were waiting.
        if (!(await sleep(delayMs, call.signal))) throw error;
      }
    }
  }

  private async once<T>(call: PolicyCall, attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.breaker.execute(() => this.limited(call, attempt));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new UpstreamError(
          "PROVIDER_UNAVAILABLE",
          this.provider,
          `provider ${this.provider} is not called for now: circuit open after ${this.settings.breakerFailures} consecutive failures`,
        );
      }
      throw error;
    }
  }

  private async limited<T>(call: PolicyCall, attempt: () => Promise<T>): Promise<T> {
    const signal = call.signal;
    let queued = true;
    const run = this.bulkhead.execute(async () => {
      queued = false;
      await this.budget(call);
      return attempt();
    }, signal);
    if (!signal) return run;
    // The bulkhead only looks at the signal when a call leaves its queue; the caller must not wait that long.
    // Past the queue, the budget wait and the call end on the signal themselves, with their own errors.
    run.catch(() => {});
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (queued) reject(this.cutOff(signal, "waiting for a free connection"));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      return await Promise.race([run, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  private async budget(call: PolicyCall): Promise<void> {
    const limiter = this.limiter;
    if (!limiter) return;
    const rateLimited = () =>
      new UpstreamError(
        "PROVIDER_RATE_LIMITED",
        this.provider,
        `provider ${this.provider}: the rate budget of ${limiter.calls} calls per ${limiter.perMs} ms is spent until after the request's deadline`,
      );
    // The limiter keeps monotonic time; a known deadline is in Date.now() ms.
    if (call.deadlineAt !== undefined && Date.now() + (limiter.earliestStart() - performance.now()) >= call.deadlineAt) {
      throw rateLimited();
    }
    try {
      await limiter.acquire(call.signal);
    } catch (error) {
      if (abortedByDeadline(call.signal)) throw rateLimited();
      if (call.signal?.aborted) throw this.cutOff(call.signal, "waiting for rate budget");
      throw error;
    }
  }

  /** The error of a wait ended by the request: its deadline (PROVIDER_TIMEOUT) or its client going away. */
  private cutOff(signal: AbortSignal, what: string): UpstreamError {
    return abortedByDeadline(signal)
      ? new UpstreamError("PROVIDER_TIMEOUT", this.provider, `provider ${this.provider}: the request's deadline passed while ${what}`)
      : new UpstreamError("PROVIDER_UNAVAILABLE", this.provider, `provider ${this.provider}: the request was cancelled while ${what}`);
  }

  /** Releases the rate budget's waiters and timer. */
  close(): void {
    this.limiter?.close();
  }
}

/** Waits `ms`; answers false (at once) when the signal aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
