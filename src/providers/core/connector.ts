/**
 * The connector interface: what every provider folder implements. The engine
 * talks to providers only through this; it never sees a URL or a raw body.
 */
import type { CallContext } from "./call-context.ts";
import type { LazyRows } from "./lazy-rows.ts";
import type { OrderRecord, OrderStatus, PaymentStatus, ProviderKind } from "./model.ts";

export type FilterField =
  | "STATUS"
  | "NATIVE_STATUS"
  | "PAYMENT_STATUS"
  | "CREATED_AT"
  | "UPDATED_AT"
  | "CUSTOMER_ID"
  | "EMAIL"
  | "SEARCH"
  | "VENDOR_REFERENCE"
  | "TOTAL";
export type FilterOperator = "EQ" | "IN" | "GTE" | "LTE" | "CONTAINS";
export type SortField = "CREATED_AT" | "UPDATED_AT" | "TOTAL" | "NUMBER";
export type SortDirection = "ASC" | "DESC";
export type WriteOperation = "UPDATE_ORDER_STATUS" | "SET_VENDOR_REFERENCE";
export type CountStrategy = "NATIVE" | "FETCHED_SET" | "SCAN";

/** One row of the pushdown table. */
export interface FilterCapability {
  field: FilterField;
  operator: FilterOperator;
  native: boolean;
  note?: string;
}

/** What a provider can sort by, and whether natively. */
export interface SortCapability {
  field: SortField;
  supported: boolean;
  native: boolean;
}

/** The table a connector declares; `Provider.capabilities` shows it to clients. */
export interface Capabilities {
  filters: FilterCapability[];
  sorts: SortCapability[];
  writes: Array<{ operation: WriteOperation; supported: boolean }>;
  count: CountStrategy;
}

/** An inclusive range of instants. */
export interface InstantRange {
  from?: Date;
  to?: Date;
}

/**
 * A filter in the unified model, already validated: customer ids are native ids
 * of the provider it is handed to.
 */
export interface OrderFilter {
  status?: OrderStatus[];
  nativeStatus?: string[];
  paymentStatus?: PaymentStatus[];
  createdAt?: InstantRange;
  updatedAt?: InstantRange;
  customerIds?: string[];
  email?: string;
  search?: string;
  vendorReference?: string;
  total?: { min?: string; max?: string };
}

/** One sort key. */
export interface SortKey {
  field: SortField;
  direction: SortDirection;
}

/**
 * How the connector will run a filter: `native` is what it sends to the provider
 * (it may be wider than asked, e.g. a whole day for a to-the-second range);
 * `residual` is what the engine must still check on every row. Checking the
 * residual again on a row that matched natively is harmless, so a connector may
 * leave a pushed field in the residual when its native match is only approximate.
 */
export interface QueryPlan {
  native: OrderFilter;
  residual: OrderFilter;
  /** True when the provider sorts by `sort` itself, so offsets can be paged natively. */
  sortNative: boolean;
  /** True when no order can match (e.g. a status the provider never uses): no call is made. */
  empty?: boolean;
}

/** A window of the provider's native, filtered, sorted sequence. */
export interface ListRequest {
  filter: OrderFilter;
  /** Null when the provider's own default order is wanted (a full read sorts it here). */
  sort: SortKey | null;
  offset: number;
  limit: number;
  /**
   * The caller will likely read only some rows of the window: a merge of
   * several providers, where each shows about its share of the page. A
   * connector may then keep the answer's rows as their JSON texts
   * (`rowsAsText`, json-stream.ts) and parse each on first read
   * ({@link LazyRows.ofTexts}); a read of every row costs less parsed whole.
   */
  sparse?: boolean;
}

/** What a window read returns. */
export interface ListResult {
  /** Every row of the window, decoded (a placeholder, with `malformed`, for a row that failed validation). */
  rows: OrderRecord[];
  /**
   * The same rows, each decoded only when read, when the connector can offer
   * that (lazy-rows.ts): the engine's merge reads just the rows a page reaches.
   */
  lazy?: LazyRows;
  /** The number of rows in the whole native sequence, when the provider tells. */
  total: number | null;
  /** True when no row exists past this window. */
  end: boolean;
}

/**
 * Upper bounds of the upstream calls a connector's reads make, for the query
 * cost estimate (src/server/query-cost.ts): an operation is priced, and
 * refused past `maxCost`, before any call is made. Each bound counts HTTP
 * calls as `extensions.upstream` does when the provider answers normally: a
 * retried attempt and a renewed session are extra. Every member is optional;
 * src/engine/call-bounds.ts says what an absent one means.
 */
export interface CallBounds {
  /**
   * Whether list rows may be partial (`complete: false`): a field only the
   * details carry then costs one `getMany` per order on the page. Default false.
   */
  partialRows?: boolean;
  /**
   * Most calls of one `list` of `limit` rows at `offset` (null: any offset)
   * for a native filter. Default: the pages `planPages` needs at
   * `maxPageSize` rows a page, one more at an unknown offset.
   */
  list?(filter: OrderFilter, limit: number, offset: number | null): number;
  /**
   * Most calls of reading the first `rows` rows of a native filter's
   * sequence in windows of `maxPageSize` (a scan, or a full read for a sort
   * done here). Default: one `list` bound per window.
   */
  scan?(filter: OrderFilter, rows: number): number;
  /** Calls made at most once per request before the first read, such as a login. Default 0. */
  session?: number;
}

/**
 * A provider connector. Implementations validate their options in their factory
 * (so a bad config fails at start) and keep every URL shape to themselves.
 */
export interface Connector {
  /** The provider id from the config (e.g. `shop-de`). */
  readonly id: string;
  /** A display name. */
  readonly name: string;
  readonly kind: ProviderKind;
  readonly capabilities: Capabilities;
  /** Most rows one native call may return; the engine sizes its reads with it. */
  readonly maxPageSize: number;
  /** Splits a filter into its native and residual parts for a sort. */
  plan(filter: OrderFilter, sort: SortKey): QueryPlan;
  /** Reads a window of the native sequence for a native filter. */
  list(request: ListRequest, call: CallContext): Promise<ListResult>;
  /**
   * Reads complete orders by native id. Missing ids are absent from the map;
   * an order that came back malformed maps to an Error.
   */
  getMany(nativeIds: readonly string[], call: CallContext): Promise<Map<string, OrderRecord | Error>>;
  /** Whether a native id has a shape this provider can have; checked before any call. */
  isValidNativeId(nativeId: string): boolean;
  /** Releases pools and timers. */
  close(): Promise<void>;
  /** Write support; absent when the provider is read-only (mutations answer NOT_SUPPORTED). */
  readonly writes?: ConnectorWrites;
  /** How many upstream calls its reads make at most, where that differs from the defaults (see {@link CallBounds}). */
  readonly callBounds?: CallBounds;
}

/** A provider's write side. Writes are never retried: they may have reached the provider. */
export interface ConnectorWrites {
  /** The native code to write for a requested status, or why it cannot be set. */
  statusCode(request: { status?: OrderStatus | undefined; nativeStatus?: string | undefined }): { code: string } | { invalid: string };
  /** Sets an order's status; false when the order does not exist. */
  updateStatus(nativeId: string, code: string, notifyCustomer: boolean, call: CallContext): Promise<boolean>;
  /** Sets an order's vendor reference; false when the order does not exist. */
  setVendorReference?(nativeId: string, reference: string, call: CallContext): Promise<boolean>;
  /** Longest vendor reference the provider stores. */
  readonly maxVendorReferenceLength?: number;
}

/**
 * The native status codes a plan narrows to: the codes so far (undefined
 * while no status filter has spoken) and those one more filter allows.
 */
export function narrowCodes(codes: readonly string[] | undefined, allowed: readonly string[]): string[] {
  return codes === undefined ? [...allowed] : codes.filter((code) => allowed.includes(code));
}

/** How a provider sorts by a field: itself, here (ordergraph sorts a bounded full read), or not at all. */
export type SortSupport = "native" | "here" | "none";

/** Builds the sort rows of a capability table, in the order given. */
export function sortCapabilities(rows: ReadonlyArray<readonly [SortField, SortSupport]>): SortCapability[] {
  return rows.map(([field, support]) => ({ field, supported: support !== "none", native: support === "native" }));
}

/** The write rows of a capability table: every write operation, supported where `supported` lists it. */
export function writeCapabilities(supported: readonly WriteOperation[] = []): Capabilities["writes"] {
  const operations: readonly WriteOperation[] = ["UPDATE_ORDER_STATUS", "SET_VENDOR_REFERENCE"];
  return operations.map((operation) => ({ operation, supported: supported.includes(operation) }));
}

/** Builds the filter rows of a capability table from a compact description. */
export function filterCapabilities(rows: Array<[FilterField, FilterOperator[], boolean, string?]>): FilterCapability[] {
  return rows.flatMap(([field, operators, native, note]) =>
    operators.map((operator) => (note === undefined ? { field, operator, native } : { field, operator, native, note })),
  );
}
