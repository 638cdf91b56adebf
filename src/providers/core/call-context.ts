/**
 * What a connector needs from the request it serves: a meter for the
 * `extensions.upstream` figures, a signal that ends work when the client
 * goes, and who spends the providers' budgets.
 */
import type { BudgetHolder, BudgetStanding } from "./provider-budget.ts";

/** Per-provider figures of one operation. */
export interface UpstreamProviderFigures {
  calls: number;
  ms: number;
  cached: number;
}

/** What is left of the caller's share of a provider's rate budget, as `extensions.upstream` shows it. */
export interface UpstreamBudgetFigures {
  /** Calls the caller may start in each window. */
  limit: number;
  /** Calls it may still start in the current window. */
  remaining: number;
  /** Milliseconds until `remaining` next grows. */
  resetMs: number;
  /** The length of a window, in ms. */
  windowMs: number;
}

/** Counts upstream calls of one GraphQL operation. */
export class UpstreamMeter {
  calls = 0;
  cached = 0;
  readonly providers: Record<string, UpstreamProviderFigures> = {};
  /** The latest standing of the caller's share of each provider's rate budget that the operation spent from or was refused by. */
  private budgets: Map<string, BudgetStanding> | undefined;

  /** Records one real HTTP call to a provider. */
  recordCall(provider: string, ms: number): void {
    this.calls += 1;
    const figures = this.figures(provider);
    figures.calls += 1;
    figures.ms += ms;
  }

  /** Records an answer served from the cache instead of a call. */
  recordCached(provider: string): void {
    this.cached += 1;
    this.figures(provider).cached += 1;
  }

  /** Records what is left of the caller's share of a provider's rate budget (the latest take or refusal wins). */
  recordBudget(provider: string, standing: BudgetStanding): void {
    this.budgets ??= new Map();
    this.budgets.set(provider, standing);
    this.figures(provider);
  }

  private figures(provider: string): UpstreamProviderFigures {
    let figures = this.providers[provider];
    if (!figures) {
      figures = { calls: 0, ms: 0, cached: 0 };
      this.providers[provider] = figures;
    }
    return figures;
  }

  /** The public `extensions.upstream` shape (`budget` only for providers with a rate budget that the operation spent from). */
  toJSON(): {
    calls: number;
    cached: number;
    providers: Record<string, UpstreamProviderFigures & { budget?: UpstreamBudgetFigures }>;
  } {
    const providers: Record<string, UpstreamProviderFigures & { budget?: UpstreamBudgetFigures }> = {};
    const now = Date.now();
    for (const [id, f] of Object.entries(this.providers)) {
      const standing = this.budgets?.get(id);
      providers[id] = standing
        ? {
            calls: f.calls,
            ms: Math.round(f.ms),
            cached: f.cached,
            budget: {
              limit: standing.limit,
              // The window may have ended since: then all of it is there again.
              remaining: standing.resetAt <= now ? standing.limit : standing.remaining,
              resetMs: Math.max(0, Math.ceil(standing.resetAt - now)),
              windowMs: standing.windowMs,
            },
          }
        : { calls: f.calls, ms: Math.round(f.ms), cached: f.cached };
    }
    return { calls: this.calls, cached: this.cached, providers };
  }
}

/** The per-request context handed to connectors. */
export interface CallContext {
  meter: UpstreamMeter;
  signal?: AbortSignal;
  /**
   * Whether the request has ended (deadline passed, client gone), read without
   * making a lazily made signal; when absent, `signal.aborted` tells.
   */
  readonly ended?: boolean;
  /** Whether the request's answer has gone out (its deadline no longer bounds what it left running). */
  readonly answered?: boolean;
  /** The id of the GraphQL request, for logs and traces of upstream calls. */
  requestId?: string | undefined;
  /** When the request's deadline falls (epoch ms): a retry or wait that cannot end before it gives up at once. */
  deadlineAt?: number | undefined;
  /**
   * Who spends the providers' budgets (a client, or background work under a
   * name of its own): its share of each budget applies. Without one, only the
   * provider-wide budgets do (a login shared by every request, start-up checks).
   */
  holder?: BudgetHolder | undefined;
}

/** Why a deadline or timeout aborts a signal: what `AbortSignal.timeout` gives, which {@link abortedByDeadline} recognises. */
export function timeoutReason(): DOMException {
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}

/** Whether a signal was aborted by a deadline (AbortSignal.timeout) rather than by a client going away. */
export function abortedByDeadline(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (signal.reason as { name?: unknown } | undefined)?.name === "TimeoutError";
}

/** Whether a call's request has ended, without making a lazily made signal. */
export function callEnded(call: CallContext): boolean {
  return call.ended ?? call.signal?.aborted ?? false;
}

/**
 * A context for calls outside any GraphQL request: start-up checks, tests,
 * and background work, which passes a holder of its own to get its own share
 * of each provider's budgets.
 */
export function standaloneCall(holder?: BudgetHolder): CallContext {
  return holder ? { meter: new UpstreamMeter(), holder } : { meter: new UpstreamMeter() };
}
