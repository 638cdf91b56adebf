/** Registration of the ActivePlatform provider kind: config entry, connector, GraphQL type. */
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { type ActivePlatformConfig, activePlatformConfigSchema } from "./activeplatform.config.ts";
import { ActivePlatformConnector, activePlatformCapabilities } from "./activeplatform.connector.ts";

/** The entry schema lives in activeplatform.config.ts (the connector reads its type from there); re-exported for the definition's importers. */
export { type ActivePlatformConfig, activePlatformConfigSchema };

/** The ActivePlatform provider kind. */
export const activeplatformDefinition: ProviderDefinition<ActivePlatformConfig> = {
  configKind: "activeplatform",
  kind: "ACTIVEPLATFORM",
  schema: activePlatformConfigSchema,
  // The date rows are native only once the installation's UTC offsets are configured.
  capabilities: activePlatformCapabilities(false),
  withOption: { option: "accountUtcOffsets", capabilities: activePlatformCapabilities(true) },
  create: (entry, services) => new ActivePlatformConnector(entry, services),
  orderType: {
    typeName: "ActivePlatformOrder",
    nativeFields: [
      "documentNumber",
      "orderType",
      "accountId",
      "expirationDate",
      "promoCode",
      "paymentId",
      "activePlatformItems",
      "charges",
    ],
    // Account ids, document numbers and products are business data, not data about a person.
    piiFields: [],
  },
  secretPaths: ["credentials.apiToken"],
};
