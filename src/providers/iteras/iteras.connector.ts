/**
 * The Iteras connector. Iteras has one GET without paging that answers at
 * most `cap` orders, silently cut: the connector fetches the whole filtered
 * set (splitting created-date windows until no answer is capped), keeps it in
 * a short-lived cache keyed by the native params, and serves the engine's
 * windows from memory, sorted here. Answers arrive as row texts, parsed one
 * row at a time where they are used: a kept window's rows are validated and
 * mapped as soon as it arrives, a capped answer's only read for their days,
 * so no answer is ever held parsed whole and only order records outlive a
 * call. A row that fails validation becomes a placeholder that keeps its
 * place and is reported as an error for that order alone.
 */
import type { CallContext } from "../core/call-context.ts";
import {
  type CallBounds,
  type Capabilities,
  type Connector,
  filterCapabilities,
  type ListRequest,
  type ListResult,
  narrowCodes,
  type OrderFilter,
  type QueryPlan,
  type SortKey,
} from "../core/connector.ts";
import { bodyNotJson, type UpstreamResponse } from "../core/http-client.ts";
import { HttpConnector } from "../core/http-connector.ts";
import { parseRowText } from "../core/json-stream.ts";
import type { OrderRecord } from "../core/model.ts";
import { orderComparator } from "../core/order-compare.ts";
import { OrderDecoder } from "../core/order-decoder.ts";
import { mapConcurrent } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { localDay } from "../core/time-zone.ts";
import { credentialsRejected, invalidResponse, orderOrError, rawOrderId, UpstreamError, unexpectedStatus } from "../core/upstream-error.ts";
import type { IterasConfig } from "./iteras.definition.ts";
import {
  type IterasMapContext,
  isSyntheticId,
  iterasOrderDay,
  iterasRowDay,
  iterasSyntheticId,
  iterasToOrder,
  syntheticIdDay,
} from "./iteras.mapper.ts";
import { type IterasRawOrder, iterasIdText, iterasListSchema, iterasOrderSchema } from "./iteras.schemas.ts";
import { ITERAS_STATUS_LOOKUP, ITERAS_STATUS_TABLE, ITERAS_UNKNOWN_PAYMENT, ITERAS_UNKNOWN_STATUS } from "./iteras.status.ts";
import { DayOverflowError, type DayWindow, fetchAllWindows, WindowSplitError } from "./iteras.windows.ts";

/** Rows per window the engine may ask for: windows are served from memory. */
const MAX_PAGE = 1000;
/** More customers than this cost more calls than reading the set once: they are filtered here. */
const MAX_PUSHED_CUSTOMERS = 20;
/** Distinct native filters kept in the cache at once. */
const MAX_CACHE_ENTRIES = 32;
/** Orders whose local day is remembered from lists, to read their details by day. */
const MAX_DAY_HINTS = 200_000;
/** Fewer requested orders than this in a window are read one order_id call each. */
const MIN_CLUSTER = 2;

/** The pushdown table of Iteras (also shown to clients as Provider.capabilities). */
export const ITERAS_CAPABILITIES: Capabilities = {
  filters: filterCapabilities([
    ["STATUS", ["IN"], true, "status= (repeatable) with the codes of the status table"],
    ["NATIVE_STATUS", ["IN"], true, "codes outside the status table are filtered by ordergraph"],
    ["PAYMENT_STATUS", ["IN"], true, "derived from the status code"],
    ["CUSTOMER_ID", ["IN"], true, `customer=, one call per customer (more than ${MAX_PUSHED_CUSTOMERS}: filtered by ordergraph)`],
    ["CREATED_AT", ["GTE", "LTE"], true, "created_after/created_before by local day; the exact instants are re-checked"],
    ["UPDATED_AT", ["GTE", "LTE"], false, "Iteras has no update time: a range matches no order"],
    ["EMAIL", ["EQ"], false],
    ["SEARCH", ["CONTAINS"], false],
    ["VENDOR_REFERENCE", ["EQ"], false, "Iteras has no vendor reference: matches no order"],
    ["TOTAL", ["GTE", "LTE"], false, "the sum of the products' price × quantity"],
  ]),
  sorts: [
    // Iteras answers oldest first and the set is sorted here anyway, so every window is exact.
    { field: "CREATED_AT", supported: true, native: true },
    { field: "NUMBER", supported: true, native: false },
    { field: "TOTAL", supported: true, native: false },
    { field: "UPDATED_AT", supported: false, native: false },
  ],
  writes: [
    { operation: "UPDATE_ORDER_STATUS", supported: false },
    { operation: "SET_VENDOR_REFERENCE", supported: false },
  ],
  count: "FETCHED_SET",
};

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

/** Iteras' own order, CREATED_AT ascending: the order of `FetchedSet.rows`. */
const OLDEST_FIRST = orderComparator([{ field: "CREATED_AT", direction: "ASC" }]);

/** Where a list row came from, so that what is learnt from it goes to the right place. */
interface WindowedRead {
  statuses: string[];
  customer?: string;
  /** Asks for `invoice_lines`: the records are complete. */
  invoiceLines: boolean;
  /** Remembers the day of each order (a set read for a list, not a detail read). */
  learnDays: boolean;
  /** The strings met so far in this read (see {@link shareStrings}). */
  strings: Map<string, string>;
}

/** The read's copy of a text. */
function shared(text: string, strings: Map<string, string>): string {
  const known = strings.get(text);
  if (known !== undefined) return known;
  strings.set(text, text);
  return text;
}

/**
 * Makes a freshly mapped record use the read's copy of every string it holds.
 * Orders of one account repeat most of their text (product names and texts,
 * campaign ids, amounts, countries), and every order parsed from JSON or
 * mapped has its own copies: sharing them takes about a third off what a
 * large fetched set keeps for its TTL. Strings are immutable, so this changes
 * no value; it only walks the record's own plain objects and arrays. Arrays
 * by index and objects by `Object.keys`: a `for...in` walk took 2–3 times as
 * long, and was the largest cost of reading a 12,000-order set
 * (BENCHMARKS.md, eighth round).
 */
function shareStrings<T extends object>(record: T, strings: Map<string, string>): T {
  if (Array.isArray(record)) {
    for (let i = 0; i < record.length; i++) {
      const value: unknown = record[i];
      if (typeof value === "string") record[i] = shared(value, strings);
      else if (value !== null && typeof value === "object" && !(value instanceof Date)) shareStrings(value, strings);
    }
    return record;
  }
  const fields = record as Record<string, unknown>;
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = fields[key];
    if (typeof value === "string") fields[key] = shared(value, strings);
    else if (value !== null && typeof value === "object" && !(value instanceof Date)) shareStrings(value, strings);
  }
  return record;
}

interface CacheEntry {
  expires: number;
  set: Promise<FetchedSet>;
}

/** Connector for one Iteras account. */
export class IterasConnector extends HttpConnector implements Connector {
  readonly kind = "ITERAS" as const;
  readonly capabilities = ITERAS_CAPABILITIES;
  readonly maxPageSize = MAX_PAGE;
  /**
   * List rows lack invoice lines (asking for them costs a details read per
   * order). A window is served from the fetched set, which takes one call per
   * customer filtered natively (one without), as long as the set holds fewer
   * than `cap` orders (a larger one is split by date, in more calls); while
   * `setCacheTtlMs` keeps the set, a scan reads it once.
   */
  readonly callBounds: CallBounds = {
    partialRows: true,
    list: (filter) => Math.max(1, filter.customerIds?.length ?? 0),
    scan: (filter, rows) => {
      const set = Math.max(1, filter.customerIds?.length ?? 0);
      return this.setCacheTtlMs > 0 ? set : Math.ceil(rows / MAX_PAGE) * set;
    },
  };
  private readonly apiKey: string;
  private readonly mapContext: IterasMapContext;
  private readonly cap: number;
  private readonly setCacheTtlMs: number;
  private readonly concurrency: number;
  private readonly cache = new Map<string, CacheEntry>();
  /** nativeId -> local created day, learnt from lists (see getMany). */
  private readonly dayHints = new Map<string, string>();
  /** Orders seen per local day in lists: a lower bound of what a day window returns. */
  private readonly dayCounts = new Map<string, number>();

  /** Validates orders; an order read by its id is asked with its invoice lines, so it maps complete. */
  private readonly orders: OrderDecoder<IterasRawOrder>;

  constructor(config: IterasConfig, services: ConnectorServices = {}) {
    super(config, services, { values: [config.credentials.apiKey], queryParams: ["iteras-key"] });
    this.apiKey = config.credentials.apiKey;
    const mapContext = { provider: config.id, currency: config.currency, timeZone: config.timeZone };
    this.mapContext = mapContext;
    this.cap = config.cap;
    this.setCacheTtlMs = config.setCacheTtlMs;
    this.concurrency = config.detailConcurrency;
    this.orders = new OrderDecoder({
      provider: config.id,
      kind: "ITERAS",
      schema: iterasOrderSchema,
      map: (raw) => iterasToOrder(raw, mapContext, { withInvoiceLines: true }),
      // Named as Iteras' ids are compared: without leading zeros.
      placeholderId: (id) => (/^\d+$/.test(id) ? iterasIdText(id) : id),
    });
  }

  isValidNativeId(nativeId: string): boolean {
    return /^[1-9]\d{0,18}$/.test(nativeId) || isSyntheticId(nativeId);
  }

  plan(filter: OrderFilter, sort: SortKey): QueryPlan {
    const native: OrderFilter = {};
    const residual: OrderFilter = {};
    let empty = false;
    const statusFilters = [
      filter.status?.includes(ITERAS_UNKNOWN_STATUS),
      filter.paymentStatus?.includes(ITERAS_UNKNOWN_PAYMENT),
      filter.nativeStatus?.some((code) => !ITERAS_STATUS_LOOKUP.isKnown(code)),
    ].filter((given) => given !== undefined);
    if (statusFilters.length > 0 && statusFilters.every(Boolean)) {
      // A status Iteras may add later could match: no status= can say that, so it is filtered here.
      if (filter.status) residual.status = filter.status;
      if (filter.paymentStatus) residual.paymentStatus = filter.paymentStatus;
      if (filter.nativeStatus) residual.nativeStatus = filter.nativeStatus;
    } else if (statusFilters.length > 0) {
      let codes: string[] | undefined;
      if (filter.status) codes = narrowCodes(codes, ITERAS_STATUS_LOOKUP.codesFor(filter.status));
      if (filter.paymentStatus) codes = narrowCodes(codes, ITERAS_STATUS_LOOKUP.codesForPayments(filter.paymentStatus));
      if (filter.nativeStatus)
        codes = narrowCodes(
          codes,
          filter.nativeStatus.filter((code) => ITERAS_STATUS_LOOKUP.isKnown(code)),
        );
      const list = [...new Set(codes ?? [])].sort();
      if (list.length === 0) empty = true;
      native.nativeStatus = list;
    }
    if (filter.customerIds) {
      // Customer ids are digit strings; anything else is nobody's.
      const ids = [...new Set(filter.customerIds.filter((id) => /^\d{1,19}$/.test(id)).map(iterasIdText))];
      if (ids.length === 0) empty = true;
      if (ids.length <= MAX_PUSHED_CUSTOMERS) native.customerIds = ids.sort();
      else residual.customerIds = filter.customerIds;
    }
    if (filter.createdAt) {
      native.createdAt = filter.createdAt;
      residual.createdAt = filter.createdAt;
    }
    // Iteras has neither: every order has a null update time and vendor reference.
    if (filter.updatedAt || filter.vendorReference !== undefined) empty = true;
    if (filter.email !== undefined) residual.email = filter.email;
    if (filter.search !== undefined) residual.search = filter.search;
    if (filter.total) residual.total = filter.total;
    return { native, residual, sortNative: sort.field !== "UPDATED_AT", empty };
  }

  private nativeParams(filter: OrderFilter): NativeParams {
    const all = ITERAS_STATUS_TABLE.length;
    const statuses = filter.nativeStatus && filter.nativeStatus.length < all ? [...filter.nativeStatus].sort() : [];
    const window: DayWindow = {};
    if (filter.createdAt?.from) window.after = localDay(filter.createdAt.from, this.mapContext.timeZone);
    if (filter.createdAt?.to) window.before = localDay(filter.createdAt.to, this.mapContext.timeZone);
    return { statuses, customers: [...(filter.customerIds ?? [])].sort(), window };
  }

  /**
   * One call of the order list. With `rowsAsText`, the rows come back as their
   * JSON texts (see {@link parseRow}): a windowed read holds thousands of
   * rows, and a text takes a fraction of the memory of the parsed row.
   */
  private async get(call: CallContext, params: URLSearchParams, what: string, rowsAsText = false): Promise<unknown[]> {
    const response = await this.http.request(call, {
      path: "/orders/",
      query: params,
      headers: { "x-iteras-key": this.apiKey },
      rowsAsText,
    });
    if (isCredentialsFailure(response)) throw credentialsRejected(this.id, response.status);
    if (response.status === 404) {
      // The orders path never moves, so a 404 that does not say why is most likely the key.
      throw unexpectedStatus(this.id, 404, what, " (Iteras answers a wrong API key with 404; check the key and the base URL)");
    }
    if (response.status !== 200) {
      throw unexpectedStatus(this.id, response.status, what);
    }
    // The answer as a whole must be a list; its rows are validated one by one where they are kept.
    const parsed = iterasListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(this.id, what);
    return parsed.data;
  }

  /** A row of a windowed read, parsed only now, when it is used (and dropped right after). */
  private parseRow(text: unknown): unknown {
    return parseRowText(text, () => bodyNotJson(this.id, 200));
  }

  /**
   * Validates and maps the answer of one kept window, in answer order: a row
   * that fails validation becomes a placeholder; id-less twins of one second
   * get -2, -3... suffixes (twins share a day, so always a window).
   */
  private mapWindow(answer: readonly unknown[], read: WindowedRead): OrderRecord[] {
    const seenSynthetic = new Map<string, number>();
    const rows: OrderRecord[] = [];
    for (const text of answer) {
      const raw = this.parseRow(text);
      const order = this.orders.parse(raw);
      if (order === undefined) {
        rows.push(this.orders.placeholder(raw));
        continue;
      }
      let nativeId: string | undefined;
      if (order.id === null || order.id === undefined) {
        const base = iterasSyntheticId(order, this.mapContext);
        const n = (seenSynthetic.get(base) ?? 0) + 1;
        seenSynthetic.set(base, n);
        nativeId = n === 1 ? base : `${base}-${n}`;
      } else if (read.learnDays) {
        const day = iterasOrderDay(order, this.mapContext.timeZone);
        if (day !== null) this.learnDay(order.id, shared(day, read.strings));
      }
      rows.push(shareStrings(iterasToOrder(order, this.mapContext, { withInvoiceLines: read.invoiceLines, nativeId }), read.strings));
    }
    return rows;
  }

  private learnDay(id: string, day: string): void {
    if (this.dayHints.has(id)) return;
    if (this.dayHints.size >= MAX_DAY_HINTS) {
      this.dayHints.clear();
      this.dayCounts.clear();
    }
    this.dayHints.set(id, day);
    this.dayCounts.set(day, (this.dayCounts.get(day) ?? 0) + 1);
  }

  /**
   * Every order of a window (split as often as the cap requires), as records
   * and placeholders, oldest window first. A capped answer is only read for
   * the days of its rows (malformed rows count toward the cap like any other;
   * those without a readable `created` just do not steer the split); each
   * kept answer is mapped at once, so no raw answer outlives its window.
   */
  private async fetchWindowed(call: CallContext, read: WindowedRead, window: DayWindow): Promise<OrderRecord[]> {
    try {
      return await fetchAllWindows<unknown, OrderRecord>(window, {
        cap: this.cap,
        concurrency: this.concurrency,
        dayOf: (text) => iterasRowDay(this.parseRow(text), this.mapContext.timeZone),
        keep: (answer) => this.mapWindow(answer, read),
        fetch: (w) => {
          const params = new URLSearchParams();
          if (read.invoiceLines) params.set("fields", "data,invoice_lines");
          for (const status of read.statuses) params.append("status", status);
          if (read.customer !== undefined) params.set("customer", read.customer);
          if (w.after !== undefined) params.set("created_after", w.after);
          if (w.before !== undefined) params.set("created_before", w.before);
          return this.get(call, params, "an order list", true);
        },
      });
    } catch (error) {
      if (error instanceof DayOverflowError) {
        throw new UpstreamError(
          "PROVIDER_ERROR",
          this.id,
          `provider ${this.id} has ${this.cap} or more matching orders created on ${error.day}; Iteras answers at most ${this.cap} per call and cannot narrow below a day, so they cannot all be read: narrow the filter (status, customer)`,
        );
      }
      if (error instanceof WindowSplitError) {
        throw new UpstreamError(
          "PROVIDER_ERROR",
          this.id,
          `provider ${this.id}: the order list could not be read whole (${error.message})`,
        );
      }
      throw error;
    }
  }

  private async load(params: NativeParams, call: CallContext): Promise<FetchedSet> {
    const customers: Array<string | undefined> = params.customers.length > 0 ? params.customers : [undefined];
    const strings = new Map<string, string>();
    const answers = await mapConcurrent(customers, this.concurrency, (customer) =>
      this.fetchWindowed(call, { statuses: params.statuses, customer, invoiceLines: false, learnDays: true, strings }, params.window),
    );
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
      call.meter.recordCached(this.id);
      return hit.set;
    }
    const set = this.load(params, call);
    if (this.setCacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(key, { expires: now + this.setCacheTtlMs, set });
      // A failed read is not remembered: the next page tries again.
      set.catch(() => {
        if (this.cache.get(key)?.set === set) this.cache.delete(key);
      });
    }
    return set;
  }

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

  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    const numeric = [...new Set(nativeIds.filter((id) => /^[1-9]\d{0,18}$/.test(id)))];
    const byDay = new Map<string, string[]>();
    for (const id of new Set(nativeIds)) {
      const day = syntheticIdDay(id);
      if (day !== null) byDay.set(day, [...(byDay.get(day) ?? []), id]);
    }
    // Details of list rows (asked for invoice lines, or for a field Iteras never has) come in
    // batches: orders of nearby days are read in one windowed call rather than one call each.
    const single = new Set(numeric);
    const detailRead: WindowedRead = { statuses: [], invoiceLines: true, learnDays: false, strings: new Map() };
    for (const cluster of this.clusters(numeric)) {
      try {
        const rows = await this.fetchWindowed(call, detailRead, cluster.window);
        const wanted = new Set(cluster.ids);
        for (const row of rows) {
          if (!wanted.has(row.nativeId)) continue;
          found.set(row.nativeId, orderOrError(row));
          single.delete(row.nativeId);
        }
      } catch (error) {
        // A day over the cap cannot be read by window: those orders are read by id below.
        if (!(error instanceof UpstreamError) || error.code !== "PROVIDER_ERROR" || error.status !== undefined) throw error;
      }
    }
    // Iteras takes one order_id per call.
    await mapConcurrent([...single], this.concurrency, async (id) => {
      const list = await this.get(call, new URLSearchParams({ order_id: id, fields: "data,invoice_lines" }), `order ${id}`);
      const raw = list.find((item) => {
        const itemId = rawOrderId(item);
        return itemId !== undefined && iterasIdText(itemId) === id;
      });
      if (raw !== undefined) found.set(id, this.orders.detail(raw, id));
    });
    // An order without id is found again by reading its day.
    await mapConcurrent([...byDay], this.concurrency, async ([day, ids]) => {
      const rows = await this.fetchWindowed(call, detailRead, { after: day, before: day });
      for (const row of rows) if (ids.includes(row.nativeId)) found.set(row.nativeId, orderOrError(row));
    });
    return found;
  }

  /**
   * Groups ids whose day is known into day windows that should hold fewer
   * than `cap` orders (by the orders seen per day), so each is one call;
   * windows with a single requested order are left to order_id.
   */
  private clusters(ids: readonly string[]): Array<{ window: DayWindow; ids: string[] }> {
    const dated = ids
      .map((id) => ({ id, day: this.dayHints.get(id) }))
      .filter((entry): entry is { id: string; day: string } => entry.day !== undefined)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    if (dated.length < MIN_CLUSTER) return [];
    // Orders seen up to and including each known day.
    const days = [...this.dayCounts.keys()].sort();
    const upTo = new Map<string, number>();
    let running = 0;
    for (const day of days) {
      running += this.dayCounts.get(day) ?? 0;
      upTo.set(day, running);
    }
    const before = (day: string) => (upTo.get(day) ?? 0) - (this.dayCounts.get(day) ?? 0);
    const groups: Array<Array<{ id: string; day: string }>> = [];
    for (const entry of dated) {
      const group = groups.at(-1);
      const first = group?.[0];
      if (group && first && (upTo.get(entry.day) ?? 0) - before(first.day) < this.cap) group.push(entry);
      else groups.push([entry]);
    }
    return groups
      .filter((group) => group.length >= MIN_CLUSTER)
      .map((group) => ({
        window: { after: (group[0] as { day: string }).day, before: (group.at(-1) as { day: string }).day },
        ids: group.map((entry) => entry.id),
      }));
  }

  override async close(): Promise<void> {
    this.dayHints.clear();
    this.cache.clear();
    await super.close();
  }
}

/**
 * Whether Iteras refused the key. Its docs give "a 40x status (400, 404)" for bad
 * requests and bad keys alike and leave the body undocumented, so a 400 or 404
 * counts only when its message is about the key; 401 and 403 always do.
 */
function isCredentialsFailure(response: UpstreamResponse): boolean {
  if (response.status === 401 || response.status === 403) return true;
  return (response.status === 400 || response.status === 404) && isKeyError(response);
}

/** An error body that complains about the key, in English or Danish (`language=da`). */
function isKeyError(response: UpstreamResponse): boolean {
  const error = (response.body as { error?: unknown; detail?: unknown } | undefined) ?? {};
  const message = typeof error.error === "string" ? error.error : typeof error.detail === "string" ? error.detail : "";
  return /\b(api[- ]?)?key\b|nøgle/i.test(message);
}
