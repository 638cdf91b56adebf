/**
 * Upper bounds of the upstream calls the engine's reads make, read for read
 * as provider-stream.ts and customer-orders.ts make them, so that an
 * operation can be priced, and refused, before any call
 * (src/server/query-cost.ts). Each connector says how its own calls go
 * (`Connector.callBounds`); this file knows how the engine uses them.
 *
 * A bound holds while providers answer normally. Retries of a failed call, a
 * renewed session, malformed rows (a page then reads on past them), an
 * answer that leaves a connector's own bound (an Iteras set of `cap` orders
 * or more, emnify lowering its page size) and reads a cache or a shared
 * in-flight call spares are outside it, in the first cases above it.
 */
import { standaloneCall } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";
import { pageCalls } from "../providers/core/paging.ts";
import { queryFingerprint } from "./cursor.ts";
import { customerFilter, pushesCustomers } from "./customer-orders.ts";
import { boundedFilter, type OrderKey, valuelessMayFollow } from "./order-key.ts";
import { effectiveSort } from "./order-query.ts";
import { narrowsByKey, ProviderStream, type StreamLimits } from "./provider-stream.ts";

/** Most calls of one `list` of `limit` rows at `offset` (null: any offset) for a native filter. */
export function listCalls(connector: Connector, filter: OrderFilter, limit: number, offset: number | null): number {
  const bound = connector.callBounds?.list;
  return bound ? bound(filter, limit, offset) : pageCalls(offset, limit, connector.maxPageSize);
}

/**
 * Most calls of reading a native filter's sequence in windows of
 * `maxPageSize` rows, up to `rows` rows: from its start, or from any
 * position (`offset` null).
 */
export function scanCalls(connector: Connector, filter: OrderFilter, rows: number, offset: 0 | null = 0): number {
  const bound = connector.callBounds?.scan;
  if (bound) return bound(filter, rows);
  const windows = Math.ceil(rows / connector.maxPageSize);
  return windows * listCalls(connector, filter, connector.maxPageSize, offset);
}

/** Most calls one `getMany` of `ids` ids makes: every connector reads at most one id a call. */
export function getManyCalls(ids: number): number {
  return Math.max(0, ids);
}

/** One page read of one provider, as a connection asks for it. */
export interface PageRead {
  /** `first` or `last`. */
  size: number;
  /** Read from the end (`last`, `before`). */
  backward: boolean;
  /** From a cursor (`after`, `before`): the read starts at a position not known before. */
  atCursor: boolean;
  /** `totalCount` is asked for. */
  count: boolean;
}

/** The stream a read would use, or null when it refuses the sort (no call is made then). */
function streamOf(
  connector: Connector,
  filter: OrderFilter,
  sort: readonly SortKey[],
  limits: StreamLimits,
  empty = false,
): ProviderStream | null {
  try {
    // Building a stream plans the read and calls nothing: its plan is the one the real read uses.
    return new ProviderStream(connector, filter, effectiveSort(sort), standaloneCall(), limits, empty);
  } catch {
    return null;
  }
}

const DAY_MS = 86_400_000;

/**
 * Keys a page may start after, for finding out whether any narrows what the
 * provider is asked for (`ProviderStream`'s narrowed read): values within the
 * filter's own range of the sort field, at its ends, its middle and an hour
 * or a day inside them, or about now without a range.
 */
function sampleKeys(filter: OrderFilter, sort: SortKey, provider: string): OrderKey[] {
  const key = (value: number | string): OrderKey => ({ values: [value], provider, id: "1" });
  if (sort.field === "TOTAL") {
    const ends = [filter.total?.min, filter.total?.max].filter((v): v is string => v !== undefined);
    return [...ends, "0.00", "100.00"].map(key);
  }
  if (sort.field === "NUMBER") return [];
  const range = sort.field === "CREATED_AT" ? filter.createdAt : filter.updatedAt;
  const from = range?.from?.getTime();
  const to = range?.to?.getTime();
  const now = Date.now();
  const values = [from, to, from !== undefined && to !== undefined ? Math.floor((from + to) / 2) : undefined, now];
  for (const step of [3_600_000, DAY_MS])
    values.push(from === undefined ? undefined : from + step, to === undefined ? undefined : to - step);
  return values.filter((v): v is number => v !== undefined && (from === undefined || v >= from) && (to === undefined || v <= to)).map(key);
}

/**
 * Most calls of one forward read of `size` matches from a position in a
 * stream's native sequence (`forwardNative`): the window around the hint
 * that finds the position again (which also serves the read) where the
 * provider applies the whole filter, else that window and then windows of
 * the provider's largest page up to the scan limit. `offset` 0: from the
 * sequence's start; null: from a hint.
 */
function nativeForwardCalls(connector: Connector, stream: ProviderStream, size: number, offset: 0 | null, limits: StreamLimits): number {
  const native = stream.plan.native;
  if (stream.isExact) return listCalls(connector, native, size + 2, offset);
  const windows = Math.ceil(limits.scanLimit / connector.maxPageSize) + 1;
  return windows * listCalls(connector, native, connector.maxPageSize, offset);
}

/**
 * Most calls one provider's part of a connection page makes
 * (`ProviderStream`): one window where the provider applies the whole filter,
 * windows up to `engine.scanLimit` rows where some of it is applied here, one
 * bounded full read for a sort it cannot do; `totalCount` adds a one-row read
 * where the provider counts, else a scan (a full read counts itself). A
 * forward page after a cursor finds its position again in the window it
 * reads, either in the provider's sequence narrowed to orders after the
 * cursor's key (and, descending, then the orders without a value after
 * them), or around the cursor's hint: the larger of the two is the bound.
 * Reads that look further, because orders were inserted or deleted near the
 * position since the cursor was made, are outside it.
 */
export function streamCalls(
  connector: Connector,
  filter: OrderFilter,
  sort: readonly SortKey[],
  read: PageRead,
  limits: StreamLimits,
  empty = false,
): number {
  const stream = streamOf(connector, filter, sort, limits, empty);
  if (!stream || stream.plan.empty || read.size === 0) return read.count ? countCalls(connector, stream, limits) : 0;
  const native = stream.plan.native;
  const scan = scanCalls(connector, native, limits.scanLimit);
  if (stream.isFullRead) return scan;
  const chunk = connector.maxPageSize;
  const windows = Math.ceil(limits.scanLimit / chunk);
  const nativeCount = connector.capabilities.count === "NATIVE";
  let calls = 0;
  if (read.backward) {
    // Without `before`, the sequence's length first: a one-row read where the provider counts.
    if (!read.atCursor) calls += nativeCount ? listCalls(connector, native, 1, 0) : scan;
    if (stream.isExact) calls += listCalls(connector, native, read.size + (read.atCursor ? 3 : 1), null);
    else calls += (windows + (read.atCursor ? 1 : 0)) * listCalls(connector, native, chunk, null);
  } else if (!read.atCursor) {
    calls += stream.isExact ? listCalls(connector, native, read.size + 1, 0) : scanCalls(connector, native, limits.scanLimit, 0);
  } else {
    let forward = nativeForwardCalls(connector, stream, read.size, null, limits);
    const first = effectiveSort(sort)[0] as SortKey;
    for (const key of narrowsByKey(connector) ? sampleKeys(filter, first, connector.id) : []) {
      const bounded = boundedFilter(filter, first, key);
      const narrowed = bounded && streamOf(connector, bounded, sort, limits, empty);
      if (!narrowed || narrowed.plan.empty || queryFingerprint(narrowed.plan.native) === queryFingerprint(native)) continue;
      const tail = valuelessMayFollow(filter, first) ? nativeForwardCalls(connector, stream, read.size, null, limits) : 0;
      forward = Math.max(forward, nativeForwardCalls(connector, narrowed, read.size, 0, limits) + tail);
    }
    calls += forward;
  }
  if (read.count) calls += countCalls(connector, stream, limits);
  return calls;
}

/** Most calls of `totalCount` of a stream: a one-row read where the provider counts the whole filter, else a scan. */
function countCalls(connector: Connector, stream: ProviderStream | null, limits: StreamLimits): number {
  if (!stream || stream.plan.empty) return 0;
  const scan = scanCalls(connector, stream.plan.native, limits.scanLimit);
  if (stream.isFullRead) return scan;
  return stream.isExact && connector.capabilities.count === "NATIVE" ? listCalls(connector, stream.plan.native, 1, 0) : scan;
}

/** A merged connection's filter and providers, as `queryOrders` takes them. */
export interface MergedRead {
  connectors: readonly Connector[];
  filter: OrderFilter;
  customerIdsByProvider?: ReadonlyMap<string, readonly string[]> | undefined;
  sort: readonly SortKey[];
}

/** Most calls of one page of a merged connection: each provider's part (`queryOrders`). */
export function mergedCalls(query: MergedRead, read: PageRead, limits: StreamLimits): number {
  let calls = 0;
  for (const connector of query.connectors) {
    const customers = query.customerIdsByProvider?.get(connector.id);
    const filter = query.customerIdsByProvider ? { ...query.filter, customerIds: [...(customers ?? [])] } : query.filter;
    const noCustomer = query.customerIdsByProvider !== undefined && !customers?.length;
    calls += streamCalls(connector, filter, query.sort, read, limits, noCustomer);
  }
  return calls;
}

/** The first page of a customer's orders, in one shape (`Customer.orders` without a cursor, or a customer's read). */
export interface CustomerPageShape {
  first: number;
  /** The filter without customer ids. */
  filter: OrderFilter;
  sort: readonly SortKey[];
  count: boolean;
}

/**
 * What reading customers' first pages at one provider costs
 * (`firstPagesByCustomer`): `alone`, the most calls of one customer's page
 * read alone (every customer may be); `scan`, the most calls of one batch
 * read for several customers; `group`, how many customers one batch holds at
 * most (0: the provider filters none, so they share one unfiltered read).
 */
export interface CustomerReadBound {
  alone: number;
  scan: number;
  group: number;
}

/** Customers the loader reads in one round at most (its `maxBatchSize`). */
export const CUSTOMERS_PER_ROUND = 250;

/** Synthetic native ids "1".."n": every connector takes positive integers as customer ids. */
function someIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

/** The most customers the provider filters natively in one read (0: none). */
function customerGroup(connector: Connector, filter: OrderFilter, sort: SortKey): number {
  const pushes = (n: number) => {
    try {
      return pushesCustomers(connector, filter, someIds(n), sort);
    } catch {
      // A plan that refuses the filter: the read fails before any call, and reading alone bounds it anyway.
      return false;
    }
  };
  if (!pushes(1)) return 0;
  if (pushes(CUSTOMERS_PER_ROUND)) return CUSTOMERS_PER_ROUND;
  let low = 1;
  let high = CUSTOMERS_PER_ROUND;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (pushes(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/** Bounds already worked out, per connector and shape: the same shapes come back request after request. */
const knownBounds = new WeakMap<Connector, Map<string, CustomerReadBound>>();
/** Shapes kept per connector; the oldest goes first. */
const MAX_KNOWN_SHAPES = 256;

/** The bounds of reading customers' first pages in `shape` at one provider (worked out once per shape). */
export function customerReadBound(connector: Connector, shape: CustomerPageShape, limits: StreamLimits): CustomerReadBound {
  let known = knownBounds.get(connector);
  if (!known) {
    known = new Map();
    knownBounds.set(connector, known);
  }
  const key = JSON.stringify([shape, limits.scanLimit]);
  let bound = known.get(key);
  if (!bound) {
    bound = workOutCustomerReadBound(connector, shape, limits);
    if (known.size >= MAX_KNOWN_SHAPES) known.delete(known.keys().next().value as string);
    known.set(key, bound);
  }
  return bound;
}

function workOutCustomerReadBound(connector: Connector, shape: CustomerPageShape, limits: StreamLimits): CustomerReadBound {
  const sort = effectiveSort(shape.sort);
  const alone = streamCalls(
    connector,
    customerFilter(shape.filter, ["1"]),
    sort,
    { size: shape.first, backward: false, atCursor: false, count: shape.count },
    limits,
  );
  const group = customerGroup(connector, shape.filter, sort[0] as SortKey);
  const stream = streamOf(connector, customerFilter(shape.filter, someIds(Math.max(2, group))), sort, limits);
  // Customers of one group that the provider filters only in part are each read alone (counted in `alone`).
  const readsAlone = !stream || stream.plan.empty || (group > 1 && !stream.isFullRead && !stream.isExact);
  const scan = readsAlone ? 0 : scanCalls(connector, stream.plan.native, limits.scanLimit);
  return { alone, scan, group };
}

/**
 * How many batch reads the first pages of `customers` customers of one
 * provider take, in rounds of {@link CUSTOMERS_PER_ROUND}: none for one
 * customer, one for several the provider does not filter, and groups of at
 * most `group` where it does (halved until the provider takes them, as
 * `firstPagesByCustomer` does).
 */
export function customerBatches(customers: number, group: number): number {
  const perRound = (k: number): number => {
    if (k <= 1) return 0;
    if (group === 0) return 1;
    let size = k;
    while (size > 1 && size > group) size = Math.ceil(size / 2);
    return size <= 1 ? 0 : Math.ceil(k / size);
  };
  const rounds = Math.floor(customers / CUSTOMERS_PER_ROUND);
  return rounds * perRound(CUSTOMERS_PER_ROUND) + perRound(customers % CUSTOMERS_PER_ROUND);
}

/** Most calls of the first pages of `customers` customers of one provider, read together where it can. */
export function customerPagesCalls(connector: Connector, customers: number, shape: CustomerPageShape, limits: StreamLimits): number {
  if (customers <= 0) return 0;
  const bound = customerReadBound(connector, shape, limits);
  return customers * bound.alone + customerBatches(customers, bound.group) * bound.scan;
}
