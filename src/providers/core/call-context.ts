/**
 * What a connector needs from the request it serves: a meter for the
 * `extensions.upstream` figures and a signal that ends work when the client goes.
 */

/** Per-provider figures of one operation. */
export interface UpstreamProviderFigures {
  calls: number;
  ms: number;
  cached: number;
}

/** Counts upstream calls of one GraphQL operation. */
export class UpstreamMeter {
  calls = 0;
  cached = 0;
  readonly providers: Record<string, UpstreamProviderFigures> = {};

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

  private figures(provider: string): UpstreamProviderFigures {
    let figures = this.providers[provider];
    if (!figures) {
      figures = { calls: 0, ms: 0, cached: 0 };
      this.providers[provider] = figures;
    }
    return figures;
  }

  /** The public `extensions.upstream` shape. */
  toJSON(): { calls: number; cached: number; providers: Record<string, UpstreamProviderFigures> } {
    const providers: Record<string, UpstreamProviderFigures> = {};
    for (const [id, f] of Object.entries(this.providers)) providers[id] = { calls: f.calls, ms: Math.round(f.ms), cached: f.cached };
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
}

/** Whether a call's request has ended, without making a lazily made signal. */
export function callEnded(call: CallContext): boolean {
  return call.ended ?? call.signal?.aborted ?? false;
}

/** A context for calls outside any GraphQL request (start-up checks, tests). */
export function standaloneCall(): CallContext {
  return { meter: new UpstreamMeter() };
}
