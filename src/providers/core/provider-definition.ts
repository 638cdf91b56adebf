/**
 * What a provider folder registers: its kind, how it validates its config
 * entry, how it builds its connector, and how its own Order type is exposed.
 */
import type { z } from "zod";
import type { ProviderBaseConfig } from "../../config/config.schema.ts";
import type { Capabilities, Connector } from "./connector.ts";
import type { ProviderKind } from "./model.ts";
import type { ResponseCache } from "./response-cache.ts";
import type { UpstreamObserver } from "./upstream-events.ts";

/** Shared services a connector may use. */
export interface ConnectorServices {
  /** The shared answer cache (its TTL per provider is the entry's cacheTtlMs). */
  cache?: ResponseCache | undefined;
  /** Watches every upstream call (logs, metrics, traces). */
  observer?: UpstreamObserver | undefined;
}

/** A provider kind's registration. */
export interface ProviderDefinition<Entry extends ProviderBaseConfig = ProviderBaseConfig> {
  /** The config's `kind` value. */
  configKind: ProviderBaseConfig["kind"];
  kind: ProviderKind;
  /** Validates the whole provider entry (base fields plus credentials and options). */
  schema: z.ZodType<Entry>;
  /** The pushdown table of a connector of this kind as configured by default (README and Provider.capabilities). */
  capabilities: Capabilities;
  /** The table once a config option is set, where that pushes more down (shown beside the default in the README). */
  withOption?: { option: string; capabilities: Capabilities };
  /** Builds the connector from a validated entry and the server's shared services. */
  create(entry: Entry, services: ConnectorServices): Connector;
  /** The provider's concrete GraphQL Order type and its own fields. */
  orderType: {
    typeName: string;
    /** Fields of the type beyond the Order interface; each reads `record.native[field]`. */
    nativeFields: readonly string[];
    /** Those of them that are personal data. */
    piiFields: readonly string[];
    /** Personal fields of the provider's nested types (e.g. an item type's notes), by type name. */
    nestedPiiFields?: Readonly<Record<string, readonly string[]>>;
  };
  /** Fields a demo/check-config should never print (credentials). */
  secretPaths?: readonly string[];
}
