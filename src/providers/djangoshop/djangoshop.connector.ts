/**
 * The djangoshop connector: a Django REST Framework shop with django-filter
 * parameters. Every filter the shop has that OrderFilter can use is pushed down
 * (see djangoshop.params.ts), sorts go to `ordering` with an id tie-break, and
 * windows are read with limit/offset directly. List rows are complete orders.
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
import type { UpstreamResponse } from "../core/http-client.ts";
import { HttpConnector } from "../core/http-connector.ts";
import type { OrderRecord } from "../core/model.ts";
import type { OrderDecoder } from "../core/order-decoder.ts";
import { idRanges, mapConcurrent, type PageAnswer, type PagingConfig, pagingFor, withQuery } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, orderOrError, UpstreamError, unexpectedStatus } from "../core/upstream-error.ts";
import type { DjangoShopConfig } from "./djangoshop.config.ts";
import { type DjangoShopMapContext, djangoShopToOrder } from "./djangoshop.mapper.ts";
import { isDjangoShopId, listParams, planDjangoShop } from "./djangoshop.params.ts";
import { type DjangoShopRawOrder, djangoShopListSchema, djangoShopOrderSchema } from "./djangoshop.schemas.ts";

/**
 * DRF's LimitOffsetPagination: `limit`/`offset`, the count and a next link in
 * the envelope. 100 is the paginator's `max_limit` of the shop: a larger
 * `limit` is cut down to it (a shop with a lower one is read on where it stopped).
 */
const PAGING: PagingConfig = { type: "offset-limit", offsetParam: "offset", limitParam: "limit", maxPageSize: 100 };

/** The pushdown table of the shop (also shown to clients as Provider.capabilities). */
export const DJANGOSHOP_CAPABILITIES: Capabilities = {
  filters: filterCapabilities([
    ["STATUS", ["IN"], true, "status / status_in with the codes of the status table"],
    ["NATIVE_STATUS", ["IN"], true, "status / status_in"],
    ["PAYMENT_STATUS", ["IN"], false, "derived from is_paid and the amounts; only narrowed natively by status (REFUNDED = refunded)"],
    ["CUSTOMER_ID", ["IN"], true, "customer / customer_in: many customers in one call"],
    ["CREATED_AT", ["GTE", "LTE"], true, "created_from / created_to, exact to the millisecond"],
    ["UPDATED_AT", ["GTE", "LTE"], true, "updated_from / updated_to, exact to the millisecond"],
    ["SEARCH", ["CONTAINS"], true, "the shop's search covers more fields than ours; its answer is re-checked here"],
    [
      "EMAIL",
      ["EQ"],
      true,
      "approximate: the API returns no e-mail, so the shop's search (a substring of the customer's e-mail among other fields) decides",
    ],
    ["TOTAL", ["GTE", "LTE"], false],
    ["VENDOR_REFERENCE", ["EQ"], false, "the shop has no vendor reference: nothing matches"],
  ]),
  sorts: sortCapabilities([
    ["CREATED_AT", "native"],
    ["UPDATED_AT", "native"],
    ["NUMBER", "native"],
    // `total` is not among the ordering fields: a bounded full read is sorted here.
    ["TOTAL", "here"],
  ]),
  writes: writeCapabilities(),
  count: "NATIVE",
};

/** Connector for one djangoshop. */
export class DjangoShopConnector extends HttpConnector implements Connector {
  readonly kind = "DJANGOSHOP" as const;
  readonly capabilities = DJANGOSHOP_CAPABILITIES;
  private readonly paging = pagingFor(PAGING, this.id);
  readonly maxPageSize = this.paging.maxPageSize;
  readonly callBounds: CallBounds = { list: (_filter, limit, offset) => this.paging.calls(offset, limit) };
  private readonly authorization: string;
  /** What the mapper reads of the config (the decode bench reads it too). */
  private readonly mapContext: DjangoShopMapContext;
  private readonly orders: OrderDecoder<DjangoShopRawOrder>;

  constructor(config: DjangoShopConfig, services: ConnectorServices = {}) {
    const authorization = `Token ${config.credentials.token}`;
    super(config, services, { values: [config.credentials.token, authorization] });
    this.authorization = authorization;
    this.mapContext = {
      provider: config.id,
      currency: config.currency,
      currencyExponent: config.currencyExponent,
      orderAmounts: config.orderAmounts,
      timeZone: config.timeZone,
    };
    this.orders = this.orderDecoder(djangoShopOrderSchema, (raw) => djangoShopToOrder(raw, this.mapContext));
  }

  isValidNativeId(nativeId: string): boolean {
    return isDjangoShopId(nativeId);
  }

  plan(filter: OrderFilter, sort: SortKey): QueryPlan {
    return planDjangoShop(filter, sort);
  }

  private async get(call: CallContext, path: string, query?: URLSearchParams, rowsAsText = false): Promise<UpstreamResponse> {
    const response = await this.http.request(call, { path, query, headers: { authorization: this.authorization }, rowsAsText });
    if (response.status === 401) {
      throw credentialsRejected(this.id, 401);
    }
    if (response.status === 403) {
      throw new UpstreamError(
        "PROVIDER_ERROR",
        this.id,
        `provider ${this.id} refused the configured token: it needs a staff user (HTTP 403)`,
        403,
      );
    }
    return response;
  }

  private fail(response: UpstreamResponse, what: string): never {
    let detail = "";
    if (response.status === 400 && response.body && typeof response.body === "object" && !Array.isArray(response.body)) {
      // django-filter names the parameters it refused; the names are ours, the messages (which echo values) are not passed on.
      detail = ` (refused parameters: ${Object.keys(response.body)
        .filter((key) => /^[a-z_]{1,40}$/.test(key))
        .join(", ")})`;
    }
    throw unexpectedStatus(this.id, response.status, what, detail);
  }

  /** One list call (`what` it is, for errors); `sparse`: its rows are kept as texts (see `ListRequest.sparse`). */
  private async fetchPage(
    call: CallContext,
    base: URLSearchParams,
    page: URLSearchParams,
    what: string,
    sparse = false,
  ): Promise<PageAnswer> {
    const response = await this.get(call, "/orders/", withQuery(base, page), sparse);
    if (response.status !== 200) this.fail(response, what);
    return decodeOnce(response, "list", (answer) => this.decodeList(answer, what, sparse));
  }

  /** A list answer's rows (each decoded when read; `asText`: kept as texts), count and next marker. */
  private decodeList(response: UpstreamResponse, what: string, asText: boolean): PageAnswer {
    const parsed = djangoShopListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(this.id, what);
    return {
      rows: this.orders.rows(parsed.data.results, asText),
      total: parsed.data.count ?? null,
      hasNext: typeof parsed.data.next === "string",
    };
  }

  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    // The strategy sets limit and offset where listParams puts them, after the filters and the ordering.
    const base = listParams(request.filter, request.sort, request.offset, request.limit);
    const sparse = request.sparse === true;
    return this.paging.read(request.offset, request.limit, (page) => this.fetchPage(call, base, page, "an order list", sparse));
  }

  /**
   * Orders by id. The list filters by an id range (`id_min`/`id_max`) and its
   * rows are whole orders, so ids close together come in one call; an id
   * alone is read from its detail URL.
   */
  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    const ranges = idRanges(
      nativeIds.filter((id) => this.isValidNativeId(id)),
      this.paging.maxPageSize,
    );
    await mapConcurrent(ranges, this.detailConcurrency, async (range) => {
      if (range.ids.length === 1) return this.getOne(range.ids[0] as string, found, call);
      const wanted = new Set(range.ids);
      const base = new URLSearchParams({ id_min: range.min, id_max: range.max, ordering: "id" });
      // A shop whose max_limit is below the span answers in several pages.
      const rows = await this.paging.readWhole(range.span, (page) => this.fetchPage(call, base, page, "orders by id"));
      for (const row of rows) if (wanted.has(row.nativeId)) found.set(row.nativeId, orderOrError(row));
    });
    return found;
  }

  private async getOne(id: string, found: Map<string, OrderRecord | Error>, call: CallContext): Promise<void> {
    const response = await this.get(call, `/orders/${id}/`);
    if (response.status === 404) return;
    if (response.status !== 200) this.fail(response, `order ${id}`);
    found.set(id, this.orders.detail(response.body, id));
  }
}
