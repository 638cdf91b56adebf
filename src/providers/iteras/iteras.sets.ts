/**
 * Iteras' fetched sets: Iteras has no paging, so the engine's windows are
 * served from the whole filtered set, read once (one windowed read per
 * customer filtered natively) and kept a short while in a cache keyed by the
 * native params (config `setCacheTtlMs`), sorted here.
 */
import type { CallContext } from "../core/call-context.ts";
import type { ListRequest, ListResult, OrderFilter, SortKey } from "../core/connector.ts";
import type { DayWindow } from "../core/date-windows.ts";
import type { OrderRecord } from "../core/model.ts";
import { orderComparator } from "../core/order-compare.ts";
import { mapConcurrent } from "../core/paging.ts";
import type { IterasReader } from "./iteras.reader.ts";
import { ITERAS_STATUS_TABLE } from "./iteras.status.ts";
import { createdWindow } from "./iteras.windows.ts";

/** Distinct native filters kept in the cache at once. */
const MAX_CACHE_ENTRIES = 32;

/** The native params of a filter: what one fetched set (and one cache entry) is made of. */
interface NativeParams {
  statuses: string[];
  customers: string[];
  window: DayWindow;
}

/**
 * A fetched set: its orders (and placeholders of malformed rows) oldest first,
 * and further ascending views by sort field, made when first asked for. A
 * descending sort is an ascending view read from its end (the global order
 * reverses exactly), so no field needs more than one view, and CREATED_AT
 * needs none.
 */
interface FetchedSet {
  rows: OrderRecord[];
  views: Map<SortKey["field"], OrderRecord[]>;
}

interface CacheEntry {
  expires: number;
  set: Promise<FetchedSet>;
}

/** Iteras' own order, CREATED_AT ascending: the order of `FetchedSet.rows`. */
const OLDEST_FIRST = orderComparator([{ field: "CREATED_AT", direction: "ASC" }]);

/** The sets of one Iteras account, and the windows served from them. */
export class IterasSets {
  private readonly provider: string;
  private readonly reader: IterasReader;
  private readonly timeZone: string;
  private readonly ttlMs: number;
  private readonly concurrency: number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: { provider: string; reader: IterasReader; timeZone: string; ttlMs: number; concurrency: number }) {
    this.provider = options.provider;
    this.reader = options.reader;
    this.timeZone = options.timeZone;
    this.ttlMs = options.ttlMs;
    this.concurrency = options.concurrency;
  }

  private nativeParams(filter: OrderFilter): NativeParams {
    const all = ITERAS_STATUS_TABLE.length;
    const statuses = filter.nativeStatus && filter.nativeStatus.length < all ? [...filter.nativeStatus].sort() : [];
    return { statuses, customers: [...(filter.customerIds ?? [])].sort(), window: createdWindow(filter.createdAt, this.timeZone) };
  }

  private async load(params: NativeParams, call: CallContext): Promise<FetchedSet> {
    const customers: Array<string | undefined> = params.customers.length > 0 ? params.customers : [undefined];
    const strings = new Map<string, string>();
    // A set serves a filter: a day the cap cannot hold is the filter's to narrow.
    const answers = await mapConcurrent(customers, this.concurrency, (customer) => {
      const read = { statuses: params.statuses, customer, invoiceLines: false, learnDays: true, strings };
      return this.reader.windowedOrFail(call, read, params.window, true);
    });
    const rows: OrderRecord[] = [];
    const seen = new Set<string>();
    for (const answer of answers) {
      for (const row of answer) {
        // Windows and customers do not overlap, so a repeat can only come from a provider that ignored a filter.
        // Placeholders are all kept: each stands for a row of its own.
        if (!row.malformed) {
          if (seen.has(row.nativeId)) continue;
          seen.add(row.nativeId);
        }
        rows.push(row);
      }
    }
    // Iteras answers oldest first, window by window: this is nearly always sorted already.
    rows.sort(OLDEST_FIRST);
    return { rows, views: new Map() };
  }

  /** The fetched set of a native filter: from the cache while fresh, else read whole. */
  private fetchSet(filter: OrderFilter, call: CallContext): Promise<FetchedSet> {
    const params = this.nativeParams(filter);
    const key = JSON.stringify(params);
    const now = Date.now();
    for (const [k, entry] of this.cache) if (entry.expires <= now) this.cache.delete(k);
    const hit = this.cache.get(key);
    if (hit) {
      call.meter.recordCached(this.provider);
      return hit.set;
    }
    const set = this.load(params, call);
    if (this.ttlMs > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(key, { expires: now + this.ttlMs, set });
      // A failed read is not remembered: the next page tries again.
      set.catch(() => {
        if (this.cache.get(key)?.set === set) this.cache.delete(key);
      });
    }
    return set;
  }

  /** A window of the request's set, in its sort (Iteras' own order without one). */
  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    const set = await this.fetchSet(request.filter, call);
    const total = set.rows.length;
    const from = Math.min(request.offset, total);
    const to = Math.min(total, request.offset + request.limit);
    let rows: OrderRecord[];
    if (!request.sort) {
      rows = set.rows.slice(from, to);
    } else {
      const ascending = this.ascendingView(set, request.sort.field);
      if (request.sort.direction === "ASC") {
        rows = ascending.slice(from, to);
      } else {
        rows = [];
        for (let i = from; i < to; i++) rows.push(ascending[total - 1 - i] as OrderRecord);
      }
    }
    return { rows, total, end: to >= total };
  }

  /** The set in the global order of one field, ascending (made once per set and field). */
  private ascendingView(set: FetchedSet, field: SortKey["field"]): OrderRecord[] {
    if (field === "CREATED_AT") return set.rows;
    let view = set.views.get(field);
    if (!view) {
      view = [...set.rows].sort(orderComparator([{ field, direction: "ASC" }]));
      set.views.set(field, view);
    }
    return view;
  }

  /** Forgets every set. */
  clear(): void {
    this.cache.clear();
  }
}
