/**
 * The Iteras connector. Iteras has one GET without paging that answers at
 * most `cap` orders, silently cut: the connector fetches the whole filtered
 * set in day windows (iteras.reader.ts, core/date-windows.ts), keeps it a
 * short while and serves the engine's windows from it (iteras.sets.ts), and
 * reads orders by id in day windows where it knows their days
 * (iteras.details.ts, iteras.windows.ts).
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
  sortCapabilities,
  writeCapabilities,
} from "../core/connector.ts";
import { windowedSetCalls } from "../core/date-windows.ts";
import { HttpConnector } from "../core/http-connector.ts";
import type { OrderRecord } from "../core/model.ts";
import type { ConnectorServices } from "../core/provider-definition.ts";
import type { IterasConfig } from "./iteras.config.ts";
import { type IterasDetailSources, readIterasDetails } from "./iteras.details.ts";
import { isSyntheticId, iterasToOrder } from "./iteras.mapper.ts";
import { IterasReader } from "./iteras.reader.ts";
import { iterasIdText, iterasOrderSchema } from "./iteras.schemas.ts";
import { IterasSets } from "./iteras.sets.ts";
import { ITERAS_STATUS_LOOKUP, ITERAS_UNKNOWN_PAYMENT, ITERAS_UNKNOWN_STATUS } from "./iteras.status.ts";
import { IterasDayHints } from "./iteras.windows.ts";

/** Rows per window the engine may ask for: windows are served from memory. */
const MAX_PAGE = 1000;
/** More customers than this cost more calls than reading the set once: they are filtered here. */
const MAX_PUSHED_CUSTOMERS = 20;

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
  sorts: sortCapabilities([
    // Iteras answers oldest first and the set is sorted here anyway, so every window is exact.
    ["CREATED_AT", "native"],
    ["NUMBER", "here"],
    ["TOTAL", "here"],
    ["UPDATED_AT", "none"],
  ]),
  writes: writeCapabilities(),
  count: "FETCHED_SET",
};

/** Connector for one Iteras account. */
export class IterasConnector extends HttpConnector implements Connector {
  readonly kind = "ITERAS" as const;
  readonly capabilities = ITERAS_CAPABILITIES;
  readonly maxPageSize = MAX_PAGE;
  /**
   * List rows lack invoice lines (asking for them costs a details read per
   * order). A window is served from the fetched set, which takes one windowed
   * read per customer filtered natively (one without); while `setCacheTtlMs`
   * keeps the set, a scan reads it once.
   */
  readonly callBounds: CallBounds = {
    partialRows: true,
    list: (filter) => windowedSetCalls(filter.customerIds?.length ?? 0),
    scan: (filter, rows) => {
      const set = windowedSetCalls(filter.customerIds?.length ?? 0);
      return this.setCacheTtlMs > 0 ? set : Math.ceil(rows / MAX_PAGE) * set;
    },
  };
  private readonly setCacheTtlMs: number;
  private readonly hints = new IterasDayHints();
  private readonly sets: IterasSets;
  private readonly details: IterasDetailSources;

  constructor(config: IterasConfig, services: ConnectorServices = {}) {
    super(config, services, { values: [config.credentials.apiKey], queryParams: ["iteras-key"] });
    this.setCacheTtlMs = config.setCacheTtlMs;
    const mapContext = { provider: config.id, currency: config.currency, timeZone: config.timeZone };
    // An order read by its id is asked with its invoice lines, so it maps complete; a malformed one
    // is named as Iteras' ids are compared, without leading zeros.
    const orders = this.orderDecoder(iterasOrderSchema, (raw) => iterasToOrder(raw, mapContext, { withInvoiceLines: true }), {
      placeholderId: (id) => (/^\d+$/.test(id) ? iterasIdText(id) : id),
    });
    const concurrency = config.detailConcurrency;
    const reader = new IterasReader({
      provider: config.id,
      http: this.http,
      apiKey: config.credentials.apiKey,
      mapContext,
      cap: config.cap,
      concurrency,
      orders,
      hints: this.hints,
    });
    this.sets = new IterasSets({ provider: config.id, reader, timeZone: config.timeZone, ttlMs: config.setCacheTtlMs, concurrency });
    this.details = { reader, hints: this.hints, orders, cap: config.cap, concurrency };
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
      const known = filter.nativeStatus?.filter((code) => ITERAS_STATUS_LOOKUP.isKnown(code));
      if (known) codes = narrowCodes(codes, known);
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

  list(request: ListRequest, call: CallContext): Promise<ListResult> {
    return this.sets.list(request, call);
  }

  getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>> {
    return readIterasDetails(nativeIds, this.details, call);
  }

  override async close(): Promise<void> {
    this.hints.clear();
    this.sets.clear();
    await super.close();
  }
}
