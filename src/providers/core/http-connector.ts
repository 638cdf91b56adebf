/**
 * What every HTTP connector starts with: its id and display name from the
 * config entry, one HTTP client for its provider (pool, timeout, retries,
 * breaker, budget, and the secrets it must never let out), how many detail
 * calls it runs at once, and a `close` that releases the client. A provider
 * folder's connector extends it and adds what is its own.
 */
import type { z } from "zod";
import type { ProviderBaseConfig } from "../../config/config.schema.ts";
import { baseHttpOptions, ProviderHttpClient } from "./http-client.ts";
import type { OrderRecord, ProviderKind } from "./model.ts";
import { OrderDecoder, type OrderDecoderOptions } from "./order-decoder.ts";
import type { ConnectorServices } from "./provider-definition.ts";

/** The secrets of a connector's calls: redacted wherever text could leave (logs, errors, traces). */
export interface ConnectorSecrets {
  /** Secret values (keys, tokens, whole header values built from them). */
  values: readonly string[];
  /** Query parameters whose values are secret (a token in the URL). */
  queryParams?: readonly string[];
}

/** The base of a connector that calls its provider over HTTP. */
export abstract class HttpConnector {
  /** The provider id from the config (e.g. `shop-de`). */
  readonly id: string;
  /** A display name (the id unless the config names one). */
  readonly name: string;
  /** The provider kind: each connector's own. */
  abstract readonly kind: ProviderKind;
  /** The one HTTP client of this provider. */
  protected readonly http: ProviderHttpClient;
  /** Detail calls in flight at once (config `detailConcurrency`). */
  protected readonly detailConcurrency: number;

  protected constructor(config: ProviderBaseConfig, services: ConnectorServices, secrets: ConnectorSecrets) {
    this.id = config.id;
    this.name = config.name ?? config.id;
    this.http = new ProviderHttpClient({
      ...baseHttpOptions(config, services),
      secrets: secrets.values,
      ...(secrets.queryParams ? { secretQueryParams: secrets.queryParams } : {}),
    });
    this.detailConcurrency = config.detailConcurrency;
  }

  /**
   * A decoder of this provider's raw orders: each passes `schema` before `map`
   * (see order-decoder.ts). Call it from the constructor, after `super`.
   */
  protected orderDecoder<Raw>(
    schema: z.ZodType<Raw>,
    map: (raw: Raw) => OrderRecord,
    options: Pick<OrderDecoderOptions<Raw>, "idField" | "placeholderId"> = {},
  ): OrderDecoder<Raw> {
    return new OrderDecoder({ provider: this.id, kind: this.kind, schema, map, ...options });
  }

  /** Releases the HTTP client's pool and timers. */
  async close(): Promise<void> {
    await this.http.close();
  }
}
