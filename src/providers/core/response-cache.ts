/**
 * A short-TTL cache of upstream GET answers, shared by every request (and, with
 * Redis, by every replica), plus single-flight of identical concurrent GETs.
 *
 * Entries are namespaced by a per-provider generation that writes bump, so a
 * write invalidates every cached answer of that provider at once, on every
 * replica. A store that fails or is slow counts as a miss: the cache can make
 * ordergraph faster, never unavailable.
 */
import { createHash } from "node:crypto";
import { Keyv } from "keyv";

/** What is cached of an answer. */
export interface CachedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A store shared by every provider's client. */
export class ResponseCache {
  private readonly store: Keyv;
  private readonly timeoutMs: number;
  /** Counters for metrics and tests. */
  readonly stats = { hits: 0, misses: 0, errors: 0 };

  constructor(store: Keyv, options: { timeoutMs?: number } = {}) {
    this.store = store;
    this.timeoutMs = options.timeoutMs ?? 100;
    this.store.on("error", () => {
      this.stats.errors += 1;
    });
  }

  /** An in-process cache (the default). */
  static memory(): ResponseCache {
    return new ResponseCache(new Keyv({ namespace: "ordergraph" }));
  }

  /** A cache in Redis, shared by replicas (the Redis client is loaded only then). */
  static async redis(url: string): Promise<ResponseCache> {
    const { createKeyvNonBlocking } = await import("@keyv/redis");
    const store = createKeyvNonBlocking(url, { namespace: "ordergraph" });
    return new ResponseCache(store);
  }

  private async guarded<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        operation(),
        new Promise<T>((resolve) => {
          timer = setTimeout(() => {
            this.stats.errors += 1;
            resolve(fallback);
          }, this.timeoutMs);
        }),
      ]);
    } catch {
      this.stats.errors += 1;
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  private async generation(provider: string): Promise<string> {
    return (await this.guarded(() => this.store.get<string>(`gen:${provider}`), undefined)) ?? "0";
  }

  /** The cache key of a request: hashed, so no credential is stored in key text. */
  async keyFor(provider: string, request: string): Promise<string> {
    const digest = createHash("sha256").update(request).digest("base64url");
    return `res:${provider}:${await this.generation(provider)}:${digest}`;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const found = await this.guarded(() => this.store.get<CachedAnswer>(key), undefined);
    if (found) this.stats.hits += 1;
    else this.stats.misses += 1;
    return found;
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    await this.guarded(() => this.store.set(key, answer, ttlMs), false);
  }

  /** Drops every cached answer of a provider (after a write). */
  async invalidate(provider: string): Promise<void> {
    await this.guarded(() => this.store.set(`gen:${provider}`, `${Date.now()}-${Math.random().toString(36).slice(2)}`), false);
  }

  async close(): Promise<void> {
    await this.guarded(() => this.store.disconnect(), undefined);
  }
}
