/**
 * Full reads kept briefly: a sort a provider cannot do is served from one
 * bounded read of the whole filtered set, sorted here, and the pages after
 * the first (and other requests of the same query) reuse it for
 * `engine.fullReadTtlMs`. One cache per server, made with its connectors and
 * handed to the engine in its limits; a write through ordergraph tells it to
 * forget the provider's reads.
 */
import type { OrderRecord } from "../providers/core/model.ts";

/** A kept read: its rows (null past the scan limit) and the malformed rows it met. */
export interface KeptRead {
  rows: Promise<OrderRecord[] | null>;
  problems: Error[];
}

interface Entry extends KeptRead {
  expires: number;
}

/** Most full reads kept per provider; the oldest goes first. */
const MAX_READS_PER_PROVIDER = 64;

/** The full reads of one server's providers, each kept for a TTL. */
export class FullReadCache {
  private readonly ttlMs: number;
  private readonly byProvider = new Map<string, Map<string, Entry>>();

  /** `ttlMs`: how long a read is reused (0: never kept). */
  constructor(ttlMs: number) {
    this.ttlMs = ttlMs;
  }

  /**
   * The kept read of `key` at a provider while it is fresh (`hit` true), else
   * the read `load` starts, kept unless it fails. `problems` is the array the
   * new read reports its malformed rows into, kept with it.
   */
  read(provider: string, key: string, load: () => KeptRead): KeptRead & { hit: boolean } {
    if (this.ttlMs <= 0) return { ...load(), hit: false };
    let entries = this.byProvider.get(provider);
    if (!entries) {
      entries = new Map();
      this.byProvider.set(provider, entries);
    }
    const now = Date.now();
    const kept = entries.get(key);
    if (kept && kept.expires > now) return { rows: kept.rows, problems: kept.problems, hit: true };
    const fresh = load();
    const entry: Entry = { ...fresh, expires: now + this.ttlMs };
    entries.delete(key);
    entries.set(key, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_READS_PER_PROVIDER) break;
      entries.delete(oldest);
    }
    // A failed read is not kept: the next request tries again.
    const held = entries;
    fresh.rows.catch(() => {
      if (held.get(key) === entry) held.delete(key);
    });
    return { ...fresh, hit: false };
  }

  /** Forgets a provider's kept reads (after a write through ordergraph: the kept orders may have changed). */
  forget(provider: string): void {
    this.byProvider.delete(provider);
  }
}
