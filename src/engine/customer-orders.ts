/**
 * The first pages of many customers' orders at one provider, read together:
 * one filtered sequence for all the customers (Django's `customer_in`,
 * CS-Cart's `user_id[]`, Iteras' repeated `customer`), distributed per
 * customer, instead of one list call per customer.
 *
 * Every page it answers is the page `queryOrders` would answer for that
 * customer alone, cursors included: a client pages on from it through the
 * single-customer path. A cursor holds the edge's key and, as a hint, the
 * offset where the customer's next order stands in their own sequence (so
 * the next page is found in one read); that offset can be known for
 * certain only in these cases, so the batch is used only then:
 * - the provider filters the batch natively and applies the whole filter
 *   itself: a customer's k-th row is at position k of their own sequence;
 * - the provider cannot filter by customer at all: both read the same
 *   unfiltered sequence, so positions are shared;
 * - the sort is done here over a full read: positions are ranks in the
 *   customer's sorted set.
 * Otherwise (e.g. ActivePlatform, which filters one account at a time) each
 * customer is read alone.
 */
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";
import { encodeCursor } from "./cursor.ts";
import { orderKey } from "./order-key.ts";
import {
  type CursorEncoder,
  cursorFingerprint,
  type EngineLimits,
  effectiveSort,
  lazyEdge,
  lazyPageInfo,
  type OrderPage,
  type OrdersQuery,
  queryOrders,
} from "./order-query.ts";
import { type Candidate, ProviderStream } from "./provider-stream.ts";

/** What the customers of one batch share: the first page's size, the filter and the sort. */
export interface CustomerPagesQuery {
  connector: Connector;
  /** Native customer ids of this provider. */
  customerIds: readonly string[];
  first: number;
  /** The filter without customer ids. */
  filter: OrderFilter;
  sort: readonly SortKey[];
}

/**
 * How positions of the batch translate into each customer's own sequence:
 * `own` counts the customer's rows (the provider filtered by customer),
 * `shared` keeps the batch position (nobody filtered by customer). A full
 * read sorted here always ranks within the customer's rows.
 */
type PositionRule = "own" | "shared";

/** Customers read together, and how their positions translate. */
interface Batch {
  ids: string[];
  rule: PositionRule;
}

/** A filter narrowed to some customers (native ids of one provider). */
export function customerFilter(filter: OrderFilter, ids: readonly string[]): OrderFilter {
  return { ...filter, customerIds: [...ids] };
}

/** Whether the provider filters these customers natively, all of them in one sequence. */
export function pushesCustomers(connector: Connector, filter: OrderFilter, ids: readonly string[], sort: SortKey): boolean {
  const native = connector.plan(customerFilter(filter, ids), sort).native.customerIds;
  return native !== undefined && ids.every((id) => native.includes(id));
}

/** Splits the customers into batches the provider can read together; the rest are read alone. */
function planBatches(query: CustomerPagesQuery, sort: readonly SortKey[]): { batches: Batch[]; alone: string[] } {
  const { connector, filter } = query;
  const first = sort[0] as SortKey;
  const ids = [...new Set(query.customerIds)];
  const pushed = ids.filter((id) => pushesCustomers(connector, filter, [id], first));
  const unpushed = ids.filter((id) => !pushed.includes(id));
  const batches: Batch[] = unpushed.length > 1 ? [{ ids: unpushed, rule: "shared" }] : [];
  const alone = unpushed.length === 1 ? unpushed : [];
  // The largest group the provider still filters natively (Iteras takes 20 customers a call).
  let size = pushed.length;
  while (size > 1 && !pushesCustomers(connector, filter, pushed.slice(0, size), first)) size = Math.ceil(size / 2);
  if (size <= 1) alone.push(...pushed);
  else for (let i = 0; i < pushed.length; i += size) batches.push({ ids: pushed.slice(i, i + size), rule: "own" });
  return { batches, alone };
}

/** The first pages of each customer's orders; one read of the provider per group where it can. */
export async function firstPagesByCustomer(
  query: CustomerPagesQuery,
  call: CallContext,
  limits: EngineLimits,
): Promise<Map<string, OrderPage>> {
  const sort = effectiveSort(query.sort);
  const pages = new Map<string, OrderPage>();
  // `first: 0` reads nothing: each customer's empty page as the single path answers it.
  const { batches, alone } = query.first === 0 ? { batches: [], alone: [...new Set(query.customerIds)] } : planBatches(query, sort);
  const readAlone = async (customerId: string) => {
    pages.set(customerId, await customerPage(query, customerId, { first: query.first }, call, limits));
  };
  await Promise.all([
    ...alone.map(readAlone),
    ...batches.map(async (batch) => {
      const stream = new ProviderStream(query.connector, customerFilter(query.filter, batch.ids), sort, call, limits);
      if (batch.rule === "own" && !stream.isFullRead && !stream.isExact) {
        // Rows the residual drops would shift positions we cannot see: read each alone.
        await Promise.all(batch.ids.map(readAlone));
        return;
      }
      const rule = stream.isFullRead ? "own" : batch.rule;
      const { buckets, settled } = await readBuckets(stream, batch.ids, rule, query.first, limits);
      await Promise.all(
        batch.ids.map(async (customerId) => {
          if (!settled.has(customerId)) return readAlone(customerId);
          pages.set(customerId, bucketPage(query, customerId, buckets.get(customerId) ?? [], stream.problems, call, limits));
        }),
      );
    }),
  ]);
  return pages;
}

/**
 * Reads the batch's sequence until every customer has one row more than the
 * page (so hasNextPage is known) or the sequence ends; customers not settled
 * within the scan limit are left out of `settled`.
 */
async function readBuckets(
  stream: ProviderStream,
  group: readonly string[],
  rule: PositionRule,
  first: number,
  limits: EngineLimits,
): Promise<{ buckets: Map<string, Candidate[]>; settled: Set<string> }> {
  const buckets = new Map<string, Candidate[]>(group.map((id) => [id, []]));
  const seen = new Map<string, number>();
  const want = first + 1;
  const open = new Set(group);
  let from = 0;
  let scanned = 0;
  let ended = false;
  // Whole provider pages: a customer with fewer orders than the page settles only at the end of the sequence.
  const windowSize = stream.isFullRead ? Number.MAX_SAFE_INTEGER : stream.connector.maxPageSize;
  while (open.size > 0 && !ended && scanned < limits.scanLimit) {
    const window = await stream.window(from, windowSize);
    for (const item of window.items) {
      const owner = item.record.customer?.nativeId;
      if (owner === undefined) continue;
      const bucket = buckets.get(owner);
      if (!bucket) continue;
      const position = seen.get(owner) ?? 0;
      seen.set(owner, position + 1);
      if (bucket.length < want) bucket.push({ record: item.record, index: rule === "own" ? position : item.index });
      if (bucket.length >= want) open.delete(owner);
    }
    scanned += window.next - from;
    from = window.next;
    ended = window.ended;
  }
  const settled = new Set(group.filter((id) => ended || !open.has(id)));
  return { buckets, settled };
}

/** The paging arguments of one customer's page. */
export type CustomerPaging = Pick<OrdersQuery, "first" | "after" | "last" | "before">;

/** One customer's page of orders at their provider, read alone: any page, from any cursor. */
export function customerPage(
  query: Omit<CustomerPagesQuery, "customerIds" | "first">,
  customerId: string,
  paging: CustomerPaging,
  call: CallContext,
  limits: EngineLimits,
): Promise<OrderPage> {
  return queryOrders(
    {
      ...paging,
      filter: customerFilter(query.filter, [customerId]),
      customerIdsByProvider: new Map([[query.connector.id, [customerId]]]),
      sort: [...query.sort],
      connectors: [query.connector],
    },
    call,
    limits,
  );
}

/** The page `queryOrders` answers for one customer, built from the rows the batch read. */
function bucketPage(
  query: CustomerPagesQuery,
  customerId: string,
  bucket: readonly Candidate[],
  problems: Error[],
  call: CallContext,
  limits: EngineLimits,
): OrderPage {
  const provider = query.connector.id;
  const filter = customerFilter(query.filter, [customerId]);
  // Cursors (and the fingerprint they carry) are encoded only when a client reads one.
  let fingerprint: string | undefined;
  const taken = bucket.slice(0, query.first);
  const sort = effectiveSort(query.sort);
  const encode: CursorEncoder = (item) => {
    fingerprint ??= cursorFingerprint({ filter, sort: query.sort, connectors: [query.connector] });
    const state = { direction: "forward" as const, edge: orderKey(item.record, sort), positions: { [provider]: { hint: item.index + 1 } } };
    return encodeCursor(state, fingerprint, limits.cursorKey);
  };
  const edges = taken.map((item) => lazyEdge(item, encode));
  let counted: Promise<number | null> | undefined;
  return {
    edges,
    pageInfo: lazyPageInfo(edges, bucket.length > query.first, false),
    // Malformed rows of the batch could be anyone's: each page of the batch reports them.
    problems,
    totalCount: () => {
      counted ??= new ProviderStream(query.connector, filter, sort, call, limits).count();
      return counted;
    },
  };
}
