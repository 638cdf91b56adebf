/**
 * Reading Iteras' one order list: one call, and one windowed read (every
 * order of a filter, split into day windows until no answer is capped; see
 * core/date-windows.ts). Answers arrive as row texts, parsed one row at a
 * time where they are used: a kept window's rows are validated and mapped as
 * soon as it arrives, a capped answer's only read for their days, so no
 * answer is ever held parsed whole and only order records outlive a call. A
 * row that fails validation becomes a placeholder that keeps its place and is
 * reported as an error for that order alone.
 */
import type { CallContext } from "../core/call-context.ts";
import { DayOverflowError, type DayWindow, fetchAllWindows, WindowSplitError } from "../core/date-windows.ts";
import { bodyNotJson, type ProviderHttpClient, type UpstreamResponse } from "../core/http-client.ts";
import { parseRowText } from "../core/json-stream.ts";
import type { OrderRecord } from "../core/model.ts";
import type { OrderDecoder } from "../core/order-decoder.ts";
import { ProviderInputError } from "../core/provider-input-error.ts";
import { credentialsRejected, invalidResponse, rawOrderId, UpstreamError, unexpectedStatus } from "../core/upstream-error.ts";
import { type IterasMapContext, iterasOrderDay, iterasRowDay, iterasSyntheticId, iterasToOrder } from "./iteras.mapper.ts";
import { type IterasRawOrder, iterasIdText, iterasListSchema } from "./iteras.schemas.ts";
import type { IterasDayHints } from "./iteras.windows.ts";

/** What a windowed read asks for, and where what is learnt from its rows goes. */
export interface WindowedRead {
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

/** What an {@link IterasReader} reads with. */
export interface IterasReaderOptions {
  provider: string;
  http: ProviderHttpClient;
  apiKey: string;
  mapContext: IterasMapContext;
  /** Most orders one answer holds (config `cap`). */
  cap: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Validates orders (an order read by id maps complete, with its invoice lines). */
  orders: OrderDecoder<IterasRawOrder>;
  /** Where the days of listed orders are remembered. */
  hints: IterasDayHints;
}

/** The calls of one Iteras account's order list. */
export class IterasReader {
  private readonly options: IterasReaderOptions;

  constructor(options: IterasReaderOptions) {
    this.options = options;
  }

  /**
   * One call of the order list. With `rowsAsText`, the rows come back as their
   * JSON texts (see {@link parseRow}): a windowed read holds thousands of
   * rows, and a text takes a fraction of the memory of the parsed row.
   */
  private async get(call: CallContext, params: URLSearchParams, what: string, rowsAsText = false): Promise<unknown[]> {
    const { http, apiKey, provider } = this.options;
    const response = await http.request(call, { path: "/orders/", query: params, headers: { "x-iteras-key": apiKey }, rowsAsText });
    if (isCredentialsFailure(response)) throw credentialsRejected(provider, response.status);
    if (response.status === 404) {
      // The orders path never moves, so a 404 that does not say why is most likely the key.
      throw unexpectedStatus(provider, 404, what, " (Iteras answers a wrong API key with 404; check the key and the base URL)");
    }
    if (response.status !== 200) throw unexpectedStatus(provider, response.status, what);
    // The answer as a whole must be a list; its rows are validated one by one where they are kept.
    const parsed = iterasListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(provider, what);
    return parsed.data;
  }

  /** A row of a windowed read, parsed only now, when it is used (and dropped right after). */
  private parseRow(text: unknown): unknown {
    return parseRowText(text, () => bodyNotJson(this.options.provider, 200));
  }

  /**
   * Validates and maps the answer of one kept window, in answer order: a row
   * that fails validation becomes a placeholder; id-less twins of one second
   * get -2, -3... suffixes (twins share a day, so always a window).
   */
  private mapWindow(answer: readonly unknown[], read: WindowedRead): OrderRecord[] {
    const { orders, mapContext, hints } = this.options;
    const seenSynthetic = new Map<string, number>();
    const rows: OrderRecord[] = [];
    for (const text of answer) {
      const raw = this.parseRow(text);
      const order = orders.parse(raw);
      if (order === undefined) {
        rows.push(orders.placeholder(raw));
        continue;
      }
      let nativeId: string | undefined;
      if (order.id === null || order.id === undefined) {
        const base = iterasSyntheticId(order, mapContext);
        const n = (seenSynthetic.get(base) ?? 0) + 1;
        seenSynthetic.set(base, n);
        nativeId = n === 1 ? base : `${base}-${n}`;
      } else if (read.learnDays) {
        const day = iterasOrderDay(order, mapContext.timeZone);
        if (day !== null) hints.learn(order.id, shared(day, read.strings));
      }
      rows.push(shareStrings(iterasToOrder(order, mapContext, { withInvoiceLines: read.invoiceLines, nativeId }), read.strings));
    }
    return rows;
  }

  /**
   * Every order of a window (split as often as the cap requires), as records
   * and placeholders, oldest window first. A capped answer is only read for
   * the days of its rows (malformed rows count toward the cap like any other;
   * those without a readable `created` just do not steer the split); each
   * kept answer is mapped at once, so no raw answer outlives its window.
   * Throws `DayOverflowError` or `WindowSplitError` where no window can be
   * read whole.
   */
  windowed(call: CallContext, read: WindowedRead, window: DayWindow): Promise<OrderRecord[]> {
    const { cap, concurrency, mapContext } = this.options;
    return fetchAllWindows<unknown, OrderRecord>(window, {
      cap,
      concurrency,
      dayOf: (text) => iterasRowDay(this.parseRow(text), mapContext.timeZone),
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
  }

  /**
   * {@link windowed}, with a window that no call can read whole answered as an
   * error that says why. A day of `cap` orders or more is the client's filter
   * to narrow when the read serves one (`forFilter`: a refused input, not an
   * Iteras failure); a read by id cannot be narrowed, so there it is Iteras'.
   */
  async windowedOrFail(call: CallContext, read: WindowedRead, window: DayWindow, forFilter: boolean): Promise<OrderRecord[]> {
    const { provider, cap } = this.options;
    try {
      return await this.windowed(call, read, window);
    } catch (error) {
      if (error instanceof DayOverflowError) {
        const message = `provider ${provider} has ${cap} or more matching orders created on ${error.day}; Iteras answers at most ${cap} per call and cannot narrow below a day, so they cannot all be read`;
        if (forFilter) throw new ProviderInputError(provider, "filter", `${message}: narrow the filter (status, customer)`);
        throw new UpstreamError("PROVIDER_ERROR", provider, message);
      }
      if (error instanceof WindowSplitError) {
        throw new UpstreamError(
          "PROVIDER_ERROR",
          provider,
          `provider ${provider}: the order list could not be read whole (${error.message})`,
        );
      }
      throw error;
    }
  }

  /** One order by its id, with its invoice lines (Iteras takes one `order_id` a call): the raw order, or undefined. */
  async byId(call: CallContext, id: string): Promise<unknown> {
    const list = await this.get(call, new URLSearchParams({ order_id: id, fields: "data,invoice_lines" }), `order ${id}`);
    return list.find((item) => {
      const itemId = rawOrderId(item);
      return itemId !== undefined && iterasIdText(itemId) === id;
    });
  }
}
