/**
 * The emnify connector: a bearer session from `POST /api/v1/authenticate`,
 * filters in the `q` mini-language, native sorts with an id tie-break in the
 * key's direction, and page/per_page paging with the counts in headers.
 */
import type { CallContext } from "../core/call-context.ts";
import {
  type CallBounds,
  type Capabilities,
  type Connector,
  filterCapabilities,
  type ListRequest,
  type ListResult,
  type OrderFilter,
  type QueryPlan,
  type SortKey,
} from "../core/connector.ts";
import { decodeOnce } from "../core/decode-once.ts";
import { baseHttpOptions, headerValue, ProviderHttpClient, type UpstreamRequest, type UpstreamResponse } from "../core/http-client.ts";
import { LazyRows, lazyListResult } from "../core/lazy-rows.ts";
import type { OrderRecord } from "../core/model.ts";
import { idRanges, mapConcurrent, type PagePlan, pageCalls, planPages } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, malformedRow, orderOrError, unexpectedStatus } from "../core/upstream-error.ts";
import { EmnifyAuth } from "./emnify.auth.ts";
import type { EmnifyConfig } from "./emnify.config.ts";
import { type EmnifyMapContext, type EmnifyNative, emnifyToOrder } from "./emnify.mapper.ts";
import { emnifyQuery, emnifySort, emnifySortsNatively, emnifyTerm, joinEmnifyQ, splitEmnifyFilter } from "./emnify.query.ts";
import { emnifyListSchema, emnifyOrderSchema } from "./emnify.schemas.ts";

/** The list path; a single order is `${ORDER_PATH}/{id}`. */
const ORDER_PATH = "/api/v1/shop/order";
/**
 * Rows asked per call at most. emnify documents no number: per_page "is set to a
 * predefined maximum value if it's too big" (docs.emnify.com, "Collections and
 * pagination"). 250 keeps a window to one call without huge bodies; an account
 * whose maximum is lower says so in `X-per-page`, and the connector then asks
 * no more than that (see `EmnifyConnector.pageCap`).
 */
const MAX_PAGE = 250;

/** The pushdown table of emnify (also shown to clients as Provider.capabilities). */
export const EMNIFY_CAPABILITIES: Capabilities = {
  filters: filterCapabilities([
    ["STATUS", ["IN"], true, "q status terms: the range of the ids, minus each gap with !: (exact); ON_HOLD (null status) is checked here"],
    ["NATIVE_STATUS", ["IN"], true, "status ids 0-4, as for STATUS"],
    ["PAYMENT_STATUS", ["IN"], true, "q paid:1 / paid:0 for one of PAID or UNPAID; other sets are checked here"],
    ["CREATED_AT", ["GTE", "LTE"], true, "q submit_date>= / <= with the exact instant; drafts have no submit date"],
    ["CUSTOMER_ID", ["IN"], false, "the customer is the organisation; q has no customer field"],
    ["EMAIL", ["EQ"], false],
    ["SEARCH", ["CONTAINS"], false],
    ["TOTAL", ["GTE", "LTE"], false],
    ["UPDATED_AT", ["GTE", "LTE"], false, "emnify has no update time: matches nothing"],
    ["VENDOR_REFERENCE", ["EQ"], false, "emnify has no vendor reference: matches nothing"],
  ]),
  sorts: [
    { field: "CREATED_AT", supported: true, native: true },
    { field: "TOTAL", supported: true, native: true },
    { field: "NUMBER", supported: true, native: true },
    { field: "UPDATED_AT", supported: false, native: false },
  ],
  writes: [
    { operation: "UPDATE_ORDER_STATUS", supported: false },
    { operation: "SET_VENDOR_REFERENCE", supported: false },
  ],
  count: "NATIVE",
};

/** The paging headers of a list answer (absent or unreadable ones are null). */
interface PagingHeaders {
  page: number | null;
  /** The page size the answer used: below the `per_page` asked when emnify lowered it to its maximum. */
  perPage: number | null;
  pages: number | null;
  count: number | null;
}

function intHeader(response: UpstreamResponse, name: string): number | null {
  const value = headerValue(response.headers, name);
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Connector for one emnify account. */
export class EmnifyConnector implements Connector {
  readonly id: string;
  readonly name: string;
  readonly kind = "EMNIFY" as const;
  readonly capabilities = EMNIFY_CAPABILITIES;
  readonly maxPageSize = MAX_PAGE;
  private readonly http: ProviderHttpClient;
  private readonly auth: EmnifyAuth;
  private readonly mapContext: EmnifyMapContext;
  private readonly detailConcurrency: number;
  /**
   * The largest `per_page` asked: {@link MAX_PAGE} until emnify answers a smaller
   * `X-per-page`, then that. Page numbers only address the planned rows when
   * emnify uses the page size asked, so a lowered size must never go unnoticed.
   */
  private pageCap = MAX_PAGE;
  /** Pages are planned within the page size emnify answers; a session starts with one login. */
  readonly callBounds: CallBounds = {
    list: (_filter, limit, offset) => pageCalls(offset, limit, this.pageCap),
    session: 1,
  };

  constructor(config: EmnifyConfig, services: ConnectorServices = {}) {
    this.id = config.id;
    this.name = config.name ?? config.id;
    const { credentials } = config;
    const secrets = "applicationToken" in credentials ? [credentials.applicationToken] : [credentials.password];
    this.http = new ProviderHttpClient({
      ...baseHttpOptions(config, services),
      secrets,
    });
    this.auth = new EmnifyAuth(this.http, credentials, config.id);
    this.mapContext = { provider: config.id, currency: config.currency, timeZone: config.timeZone };
    this.detailConcurrency = config.detailConcurrency;
  }

  isValidNativeId(nativeId: string): boolean {
    return /^(0|[1-9]\d{0,15})$/.test(nativeId);
  }

  plan(filter: OrderFilter, sort: SortKey): QueryPlan {
    return { ...splitEmnifyFilter(filter), sortNative: emnifySortsNatively(sort) };
  }

  /** A call with the session token; a 401 renews the token once (shared by concurrent calls) and retries once. */
  private async send(call: CallContext, request: UpstreamRequest): Promise<UpstreamResponse> {
    const token = await this.auth.token(call);
    const first = await this.http.request(call, { ...request, headers: { authorization: `Bearer ${token}` } });
    if (first.status !== 401) return first;
    const renewed = await this.auth.refresh(call, token);
    const second = await this.http.request(call, { ...request, headers: { authorization: `Bearer ${renewed}` } });
    if (second.status === 401) {
      throw credentialsRejected(this.id, 401);
    }
    return second;
  }

  private toOrderOrMalformed(raw: unknown): OrderRecord {
    const parsed = emnifyOrderSchema.safeParse(raw);
    return parsed.success ? emnifyToOrder(parsed.data, this.mapContext) : malformedRow(this.id, "EMNIFY", raw, "an order list");
  }

  private toOrder(raw: unknown, what: string): OrderRecord<EmnifyNative> {
    const parsed = emnifyOrderSchema.safeParse(raw);
    if (!parsed.success) throw invalidResponse(this.id, what);
    return emnifyToOrder(parsed.data, this.mapContext);
  }

  /** One list call; `sparse`: its rows are kept as texts (see `ListRequest.sparse`). */
  private async fetchPage(call: CallContext, base: URLSearchParams, page: PagePlan, sparse: boolean) {
    const params = new URLSearchParams(base);
    params.set("page", String(page.page));
    params.set("per_page", String(page.perPage));
    const response = await this.send(call, { path: ORDER_PATH, query: params, rowsAsText: sparse });
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, "an order list");
    const list = emnifyListSchema.safeParse(response.body ?? []);
    if (!list.success) throw invalidResponse(this.id, "an order list");
    const headers: PagingHeaders = {
      page: intHeader(response, "x-page"),
      perPage: intHeader(response, "x-per-page"),
      pages: intHeader(response, "x-pages"),
      count: intHeader(response, "x-count"),
    };
    // emnify answers a page past the end with the last page: such rows are not this page's.
    const pastEnd = (headers.page !== null && headers.page !== page.page) || (headers.pages !== null && page.page > headers.pages);
    // A malformed row keeps its place and is reported for itself; the page still answers.
    const rows = pastEnd
      ? LazyRows.decoded([])
      : decodeOnce(response, "list", () => (sparse ? LazyRows.ofTexts : LazyRows.of)(list.data, (raw) => this.toOrderOrMalformed(raw)));
    return { page, rows, headers };
  }

  /** Whether an answer used a smaller page size than asked; a valid smaller one becomes the cap for every later call. */
  private lowered(answer: { page: PagePlan; headers: PagingHeaders }): boolean {
    const served = answer.headers.perPage;
    if (served === null || served < 1 || served >= answer.page.perPage) return false;
    this.pageCap = Math.min(this.pageCap, served);
    return true;
  }

  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    const base = new URLSearchParams();
    const q = emnifyQuery(request.filter, this.id);
    if (q !== undefined) base.set("q", q);
    base.set("sort", emnifySort(request.sort));
    const sparse = request.sparse === true;
    let pages = planPages(request.offset, request.limit, this.pageCap);
    if (pages.length === 0) return { rows: [], total: null, end: false };
    let first = await this.fetchPage(call, base, pages[0] as PagePlan, sparse);
    if (this.lowered(first)) {
      // The rows of a lowered page are not the planned ones: plan again within emnify's maximum, once.
      pages = planPages(request.offset, request.limit, this.pageCap);
      first = await this.fetchPage(call, base, pages[0] as PagePlan, sparse);
      if (this.lowered(first)) throw invalidResponse(this.id, "an order list whose X-per-page changed between calls");
    }
    const rest = pages.slice(1);
    // X-pages bounds the rest: never ask for a page that would only repeat the last one.
    const pagesKnown = first.headers.pages;
    const wanted = rest.filter((page) => pagesKnown === null || page.page <= pagesKnown);
    const others = await mapConcurrent(wanted, 4, (page) => this.fetchPage(call, base, page, sparse));
    // Every page was planned within the size the first answer used; one lowered since would hold other rows.
    if (others.some((answer) => this.lowered(answer)))
      throw invalidResponse(this.id, "an order list whose X-per-page changed between calls");
    const answers = [first, ...others];
    const runs: LazyRows[] = [];
    for (const answer of answers) {
      runs.push(answer.rows.slice(answer.page.skip, answer.page.skip + answer.page.take));
      // A short page is the end even without headers.
      if (answer.rows.length < answer.page.perPage) break;
    }
    const rows = LazyRows.join(runs);
    const total = first.headers.count;
    const lastAnswer = answers.at(-1);
    const end =
      total !== null
        ? request.offset + rows.length >= total
        : !lastAnswer || lastAnswer.rows.length < lastAnswer.page.perPage || wanted.length < rest.length;
    return lazyListResult(rows, total, end);
  }

  /**
   * Orders by id. `q` filters by an id range and list rows are whole orders,
   * so ids close together come in one call; an id alone is read from its own URL.
   */
  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    const ranges = idRanges(
      nativeIds.filter((id) => this.isValidNativeId(id)),
      this.pageCap,
    );
    await mapConcurrent(ranges, this.detailConcurrency, async (range) => {
      if (range.ids.length === 1) return this.getOne(range.ids[0] as string, found, call);
      const base = new URLSearchParams();
      base.set("q", joinEmnifyQ([emnifyTerm("id", ">=", range.min, this.id), emnifyTerm("id", "<=", range.max, this.id)]) as string);
      base.set("sort", "+id");
      const wanted = new Set(range.ids);
      // One page holds the range unless emnify lowers per_page; then every page is asked with the same
      // per_page, so each is lowered alike and together they hold the range. The range has `span` ids at
      // most, so at most ceil(span / served) pages: emnify answers a page past the end with the last one,
      // and without its paging headers nothing else would end the loop.
      let lastPage = 1;
      for (let page = 1; page <= lastPage; page += 1) {
        const answer = await this.fetchPage(call, base, { page, perPage: range.span, skip: 0, take: range.span }, false);
        for (const row of answer.rows) if (wanted.has(row.nativeId)) found.set(row.nativeId, orderOrError(row));
        const served = answer.headers.perPage;
        if (!this.lowered(answer) || served === null || answer.rows.length < served) break;
        lastPage = Math.min(answer.headers.pages ?? Number.POSITIVE_INFINITY, Math.ceil(range.span / served));
      }
    });
    return found;
  }

  private async getOne(id: string, found: Map<string, OrderRecord | Error>, call: CallContext): Promise<void> {
    const response = await this.send(call, { path: `${ORDER_PATH}/${id}` });
    if (response.status === 404) return;
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, `order ${id}`);
    try {
      found.set(id, this.toOrder(response.body, `order ${id}`));
    } catch (error) {
      found.set(id, error as Error);
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
