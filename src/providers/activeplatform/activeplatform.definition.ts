/** Registration of the ActivePlatform provider kind: config entry, connector, GraphQL type, doc and demo entry. */
import { defineProvider } from "../core/provider-definition.ts";
import { activePlatformConfigSchema } from "./activeplatform.config.ts";
import { ActivePlatformConnector, activePlatformCapabilities } from "./activeplatform.connector.ts";

/** The ActivePlatform provider kind. */
export const activeplatformDefinition = defineProvider({
  schema: activePlatformConfigSchema,
  // The date rows are native only once the installation's UTC offsets are configured.
  capabilities: activePlatformCapabilities(false),
  withOption: { option: "accountUtcOffsets", capabilities: activePlatformCapabilities(true) },
  create: (entry, services) => new ActivePlatformConnector(entry, services),
  sdl: new URL("./activeplatform.graphql", import.meta.url),
  docs: new URL("../../../docs/providers/activeplatform.md", import.meta.url),
  demo: async () => (await import("../../../emulators/activeplatform/activeplatform.demo.ts")).activePlatformDemo,
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
});
