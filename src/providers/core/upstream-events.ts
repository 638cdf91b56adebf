/**
 * Events of the upstream HTTP clients, for logs, metrics and traces. The
 * clients emit them; whoever watches (the server's logger, the Prometheus
 * registry, a tracer) subscribes through `ConnectorServices.observer`.
 *
 * Events never carry secrets: `route` is the request path without its query
 * string, already redacted, and no header or body is included.
 */

/** One finished upstream HTTP call (each retry attempt is its own call). */
export interface UpstreamCallEvent {
  provider: string;
  method: string;
  /** The request path without the query string, redacted. */
  route: string;
  /** The HTTP status, or null when no answer came (timeout, reset). */
  status: number | null;
  durationMs: number;
  /** The error code when the call failed (PROVIDER_TIMEOUT, PROVIDER_UNAVAILABLE, ...). */
  errorCode?: string | undefined;
  /** The request id of the GraphQL request the call served, when there is one. */
  requestId?: string | undefined;
}

/** Watches the upstream clients; every method is optional and must not throw. */
export interface UpstreamObserver {
  /** A call ended (answered or failed). */
  call?(event: UpstreamCallEvent): void;
  /** A read is retried after a failure. */
  retry?(event: { provider: string; attempt: number; delayMs: number; reason: string; requestId?: string | undefined }): void;
  /** A provider's circuit breaker changed state. */
  breaker?(event: { provider: string; state: "closed" | "open" | "half-open" }): void;
  /** A GET was answered from the shared cache (hit) or had to be sent (miss). */
  cache?(event: { provider: string; hit: boolean }): void;
}

/**
 * One observer that forwards to many, which can be added after the connectors
 * were built (the server adds its logger and metrics when it starts). A failing
 * observer never breaks a call.
 */
export class ObserverHub implements UpstreamObserver {
  private readonly observers: UpstreamObserver[] = [];

  /** Adds an observer; returns how to remove it. */
  add(observer: UpstreamObserver): () => void {
    this.observers.push(observer);
    return () => {
      const at = this.observers.indexOf(observer);
      if (at >= 0) this.observers.splice(at, 1);
    };
  }

  private emit<K extends keyof UpstreamObserver>(name: K, event: Parameters<NonNullable<UpstreamObserver[K]>>[0]): void {
    for (const observer of this.observers) {
      try {
        (observer[name] as ((e: typeof event) => void) | undefined)?.(event);
      } catch {
        // Observability must never fail a request.
      }
    }
  }

  call(event: UpstreamCallEvent): void {
    this.emit("call", event);
  }

  retry(event: Parameters<NonNullable<UpstreamObserver["retry"]>>[0]): void {
    this.emit("retry", event);
  }

  breaker(event: Parameters<NonNullable<UpstreamObserver["breaker"]>>[0]): void {
    this.emit("breaker", event);
  }

  cache(event: Parameters<NonNullable<UpstreamObserver["cache"]>>[0]): void {
    this.emit("cache", event);
  }
}
