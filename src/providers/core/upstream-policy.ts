/**
 * How calls to one provider are retried, cut off and limited: retries with
 * exponential backoff and jitter (honouring Retry-After), a circuit breaker,
 * and the provider's budgets (a concurrency cap and a client-side rate
 * budget, with each client's fair share of them: provider-budget.ts), all
 * bounded by the request's deadline.
 *
 * The breaker and the backoff curve are cockatiel's. The retry loop is ours
 * because its waits must end the moment the request's deadline passes
 * (cockatiel's retry sleeps through an abort) and because Retry-After changes
 * the delay per failure.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
} from "cockatiel";
import { type ProviderBaseConfig, providerBaseSchema } from "../../config/config.schema.ts";
import { abortedByDeadline } from "./call-context.ts";
import { type BudgetCall, ProviderBudget } from "./provider-budget.ts";
import { UpstreamError } from "./upstream-error.ts";
import type { UpstreamObserver } from "./upstream-events.ts";

export { abortedByDeadline, timeoutReason } from "./call-context.ts";

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

/**
 * What the policy needs from the request a call serves: its signal and
 * deadline (which end waits and calls), and who spends the budget.
 */
export interface PolicyCall extends BudgetCall {
  requestId?: string | undefined;
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
 * breaker and budgets are shared by every call to it.
 *
 * One attempt passes, outermost first: a look at the breaker (an open circuit
 * fails fast, before the client's share is spent), the client's rate share
 * (refused at once when spent; see {@link ProviderBudget}), the circuit
 * breaker, the concurrency caps (the client's share, then the provider's;
 * queued, deadline-bounded), the provider's rate budget (taken just before the
 * call starts, so queueing never lets starts bunch up), then the attempt
 * itself. A client refused its share never reaches the breaker: cockatiel
 * takes any error it does not handle during a half-open probe as a success,
 * and one client's spent share says nothing about the provider. Retries wrap
 * the whole, so each retry is a call that spends budget, passes the breaker
 * and counts as a call.
 */
export class UpstreamPolicy {
  readonly provider: string;
  private readonly settings: ResilienceSettings;
  private readonly observer: UpstreamObserver | undefined;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly budget: ProviderBudget;
  private readonly backoff: ExponentialBackoff<unknown>;
  /** When the circuit last opened (Date.now() ms): until `breakerHalfOpenAfterMs` after it, calls fail fast. */
  private openedAt = 0;

  constructor(options: UpstreamPolicyOptions) {
    this.provider = options.provider;
    this.settings = options.resilience;
    this.observer = options.observer;
    this.breaker = circuitBreaker(
      handleWhen((error) => failureOf(error).providerDown),
      { halfOpenAfter: this.settings.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.breakerFailures) },
    );
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.breaker.onStateChange((state) => {
      const name = state === CircuitState.Closed ? "closed" : state === CircuitState.HalfOpen ? "half-open" : "open";
      this.observer?.breaker?.({ provider: this.provider, state: name });
    });
    this.budget = new ProviderBudget({
      provider: this.provider,
      maxConcurrency: this.settings.maxConcurrency,
      rateLimit: this.settings.rateLimit,
      clientShare: this.settings.clientShare,
    });
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
      // cockatiel opens the half-open probe inside `execute`; until then an open circuit spends no share.
      if (this.breaker.state === CircuitState.Open && Date.now() - this.openedAt < this.settings.breakerHalfOpenAfterMs) {
        throw new BrokenCircuitError();
      }
      return await this.budget.run(call, attempt, this.cutOff, this.guarded);
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

  /** Runs the rest of a call inside the breaker. */
  private readonly guarded = <T>(rest: () => Promise<T>): Promise<T> => this.breaker.execute(rest);

  /** The error of a wait ended by the request: its deadline (PROVIDER_TIMEOUT) or its client going away. */
  private readonly cutOff = (signal: AbortSignal, what: string): UpstreamError =>
    abortedByDeadline(signal)
      ? new UpstreamError("PROVIDER_TIMEOUT", this.provider, `provider ${this.provider}: the request's deadline passed while ${what}`)
      : new UpstreamError("PROVIDER_UNAVAILABLE", this.provider, `provider ${this.provider}: the request was cancelled while ${what}`);

  /** Ends the waits for rate budget. */
  close(): void {
    this.budget.close();
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
