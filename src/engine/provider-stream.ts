/**
 * One provider's side of a merged query: its filtered, sorted sequence, read
 * from a position given as a key of the global order (order-key.ts).
 *
 * - Native mode: the provider filters what it can and sorts. Where its API
 *   can filter on the sort field, a page after a key asks for the orders at
 *   or after that key (an inclusive bound on the field, added to the filter
 *   and planned by the connector like any other filter, so a native bound
 *   wider than asked, a whole day, say, is re-checked here) and skips those
 *   at or before the key by the full order. Elsewhere it reads around the
 *   offset where the key's successor was last seen (the cursor's hint) and
 *   realigns on the key: the order it last gave, or the first one past it.
 * - Full-read mode (a sort the provider cannot do, or several keys): the
 *   whole filtered set is read once, bounded, sorted here (and kept briefly,
 *   full-read-cache.ts), and the key is found in it.
 *
 * Either way a position survives orders inserted, deleted or changed between
 * pages: the next read starts right after the key, wherever it now is.
 */
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, QueryPlan, SortKey } from "../providers/core/connector.ts";
import { LazyRows } from "../providers/core/lazy-rows.ts";
import { isEmptyFilter, matchesFilter } from "../providers/core/match-filter.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { orderComparator } from "../providers/core/order-compare.ts";
import { queryFingerprint } from "./cursor.ts";
import { NotSupportedError, ScanLimitError } from "./engine-errors.ts";
import type { FullReadCache } from "./full-read-cache.ts";
import { boundedFilter, type KeyOrder, keyOrder, type OrderKey, orderKey, valuelessMayFollow } from "./order-key.ts";

/** A matching row and its position in the provider's sequence. */
export interface Candidate {
  record: OrderRecord;
  /**
   * Its offset in the provider's native sequence (its rank, in a full read);
   * for a read narrowed to orders after a key, the offset it is expected at
   * in the whole sequence. Cursors keep it as a hint of where to look next.
   */
  index: number;
}

/**
 * Where a provider's read starts: after `key` in the read's direction (null:
 * from the start forward, from the end backward), the key's successor last
 * seen at native offset `hint`.
 */
export interface StreamPoint {
  key: OrderKey | null;
  hint: number;
}

/**
 * Rows of a provider's sequence from its position on, for a merge that
 * decodes only the rows it reaches: malformed rows are among them, to be
 * skipped (and reported) when reached.
 */
export interface LazyForward {
  rows: LazyRows;
  /** The (expected) native offset of the first row: each row's index is `from + i`. */
  from: number;
  /** True when no row exists past these. */
  ended: boolean;
}

/** What an eager forward read gives. */
export interface ForwardRead {
  /** Matches after the position, in sequence order. */
  items: Candidate[];
  /** True when no match remains after them (within the read's stop). */
  exhausted: boolean;
  /** The (expected) native offset where the read started: the position's successor. */
  from: number;
}

/** What a backward read gives. */
export interface BackwardRead {
  /** The last matches before the position, in sequence order. */
  items: Candidate[];
  /** True when no match remains before them (within the read's stop). */
  exhausted: boolean;
  /** The native offset where the read ended: the first row at or after the position. */
  to: number;
}

/** Limits a stream works within. */
export interface StreamLimits {
  /** Most rows read for one page (or one count) before giving up. */
  scanLimit: number;
  /** Keeps full reads for later requests of the same server (absent: nothing is kept). */
  fullReads?: FullReadCache | undefined;
}

/**
 * Whether a provider's reads after a key may be narrowed to the orders after
 * it (where its API filters on the sort field): not where it reads its whole
 * filtered set anyway (Iteras), since a narrower filter would cost a new set
 * while reading around a position in the set it has costs nothing.
 */
export function narrowsByKey(connector: Connector): boolean {
  return connector.capabilities.count !== "FETCHED_SET";
}

/** A window of the native sequence this stream has read. */
interface Window {
  offset: number;
  rows: LazyRows;
  /** True when no row exists past these. */
  ended: boolean;
  /** Whether the rows decode when read (the connector answered a lazy view). */
  lazy: boolean;
}

/** Reads one provider's part of a query. */
export class ProviderStream {
  readonly connector: Connector;
  readonly plan: QueryPlan;
  private readonly filter: OrderFilter;
  private readonly sort: readonly SortKey[];
  private readonly call: CallContext;
  private readonly limits: StreamLimits;
  private readonly fullRead: boolean;
  private readonly keys: KeyOrder;
  private fullRows: Promise<OrderRecord[] | null> | undefined;
  /** The native total seen on any read of this query, when the provider counts. */
  private nativeTotal: number | null = null;
  /** Errors of malformed rows met while reading (each row is left out and reported once). */
  readonly problems: Error[];
  /** Windows read for this request: a read that follows another (a lazy one, a search for a key) reuses their rows. */
  private readonly windows: Window[] = [];
  /** The stream of the filter narrowed to orders after a key, for the key it was made for. */
  private narrowed: { key: OrderKey; stream: ProviderStream | null } | undefined;

  /**
   * `empty`: no order can match (a customer filter that names none of this
   * provider's customers). `problems`: where malformed rows are reported
   * (a narrowed stream reports into its parent's).
   */
  constructor(
    connector: Connector,
    filter: OrderFilter,
    sort: readonly SortKey[],
    call: CallContext,
    limits: StreamLimits,
    empty = false,
    problems: Error[] = [],
  ) {
    this.connector = connector;
    this.problems = problems;
    this.filter = filter;
    this.sort = sort;
    this.call = call;
    this.limits = limits;
    this.keys = keyOrder(sort);
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
   * Rows [offset, offset + limit) of the native sequence, or fewer where a
   * window already read holds only the first of them (the caller reads on).
   * `sparse`: the caller will likely read only some of them (`ListRequest.sparse`).
   */
  private async range(offset: number, limit: number, sparse = false): Promise<Window> {
    // The window read before that holds the most of these rows.
    let best: Window | undefined;
    for (const window of this.windows) {
      const end = window.offset + window.rows.length;
      if (offset < window.offset || offset > end || (offset === end && !window.ended)) continue;
      if (!best || end > best.offset + best.rows.length) best = window;
    }
    if (best) {
      const end = best.offset + best.rows.length;
      const rows = best.rows.slice(offset - best.offset, offset - best.offset + limit);
      const last = offset + rows.length;
      const ended = (best.ended && last >= end) || (this.nativeTotal !== null && last >= this.nativeTotal);
      return { offset, rows, ended, lazy: best.lazy };
    }
    if (limit <= 0) return { offset, rows: LazyRows.decoded([]), ended: false, lazy: false };
    const result = await this.connector.list(
      { filter: this.plan.native, sort: this.plan.sortNative ? (this.sort[0] as SortKey) : null, offset, limit, sparse },
      this.call,
    );
    if (result.total !== null) this.nativeTotal = result.total;
    // `rows` of a lazy answer decodes every row: only read where there is no lazy view.
    const all = result.lazy ?? LazyRows.decoded(result.rows);
    const rows = all.length > limit ? all.slice(0, limit) : all;
    const window = { offset, rows, ended: this.endsWith(rows.length, limit, offset + rows.length), lazy: result.lazy !== undefined };
    this.windows.push(window);
    return window;
  }

  /** Rows of the native sequence from `offset`, decoded, their malformed rows reported unless `report` is false. */
  private async readRows(offset: number, limit: number, report = true): Promise<OrderRecord[]> {
    const rows: OrderRecord[] = [];
    while (rows.length < limit) {
      const window = await this.range(offset + rows.length, limit - rows.length);
      for (const record of window.rows) {
        if (report) this.reportMalformed(record);
        rows.push(record);
      }
      if (window.ended || window.rows.length === 0) break;
    }
    return rows;
  }

  /** Whether a window read of `read` rows (of `asked`), ending at position `next`, reached the sequence's end. */
  private endsWith(read: number, asked: number, next: number): boolean {
    return read < asked || (this.nativeTotal !== null && next >= this.nativeTotal);
  }

  /** Notes a row that failed validation (once per order); other rows are ignored. */
  reportMalformed(row: OrderRecord): void {
    if (row.malformed && !this.problems.some((p) => p.message === row.malformed?.message)) this.problems.push(row.malformed);
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
    const rows = await this.readRows(from, size);
    const items: Candidate[] = [];
    rows.forEach((record, i) => {
      if (matchesFilter(record, this.plan.residual)) items.push({ record, index: from + i });
    });
    const next = from + rows.length;
    return { items, next, ended: this.endsWith(rows.length, size, next) };
  }

  /**
   * The native offset where the orders `before` accepts end: every valid row
   * before it is accepted, every one from it on is not (malformed rows have
   * no key and are passed over). It is looked for in the `size` rows from
   * `start` (which the read that follows reuses); only when orders were
   * inserted or deleted since the hint was taken does it read further, on
   * or back, in windows of the provider's largest page.
   */
  private async locate(before: (row: OrderRecord) => boolean, start: number, size: number, sparse: boolean): Promise<number> {
    const window = await this.range(start, size, sparse);
    let lastBefore = -1;
    let after = false;
    for (let i = 0; i < window.rows.length; i++) {
      const row = window.rows.at(i);
      if (row.malformed) continue;
      if (!before(row)) {
        after = true;
        break;
      }
      lastBefore = start + i;
    }
    // No accepted row here: the place is at or before the window's start (orders were deleted before it).
    if (lastBefore < 0 && start > 0) return this.locateBack(before, start);
    if (after || window.ended) return lastBefore < 0 ? start : lastBefore + 1;
    // Every row here is accepted: the place is further on (orders were inserted before it).
    const chunk = this.connector.maxPageSize;
    let offset = start + window.rows.length;
    for (let scanned = 0; scanned < this.limits.scanLimit; ) {
      const next = await this.range(offset, chunk);
      for (let i = 0; i < next.rows.length; i++) {
        const row = next.rows.at(i);
        if (row.malformed) continue;
        if (!before(row)) return lastBefore + 1;
        lastBefore = offset + i;
      }
      if (next.ended || next.rows.length === 0) return lastBefore + 1;
      offset += next.rows.length;
      scanned += next.rows.length;
    }
    throw this.scanLimitError("to find where the last page ended (the orders before it changed a lot)");
  }

  /** `locate` before `end`: the offset after the last accepted row before it, or 0. */
  private async locateBack(before: (row: OrderRecord) => boolean, end: number): Promise<number> {
    const chunk = this.connector.maxPageSize;
    for (let to = end, scanned = 0; to > 0; ) {
      if (scanned >= this.limits.scanLimit)
        throw this.scanLimitError("to find where the last page ended (the orders before it changed a lot)");
      const from = Math.max(0, to - chunk);
      // Rows before the position were reported by the page that passed them.
      const rows = await this.readRows(from, to - from, false);
      for (let i = rows.length - 1; i >= 0; i--) {
        const row = rows[i] as OrderRecord;
        if (!row.malformed && before(row)) return from + i + 1;
      }
      scanned += to - from;
      to = from;
    }
    return 0;
  }

  private scanLimitError(doing: string): ScanLimitError {
    return new ScanLimitError(
      `provider ${this.connector.id}: read more than ${this.limits.scanLimit} orders ${doing}; narrow the filter or start again from the first page`,
      this.connector.id,
    );
  }

  /**
   * The stream of the filter narrowed to orders at or after `key`, where that
   * narrows what the provider is asked for: null where the provider cannot
   * filter on the sort field (its native filter stays the same), where it
   * reads its whole set anyway (`narrowsByKey`), and for a key without a value.
   */
  private narrowedTo(key: OrderKey): ProviderStream | null {
    if (this.narrowed?.key === key) return this.narrowed.stream;
    let stream: ProviderStream | null = null;
    const bounded = this.fullRead || !narrowsByKey(this.connector) ? null : boundedFilter(this.filter, this.sort[0] as SortKey, key);
    if (bounded) {
      const candidate = new ProviderStream(this.connector, bounded, this.sort, this.call, this.limits, this.plan.empty, this.problems);
      const narrower = queryFingerprint(candidate.plan.native) !== queryFingerprint(this.plan.native);
      if (narrower && candidate.plan.sortNative && !candidate.isFullRead) stream = candidate;
      // Narrowed once: the narrowed stream reads its own sequence around the key.
      candidate.narrowed = { key, stream: null };
    }
    this.narrowed = { key, stream };
    return stream;
  }

  /**
   * The rows after `point`, decoded only when a merge reaches them; null
   * where that gains nothing or cannot hold (a full read, a residual filter,
   * a connector without lazy rows, a read that must go on past a narrowed
   * filter's end): use `forward`, which reuses what this read fetched.
   * `sparse`: the merge is of several providers, so it will likely read only
   * some of the rows (`ListRequest.sparse`).
   */
  async forwardLazy(point: StreamPoint, need: number, sparse: boolean): Promise<LazyForward | null> {
    if (this.plan.empty || this.fullRead || !this.exactNative) return null;
    const key = point.key;
    const narrowed = key === null ? null : this.narrowedTo(key);
    if (key !== null && narrowed) {
      const lazy = await narrowed.forwardLazy({ key, hint: 0 }, need, sparse);
      // Orders without a value of the field may follow the narrowed set's end: only `forward` reads on to them.
      if (!lazy || (lazy.ended && valuelessMayFollow(this.filter, this.sort[0] as SortKey))) return null;
      return { ...lazy, from: point.hint };
    }
    const from =
      key === null ? 0 : await this.locate((row) => this.keys.compare(row, key) <= 0, Math.max(0, point.hint - 1), need + 2, sparse);
    const window = await this.range(from, need + 1, sparse);
    // Only a lazily decoded answer gains anything here; a window cut short by what was read before
    // is not the whole story either: `forward` reads on (reusing these rows).
    if (!window.lazy || (!window.ended && window.rows.length < need + 1)) return null;
    return { rows: window.rows, from, ended: window.ended };
  }

  /** Reads and sorts the whole filtered set (or reuses a recent read); null when it exceeds the scan limit. */
  private readAll(): Promise<OrderRecord[] | null> {
    this.fullRows ??= this.sharedFullRead();
    return this.fullRows;
  }

  private sharedFullRead(): Promise<OrderRecord[] | null> {
    const cache = this.limits.fullReads;
    if (!cache) return this.fetchAll();
    const key = queryFingerprint({ native: this.plan.native, residual: this.plan.residual, sort: this.sort, scan: this.limits.scanLimit });
    const kept = cache.read(this.connector.id, key, () => ({ rows: this.fetchAll(), problems: this.problems }));
    if (!kept.hit) return kept.rows;
    this.call.meter.recordCached(this.connector.id);
    // The kept read's malformed rows are reported again: each answer tells what it lacks.
    return kept.rows.then((rows) => {
      for (const malformed of kept.problems) this.reportMalformed({ malformed } as OrderRecord);
      return rows;
    });
  }

  private fetchAll(): Promise<OrderRecord[] | null> {
    return (async () => {
      const rows: OrderRecord[] = [];
      const chunk = this.connector.maxPageSize;
      for (let offset = 0; ; offset += chunk) {
        const result = await this.connector.list({ filter: this.plan.native, sort: null, offset, limit: chunk }, this.call);
        for (const row of result.rows) {
          this.reportMalformed(row);
          if (matchesFilter(row, this.plan.residual)) rows.push(row);
        }
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

  /** The first index of sorted `rows` that `before` does not accept. */
  private static firstNotBefore(rows: readonly OrderRecord[], before: (row: OrderRecord) => boolean): number {
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(rows[middle] as OrderRecord)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /**
   * Up to `need` matches after `point`, and before `stop` when given (the
   * `before` of a forward page); `exhausted` when none remain after them.
   */
  async forward(point: StreamPoint, need: number, stop?: OrderKey): Promise<ForwardRead> {
    if (this.plan.empty) return { items: [], exhausted: true, from: point.hint };
    const key = point.key;
    if (this.fullRead) {
      const rows = await this.allOrFail();
      const from = key === null ? 0 : ProviderStream.firstNotBefore(rows, (row) => this.keys.compare(row, key) <= 0);
      const end = stop ? ProviderStream.firstNotBefore(rows, (row) => this.keys.compare(row, stop) < 0) : rows.length;
      const items = rows.slice(from, Math.min(end, from + need)).map((record, i) => ({ record, index: from + i }));
      return { items, exhausted: from + need >= end, from };
    }
    const narrowed = key === null ? null : this.narrowedTo(key);
    if (key !== null && narrowed) {
      const read = await narrowed.forward({ key, hint: 0 }, need, stop);
      // The narrowed set's offsets stand for the whole sequence's, from where the key's successor was seen.
      const shift = point.hint - read.from;
      const items = read.items.map((item) => ({ record: item.record, index: item.index + shift }));
      // A stop with a value lies before every order without one.
      const tail = valuelessMayFollow(this.filter, this.sort[0] as SortKey) && (stop === undefined || stop.values[0] === null);
      if (!read.exhausted || !tail) return { items, exhausted: read.exhausted, from: point.hint };
      // Orders without a value of the field sort after all others (descending), and no bound selects them:
      // read on in the whole sequence after the last order the narrowed read gave.
      const last = items.at(-1);
      const after = last ? { key: orderKey(last.record, this.sort), hint: last.index + 1 } : { key, hint: point.hint };
      const rest = await this.forwardNative(after, need - items.length, stop);
      return { items: [...items, ...rest.items], exhausted: rest.exhausted, from: point.hint };
    }
    return this.forwardNative(point, need, stop);
  }

  /** `forward` in the native sequence itself: found again around the hint, then read on. */
  private async forwardNative(point: StreamPoint, need: number, stop?: OrderKey): Promise<ForwardRead> {
    const key = point.key;
    const first = this.exactNative ? need + 2 : this.connector.maxPageSize;
    const from = key === null ? 0 : await this.locate((row) => this.keys.compare(row, key) <= 0, Math.max(0, point.hint - 1), first, false);
    const items: Candidate[] = [];
    let offset = from;
    let scanned = 0;
    for (;;) {
      const limit = this.exactNative ? need + 1 - items.length : this.connector.maxPageSize;
      const window = await this.range(offset, limit);
      let extra = false;
      let stopped = false;
      for (let i = 0; i < window.rows.length && !stopped; i++) {
        const record = window.rows.at(i);
        this.reportMalformed(record);
        if (record.malformed) continue;
        // The sequence is in the global order: from the first order at or past `stop` on, none is in the page's range.
        if (stop && this.keys.compare(record, stop) >= 0) stopped = true;
        else if (!matchesFilter(record, this.plan.residual)) continue;
        else if (items.length < need) items.push({ record, index: offset + i });
        else extra = true;
      }
      offset += window.rows.length;
      scanned += window.rows.length;
      if (extra) return { items, exhausted: false, from };
      if (window.ended || stopped || window.rows.length === 0) return { items, exhausted: true, from };
      // A full page whose successor is still unknown: say "more may follow" rather than scan on.
      if (items.length >= need && scanned >= this.limits.scanLimit) return { items, exhausted: false, from };
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
      await this.range(0, 1);
      if (this.nativeTotal !== null) return this.nativeTotal;
    }
    // No count: walk to the end in the largest windows the provider allows.
    const chunk = this.connector.maxPageSize;
    for (let offset = 0; offset < this.limits.scanLimit; offset += chunk) {
      const rows = await this.readRows(offset, chunk);
      if (rows.length < chunk) return offset + rows.length;
    }
    throw new ScanLimitError(
      `provider ${this.connector.id}: more than ${this.limits.scanLimit} orders to reach the last page; narrow the filter or page forward`,
      this.connector.id,
    );
  }

  /**
   * Up to `need` matches before `point` (key null: the end), and after `stop`
   * when given (the `after` of a backward page), in sequence order;
   * `exhausted` when none remain before them.
   */
  async backward(point: StreamPoint, need: number, stop?: OrderKey): Promise<BackwardRead> {
    if (this.plan.empty) return { items: [], exhausted: true, to: point.hint };
    const key = point.key;
    const accepted = (row: OrderRecord) => key === null || this.keys.compare(row, key) < 0;
    if (this.fullRead) {
      const rows = await this.allOrFail();
      const end = ProviderStream.firstNotBefore(rows, accepted);
      const low = stop ? ProviderStream.firstNotBefore(rows, (row) => this.keys.compare(row, stop) <= 0) : 0;
      const start = Math.max(low, end - need);
      const items = rows.slice(start, Math.max(start, end)).map((record, i) => ({ record, index: start + i }));
      return { items, exhausted: start <= low, to: end };
    }
    // The window that the first backward read needs, whether the key is this provider's own order or another's.
    const size = this.exactNative ? need + 3 : this.connector.maxPageSize;
    const to = key === null ? await this.length() : await this.locate(accepted, Math.max(0, point.hint + 1 - size), size, false);
    const items: Candidate[] = [];
    let windowEnd = to;
    let scanned = 0;
    // Whether a match exists before the page: read on until one is seen, the start or `stop` is reached.
    let more = false;
    let stopped = false;
    while (!more && windowEnd > 0 && !stopped) {
      const span = this.exactNative ? need + 1 - items.length : this.connector.maxPageSize;
      const start = Math.max(0, windowEnd - span);
      const rows = await this.readRows(start, windowEnd - start);
      const found: Candidate[] = [];
      for (let i = rows.length - 1; i >= 0; i--) {
        const record = rows[i] as OrderRecord;
        if (record.malformed) continue;
        if (stop && this.keys.compare(record, stop) <= 0) {
          stopped = true;
          break;
        }
        if (matchesFilter(record, this.plan.residual)) found.unshift({ record, index: start + i });
      }
      const wanted = need - items.length;
      if (found.length > wanted) more = true;
      items.unshift(...found.slice(found.length - Math.min(wanted, found.length)));
      scanned += rows.length;
      windowEnd = start;
      if (!more && !stopped && windowEnd > 0 && scanned >= this.limits.scanLimit) {
        // A full page whose predecessor is still unknown: say "more may follow" rather than scan on.
        if (items.length >= need) {
          more = true;
          break;
        }
        throw new ScanLimitError(
          `provider ${this.connector.id}: read ${scanned} orders without filling the page; narrow the filter`,
          this.connector.id,
        );
      }
    }
    return { items, exhausted: !more, to };
  }

  /** The number of matches: exact, or null when it cannot be known within the scan limit. */
  async count(): Promise<number | null> {
    if (this.plan.empty) return 0;
    if (this.fullRead) return (await this.readAll())?.length ?? null;
    if (this.exactNative && this.connector.capabilities.count === "NATIVE") {
      if (this.nativeTotal === null) await this.range(0, 1);
      if (this.nativeTotal !== null) return this.nativeTotal;
    }
    let matches = 0;
    const chunk = this.connector.maxPageSize;
    for (let offset = 0; offset < this.limits.scanLimit; offset += chunk) {
      const rows = await this.readRows(offset, chunk);
      for (const row of rows) if (matchesFilter(row, this.plan.residual)) matches += 1;
      if (rows.length < chunk) return matches;
    }
    return null;
  }
}
