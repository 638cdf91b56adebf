/**
 * Per-request DataLoaders: every order fetched by id within one operation is
 * deduplicated and batched into one `getMany` per provider, and the first
 * pages of many customers' orders (Customer.orders, customer by id) are read
 * together per provider where its API filters by several customers.
 */
import DataLoader from "dataloader";
import { queryFingerprint } from "../engine/cursor.ts";
import { firstPagesByCustomer } from "../engine/customer-orders.ts";
import type { EngineLimits, OrderPage } from "../engine/order-query.ts";
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";
import type { CustomerRecord, OrderRecord } from "../providers/core/model.ts";

/** A key of the order loader. */
export interface OrderKey {
  provider: string;
  nativeId: string;
}

/** A key of the customer-orders loader: the first page of one customer's orders in one shape. */
export interface CustomerOrdersKey {
  provider: string;
  customerId: string;
  first: number;
  /** The filter without customer ids. */
  filter: OrderFilter;
  sort: readonly SortKey[];
}

/** A key of the customer loader. */
export interface CustomerKey {
  provider: string;
  nativeId: string;
  /**
   * How many newest orders to read (default 1): the page size of Customer.orders
   * when the query asks for it below, so that one read answers both.
   */
  readSize?: number;
}

/** The loaders of one request. */
export interface Loaders {
  /** Complete orders by id; null when the provider has no such order. An Error for a malformed one. */
  order: DataLoader<OrderKey, OrderRecord | null, string>;
  /** First pages of customers' orders, batched per provider and shape. */
  customerOrders: DataLoader<CustomerOrdersKey, OrderPage, string>;
  /** Customers by id: known through their newest order; null when they have none. */
  customer: DataLoader<CustomerKey, CustomerRecord | null, string>;
}

/** Creates the loaders of one request. */
export function createLoaders(input: {
  connectors: ReadonlyMap<string, Connector>;
  call: CallContext;
  limits: EngineLimits;
  /** Told the size of every batch a loader dispatches (metrics). */
  onBatch?: ((loader: string, size: number) => void) | undefined;
}): Loaders {
  const order = new DataLoader<OrderKey, OrderRecord | null, string>(
    async (keys) => {
      input.onBatch?.("order", keys.length);
      const byProvider = new Map<string, string[]>();
      for (const key of keys) {
        const list = byProvider.get(key.provider) ?? [];
        list.push(key.nativeId);
        byProvider.set(key.provider, list);
      }
      const results = new Map<string, OrderRecord | Error | null>();
      await Promise.all(
        [...byProvider].map(async ([providerId, ids]) => {
          const connector = input.connectors.get(providerId);
          if (!connector) return;
          try {
            const found = await connector.getMany([...new Set(ids)], input.call);
            for (const id of ids) results.set(`${providerId}\u0000${id}`, found.get(id) ?? null);
          } catch (error) {
            for (const id of ids) results.set(`${providerId}\u0000${id}`, error as Error);
          }
        }),
      );
      return keys.map((key) => results.get(`${key.provider}\u0000${key.nativeId}`) ?? null);
    },
    { cacheKeyFn: (key) => `${key.provider}\u0000${key.nativeId}`, maxBatchSize: 500 },
  );
  const shapeOf = (key: CustomerOrdersKey) =>
    `${key.provider}\u0000${queryFingerprint({ first: key.first, filter: key.filter, sort: key.sort })}`;
  const customerOrders = new DataLoader<CustomerOrdersKey, OrderPage, string>(
    async (keys) => {
      input.onBatch?.("customerOrders", keys.length);
      const shapes = new Map<string, CustomerOrdersKey[]>();
      for (const key of keys) shapes.set(shapeOf(key), [...(shapes.get(shapeOf(key)) ?? []), key]);
      const pages = new Map<string, OrderPage | Error>();
      await Promise.all(
        [...shapes].map(async ([shape, group]) => {
          const sample = group[0] as CustomerOrdersKey;
          const connector = input.connectors.get(sample.provider);
          const ids = group.map((key) => key.customerId);
          try {
            if (!connector) throw new Error(`provider ${sample.provider} is not configured`);
            const found = await firstPagesByCustomer(
              { connector, customerIds: ids, first: sample.first, filter: sample.filter, sort: sample.sort },
              input.call,
              input.limits,
            );
            for (const id of ids) pages.set(`${shape}\u0000${id}`, found.get(id) ?? new Error(`no page for customer ${id}`));
          } catch (error) {
            for (const id of ids) pages.set(`${shape}\u0000${id}`, error as Error);
          }
        }),
      );
      return keys.map((key) => pages.get(`${shapeOf(key)}\u0000${key.customerId}`) as OrderPage | Error);
    },
    { cacheKeyFn: (key) => `${shapeOf(key)}\u0000${key.customerId}`, maxBatchSize: 250 },
  );
  const customer = new DataLoader<CustomerKey, CustomerRecord | null, string>(
    async (keys) => {
      input.onBatch?.("customer", keys.length);
      // The newest order carries a customer's details: one page of one order each, batched.
      const pages = await customerOrders.loadMany(
        keys.map((key) => ({ provider: key.provider, customerId: key.nativeId, first: key.readSize ?? 1, filter: {}, sort: [] })),
      );
      return pages.map((page) => (page instanceof Error ? page : (page.edges[0]?.node.customer ?? null)));
    },
    { cacheKeyFn: (key) => `${key.provider}\u0000${key.nativeId}\u0000${key.readSize ?? 1}`, maxBatchSize: 250 },
  );
  return { order, customerOrders, customer };
}

/** The complete version of an order: itself when complete, else the details, loaded once per request. */
export async function completeOrder(loaders: Loaders, record: OrderRecord): Promise<OrderRecord> {
  if (record.complete) return record;
  const full = await loaders.order.load({ provider: record.provider, nativeId: record.nativeId });
  return full ?? record;
}
