/**
 * The HTTP client every connector uses: one undici keep-alive pool per
 * provider, the provider's upstream policy (retries, breaker, concurrency cap,
 * rate budget and each client's share of them, deadline; see upstream-policy.ts
 * and provider-budget.ts), a per-call timeout, call
 * metering, and redaction of secrets from anything that could be logged or shown.
 *
 * Connectors see every answered status except 429 and 5xx: those the client
 * retries itself (idempotent requests) and, when it gives up, throws as
 * PROVIDER_RATE_LIMITED (429) or PROVIDER_UNAVAILABLE (5xx).
 */
import { Pool } from "undici";
import type { ProviderBaseConfig } from "../../config/config.schema.ts";
import { AttemptCutOff } from "./attempt-cut-off.ts";
import { type CallContext, callEnded } from "./call-context.ts";
import { JsonStreamDecoder } from "./json-stream.ts";
import type { ConnectorServices } from "./provider-definition.ts";
import type { ResponseCache } from "./response-cache.ts";
import { UpstreamError } from "./upstream-error.ts";
import type { UpstreamObserver } from "./upstream-events.ts";
import {
  abortedByDeadline,
  DEFAULT_RESILIENCE,
  markFailure,
  parseRetryAfter,
  type ResilienceSettings,
  UpstreamPolicy,
} from "./upstream-policy.ts";

/** Options of one provider's client. */
export interface HttpClientOptions {
  /** Provider id, for metering and error messages. */
  provider: string;
  /** Base URL; its path is prefixed to every request path. */
  baseUrl: string;
  /** Time allowed for one call, headers and body together. */
  timeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections?: number;
  /** Query parameter names whose values are secret (redacted from every text). */
  secretQueryParams?: readonly string[];
  /** Literal secret values (keys, passwords) to redact wherever they appear. */
  secrets?: readonly string[];
  /** Largest body accepted, in bytes (default: `resilience.maxBodyBytes`). */
  maxBodyBytes?: number;
  /** Retries, breaker, concurrency cap, rate budget and client shares (default: the config's defaults). */
  resilience?: ResilienceSettings | undefined;
  /** The shared answer cache and this provider's TTL (0 = no caching, single-flight only). */
  cache?: { store: ResponseCache; ttlMs: number } | undefined;
  /** Told of every call (logs, metrics, traces). */
  observer?: UpstreamObserver | undefined;
}

/** The client options every connector takes from its config entry and the shared services. */
export function baseHttpOptions(
  config: ProviderBaseConfig,
  services: ConnectorServices,
): Pick<HttpClientOptions, "provider" | "baseUrl" | "timeoutMs" | "connections" | "cache" | "observer" | "resilience" | "maxBodyBytes"> {
  return {
    provider: config.id,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    connections: config.connections,
    resilience: config.resilience,
    maxBodyBytes: config.resilience?.maxBodyBytes,
    // Cache keys digest the whole request, credentials included: a renewed token never
    // reads another session's answers, and no credential is stored in clear.
    cache: services.cache && { store: services.cache, ttlMs: config.cacheTtlMs },
    observer: services.observer,
  };
}

/** One upstream request. */
export interface UpstreamRequest {
  method?: "GET" | "PUT" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: URLSearchParams | Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /**
   * A non-GET that may be retried like a read because repeating it changes
   * nothing (e.g. a login). GETs are always retried; writes never are.
   */
  idempotent?: boolean;
  /**
   * Keep the rows of a 2xx answer (the members of a top-level array, or of an
   * array member of a top-level object) as their JSON texts, unparsed, for
   * the connector to parse one at a time with `parseRowText` (json-stream.ts): a large
   * answer then never holds all its rows parsed at once (see json-stream.ts), and a
   * sparse list read (`ListRequest.sparse`) parses only the rows it uses.
   */
  rowsAsText?: boolean;
}

/** A parsed upstream answer. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; undefined when the body was empty. */
  body: unknown;
}

const REDACTED = "[REDACTED]";

/** A GET in flight: its answer, and the call of the request that sent it. */
interface SharedGet {
  answer: Promise<UpstreamResponse>;
  call: CallContext;
}

/** A keep-alive HTTP client bound to one provider. */
export class ProviderHttpClient {
  readonly provider: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly options: HttpClientOptions;
  private readonly policy: UpstreamPolicy;
  private readonly maxBodyBytes: number;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.provider = options.provider;
    const resilience = options.resilience ?? DEFAULT_RESILIENCE;
    this.maxBodyBytes = options.maxBodyBytes ?? resilience.maxBodyBytes;
    this.policy = new UpstreamPolicy({ provider: options.provider, resilience, observer: options.observer });
    const base = new URL(options.baseUrl);
    this.basePath = base.pathname.replace(/\/+$/, "");
    this.pool = new Pool(base.origin, { connections: options.connections ?? 16, keepAliveTimeout: 10_000, pipelining: 1 });
    this.secretParamPatterns = (options.secretQueryParams ?? []).map(
      (name) => new RegExp(`([?&]${name.replace(/[[\]]/g, "\\$&")}=)[^&#\\s"']*`, "gi"),
    );
  }

  /** One pattern per secret query parameter (global: `replace` starts each from the beginning). */
  private readonly secretParamPatterns: RegExp[];

  /** Removes secret values and secret query parameters from a text. */
  redact(text: string): string {
    let out = text;
    for (const pattern of this.secretParamPatterns) out = out.replace(pattern, `$1${REDACTED}`);
    for (const secret of this.options.secrets ?? []) {
      if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** GETs in flight, with the call of the request that sent each (a joiner must not inherit its end). */
  private readonly inFlight = new Map<string, SharedGet>();

  /** The provider's circuit breaker state. */
  get breakerState(): "closed" | "open" | "half-open" {
    return this.policy.breakerState;
  }

  /**
   * Sends a request under the provider's policy and parses the JSON answer.
   * Statuses below 500 other than 429 are returned; 429, 5xx, network
   * faults, timeouts and unreadable bodies throw an UpstreamError. GETs are
   * shared with identical concurrent GETs and served from the cache when one
   * is configured (neither spends budget); other methods invalidate the cache.
   */
  async request(call: CallContext, request: UpstreamRequest): Promise<UpstreamResponse> {
    const method = request.method ?? "GET";
    if (method !== "GET") {
      try {
        return await this.send(call, request);
      } finally {
        await this.options.cache?.store.invalidate(this.provider);
      }
    }
    const identity = `${this.basePath}${request.path}${queryString(request.query)}\n${JSON.stringify(Object.entries(request.headers ?? {}).sort())}${request.rowsAsText ? "\nrows as text" : ""}`;
    const shared = this.inFlight.get(identity);
    // A call whose request has answered is bounded by no deadline any more: not joined.
    if (shared && !shared.call.answered) {
      call.meter.recordCached(this.provider);
      return this.join(call, request, identity, shared);
    }
    const pending = this.cachedOrSent(call, request, identity);
    const entry: SharedGet = { answer: pending, call };
    this.inFlight.set(identity, entry);
    try {
      return await pending;
    } finally {
      if (this.inFlight.get(identity) === entry) this.inFlight.delete(identity);
    }
  }

  /**
   * Answers with an identical GET another request sent, one whose request is
   * still waiting for it (so that request's deadline bounds it). When that
   * deadline or the other client ends the call, this one still has time of its
   * own (every request has the same deadline, and this one came later), so it
   * asks again itself. A `.catch` rather than an async function: joining is
   * what most concurrent requests do, and it should cost one promise.
   */
  private join(call: CallContext, request: UpstreamRequest, identity: string, shared: SharedGet): Promise<UpstreamResponse> {
    return shared.answer.catch((error: unknown) => {
      if (!callEnded(shared.call) || callEnded(call)) throw error;
      // Never join the ended call again, whichever of the two sees its end first.
      if (this.inFlight.get(identity) === shared) this.inFlight.delete(identity);
      return this.request(call, request);
    });
  }

  private async cachedOrSent(call: CallContext, request: UpstreamRequest, identity: string): Promise<UpstreamResponse> {
    const cache = this.options.cache;
    if (!cache || cache.ttlMs <= 0) return this.send(call, request);
    const key = await cache.store.keyFor(this.provider, identity);
    const hit = await cache.store.get(key);
    this.options.observer?.cache?.({ provider: this.provider, hit: hit !== undefined && hit !== null });
    if (hit) {
      call.meter.recordCached(this.provider);
      return hit;
    }
    const response = await this.send(call, request);
    if (response.status === 200) await cache.store.set(key, response, cache.ttlMs);
    return response;
  }

  /** One request under the policy: each attempt is one HTTP call. */
  private send(call: CallContext, request: UpstreamRequest): Promise<UpstreamResponse> {
    const method = request.method ?? "GET";
    return this.policy.execute(call, () => this.attempt(call, request), { retry: method === "GET" || request.idempotent === true });
  }

  /** One HTTP call: metered, observed, cut off by its own timeout and by the request's signal. */
  private async attempt(call: CallContext, request: UpstreamRequest): Promise<UpstreamResponse> {
    const path = this.basePath + request.path + queryString(request.query);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers["content-type"] = "application/json";
    }
    const cutOff = new AttemptCutOff(this.options.timeoutMs, call.signal);
    const started = performance.now();
    let status: number | null = null;
    let errorCode: string | undefined;
    try {
      const response = await this.pool.request({ method: request.method ?? "GET", path, headers, body, signal: cutOff.signal });
      status = response.statusCode;
      if (status === 429 || status >= 500) {
        // The body of a failure is never shown; drain a little of it so the connection can be reused.
        await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
        throw this.statusFailure(status, response.headers);
      }
      const parsed = await readJson(
        response.body,
        status,
        headerValue(response.headers, "content-length"),
        this.maxBodyBytes,
        this.provider,
        request.rowsAsText === true,
      );
      return { status: response.statusCode, headers: response.headers, body: parsed };
    } catch (error) {
      const translated = this.translate(error, cutOff.timedOut, call.signal);
      errorCode = translated.code;
      throw translated;
    } finally {
      cutOff.release();
      const durationMs = performance.now() - started;
      call.meter.recordCall(this.provider, durationMs);
      this.options.observer?.call?.({
        provider: this.provider,
        method: request.method ?? "GET",
        route: this.redact(this.basePath + request.path),
        status,
        durationMs,
        errorCode,
        requestId: call.requestId,
      });
    }
  }

  /** A 429 or 5xx answer as an error the policy may retry. */
  private statusFailure(status: number, headers: UpstreamResponse["headers"]): UpstreamError {
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headerValue(headers, "retry-after"));
      const wait = retryAfterMs === undefined ? "" : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`;
      return markFailure(
        new UpstreamError(
          "PROVIDER_RATE_LIMITED",
          this.provider,
          `provider ${this.provider} is rate limiting ordergraph (HTTP 429${wait})`,
          429,
          retryAfterMs,
        ),
        { retryable: true, providerDown: false, retryAfterMs },
      );
    }
    return markFailure(
      new UpstreamError(
        "PROVIDER_UNAVAILABLE",
        this.provider,
        `provider ${this.provider} answered HTTP ${status} (a server error)`,
        status,
      ),
      { retryable: true, providerDown: true },
    );
  }

  private translate(error: unknown, timedOut: boolean, request: AbortSignal | undefined): UpstreamError {
    if (error instanceof UpstreamError) return error;
    if (request?.aborted) {
      // The request's deadline or its client ended the call: nothing is left to retry for.
      return abortedByDeadline(request)
        ? new UpstreamError("PROVIDER_TIMEOUT", this.provider, `provider ${this.provider} did not answer before the request's deadline`)
        : new UpstreamError("PROVIDER_UNAVAILABLE", this.provider, `provider ${this.provider}: the call was cancelled with its request`);
    }
    if (timedOut) {
      return markFailure(
        new UpstreamError(
          "PROVIDER_TIMEOUT",
          this.provider,
          `provider ${this.provider} did not answer within ${this.options.timeoutMs} ms`,
        ),
        { retryable: true, providerDown: true },
      );
    }
    const code = (error as { code?: string }).code ?? "";
    const detail = this.redact(code || (error instanceof Error ? error.name : "error"));
    return markFailure(
      new UpstreamError("PROVIDER_UNAVAILABLE", this.provider, `provider ${this.provider} could not be reached (${detail})`),
      { retryable: true, providerDown: true },
    );
  }

  async close(): Promise<void> {
    this.policy.close();
    await this.pool.close();
  }
}

/**
 * Bodies of at least this many bytes (or of unknown length) are parsed as they
 * arrive; smaller ones are read whole and parsed at once, which costs less CPU.
 */
const STREAM_FROM_BYTES = 512 * 1024;

/**
 * Reads and parses a JSON body under the size limit: undefined when it is
 * empty, or when an error status (4xx) came with a body that is not JSON.
 */
async function readJson(
  body: AsyncIterable<Buffer>,
  status: number,
  contentLength: string | undefined,
  limit: number,
  provider: string,
  rowsAsText: boolean,
): Promise<unknown> {
  const tooLarge = () =>
    new UpstreamError("UPSTREAM_INVALID_RESPONSE", provider, `provider ${provider} answered a body larger than ${limit} bytes`);
  const notJson = () => bodyNotJson(provider, status);
  const length = contentLength === undefined ? Number.NaN : Number(contentLength);
  // A large answer is never held whole as bytes, text and values at once (see json-stream.ts).
  const decoder = status < 400 && (rowsAsText || !(length < STREAM_FROM_BYTES)) ? new JsonStreamDecoder({ rowsAsText }) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      if (decoder) decoder.write(chunk);
      else chunks.push(chunk);
    }
    if (decoder) return decoder.end();
  } catch (error) {
    throw error instanceof SyntaxError ? notJson() : error;
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    if (status < 400) throw notJson();
    return undefined;
  }
}

function queryString(query: UpstreamRequest["query"]): string {
  if (!query) return "";
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The error of a body that is not JSON (also of a row kept as text, `rowsAsText`, found so when parsed). */
export function bodyNotJson(provider: string, status: number): UpstreamError {
  return new UpstreamError("UPSTREAM_INVALID_RESPONSE", provider, `provider ${provider} answered a body that is not JSON`, status);
}

/** Reads a header as one string. */
export function headerValue(headers: UpstreamResponse["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
