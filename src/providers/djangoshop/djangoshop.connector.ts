/**
 * The djangoshop connector: a Django REST Framework shop with django-filter
 * parameters. Every filter the shop has that OrderFilter can use is pushed down
 * (see djangoshop.params.ts), sorts go to `ordering` with an id tie-break, and
 * windows are read with limit/offset directly. List rows are complete orders.
 */
import type { CallContext } from "../core/call-context.ts";
import {
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
import { baseHttpOptions, ProviderHttpClient, type UpstreamResponse } from "../core/http-client.ts";
import { LazyRows, lazyListResult } from "../core/lazy-rows.ts";
import type { OrderRecord } from "../core/model.ts";
import { idRanges, mapConcurrent } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, malformedRow, rawOrderId, UpstreamError, unexpectedStatus } from "../core/upstream-error.ts";
import type { DjangoShopConfig } from "./djangoshop.config.ts";
import { type DjangoShopMapContext, djangoShopToOrder } from "./djangoshop.mapper.ts";
import { isDjangoShopId, listParams, planDjangoShop } from "./djangoshop.params.ts";
import { djangoShopListSchema, djangoShopOrderSchema } from "./djangoshop.schemas.ts";

/** The paginator's `max_limit` of the shop: a larger `limit` is cut down to it. */
const MAX_PAGE = 100;

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
  sorts: [
    { field: "CREATED_AT", supported: true, native: true },
    { field: "UPDATED_AT", supported: true, native: true },
    { field: "NUMBER", supported: true, native: true },
    // `total` is not among the ordering fields: a bounded full read is sorted here.
    { field: "TOTAL", supported: true, native: false },
  ],
  writes: [
    { operation: "UPDATE_ORDER_STATUS", supported: false },
    { operation: "SET_VENDOR_REFERENCE", supported: false },
  ],
  count: "NATIVE",
};

/** One answered call of the list. */
interface ListPage {
  rows: LazyRows;
  count: number | null;
  hasNext: boolean;
}

/** Connector for one djangoshop. */
export class DjangoShopConnector implements Connector {
  readonly id: string;
  readonly name: string;
  readonly kind = "DJANGOSHOP" as const;
  readonly capabilities = DJANGOSHOP_CAPABILITIES;
  readonly maxPageSize = MAX_PAGE;
  private readonly http: ProviderHttpClient;
  private readonly authorization: string;
  private readonly mapContext: DjangoShopMapContext;
  private readonly detailConcurrency: number;

  constructor(config: DjangoShopConfig, services: ConnectorServices = {}) {
    this.id = config.id;
    this.name = config.name ?? config.id;
    this.authorization = `Token ${config.credentials.token}`;
    this.http = new ProviderHttpClient({
      ...baseHttpOptions(config, services),
      secrets: [config.credentials.token, this.authorization],
    });
    this.mapContext = {
      provider: config.id,
      currency: config.currency,
      currencyExponent: config.currencyExponent,
      orderAmounts: config.orderAmounts,
      timeZone: config.timeZone,
    };
    this.detailConcurrency = config.detailConcurrency;
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

  /** One list call; `sparse`: its rows are kept as texts (see `ListRequest.sparse`). */
  private async page(
    filter: OrderFilter,
    sort: SortKey | null,
    offset: number,
    limit: number,
    call: CallContext,
    sparse = false,
  ): Promise<ListPage> {
    const response = await this.get(call, "/orders/", listParams(filter, sort, offset, limit), sparse);
    if (response.status !== 200) this.fail(response, "an order list");
    return decodeOnce(response, "list", (answer) => this.decodeList(answer, sparse));
  }

  /** A list answer's rows (placeholders for malformed ones, in place; each decoded when read; `asText`: kept as texts), count and next marker. */
  private decodeList(response: UpstreamResponse, asText: boolean): ListPage {
    const parsed = djangoShopListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(this.id, "an order list");
    const rows = (asText ? LazyRows.ofTexts : LazyRows.of)(parsed.data.results, (raw) => {
      const row = djangoShopOrderSchema.safeParse(raw);
      // A malformed row keeps its place and is reported for itself; the page still answers.
      if (!row.success) return malformedRow(this.id, "DJANGOSHOP", raw, "an order list");
      return djangoShopToOrder(row.data, this.mapContext);
    });
    return { rows, count: parsed.data.count ?? null, hasNext: typeof parsed.data.next === "string" };
  }

  /**
   * Reads [offset, offset+limit) in calls of at most `limit` rows. A shop whose
   * `max_limit` is below ours answers short pages before the end: reading goes
   * on from where the answer stopped until the window is full or the end is reached.
   */
  private async range(
    filter: OrderFilter,
    sort: SortKey | null,
    offset: number,
    limit: number,
    call: CallContext,
    sparse: boolean,
  ): Promise<ListPage> {
    const runs: LazyRows[] = [];
    let read = 0;
    let count: number | null = null;
    let hasNext = false;
    while (read < limit) {
      const page = await this.page(filter, sort, offset + read, limit - read, call, sparse);
      const run = page.rows.slice(0, limit - read);
      runs.push(run);
      read += run.length;
      count = page.count ?? count;
      hasNext = count !== null ? offset + read < count : page.hasNext;
      if (page.rows.length === 0 || !hasNext) break;
    }
    return { rows: LazyRows.join(runs), count, hasNext };
  }

  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    const { filter, sort, offset } = request;
    if (request.limit <= 0) {
      // DRF reads limit=0 as "the default": ask for one row to learn the count.
      const probe = await this.page(filter, sort, offset, 1, call);
      return {
        rows: [],
        total: probe.count,
        end: probe.count !== null ? offset >= probe.count : !probe.hasNext && probe.rows.length === 0,
      };
    }
    const windows: Array<{ offset: number; limit: number }> = [];
    for (let start = 0; start < request.limit; start += MAX_PAGE) {
      windows.push({ offset: offset + start, limit: Math.min(MAX_PAGE, request.limit - start) });
    }
    // The first answer's count tells which further windows exist (the engine often asks one row
    // past a page, e.g. 101): only those are read, in parallel.
    const [firstWindow, ...rest] = windows as [{ offset: number; limit: number }, ...Array<{ offset: number; limit: number }>];
    const sparse = request.sparse === true;
    const first = await this.range(filter, sort, firstWindow.offset, firstWindow.limit, call, sparse);
    const needed = first.rows.length < firstWindow.limit ? [] : rest.filter((w) => first.count === null || w.offset < first.count);
    const read = [firstWindow, ...needed];
    const pages = [first, ...(await Promise.all(needed.map((w) => this.range(filter, sort, w.offset, w.limit, call, sparse))))];
    const runs: LazyRows[] = [];
    for (const [index, page] of pages.entries()) {
      runs.push(page.rows);
      // A short window is the end of the sequence: later windows hold nothing more.
      if (page.rows.length < (read[index]?.limit ?? 0)) break;
    }
    const rows = LazyRows.join(runs);
    const total = pages.find((p) => p.count !== null)?.count ?? null;
    const last = pages.at(-1);
    const end = total !== null ? offset + rows.length >= total : rows.length < request.limit || !last?.hasNext;
    return lazyListResult(rows, total, end);
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
      MAX_PAGE,
    );
    await mapConcurrent(ranges, this.detailConcurrency, async (range) => {
      if (range.ids.length === 1) return this.getOne(range.ids[0] as string, found, call);
      const wanted = new Set(range.ids);
      // A shop whose max_limit is below the span answers in several pages.
      for (let offset = 0; offset < range.span; ) {
        const params = new URLSearchParams({
          id_min: range.min,
          id_max: range.max,
          ordering: "id",
          limit: String(range.span - offset),
          offset: String(offset),
        });
        const response = await this.get(call, "/orders/", params);
        if (response.status !== 200) this.fail(response, "orders by id");
        const parsed = djangoShopListSchema.safeParse(response.body);
        if (!parsed.success) throw invalidResponse(this.id, "orders by id");
        for (const raw of parsed.data.results) {
          const id = rawOrderId(raw);
          if (id === undefined || !wanted.has(id)) continue;
          const row = djangoShopOrderSchema.safeParse(raw);
          found.set(id, row.success ? djangoShopToOrder(row.data, this.mapContext) : invalidResponse(this.id, `order ${id}`));
        }
        offset += parsed.data.results.length;
        if (parsed.data.results.length === 0 || typeof parsed.data.next !== "string") break;
      }
    });
    return found;
  }

  private async getOne(id: string, found: Map<string, OrderRecord | Error>, call: CallContext): Promise<void> {
    const response = await this.get(call, `/orders/${id}/`);
    if (response.status === 404) return;
    if (response.status !== 200) this.fail(response, `order ${id}`);
    const parsed = djangoShopOrderSchema.safeParse(response.body);
    found.set(id, parsed.success ? djangoShopToOrder(parsed.data, this.mapContext) : invalidResponse(this.id, `order ${id}`));
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
