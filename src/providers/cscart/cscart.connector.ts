/**
 * The CS-Cart connector: native params for every filter CS-Cart has, paging
 * by page/items_per_page, details per order with bounded concurrency, and the
 * vendor_ref add-on's search.
 */
import type { CallContext } from "../core/call-context.ts";
import {
  type CallBounds,
  type Capabilities,
  type Connector,
  type ConnectorWrites,
  filterCapabilities,
  type ListRequest,
  type ListResult,
  narrowCodes,
  type OrderFilter,
  type QueryPlan,
  type SortKey,
  sortCapabilities,
  writeCapabilities,
} from "../core/connector.ts";
import { decodeOnce } from "../core/decode-once.ts";
import type { UpstreamResponse } from "../core/http-client.ts";
import { HttpConnector } from "../core/http-connector.ts";
import { matchesFilter } from "../core/match-filter.ts";
import type { OrderRecord } from "../core/model.ts";
import { orderComparator } from "../core/order-compare.ts";
import type { OrderDecoder } from "../core/order-decoder.ts";
import { mapConcurrent, type PageAnswer, type PagingConfig, pagingFor, withQuery } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, unexpectedStatus } from "../core/upstream-error.ts";
import type { CsCartConfig } from "./cscart.config.ts";
import { type CsCartMapContext, csCartDetailsToOrder, csCartRowToOrder } from "./cscart.mapper.ts";
import { type CsCartDetails, type CsCartListRow, csCartDetailsSchema, csCartListRowSchema, csCartListSchema } from "./cscart.schemas.ts";
import { CSCART_DEFAULT_CODE, CSCART_STATUS_LOOKUP, CSCART_STATUS_TABLE } from "./cscart.status.ts";

const SORT_BY: Partial<Record<SortKey["field"], string>> = { CREATED_AT: "date", TOTAL: "total", NUMBER: "order_id" };

/** `GET /orders` pages by page number and `items_per_page`, with the count in `params.total_items`. */
const PAGING: PagingConfig = { type: "page-number", pageParam: "page", sizeParam: "items_per_page", maxPageSize: 250 };

/** The pushdown table of CS-Cart (also shown to clients as Provider.capabilities). */
export const CSCART_CAPABILITIES: Capabilities = {
  filters: filterCapabilities([
    ["STATUS", ["IN"], true, "status[] with the letters of the status table; N (DRAFT) only when asked for"],
    ["NATIVE_STATUS", ["IN"], true],
    ["PAYMENT_STATUS", ["IN"], true, "derived from the status letter"],
    ["CUSTOMER_ID", ["IN"], true, "user_id[]"],
    ["EMAIL", ["EQ"], true, "CS-Cart matches a substring; the exact match is re-checked here"],
    ["UPDATED_AT", ["GTE", "LTE"], true, "updated_at_from/_to in unix seconds"],
    ["VENDOR_REFERENCE", ["EQ"], true, "the vendor_ref add-on's search"],
    ["CREATED_AT", ["GTE", "LTE"], false, "CS-Cart has no created-date filter"],
    ["TOTAL", ["GTE", "LTE"], false],
    ["SEARCH", ["CONTAINS"], false],
  ]),
  sorts: sortCapabilities([
    ["CREATED_AT", "native"],
    ["TOTAL", "native"],
    ["NUMBER", "native"],
    // List rows carry no update time: sorting by it would cost a details call per order.
    ["UPDATED_AT", "none"],
  ]),
  writes: writeCapabilities(["UPDATE_ORDER_STATUS", "SET_VENDOR_REFERENCE"]),
  count: "NATIVE",
};

/** The Basic authorization of the administrator's e-mail and API key. */
function basicAuthorization(config: CsCartConfig): string {
  return `Basic ${Buffer.from(`${config.credentials.email}:${config.credentials.apiKey}`).toString("base64")}`;
}

/** Connector for one CS-Cart store. */
export class CsCartConnector extends HttpConnector implements Connector {
  readonly kind = "CSCART" as const;
  readonly capabilities = CSCART_CAPABILITIES;
  private readonly paging = pagingFor(PAGING, this.id);
  readonly maxPageSize = this.paging.maxPageSize;
  /** List rows lack items, addresses, subtotal and update time: those fields cost a details call per order. */
  readonly callBounds: CallBounds = {
    partialRows: true,
    list: (_filter, limit, offset) => this.paging.calls(offset, limit),
  };
  private readonly authorization: string;
  private readonly mapContext: CsCartMapContext;
  private readonly rows: OrderDecoder<CsCartListRow>;
  private readonly details: OrderDecoder<CsCartDetails>;

  constructor(config: CsCartConfig, services: ConnectorServices = {}) {
    const authorization = basicAuthorization(config);
    super(config, services, { values: [config.credentials.apiKey, authorization] });
    this.authorization = authorization;
    const mapContext: CsCartMapContext = { provider: config.id, currency: config.currency };
    this.mapContext = mapContext;
    this.rows = this.orderDecoder(csCartListRowSchema, (row) => csCartRowToOrder(row, mapContext), { idField: "order_id" });
    this.details = this.orderDecoder(csCartDetailsSchema, (raw) => csCartDetailsToOrder(raw, mapContext));
  }

  isValidNativeId(nativeId: string): boolean {
    return /^[1-9]\d{0,18}$/.test(nativeId);
  }

  plan(filter: OrderFilter, sort: SortKey): QueryPlan {
    const native: OrderFilter = {};
    const residual: OrderFilter = {};
    let codes: string[] | undefined;
    if (filter.status) codes = narrowCodes(codes, CSCART_STATUS_LOOKUP.codesFor(filter.status));
    if (filter.nativeStatus) codes = narrowCodes(codes, filter.nativeStatus);
    if (filter.paymentStatus) codes = narrowCodes(codes, CSCART_STATUS_LOOKUP.codesForPayments(filter.paymentStatus));
    let empty = false;
    if (codes !== undefined) {
      // N (Incomplete) is an abandoned checkout, hidden by CS-Cart unless asked for by name: a payment
      // filter alone (UNPAID includes N) must not bring it back.
      const asksForDraft = filter.status?.includes("DRAFT") || filter.nativeStatus?.includes("N");
      codes = codes.filter((code) => CSCART_STATUS_LOOKUP.isKnown(code) && (code !== "N" || asksForDraft));
      if (codes.length === 0) empty = true;
      native.nativeStatus = codes;
    }
    if (filter.customerIds) {
      // Guests (user_id 0) have no customer id; anything not a positive integer matches nobody.
      const ids = filter.customerIds.filter((id) => this.isValidNativeId(id));
      if (ids.length === 0) empty = true;
      native.customerIds = ids;
    }
    if (filter.email !== undefined) {
      native.email = filter.email;
      residual.email = filter.email;
    }
    if (filter.updatedAt) native.updatedAt = filter.updatedAt;
    if (filter.vendorReference !== undefined) native.vendorReference = filter.vendorReference;
    if (filter.createdAt) residual.createdAt = filter.createdAt;
    if (filter.total) residual.total = filter.total;
    if (filter.search !== undefined) residual.search = filter.search;
    return { native, residual, sortNative: SORT_BY[sort.field] !== undefined, empty };
  }

  private async get(call: CallContext, path: string, query?: URLSearchParams, rowsAsText = false): Promise<UpstreamResponse> {
    const response = await this.http.request(call, { path, query, headers: { authorization: this.authorization }, rowsAsText });
    if (response.status === 401) {
      throw credentialsRejected(this.id, 401);
    }
    return response;
  }

  private listParams(filter: OrderFilter, sort: SortKey | null): URLSearchParams {
    const params = new URLSearchParams();
    for (const code of filter.nativeStatus ?? []) params.append("status[]", code);
    for (const id of filter.customerIds ?? []) params.append("user_id[]", id);
    if (filter.email !== undefined) params.set("email", filter.email);
    if (filter.updatedAt?.from) params.set("updated_at_from", String(Math.ceil(filter.updatedAt.from.getTime() / 1000)));
    if (filter.updatedAt?.to) params.set("updated_at_to", String(Math.floor(filter.updatedAt.to.getTime() / 1000)));
    params.set("sort_by", (sort && SORT_BY[sort.field]) ?? "date");
    params.set("sort_order", sort?.direction === "ASC" ? "asc" : "desc");
    return params;
  }

  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    if (request.filter.vendorReference !== undefined) return this.listByVendorReference(request, call);
    const base = this.listParams(request.filter, request.sort);
    const sparse = request.sparse === true;
    return this.paging.read(request.offset, request.limit, async (page) => {
      const response = await this.get(call, "/orders", withQuery(base, page), sparse);
      if (response.status !== 200) throw unexpectedStatus(this.id, response.status, "an order list");
      return decodeOnce(response, "list", (answer) => this.decodeList(answer, sparse));
    });
  }

  /** A list answer's rows (each decoded when read; `asText`: kept as texts) and its total. */
  private decodeList(response: UpstreamResponse, asText: boolean): PageAnswer {
    const parsed = csCartListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(this.id, "an order list");
    const total = Number(parsed.data.params?.total_items);
    return { rows: this.rows.rows(parsed.data.orders, asText), total: Number.isFinite(total) ? total : null };
  }

  /** The add-on's search answers every matching order in detail; the rest is filtered and paged here. */
  private async listByVendorReference(request: ListRequest, call: CallContext): Promise<ListResult> {
    const response = await this.get(call, "/orders/search/", new URLSearchParams({ vendor_ref: request.filter.vendorReference as string }));
    if (response.status === 404) return { rows: [], total: 0, end: true };
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, "a vendor reference search");
    const list = Array.isArray(response.body) ? response.body : (response.body as { orders?: unknown } | undefined)?.orders;
    if (!Array.isArray(list)) throw invalidResponse(this.id, "a vendor reference search");
    const { vendorReference: _ref, ...rest } = request.filter;
    const hideIncomplete = !(rest.nativeStatus ?? []).includes("N");
    const orders = list
      .map((raw) => {
        const parsed = this.details.parse(raw);
        if (parsed === undefined) throw invalidResponse(this.id, "an order in a vendor reference search");
        return csCartDetailsToOrder(parsed, this.mapContext);
      })
      .filter((order) => !(hideIncomplete && order.nativeStatus.code === "N") && matchesFilter(order, rest))
      .sort(orderComparator([request.sort ?? { field: "CREATED_AT", direction: "DESC" }]));
    const rows = orders.slice(request.offset, request.offset + request.limit);
    return { rows, total: orders.length, end: request.offset + rows.length >= orders.length };
  }

  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    await mapConcurrent(nativeIds, this.detailConcurrency, async (id) => {
      if (!this.isValidNativeId(id)) return;
      const response = await this.get(call, `/orders/${id}`);
      if (response.status === 404) return;
      if (response.status !== 200) throw unexpectedStatus(this.id, response.status, `order ${id}`);
      found.set(id, this.details.detail(response.body, id));
    });
    return found;
  }

  /** The write side: PUT /orders/{id} with `status`/`notify_user` or `vendor_ref`. */
  readonly writes: ConnectorWrites = {
    maxVendorReferenceLength: CSCART_MAX_VENDOR_REF,
    statusCode: (request) => {
      const code = request.nativeStatus ?? (request.status ? CSCART_DEFAULT_CODE[request.status] : undefined);
      if (code === undefined) return { invalid: `CS-Cart has no status for ${request.status ?? "an empty request"}` };
      const row = CSCART_STATUS_LOOKUP.find(code);
      if (!row) return { invalid: `"${code}" is not a CS-Cart status (${CSCART_STATUS_TABLE.map((r) => r.code).join(", ")})` };
      if (!row.settable) return { invalid: `CS-Cart status ${code} (${row.label}) cannot be set by an administrator` };
      if (request.status && request.nativeStatus && row.status !== request.status) {
        return { invalid: `nativeStatus ${code} is ${row.status}, not ${request.status}` };
      }
      return { code };
    },
    updateStatus: (nativeId, code, notifyCustomer, call) =>
      this.put(nativeId, { status: code, notify_user: notifyCustomer ? "1" : "0" }, call),
    setVendorReference: (nativeId, reference, call) => this.put(nativeId, { vendor_ref: reference }, call),
  };

  private async put(nativeId: string, body: Record<string, string>, call: CallContext): Promise<boolean> {
    if (!this.isValidNativeId(nativeId)) return false;
    const response = await this.http.request(call, {
      method: "PUT",
      path: `/orders/${nativeId}`,
      json: body,
      headers: { authorization: this.authorization },
    });
    if (response.status === 404) return false;
    if (response.status === 401) throw credentialsRejected(this.id, 401);
    if (response.status !== 200) throw unexpectedStatus(this.id, response.status, `an update of order ${nativeId}`);
    return true;
  }
}

/** The add-on stores vendor_ref in a 255-character column. */
const CSCART_MAX_VENDOR_REF = 255;
