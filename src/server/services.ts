/** Server-wide services built from the config: the shared answer cache and the upstream observers. */
import type { OrdergraphConfig } from "../config/config.schema.ts";
import type { ConnectorServices } from "../providers/core/provider-definition.ts";
import { ResponseCache } from "../providers/core/response-cache.ts";
import { ObserverHub } from "../providers/core/upstream-events.ts";

/** Services plus how to release them. */
export interface Services extends ConnectorServices {
  cache: ResponseCache;
  /** Every connector reports its upstream calls here; the server adds its logger and metrics. */
  observer: ObserverHub;
  close(): Promise<void>;
}

/** Builds the services: Redis when the config names it, memory otherwise. */
export async function createServices(config: OrdergraphConfig): Promise<Services> {
  const cache = config.cache.redisUrl ? await ResponseCache.redis(config.cache.redisUrl) : ResponseCache.memory();
  return { cache, observer: new ObserverHub(), close: () => cache.close() };
}
