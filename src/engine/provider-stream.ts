/**
 * One provider's side of a merged query: its filtered, sorted sequence read in
 * windows. In native mode the provider filters what it can and sorts, and
 * positions are offsets in its native sequence; in full-read mode (a sort the
 * provider cannot do) the whole filtered set is read once, bounded, and sorted here.
 */
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, ListResult, OrderFilter, QueryPlan, SortKey } from "../providers/core/connector.ts";
import type { LazyRows } from "../providers/core/lazy-rows.ts";
import { isEmptyFilter, matchesFilter } from "../providers/core/match-filter.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { orderComparator } from "../providers/core/order-compare.ts";
import { queryFingerprint } from "./cursor.ts";
import { NotSupportedError, ScanLimitError } from "./engine-errors.ts";

/** A matching row and its position in the provider's sequence. */
export interface Candidate {
  record: OrderRecord;
  index: number;
}

/**
 * A window of a provider's rows from position `from` on, for a merge that
 * decodes only the rows it reaches: malformed rows are among them, to be
 * skipped (and reported) when reached.
 */
export interface LazyForward {
  rows: LazyRows;
  from: number;
  /** True when no row exists past these. */
  ended: boolean;
}

/** A window's rows, cut to the `limit` asked for (a connector may answer more). */
function cutToLimit<T extends { readonly length: number; slice(from: number, to: number): T }>(rows: T, limit: number): T {
  return rows.length > limit ? rows.slice(0, limit) : rows;
}

/** Limits a stream works within. */
export interface StreamLimits {
  /** Most rows read for one page (or one count) before giving up. */
  scanLimit: number;
  /** How long a full read (for a sort the provider cannot do) is reused by later requests; 0 = not at all. */
  fullReadTtlMs?: number;
}

/** A cursor position meaning "the end of the sequence", for a provider whose length is not known. */
export const END_OF_SEQUENCE = Number.MAX_SAFE_INTEGER;

/** Full reads kept briefly, per connector (so per server), by native filter, residual and sort. */
const fullReadCache = new WeakMap<Connector, Map<string, { expires: number; rows: Promise<OrderRecord[] | null>; problems: Error[] }>>();

/** Most full reads kept per connector; the oldest goes first. */
const MAX_FULL_READS = 64;

/** Forgets a provider's cached full reads (after a write through ordergraph). */
export function invalidateFullReads(connector: Connector): void {
  fullReadCache.delete(connector);
}

/** Reads one provider's part of a query. */
export class ProviderStream {
  readonly connector: Connector;
  readonly plan: QueryPlan;
  private readonly sort: readonly SortKey[];
  private readonly call: CallContext;
  private readonly limits: StreamLimits;
  private readonly fullRead: boolean;
  private fullRows: Promise<OrderRecord[] | null> | undefined;
  /** The native total seen on any read of this query, when the provider counts. */
  private nativeTotal: number | null = null;
  /** Errors of malformed rows met while reading (each row is left out and reported once). */
  readonly problems: Error[] = [];
  /** The window a lazy read fetched, kept for an eager read of the same window (see `forwardLazy`). */
  private kept: { offset: number; limit: number; result: Promise<ListResult> } | undefined;

  constructor(connector: Connector, filter: OrderFilter, sort: readonly SortKey[], call: CallContext, limits: StreamLimits, empty = false) {
    this.connector = connector;
    this.sort = sort;
    this.call = call;
    this.limits = limits;
    const first = sort[0] as SortKey;
    for (const key of sort) {
      const capability = connector.capabilities.sorts.find((s) => s.field === key.field);
      if (!capability?.supported) {
        throw new NotSupportedError(`provider ${connector.id} has no ${key.field} to sort by`, connector.id);
      }
    }
    const plan = connector.plan(filter, first);
    // Only providers that store vendor references can have an order with one.
    const noReferences =
      filter.vendorReference !== undefined && !connector.capabilities.filters.some((f) => f.field === "VENDOR_REFERENCE" && f.native);
    this.plan = empty || noReferences ? { ...plan, empty: true } : plan;
    // Only the first key can be native; more keys are sorted here over a bounded full read.
    this.fullRead = !this.plan.sortNative || sort.length > 1;
  }

  private get exactNative(): boolean {
    return isEmptyFilter(this.plan.residual);
  }

  /** Whether the whole filtered set is read and sorted here (a sort the provider cannot do). */
  get isFullRead(): boolean {
    return this.fullRead;
  }

  /** Whether the provider applies the whole filter itself (every native row matches). */
  get isExact(): boolean {
    return this.exactNative;
  }

  /**
   * One window of the sequence from position `from`: its matches, where the
   * next window starts, and whether the sequence ended. For readers that
   * distribute rows themselves (the per-customer batches).
   */
  async window(from: number, size: number): Promise<{ items: Candidate[]; next: number; ended: boolean }> {
    if (this.plan.empty) return { items: [], next: from, ended: true };
    if (this.fullRead) {
      const rows = await this.allOrFail();
      const slice = rows.slice(from, from + size);
      return {
        items: slice.map((record, i) => ({ record, index: from + i })),
        next: from + slice.length,
        ended: from + size >= rows.length,
      };
    }
    const rows = await this.readWindow(from, size);
    const items: Candidate[] = [];
    rows.forEach((record, i) => {
      if (matchesFilter(record, this.plan.residual)) items.push({ record, index: from + i });
    });
    const next = from + rows.length;
    return { items, next, ended: this.endsWith(rows.length, size, next) };
  }

  private async fetchWindow(offset: number, limit: number, sparse = false): Promise<ListResult> {
    const kept = this.kept;
    if (kept && kept.offset === offset && kept.limit === limit) {
      this.kept = undefined;
      return kept.result;
    }
    const result = await this.connector.list(
      { filter: this.plan.native, sort: this.plan.sortNative ? (this.sort[0] as SortKey) : null, offset, limit, sparse },
      this.call,
    );
    if (result.total !== null) this.nativeTotal = result.total;
    return result;
  }

  private async readWindow(offset: number, limit: number): Promise<OrderRecord[]> {
    const result = await this.fetchWindow(offset, limit);
    this.noteMalformed(result.rows);
    return cutToLimit(result.rows, limit);
  }

  /** Whether a window read of `read` rows (of `asked`), ending at position `next`, reached the sequence's end. */
  private endsWith(read: number, asked: number, next: number): boolean {
    return read < asked || (this.nativeTotal !== null && next >= this.nativeTotal);
  }

  private noteMalformed(rows: readonly OrderRecord[]): void {
    for (const row of rows) this.reportMalformed(row);
  }

  /** Notes a row that failed validation (once per order); other rows are ignored. */
  reportMalformed(row: OrderRecord): void {
    if (row.malformed && !this.problems.some((p) => p.message === row.malformed?.message)) this.problems.push(row.malformed);
  }

  /**
   * The window `forward(from, need)` reads first, its rows decoded only when
   * a merge reaches them; null where that gains nothing or cannot hold (a
   * full read, a residual filter, a connector without lazy rows): use
   * `forward`. A merge that runs out of valid rows here before the end (some
   * were malformed) falls back to `forward`, which reuses this window.
   * `sparse`: the merge is of several providers, so it will likely read only
   * some of the window (`ListRequest.sparse`).
   */
  async forwardLazy(from: number, need: number, sparse: boolean): Promise<LazyForward | null> {
    if (this.plan.empty || this.fullRead || !this.exactNative) return null;
    const limit = need + 1;
    const pending = this.fetchWindow(from, limit, sparse);
    this.kept = { offset: from, limit, result: pending };
    const result = await pending;
    const lazy = result.lazy;
    if (!lazy) return null;
    const rows = cutToLimit(lazy, limit);
    return { rows, from, ended: this.endsWith(rows.length, limit, from + rows.length) };
  }

  /** Reads and sorts the whole filtered set (or reuses a recent read); null when it exceeds the scan limit. */
  private readAll(): Promise<OrderRecord[] | null> {
    this.fullRows ??= this.sharedFullRead();
    return this.fullRows;
  }

  private sharedFullRead(): Promise<OrderRecord[] | null> {
    const ttl = this.limits.fullReadTtlMs ?? 0;
    if (ttl <= 0) return this.fetchAll();
    let entries = fullReadCache.get(this.connector);
    if (!entries) {
      entries = new Map();
      fullReadCache.set(this.connector, entries);
    }
    const key = queryFingerprint({ native: this.plan.native, residual: this.plan.residual, sort: this.sort, scan: this.limits.scanLimit });
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && hit.expires > now) {
      this.call.meter.recordCached(this.connector.id);
      // The kept read's malformed rows are reported again: each answer tells what it lacks.
      return hit.rows.then((rows) => {
        this.noteMalformed(hit.problems.map((malformed) => ({ malformed }) as OrderRecord));
        return rows;
      });
    }
    const rows = this.fetchAll();
    entries.delete(key);
    entries.set(key, { expires: now + ttl, rows, problems: this.problems });
    for (const oldest of entries.keys()) {
      if (entries.size <= MAX_FULL_READS) break;
      entries.delete(oldest);
    }
    // A failed read is not kept: the next request tries again.
    rows.catch(() => {
      if (entries.get(key)?.rows === rows) entries.delete(key);
    });
    return rows;
  }

  private fetchAll(): Promise<OrderRecord[] | null> {
    return (async () => {
      const rows: OrderRecord[] = [];
      const chunk = this.connector.maxPageSize;
      for (let offset = 0; ; offset += chunk) {
        const result = await this.connector.list({ filter: this.plan.native, sort: null, offset, limit: chunk }, this.call);
        this.noteMalformed(result.rows);
        for (const row of result.rows) if (matchesFilter(row, this.plan.residual)) rows.push(row);
        if (result.end || result.rows.length < chunk) break;
        if (offset + chunk >= this.limits.scanLimit) return null;
      }
      return rows.sort(orderComparator(this.sort));
    })();
  }

  private async allOrFail(): Promise<OrderRecord[]> {
    const rows = await this.readAll();
    if (rows === null) {
      throw new ScanLimitError(
        `provider ${this.connector.id} cannot sort by ${this.sort.map((s) => s.field).join(", ")} natively and has more than ${this.limits.scanLimit} orders for this filter; narrow the filter`,
        this.connector.id,
      );
    }
    return rows;
  }

  /** Up to `need` matches from position `from` on; `exhausted` when none remain after them. */
  async forward(from: number, need: number): Promise<{ items: Candidate[]; exhausted: boolean }> {
    if (this.plan.empty) return { items: [], exhausted: true };
    if (this.fullRead) {
      const rows = await this.allOrFail();
      const items = rows.slice(from, from + need).map((record, i) => ({ record, index: from + i }));
      return { items, exhausted: from + need >= rows.length };
    }
    const items: Candidate[] = [];
    let offset = from;
    let scanned = 0;
    for (;;) {
      const limit = this.exactNative ? need + 1 - items.length : this.connector.maxPageSize;
      const rows = await this.readWindow(offset, limit);
      let extra = false;
      rows.forEach((record, i) => {
        if (!matchesFilter(record, this.plan.residual)) return;
        if (items.length < need) items.push({ record, index: offset + i });
        else extra = true;
      });
      offset += rows.length;
      scanned += rows.length;
      const ended = this.endsWith(rows.length, limit, offset);
      if (extra) return { items, exhausted: false };
      if (ended) return { items, exhausted: true };
      // A full page whose successor is still unknown: say "more may follow" rather than scan on.
      if (items.length >= need && scanned >= this.limits.scanLimit) return { items, exhausted: false };
      if (scanned >= this.limits.scanLimit) {
        throw new ScanLimitError(
          `provider ${this.connector.id}: read ${scanned} orders without filling the page (filtered by ordergraph: ${Object.keys(this.plan.residual).join(", ")}); narrow the filter`,
          this.connector.id,
        );
      }
    }
  }

  /** The native length of the sequence (for `last` without `before`). */
  private async length(): Promise<number> {
    if (this.fullRead) return (await this.allOrFail()).length;
    if (this.nativeTotal !== null) return this.nativeTotal;
    if (this.connector.capabilities.count === "NATIVE") {
      await this.readWindow(0, 1);
      if (this.nativeTotal !== null) return this.nativeTotal;
    }
    // No count: walk to the end in the largest windows the provider allows.
    const chunk = this.connector.maxPageSize;
    for (let offset = 0; offset < this.limits.scanLimit; offset += chunk) {
      const rows = await this.readWindow(offset, chunk);
      if (rows.length < chunk) return offset + rows.length;
    }
    throw new ScanLimitError(
      `provider ${this.connector.id}: more than ${this.limits.scanLimit} orders to reach the last page; narrow the filter or page forward`,
      this.connector.id,
    );
  }

  /** Up to `need` matches before position `end` (exclusive; null = the end), in sequence order. */
  async backward(end: number | null, need: number): Promise<{ items: Candidate[]; exhausted: boolean }> {
    if (this.plan.empty) return { items: [], exhausted: true };
    // A resume position past the end (a provider that failed on a page read from the end) means the end.
    let windowEnd = end === null || end >= END_OF_SEQUENCE ? await this.length() : end;
    if (this.fullRead) {
      const rows = await this.allOrFail();
      const start = Math.max(0, windowEnd - need);
      return { items: rows.slice(start, windowEnd).map((record, i) => ({ record, index: start + i })), exhausted: start === 0 };
    }
    const items: Candidate[] = [];
    let scanned = 0;
    let extra = false;
    while (items.length < need && windowEnd > 0) {
      const size = this.exactNative ? need + 1 - items.length : this.connector.maxPageSize;
      const start = Math.max(0, windowEnd - size);
      const rows = await this.readWindow(start, windowEnd - start);
      const found: Candidate[] = [];
      rows.forEach((record, i) => {
        if (matchesFilter(record, this.plan.residual)) found.push({ record, index: start + i });
      });
      const wanted = need - items.length;
      if (found.length > wanted) extra = true;
      items.unshift(...found.slice(Math.max(0, found.length - wanted)));
      scanned += rows.length;
      windowEnd = start;
      if (items.length < need && scanned >= this.limits.scanLimit && windowEnd > 0) {
        throw new ScanLimitError(
          `provider ${this.connector.id}: read ${scanned} orders without filling the page; narrow the filter`,
          this.connector.id,
        );
      }
    }
    return { items, exhausted: windowEnd === 0 && !extra };
  }

  /** The number of matches: exact, or null when it cannot be known within the scan limit. */
  async count(): Promise<number | null> {
    if (this.plan.empty) return 0;
    if (this.fullRead) return (await this.readAll())?.length ?? null;
    if (this.exactNative && this.connector.capabilities.count === "NATIVE") {
      if (this.nativeTotal === null) await this.readWindow(0, 1);
      if (this.nativeTotal !== null) return this.nativeTotal;
    }
    let matches = 0;
    const chunk = this.connector.maxPageSize;
    for (let offset = 0; offset < this.limits.scanLimit; offset += chunk) {
      const rows = await this.readWindow(offset, chunk);
      for (const row of rows) if (matchesFilter(row, this.plan.residual)) matches += 1;
      if (rows.length < chunk) return matches;
    }
    return null;
  }
}
