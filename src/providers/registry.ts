/**
 * The provider kinds this build ships: one line per provider. Everything that
 * knows the kinds reads them from this list: the config's kind check, the
 * GraphQL schema (each definition's SDL file), codegen's mappers, the demo's
 * emulators, the capability table, the docs index, the bench and the tests.
 * Servers, schemas and connectors take a list of definitions, this one by
 * default, so a test can register one more (tests/fixtures).
 */
import type { OrdergraphConfig, ProviderBaseConfig } from "../config/config.schema.ts";
import { ConfigError, issuesOf } from "../config/load-config.ts";
import { activeplatformDefinition } from "./activeplatform/activeplatform.definition.ts";
import type { Connector } from "./core/connector.ts";
import type { ConnectorServices, ProviderDefinition } from "./core/provider-definition.ts";
import { csCartDefinition } from "./cscart/cscart.definition.ts";
import { djangoShopDefinition } from "./djangoshop/djangoshop.definition.ts";
import { emnifyDefinition } from "./emnify/emnify.definition.ts";
import { iterasDefinition } from "./iteras/iteras.definition.ts";

/**
 * Checks that a list of definitions can serve together: each config kind and
 * each GraphQL type name once. Throws naming the clash.
 */
export function registerProviders(definitions: readonly ProviderDefinition[]): readonly ProviderDefinition[] {
  const owners = new Map<string, string>();
  for (const definition of definitions) {
    const names = [definition.configKind, definition.orderType.typeName, ...Object.keys(definition.orderType.nestedPiiFields ?? {})];
    for (const name of new Set(names)) {
      const owner = owners.get(name);
      if (owner !== undefined) throw new Error(`providers ${owner} and ${definition.configKind} both register "${name}"`);
      owners.set(name, definition.configKind);
    }
  }
  return Object.freeze([...definitions]);
}

/** Every shipped provider kind, in the order of the README's capability columns and the demo's emulators. */
export const PROVIDER_DEFINITIONS: readonly ProviderDefinition[] = registerProviders([
  csCartDefinition,
  iterasDefinition,
  emnifyDefinition,
  activeplatformDefinition,
  djangoShopDefinition,
]);

/** Finds the definition of a config `kind`. */
export function definitionFor(
  kind: string,
  definitions: readonly ProviderDefinition[] = PROVIDER_DEFINITIONS,
): ProviderDefinition | undefined {
  return definitions.find((d) => d.configKind === kind);
}

/**
 * Validates every provider entry against its kind's schema and builds the
 * connectors; all problems are reported at once, each with its key path.
 */
export function createConnectors(
  config: OrdergraphConfig,
  services: ConnectorServices = {},
  definitions: readonly ProviderDefinition[] = PROVIDER_DEFINITIONS,
): Connector[] {
  const issues: string[] = [];
  const valid: Array<{ definition: ProviderDefinition; entry: ProviderBaseConfig }> = [];
  config.providers.forEach((entry, index) => {
    const definition = definitionFor(entry.kind, definitions);
    if (!definition) {
      issues.push(
        `providers[${index}].kind: provider kind "${entry.kind}" is not available in this build (it has ${definitions.map((d) => d.configKind).join(", ")})`,
      );
      return;
    }
    const parsed = definition.schema.safeParse(entry);
    if (!parsed.success) issues.push(...issuesOf(parsed.error, ["providers", index]));
    else valid.push({ definition, entry: parsed.data });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return valid.map(({ definition, entry }) => definition.create(entry, services));
}
