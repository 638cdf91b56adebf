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
  sortCapabilities,
  writeCapabilities,
} from "../core/connector.ts";
import { decodeOnce } from "../core/decode-once.ts";
import { headerValue, type UpstreamRequest, type UpstreamResponse } from "../core/http-client.ts";
import { HttpConnector } from "../core/http-connector.ts";
import type { OrderRecord } from "../core/model.ts";
import type { OrderDecoder } from "../core/order-decoder.ts";
import { idRanges, mapConcurrent, type PageAnswer, type PagingConfig, pagingFor, withQuery } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, orderOrError, unexpectedStatus } from "../core/upstream-error.ts";
import { EmnifyAuth } from "./emnify.auth.ts";
import type { EmnifyConfig } from "./emnify.config.ts";
import { type EmnifyMapContext, emnifyToOrder } from "./emnify.mapper.ts";
import { emnifyQuery, emnifySort, emnifySortsNatively, emnifyTerm, joinEmnifyQ, splitEmnifyFilter } from "./emnify.query.ts";
import { type EmnifyRawOrder, emnifyListSchema, emnifyOrderSchema } from "./emnify.schemas.ts";

/** The list path; a single order is `${ORDER_PATH}/{id}`. */
const ORDER_PATH = "/api/v1/shop/order";
/**
 * page/per_page with the counts in headers. Rows asked per call at most: emnify
 * documents no number: per_page "is set to a predefined maximum value if it's
 * too big" (docs.emnify.com, "Collections and pagination"). 250 keeps a window
 * to one call without huge bodies; an account whose maximum is lower says so in
 * `X-per-page`, and the connector then asks no more than that (the strategy's
 * `learnsPageSize`: page numbers only address the planned rows when emnify uses
 * the page size asked, so a lowered size must never go unnoticed).
 */
const PAGING: PagingConfig = {
  type: "page-number",
  pageParam: "page",
  sizeParam: "per_page",
  maxPageSize: 250,
  learnsPageSize: { concurrency: 4 },
};

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
  sorts: sortCapabilities([
    ["CREATED_AT", "native"],
    ["TOTAL", "native"],
    ["NUMBER", "native"],
    ["UPDATED_AT", "none"],
  ]),
  writes: writeCapabilities(),
  count: "NATIVE",
};

function intHeader(response: UpstreamResponse, name: string): number | null {
  const value = headerValue(response.headers, name);
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Connector for one emnify account. */
export class EmnifyConnector extends HttpConnector implements Connector {
  readonly kind = "EMNIFY" as const;
  readonly capabilities = EMNIFY_CAPABILITIES;
  readonly maxPageSize = PAGING.maxPageSize;
  /** Plans pages within the page size emnify answers (it may lower it for good). */
  private readonly paging = pagingFor(PAGING, this.id);
  /** Pages are planned within the page size emnify answers; a session starts with one login. */
  readonly callBounds: CallBounds = {
    list: (_filter, limit, offset) => this.paging.calls(offset, limit),
    session: 1,
  };
  private readonly auth: EmnifyAuth;
  /** What the mapper reads of the config (the decode bench reads it too). */
  private readonly mapContext: EmnifyMapContext;
  private readonly orders: OrderDecoder<EmnifyRawOrder>;

  constructor(config: EmnifyConfig, services: ConnectorServices = {}) {
    const { credentials } = config;
    super(config, services, { values: "applicationToken" in credentials ? [credentials.applicationToken] : [credentials.password] });
    this.auth = new EmnifyAuth(this.http, credentials, config.id);
    this.mapContext = { provider: config.id, currency: config.currency, timeZone: config.timeZone };
    this.orders = this.orderDecoder(emnifyOrderSchema, (raw) => emnifyToOrder(raw, this.mapContext));
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

  /** One list call and its paging headers; `sparse`: its rows are kept as texts (see `ListRequest.sparse`). */
  private async fetchPage(call: CallContext, base: URLSearchParams, page: URLSearchParams, sparse: boolean): Promise<PageAnswer> {
    const response = await this.send(call, { path: ORDER_PATH, query: withQuery(base, page), rowsAsText: sparse });
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, "an order list");
    const list = emnifyListSchema.safeParse(response.body ?? []);
    if (!list.success) throw invalidResponse(this.id, "an order list");
    return {
      rows: decodeOnce(response, "list", () => this.orders.rows(list.data, sparse)),
      total: intHeader(response, "x-count"),
      page: intHeader(response, "x-page"),
      perPage: intHeader(response, "x-per-page"),
      pages: intHeader(response, "x-pages"),
    };
  }

  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    const base = new URLSearchParams();
    const q = emnifyQuery(request.filter, this.id);
    if (q !== undefined) base.set("q", q);
    base.set("sort", emnifySort(request.sort));
    const sparse = request.sparse === true;
    return this.paging.read(request.offset, request.limit, (page) => this.fetchPage(call, base, page, sparse));
  }

  /**
   * Orders by id. `q` filters by an id range and list rows are whole orders,
   * so ids close together come in one call; an id alone is read from its own URL.
   */
  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    const ranges = idRanges(
      nativeIds.filter((id) => this.isValidNativeId(id)),
      this.paging.maxPageSize,
    );
    await mapConcurrent(ranges, this.detailConcurrency, async (range) => {
      if (range.ids.length === 1) return this.getOne(range.ids[0] as string, found, call);
      const base = new URLSearchParams();
      base.set("q", joinEmnifyQ([emnifyTerm("id", ">=", range.min, this.id), emnifyTerm("id", "<=", range.max, this.id)]) as string);
      base.set("sort", "+id");
      const wanted = new Set(range.ids);
      // One page holds a range unless emnify lowers per_page (see the strategy's readWhole).
      const rows = await this.paging.readWhole(range.span, (page) => this.fetchPage(call, base, page, false));
      for (const row of rows) if (wanted.has(row.nativeId)) found.set(row.nativeId, orderOrError(row));
    });
    return found;
  }

  private async getOne(id: string, found: Map<string, OrderRecord | Error>, call: CallContext): Promise<void> {
    const response = await this.send(call, { path: `${ORDER_PATH}/${id}` });
    if (response.status === 404) return;
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, `order ${id}`);
    found.set(id, this.orders.detail(response.body, id));
  }
}
