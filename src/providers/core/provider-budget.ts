/**
 * A provider's budgets and the fair shares of them: the rate budget
 * (`resilience.rateLimit`) and the concurrency cap (`resilience.maxConcurrency`),
 * each provider-wide and, within it, per budget holder. A holder is whoever
 * spends the budget: a client (one per `clients[]` entry), or background work
 * of ordergraph's own, under a name of its own. No holder may take more than
 * its share (`resilience.clientShare`, or the client's `shares`), so one
 * client that spends its share is refused on its own while the others go on
 * from the rest.
 *
 * The rate buckets are rate-limiter-flexible's fixed windows (its memory store
 * now; the same limiters take a Redis store, see {@link createWindowLimiter}).
 * A fixed window alone lets twice its calls through around a window's end, so
 * a budget of `calls` per `perMs` is kept as shorter windows of fewer calls
 * ({@link budgetWindows}) that cannot exceed it in any span of `perMs`. The
 * concurrency caps are cockatiel bulkheads (queues whose waits the request's
 * deadline ends).
 */
import { type BulkheadPolicy, bulkhead } from "cockatiel";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { abortedByDeadline } from "./call-context.ts";
import { UpstreamError } from "./upstream-error.ts";

/** A rate budget: at most `calls` calls start within any span of `perMs` milliseconds. */
export interface RateBudget {
  calls: number;
  perMs: number;
}

/** The shares of a provider's budgets one holder may take, as fractions (more than 0, at most 1). */
export interface BudgetShare {
  /** Of each window's calls of the rate budget. */
  rate: number;
  /** Of the concurrency cap. */
  concurrency: number;
}

/** A holder's own shares where they differ from a provider's default: for all providers, and per provider id. */
export interface HolderShares {
  rate?: number | undefined;
  concurrency?: number | undefined;
  providers?: Readonly<Record<string, { rate?: number | undefined; concurrency?: number | undefined }>> | undefined;
}

/**
 * Who spends a provider's budget. The name keys the holder's buckets, so it
 * must be unique among holders and stable (issue 26 keeps the buckets in
 * Redis across replicas): a client is `client:<name>`; background work takes
 * a prefix of its own (`job:<name>`).
 */
export interface BudgetHolder {
  readonly name: string;
  readonly shares?: HolderShares | undefined;
}

/** The budget holder of a configured client. */
export function clientBudgetHolder(client: { name: string; shares?: HolderShares | undefined }): BudgetHolder {
  return { name: `client:${client.name}`, shares: client.shares };
}

/** A holder's shares of one provider's budgets: its per-provider setting, else its own, else the provider's default. */
export function shareOf(holder: BudgetHolder, provider: string, fallback: BudgetShare): BudgetShare {
  const own = holder.shares;
  const per = own?.providers?.[provider];
  return {
    rate: per?.rate ?? own?.rate ?? fallback.rate,
    concurrency: per?.concurrency ?? own?.concurrency ?? fallback.concurrency,
  };
}

/**
 * How many shorter windows a budget's span is cut into, at most. More windows
 * give a steadier flow and more of the budget over time (`k / (k + 1)` of it),
 * fewer give larger bursts (`1 / (k + 1)` of it at once): 4 keeps at least a
 * fifth of the budget for a burst and four fifths of it over time.
 */
export const MAX_WINDOWS = 4;

/** The fixed windows that keep a {@link RateBudget}. */
export interface BudgetWindows {
  /** Calls allowed in each window. */
  calls: number;
  /** The length of each window, in ms. */
  windowMs: number;
  /** Into how many windows `perMs` is cut. */
  windows: number;
}

/**
 * The fixed windows that keep `calls` per `perMs` in every span of `perMs`
 * (a sliding window), not only in aligned ones.
 *
 * A rate-limiter-flexible window starts at the first call after the previous
 * one ended, so each window's first call is at its start and windows start at
 * least `windowMs` apart. Cut `perMs` into `k` windows (`windowMs >= perMs / k`)
 * of `c` calls each. A span of `perMs` holds the starts of at most `k`
 * windows, `k * c` calls, plus the calls of one window that started before
 * the span: at most `c - 1`, since its first call lies before it. So a span
 * holds at most `(k + 1) * c - 1` calls, which is within the budget when
 * `c = floor((calls + 1) / (k + 1))`. Of `k` = 1 to {@link MAX_WINDOWS}, the
 * one that allows the most calls over time (`k * c`) is taken, ties going to
 * fewer, larger windows. emnify's 100 per 300000 ms: 20 calls per 75000 ms.
 */
export function budgetWindows(budget: RateBudget): BudgetWindows {
  let windows = 1;
  let calls = Math.floor((budget.calls + 1) / 2);
  for (let k = 2; k <= MAX_WINDOWS; k++) {
    const c = Math.floor((budget.calls + 1) / (k + 1));
    if (k * c > windows * calls) {
      windows = k;
      calls = c;
    }
  }
  return { calls, windowMs: Math.ceil(budget.perMs / windows), windows };
}

/**
 * A holder's calls in each window: its share of the window's calls, rounded
 * down (so two holders of a half never take more than the window), and at
 * least one (a holder with a share may always call).
 */
export function shareOfCalls(windowCalls: number, share: number): number {
  return Math.max(1, Math.min(windowCalls, Math.floor(windowCalls * share)));
}

/** A holder's calls in flight at once: its share of the cap, rounded down, at least one. */
export function shareOfSlots(maxConcurrency: number, share: number): number {
  return Math.max(1, Math.min(maxConcurrency, Math.floor(maxConcurrency * share)));
}

/** How much of a rate budget is left, at a moment. */
export interface BudgetStanding {
  /** Calls allowed in each window. */
  limit: number;
  /** Calls that may still start in the current window. */
  remaining: number;
  /** When `remaining` next grows (the current window ends), epoch ms. */
  resetAt: number;
  /** The length of a window, in ms. */
  windowMs: number;
}

/**
 * What a holder may still use: its own share's standing, capped by the
 * provider-wide one. `remaining` grows when the bucket that binds it resets;
 * when both bind, only when both have.
 */
export function combineStanding(own: BudgetStanding, provider: BudgetStanding): BudgetStanding {
  const remaining = Math.min(own.remaining, provider.remaining);
  let resetAt = own.resetAt;
  if (provider.remaining < own.remaining) resetAt = provider.resetAt;
  else if (provider.remaining === own.remaining) resetAt = Math.max(own.resetAt, provider.resetAt);
  return { limit: own.limit, remaining, resetAt, windowMs: own.windowMs };
}

/** The options of one fixed-window limiter. */
export interface WindowLimiterOptions {
  /** Names the limiter's keys: `og:budget:<provider>` and, for a holder's share, `:<holder>`. */
  keyPrefix: string;
  /** Calls allowed per window. */
  calls: number;
  windowMs: number;
}

/**
 * Makes one fixed-window limiter: the only place that chooses the store. Today
 * that is memory, per process. Issue 26 gives it a Redis store shared by the
 * replicas (rate-limiter-flexible's RateLimiterRedis takes these options and a
 * `storeClient`; Redis counts whole seconds, so there `windowMs` is rounded up,
 * which only makes a window stricter).
 */
export function createWindowLimiter(options: WindowLimiterOptions): RateLimiterAbstract {
  return new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.calls, duration: options.windowMs / 1000 });
}

/** The key of a limiter's one bucket (each limiter is one provider's or one holder's). */
const BUCKET = "calls";

/** The part of a request's call context a budget needs. */
export interface BudgetCall {
  /** Ends waits: the client went away or the request's deadline passed. */
  readonly signal?: AbortSignal | undefined;
  /** When the request's deadline falls (epoch ms): a wait that cannot end before it is not begun. */
  readonly deadlineAt?: number | undefined;
  /** Who spends the budget; without one (a login shared by every request, a start-up check), only the provider-wide budgets apply. */
  readonly holder?: BudgetHolder | undefined;
  /** Told how much of the holder's rate share is left after each take. */
  readonly meter?: { recordBudget(provider: string, standing: BudgetStanding): void } | undefined;
}

/** One holder's part of a provider's budgets; absent parts mean "the provider-wide budget alone". */
interface HolderBudget {
  limiter: RateLimiterAbstract | undefined;
  limit: number;
  slots: BulkheadPolicy | undefined;
}

/** Options of one provider's budgets. */
export interface ProviderBudgetOptions {
  provider: string;
  maxConcurrency: number;
  rateLimit?: RateBudget | undefined;
  /** The share of a holder that has none of its own. */
  clientShare: BudgetShare;
}

/** What runs the rest of a call once the holder's rate share is taken (the provider's breaker). */
export type Around = <T>(rest: () => Promise<T>) => Promise<T>;

/** How a wait that the request ended is told: its deadline passed, or its client went away. */
export type CutOff = (signal: AbortSignal, what: string) => UpstreamError;

/**
 * One provider's rate budget and concurrency cap, and every holder's share of
 * them. One instance per provider client, shared by every call to it.
 *
 * A call passes, in order: the holder's rate share (refused at once when it
 * cannot reset before the deadline; nothing is queued then), then, inside
 * `around` (the breaker), the holder's concurrency share and the provider's
 * cap (queued), the provider's rate budget (taken just before the call
 * starts, so queueing never lets starts bunch up), and the call.
 */
export class ProviderBudget {
  readonly provider: string;
  /** The provider-wide windows; undefined without a rate budget. */
  readonly windows: BudgetWindows | undefined;
  private readonly options: ProviderBudgetOptions;
  private readonly limiter: RateLimiterAbstract | undefined;
  private readonly slots: BulkheadPolicy;
  private readonly holders = new Map<string, HolderBudget | undefined>();
  private readonly closing = new AbortController();

  constructor(options: ProviderBudgetOptions) {
    this.options = options;
    this.provider = options.provider;
    this.slots = bulkhead(options.maxConcurrency, Number.POSITIVE_INFINITY);
    this.windows = options.rateLimit && budgetWindows(options.rateLimit);
    this.limiter =
      this.windows &&
      createWindowLimiter({ keyPrefix: `og:budget:${options.provider}`, calls: this.windows.calls, windowMs: this.windows.windowMs });
  }

  /**
   * Runs `call` (one attempt) within the budgets of `on`'s holder. Refusals
   * are PROVIDER_RATE_LIMITED with a retry hint; a queue wait the request's
   * end cuts is told by `cutOff`. `around` runs everything after the
   * holder's rate share (the provider's breaker): a holder refused its share
   * never reaches it.
   */
  async run<T>(on: BudgetCall, call: () => Promise<T>, cutOff: CutOff, around: Around = (rest) => rest()): Promise<T> {
    const who = on.holder;
    const holder = who && this.holderBudget(who);
    const windows = this.windows;
    // What the holder is told it may use per window: its share, or the whole window where it has no share of its own.
    const limit = holder?.limiter ? holder.limit : (windows?.calls ?? 0);
    const own = holder?.limiter && (await this.take(on, holder.limiter, true, limit, cutOff));
    return around(() =>
      this.queued(on, holder?.slots, cutOff, async () => {
        if (this.limiter) {
          const provider = await this.take(on, this.limiter, false, limit, cutOff);
          if (who) on.meter?.recordBudget(this.provider, own ? combineStanding(own, provider) : { ...provider, limit });
        }
        return call();
      }),
    );
  }

  /** Rejects every wait for rate budget. */
  close(): void {
    this.closing.abort(new Error(`provider ${this.provider}: budgets closed`));
  }

  /** A holder's share of this provider, made on its first call; none where its shares are all of both budgets. */
  private holderBudget(holder: BudgetHolder): HolderBudget | undefined {
    if (this.holders.has(holder.name)) return this.holders.get(holder.name);
    const share = shareOf(holder, this.provider, this.options.clientShare);
    const windows = this.windows;
    const limit = windows ? shareOfCalls(windows.calls, share.rate) : 0;
    const slots = shareOfSlots(this.options.maxConcurrency, share.concurrency);
    const limiter =
      windows && limit < windows.calls
        ? createWindowLimiter({ keyPrefix: `og:budget:${this.provider}:${holder.name}`, calls: limit, windowMs: windows.windowMs })
        : undefined;
    const own = slots < this.options.maxConcurrency ? bulkhead(slots, Number.POSITIVE_INFINITY) : undefined;
    const made = limiter || own ? { limiter, limit, slots: own } : undefined;
    this.holders.set(holder.name, made);
    return made;
  }

  /**
   * Takes one call from a bucket (`own`: the holder's share, else the
   * provider's), waiting for its window to end when that comes before the
   * request's deadline. Answers the bucket's standing after the take; a
   * refusal is told to the holder's meter (as `limit` calls per window).
   */
  private async take(on: BudgetCall, limiter: RateLimiterAbstract, own: boolean, limit: number, cutOff: CutOff): Promise<BudgetStanding> {
    const windowMs = (this.windows as BudgetWindows).windowMs;
    for (;;) {
      let refusal: RateLimiterRes;
      try {
        const taken = await limiter.consume(BUCKET);
        return { limit: limiter.points, remaining: taken.remainingPoints, resetAt: Date.now() + Math.max(0, taken.msBeforeNext), windowMs };
      } catch (error) {
        // A store fault (Redis, later) is not a refusal: the caller hears it as it is.
        if (!(error instanceof RateLimiterRes)) throw error;
        refusal = error;
      }
      const waitMs = Math.max(1, refusal.msBeforeNext);
      const resetAt = Date.now() + waitMs;
      if (on.holder) on.meter?.recordBudget(this.provider, { limit, remaining: 0, resetAt, windowMs });
      if (on.deadlineAt !== undefined && Date.now() + waitMs >= on.deadlineAt) throw this.refused(own, on.holder, limiter.points, waitMs);
      const waited = await sleep(waitMs, on.signal, this.closing.signal);
      if (waited === "closed") throw this.closing.signal.reason;
      if (waited === "aborted") {
        const signal = on.signal as AbortSignal;
        // The deadline ended the wait: the caller hears why it was waiting; a client that left, that it left.
        if (!abortedByDeadline(signal)) throw cutOff(signal, "waiting for rate budget");
        throw this.refused(own, on.holder, limiter.points, Math.max(1, resetAt - Date.now()));
      }
    }
  }

  private refused(own: boolean, who: BudgetHolder | undefined, limit: number, retryAfterMs: number): UpstreamError {
    const windows = this.windows as BudgetWindows;
    const retry = `retry in ${Math.ceil(retryAfterMs / 1000)} s`;
    const message =
      own && who
        ? `provider ${this.provider}: ${who.name} has spent its share of the rate budget (${limit} of ${windows.calls} calls per ${windows.windowMs} ms); ${retry}`
        : `provider ${this.provider}: the rate budget (${windows.calls} calls per ${windows.windowMs} ms) is spent until after the request's deadline; ${retry}`;
    return new UpstreamError("PROVIDER_RATE_LIMITED", this.provider, message, undefined, retryAfterMs);
  }

  /**
   * Runs `call` in a slot of the holder's concurrency share (when it has one)
   * and of the provider's cap. A wait in either queue ends with the request.
   */
  private async queued<T>(on: BudgetCall, own: BulkheadPolicy | undefined, cutOff: CutOff, call: () => Promise<T>): Promise<T> {
    const signal = on.signal;
    let queued = true;
    const inner = () => {
      queued = false;
      return call();
    };
    const run = own ? own.execute(() => this.slots.execute(inner, signal), signal) : this.slots.execute(inner, signal);
    if (!signal) return run;
    // A bulkhead only looks at the signal when a call leaves its queue; the caller must not wait that long.
    // Past the queues, the budget wait and the call end on the signal themselves, with their own errors.
    run.catch(() => {});
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (queued) reject(cutOff(signal, "waiting for a free connection"));
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
}

/** Waits `ms`; answers early when the request's signal or the budget's closing aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined, closing: AbortSignal): Promise<"waited" | "aborted" | "closed"> {
  if (closing.aborted) return Promise.resolve("closed");
  if (signal?.aborted) return Promise.resolve("aborted");
  return new Promise((resolve) => {
    const end = (outcome: "waited" | "aborted" | "closed") => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      closing.removeEventListener("abort", onClose);
      resolve(outcome);
    };
    const onAbort = () => end("aborted");
    const onClose = () => end("closed");
    const timer = setTimeout(end, ms, "waited");
    signal?.addEventListener("abort", onAbort, { once: true });
    closing.addEventListener("abort", onClose, { once: true });
  });
}
