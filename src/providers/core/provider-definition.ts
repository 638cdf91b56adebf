/**
 * What a provider folder registers: how it validates its config entry, how it
 * builds its connector, how its own Order type is exposed, and where its SDL,
 * its doc and its demo entry are. `defineProvider()` types a definition from
 * its entry schema and derives the rest; the registry (src/providers/registry.ts)
 * is the list of definitions, and everything that knows the provider kinds
 * (config validation, the GraphQL schema, codegen, the demo, the docs, the
 * bench, the tests) reads them from there. docs/adding-a-provider.md walks
 * through writing one.
 */
import type { z } from "zod";
import type { ProviderBaseConfig } from "../../config/config.schema.ts";
import type { DemoEntry } from "../../demo/demo-entry.ts";
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

/** The provider's concrete GraphQL Order type and its own fields. */
export interface OrderTypeSpec {
  typeName: string;
  /** Fields of the type beyond the Order interface; each reads `record.native[field]`. */
  nativeFields: readonly string[];
  /** Those of them that are personal data. */
  piiFields: readonly string[];
  /** Personal fields of the provider's nested types (e.g. an item type's notes), by type name. */
  nestedPiiFields?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A provider entry's zod schema: the base fields (`providerBaseSchema`) extended
 * with `kind: z.literal("<kind>")`, the credentials and the options. The
 * literal is where the kind is spelled; everything else derives from it.
 */
export type ProviderEntrySchema<Entry extends ProviderBaseConfig> = z.ZodType<Entry> & {
  readonly shape: { readonly kind: { readonly value: unknown } };
};

/** What a provider folder writes; {@link defineProvider} turns it into a {@link ProviderDefinition}. */
export interface ProviderSpec<Entry extends ProviderBaseConfig> {
  /** Validates the whole provider entry (base fields plus credentials and options); its `kind` literal names the kind. */
  schema: ProviderEntrySchema<Entry>;
  /** The pushdown table of a connector of this kind as configured by default (README and Provider.capabilities). */
  capabilities: Capabilities;
  /** The table once a config option is set, where that pushes more down (shown beside the default in the README). */
  withOption?: { option: string; capabilities: Capabilities };
  /** Builds the connector from a validated entry and the server's shared services. */
  create(entry: Entry, services: ConnectorServices): Connector;
  /** The provider's concrete GraphQL Order type and its own fields. */
  orderType: OrderTypeSpec;
  /** Fields a demo/check-config should never print (credentials). */
  secretPaths?: readonly string[];
  /**
   * The provider's SDL file (`new URL("./<kind>.graphql", import.meta.url)`): its
   * Order type, its nested types, and `extend enum ProviderKind { <KIND> }`.
   */
  sdl: URL;
  /** The provider's page in the docs (`docs/providers/<kind>.md`): its mapping tables, status table and decisions. */
  docs: URL;
  /**
   * Loads the provider's demo entry (`emulators/<kind>/<kind>.demo.ts`: its
   * emulator and the config entry that points ordergraph at it), only when a
   * demo, a test or the bench starts it.
   */
  demo(): Promise<DemoEntry>;
}

/** A provider kind's registration. */
export interface ProviderDefinition<Entry extends ProviderBaseConfig = ProviderBaseConfig> extends ProviderSpec<Entry> {
  /** The config's `kind` value, e.g. `cscart`: the literal of the entry schema's `kind`. */
  readonly configKind: string;
  /** The GraphQL `ProviderKind` value and `Connector.kind`: the config kind in upper case, e.g. `CSCART`. */
  readonly kind: ProviderKind;
}

/** A config kind: lower-case letters and digits, so that its upper case is a GraphQL enum value. */
const CONFIG_KIND = /^[a-z][a-z0-9]*$/;
/** A GraphQL type name. */
const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** The GraphQL `ProviderKind` value of a config kind. */
export function providerKindOf(configKind: string): ProviderKind {
  return configKind.toUpperCase();
}

/**
 * Types a provider's registration from its entry schema and derives its kinds:
 * `configKind` is the schema's `kind` literal and `kind` its upper case. A
 * definition that cannot work (no kind literal, a kind or type name GraphQL
 * cannot spell, a personal field that is not one of the type's fields) throws
 * here, when its module loads, naming the problem.
 */
export function defineProvider<Entry extends ProviderBaseConfig>(spec: ProviderSpec<Entry>): ProviderDefinition<Entry> {
  const configKind = spec.schema.shape.kind.value;
  if (typeof configKind !== "string" || !CONFIG_KIND.test(configKind)) {
    throw new Error(
      `a provider's entry schema needs kind: z.literal("<kind>") with lower-case letters and digits, got ${JSON.stringify(configKind)}`,
    );
  }
  const { typeName, nativeFields, piiFields, nestedPiiFields } = spec.orderType;
  if (!TYPE_NAME.test(typeName)) throw new Error(`provider ${configKind}: "${typeName}" is not a GraphQL type name`);
  const unknown = piiFields.filter((field) => !nativeFields.includes(field));
  if (unknown.length > 0) throw new Error(`provider ${configKind}: piiFields ${unknown.join(", ")} are not among its nativeFields`);
  for (const name of Object.keys(nestedPiiFields ?? {})) {
    if (!TYPE_NAME.test(name)) throw new Error(`provider ${configKind}: "${name}" in nestedPiiFields is not a GraphQL type name`);
  }
  return { ...spec, configKind, kind: providerKindOf(configKind) };
}
