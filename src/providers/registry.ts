/**
 * The provider kinds ordergraph knows. Adding a provider means adding its
 * folder and one line here.
 */
import type { OrdergraphConfig } from "../config/config.schema.ts";
import { ConfigError, issuesOf } from "../config/load-config.ts";
import { activeplatformDefinition } from "./activeplatform/activeplatform.definition.ts";
import type { Connector } from "./core/connector.ts";
import type { ConnectorServices, ProviderDefinition } from "./core/provider-definition.ts";
import { csCartDefinition } from "./cscart/cscart.definition.ts";
import { djangoShopDefinition } from "./djangoshop/djangoshop.definition.ts";
import { emnifyDefinition } from "./emnify/emnify.definition.ts";
import { iterasDefinition } from "./iteras/iteras.definition.ts";

/** Every registered provider kind. */
export const PROVIDER_DEFINITIONS: readonly ProviderDefinition[] = [
  csCartDefinition,
  iterasDefinition,
  emnifyDefinition,
  activeplatformDefinition,
  djangoShopDefinition,
].map((definition) => definition as unknown as ProviderDefinition);

/** Finds the definition of a config `kind`. */
export function definitionFor(kind: string): ProviderDefinition | undefined {
  return PROVIDER_DEFINITIONS.find((d) => d.configKind === kind);
}

/**
 * Validates every provider entry against its kind's schema and builds the
 * connectors; all problems are reported at once, each with its key path.
 */
export function createConnectors(config: OrdergraphConfig, services: ConnectorServices = {}): Connector[] {
  const issues: string[] = [];
  const valid: Array<{ definition: ProviderDefinition; entry: unknown }> = [];
  config.providers.forEach((entry, index) => {
    const definition = definitionFor(entry.kind);
    if (!definition) {
      issues.push(`providers[${index}].kind: provider kind "${entry.kind}" is not available in this build`);
      return;
    }
    const parsed = definition.schema.safeParse(entry);
    if (!parsed.success) issues.push(...issuesOf(parsed.error, ["providers", index]));
    else valid.push({ definition, entry: parsed.data });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return valid.map(({ definition, entry }) => definition.create(entry as never, services));
}
