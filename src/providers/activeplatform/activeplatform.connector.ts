/**
 * The ActivePlatform connector (vendor API v1): the token in the query string,
 * `filters[...]`/`sorting[...]` params, page/per_page paging over a bare array
 * with no count (a short page is the end, as the provider notes say), one call
 * per order for details.
 */
import type { CallContext } from "../core/call-context.ts";
import {
  type CallBounds,
  type Capabilities,
  type Connector,
  filterCapabilities,
  type InstantRange,
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
import { mapConcurrent, type PagingStrategy, pagingFor, withQuery } from "../core/paging.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import { credentialsRejected, invalidResponse, unexpectedStatus } from "../core/upstream-error.ts";
import { type ActivePlatformConfig, parseUtcOffset } from "./activeplatform.config.ts";
import { type ActivePlatformMapContext, activePlatformToOrder } from "./activeplatform.mapper.ts";
import { type ActivePlatformRawOrder, activePlatformListSchema, activePlatformOrderSchema } from "./activeplatform.schemas.ts";
import {
  ACTIVEPLATFORM_FALLBACK_PAYMENT,
  ACTIVEPLATFORM_FALLBACK_STATUS,
  ACTIVEPLATFORM_STATUS_TABLE,
  activePlatformStatus,
} from "./activeplatform.status.ts";

/** Path of the order list, below the installation's base URL. */
export const ACTIVEPLATFORM_LIST_PATH = "/api/vendor/v1/orders.json";
/** Path of one order. */
export const activePlatformOrderPath = (id: string): string => `/api/vendor/v1/orders/${id}.json`;

/** `sorting[field]` of each unified sort field. NUMBER is the document number the `number` field shows. */
export const ACTIVEPLATFORM_SORT_FIELDS: Readonly<Record<SortKey["field"], string>> = {
  CREATED_AT: "created_at",
  UPDATED_AT: "updated_at",
  TOTAL: "total",
  NUMBER: "document_id",
};

/** The pushdown table; the date rows are native only when the installation's UTC offsets are configured. */
export function activePlatformCapabilities(datePushdown: boolean): Capabilities {
  const dateNote = datePushdown
    ? "filters[created_at]/[updated_at] match one calendar date: pushed down when the range falls on one date in every configured offset and in UTC; the exact range is checked by ordergraph"
    : "applied by ordergraph (configure accountUtcOffsets to push day-long ranges down)";
  return {
    filters: filterCapabilities([
      ["STATUS", ["IN"], true, "filters[status] takes one value: pushed down when the filter leaves exactly one native status"],
      ["NATIVE_STATUS", ["IN"], true, "one value natively; several are filtered by ordergraph"],
      ["PAYMENT_STATUS", ["IN"], true, "derived from the status"],
      ["CUSTOMER_ID", ["IN"], true, "filters[account_id]: one account natively; several are filtered by ordergraph"],
      ["CREATED_AT", ["GTE", "LTE"], datePushdown, dateNote],
      ["UPDATED_AT", ["GTE", "LTE"], datePushdown, dateNote],
      ["EMAIL", ["EQ"], false, "orders carry no e-mail: nothing matches"],
      ["VENDOR_REFERENCE", ["EQ"], false, "orders carry no vendor reference: nothing matches"],
      ["TOTAL", ["GTE", "LTE"], false],
      ["SEARCH", ["CONTAINS"], false],
    ]),
    sorts: sortCapabilities([
      ["CREATED_AT", "native"],
      ["UPDATED_AT", "native"],
      ["TOTAL", "native"],
      ["NUMBER", "native"],
    ]),
    writes: writeCapabilities(),
    count: "SCAN",
  };
}

function dateAt(instant: number, offsetMinutes: number): string | null {
  const date = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null;
}

/**
 * The one calendar date that every instant of `range` shows in every one of
 * `offsets` (minutes east of UTC), or null when there is no such date. When
 * ActivePlatform's date filters match the date as printed in each timestamp's
 * own offset, only then does `filters[created_at]=date` return a superset of
 * the range (see {@link activePlatformDateOffsets} for the other readings).
 */
export function singleLocalDate(range: InstantRange, offsets: readonly number[]): string | null {
  if (!range.from || !range.to || offsets.length === 0) return null;
  const first = dateAt(range.from.getTime(), Math.min(...offsets));
  const last = dateAt(range.to.getTime(), Math.max(...offsets));
  return first !== null && first === last ? first : null;
}

/**
 * The offsets a pushed-down date must hold in, for the configured offsets
 * (minutes east of UTC): those plus UTC, or none when none are configured.
 * The docs do not say which calendar day `filters[created_at]` reads: the
 * timestamp's own offset (the emulator's choice), UTC (a database `::date`),
 * or the installation's zone (one of the offsets it prints). A date that holds
 * in all of these is a superset of the range under every one of those readings.
 */
export function activePlatformDateOffsets(configured: readonly number[]): number[] {
  return configured.length === 0 ? [] : [...new Set([...configured, 0])];
}

/** Whether an error answer's text (never quoted) says the API token is the problem, e.g. `"error": "Invalid api_token"`. */
function blamesToken(body: unknown): boolean {
  if (!body || typeof body !== "object") return false;
  const fields = body as Record<string, unknown>;
  // Rails also answers `{"errors": {"api_token": ["is invalid"]}}`: the key names the field.
  const keyed = fields.errors && typeof fields.errors === "object" && !Array.isArray(fields.errors) ? Object.keys(fields.errors) : [];
  const texts = [fields.error, fields.message, fields.errors, keyed].flat().filter((text): text is string => typeof text === "string");
  // "api_token=" is a URL that the body echoes, not a verdict on the token.
  return texts.some((text) => /\bapi[_ ]token\b(?!=)/i.test(text));
}

/** A canonical account id (what the mapper produces), so a pushed-down match equals a local one. */
function isAccountId(id: string): boolean {
  return /^(0|[1-9]\d{0,15})$/.test(id);
}

/**
 * The list params of a native filter and sort (without page, per_page and the
 * token). The plan only ever leaves one status, one account and one-day ranges
 * in a native filter: anything else is a bug, not something to half-apply.
 */
export function activePlatformListParams(filter: OrderFilter, sort: SortKey | null, offsets: readonly number[]): URLSearchParams {
  const params = new URLSearchParams();
  const single = (values: string[] | undefined, name: string): string | undefined => {
    if (values === undefined) return undefined;
    if (values.length !== 1) throw new Error(`ActivePlatform's ${name} takes exactly one value, got ${values.length}`);
    return values[0];
  };
  const status = single(filter.nativeStatus, "filters[status]");
  if (status !== undefined) params.set("filters[status]", status);
  const account = single(filter.customerIds, "filters[account_id]");
  if (account !== undefined) params.set("filters[account_id]", account);
  for (const [field, range] of [
    ["created_at", filter.createdAt],
    ["updated_at", filter.updatedAt],
  ] as const) {
    if (!range) continue;
    const date = singleLocalDate(range, offsets);
    if (date === null) throw new Error(`ActivePlatform's filters[${field}] needs a range within one local date`);
    params.set(`filters[${field}]`, date);
  }
  if (sort) {
    params.set("sorting[field]", ACTIVEPLATFORM_SORT_FIELDS[sort.field]);
    params.set("sorting[reversed]", sort.direction === "DESC" ? "true" : "false");
  }
  return params;
}

/** Connector for one ActivePlatform installation. */
export class ActivePlatformConnector extends HttpConnector implements Connector {
  readonly kind = "ACTIVEPLATFORM" as const;
  readonly capabilities: Capabilities;
  readonly maxPageSize: number;
  readonly callBounds: CallBounds = { list: (_filter, limit, offset) => this.paging.calls(offset, limit) };
  /** page/per_page over a bare array: no count, and a short page is the end. */
  private readonly paging: PagingStrategy;
  private readonly token: string;
  /** Where a pushed-down date must hold: the configured offsets and UTC (none without configured offsets). */
  private readonly offsets: readonly number[];
  /** What the mapper reads of the config (the decode bench reads it too). */
  private readonly mapContext: ActivePlatformMapContext;
  private readonly orders: OrderDecoder<ActivePlatformRawOrder>;

  constructor(config: ActivePlatformConfig, services: ConnectorServices = {}) {
    // The token travels in the URL: redact the parameter and the value itself wherever text could leave.
    super(config, services, { values: [config.credentials.apiToken], queryParams: ["api_token"] });
    this.token = config.credentials.apiToken;
    this.offsets = activePlatformDateOffsets((config.accountUtcOffsets ?? []).map((text) => parseUtcOffset(text) ?? 0));
    this.capabilities = activePlatformCapabilities(this.offsets.length > 0);
    this.paging = pagingFor(
      { type: "page-number", pageParam: "page", sizeParam: "per_page", maxPageSize: config.maxPerPage, sizeOption: "maxPerPage" },
      config.id,
    );
    this.maxPageSize = this.paging.maxPageSize;
    this.mapContext = { provider: config.id, currency: config.currency, timeZone: config.timeZone };
    this.orders = this.orderDecoder(activePlatformOrderSchema, (raw) => activePlatformToOrder(raw, this.mapContext));
  }

  isValidNativeId(nativeId: string): boolean {
    return /^[1-9]\d{0,15}$/.test(nativeId);
  }

  plan(filter: OrderFilter, sort: SortKey): QueryPlan {
    const native: OrderFilter = {};
    const residual: OrderFilter = {};
    let empty = false;

    if (filter.status || filter.nativeStatus || filter.paymentStatus) {
      // Codes outside the table map to the fallback: unless a list of codes is given, they can
      // match only when the filter admits the fallback, and then the set of codes is open.
      const admitsUnknown =
        (filter.status?.includes(ACTIVEPLATFORM_FALLBACK_STATUS) ?? true) &&
        (filter.paymentStatus?.includes(ACTIVEPLATFORM_FALLBACK_PAYMENT) ?? true);
      const candidates =
        filter.nativeStatus?.filter((code) => code !== "") ??
        (admitsUnknown ? undefined : ACTIVEPLATFORM_STATUS_TABLE.map((row) => row.code));
      if (candidates === undefined) {
        if (filter.status) residual.status = filter.status;
        if (filter.paymentStatus) residual.paymentStatus = filter.paymentStatus;
      } else {
        const codes = candidates.filter((code) => {
          const row = activePlatformStatus(code);
          return (
            (!filter.status || filter.status.includes(row.status)) && (!filter.paymentStatus || filter.paymentStatus.includes(row.payment))
          );
        });
        if (codes.length === 0) empty = true;
        // filters[status] takes one value; several codes are checked here on every row instead.
        if (codes.length === 1) native.nativeStatus = codes;
        else residual.nativeStatus = codes;
      }
    }

    if (filter.customerIds) {
      const ids = filter.customerIds.filter(isAccountId);
      if (ids.length === 0) empty = true;
      if (ids.length === 1) native.customerIds = ids;
      else residual.customerIds = ids;
    }

    for (const field of ["createdAt", "updatedAt"] as const) {
      const range = filter[field];
      if (!range) continue;
      // The native date is only a superset (a whole local day): the exact range is always checked here.
      residual[field] = range;
      if (singleLocalDate(range, this.offsets) !== null) native[field] = range;
    }

    // Orders have neither an e-mail nor a vendor reference: such a filter matches nothing.
    if (filter.email !== undefined) {
      residual.email = filter.email;
      empty = true;
    }
    if (filter.vendorReference !== undefined) {
      residual.vendorReference = filter.vendorReference;
      empty = true;
    }
    if (filter.total) residual.total = filter.total;
    if (filter.search !== undefined) residual.search = filter.search;
    return { native, residual, sortNative: ACTIVEPLATFORM_SORT_FIELDS[sort.field] !== undefined, empty };
  }

  private async get(call: CallContext, path: string, params?: URLSearchParams, rowsAsText = false): Promise<UpstreamResponse> {
    const query = new URLSearchParams(params);
    query.set("api_token", this.token);
    const response = await this.http.request(call, { path, query, rowsAsText });
    // v1 documents no error statuses: later versions answer 403 (the emulator's choice) or 422, and 401 is
    // what most APIs answer. A 422 is about the token only when its text says so: our params are otherwise valid.
    if (response.status === 401 || response.status === 403 || (response.status === 422 && blamesToken(response.body))) {
      throw credentialsRejected(this.id, response.status);
    }
    return response;
  }

  private fail(response: UpstreamResponse, what: string): never {
    // The body is never quoted: messages are ours, so nothing the provider echoes can reach a client.
    const reason = response.status === 422 ? " (it refused the request's parameters)" : "";
    throw unexpectedStatus(this.id, response.status, what, reason);
  }

  /**
   * No count and no next marker: a short page is the end; a full last page
   * leaves it open (the next read then gets `[]`, which ends it). Rows after
   * a short page mean the installation caps per_page below `maxPerPage`: an
   * error, never a silent cut (see the page-number strategy).
   */
  async list(request: ListRequest, call: CallContext): Promise<ListResult> {
    const base = activePlatformListParams(request.filter, request.sort, this.offsets);
    const sparse = request.sparse === true;
    return this.paging.read(request.offset, request.limit, async (page) => {
      const response = await this.get(call, ACTIVEPLATFORM_LIST_PATH, withQuery(base, page), sparse);
      if (response.status !== 200) this.fail(response, "an order list");
      return { rows: decodeOnce(response, "list", (answer) => this.decodeList(answer, sparse)) };
    });
  }

  /** A list answer's rows, each decoded when read (`asText`: kept as texts). */
  private decodeList(response: UpstreamResponse, asText: boolean) {
    const parsed = activePlatformListSchema.safeParse(response.body);
    if (!parsed.success) throw invalidResponse(this.id, "an order list");
    return this.orders.rows(parsed.data, asText);
  }

  async getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    const found = new Map<string, OrderRecord | Error>();
    await mapConcurrent(nativeIds, this.detailConcurrency, async (id) => {
      if (!this.isValidNativeId(id)) return;
      const response = await this.get(call, activePlatformOrderPath(id));
      if (response.status === 404) return;
      if (response.status !== 200) this.fail(response, `order ${id}`);
      found.set(id, this.orders.detail(response.body, id));
    });
    return found;
  }
}
