/**
 * Per-request DataLoaders: every order fetched by id within one operation is
 * deduplicated and batched into one `getMany` per provider.
 */
import DataLoader from "dataloader";
import type { EngineLimits } from "../engine/order-query.ts";
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector } from "../providers/core/connector.ts";
import type { OrderRecord } from "../providers/core/model.ts";

/** A key of the order loader. */
export interface OrderKey {
  provider: string;
  nativeId: string;
}

/** The loaders of one request. */
export interface Loaders {
  /** Complete orders by id; null when the provider has no such order. An Error for a malformed one. */
  order: DataLoader<OrderKey, OrderRecord | null, string>;
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
  return { order };
}

/** The complete version of an order: itself when complete, else the details, loaded once per request. */
export async function completeOrder(loaders: Loaders, record: OrderRecord): Promise<OrderRecord> {
  if (record.complete) return record;
  const full = await loaders.order.load({ provider: record.provider, nativeId: record.nativeId });
  return full ?? record;
}
