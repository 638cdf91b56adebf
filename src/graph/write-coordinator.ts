/**
 * Server-wide state of writes: idempotency records and a lock per order, so
 * that each write and the read that follows it are not interleaved with
 * another write of the same order in this process.
 */

/** One remembered idempotent result. */
interface IdempotencyRecord<T> {
  fingerprint: string;
  result: Promise<T>;
  expires: number;
}

/** Idempotency and per-order serialisation of writes. */
export class WriteCoordinator {
  private readonly records = new Map<string, IdempotencyRecord<unknown>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly maxRecords: number;

  constructor(options: { ttlMs?: number; maxRecords?: number } = {}) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.maxRecords = options.maxRecords ?? 10_000;
  }

  /**
   * Runs `task` once per key: a repeat with the same fingerprint gets the first
   * result (also while the first is still running); a repeat with another
   * fingerprint is refused with `conflict`.
   */
  async once<T>(key: string, fingerprint: string, task: () => Promise<T>): Promise<{ result: T; replayed: boolean } | { conflict: true }> {
    const now = Date.now();
    const found = this.records.get(key);
    if (found && found.expires > now) {
      if (found.fingerprint !== fingerprint) return { conflict: true };
      return { result: (await found.result) as T, replayed: true };
    }
    const result = task();
    this.records.set(key, { fingerprint, result, expires: now + this.ttlMs });
    this.prune(now);
    try {
      return { result: await result, replayed: false };
    } catch (error) {
      // A failed write may or may not have reached the provider; forgetting it lets the client decide to try again.
      this.records.delete(key);
      throw error;
    }
  }

  /** Runs `task` after every earlier task of the same key has finished. */
  async serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private prune(now: number): void {
    if (this.records.size <= this.maxRecords) return;
    for (const [key, record] of this.records) {
      if (record.expires <= now || this.records.size > this.maxRecords) this.records.delete(key);
      if (this.records.size <= this.maxRecords) break;
    }
  }
}
