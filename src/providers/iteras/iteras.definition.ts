/** Registration of the Iteras provider kind: config entry, connector, GraphQL type. */
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { ITERAS_DEFAULT_CAP, type IterasConfig, iterasConfigSchema } from "./iteras.config.ts";
import { ITERAS_CAPABILITIES, IterasConnector } from "./iteras.connector.ts";

/** The entry schema lives in iteras.config.ts (the connector reads its type from there); re-exported for the definition's importers. */
export { ITERAS_DEFAULT_CAP, type IterasConfig, iterasConfigSchema };

/** The Iteras provider kind. */
export const iterasDefinition: ProviderDefinition<IterasConfig> = {
  configKind: "iteras",
  kind: "ITERAS",
  schema: iterasConfigSchema,
  capabilities: ITERAS_CAPABILITIES,
  create: (entry, services) => new IterasConnector(entry, services),
  orderType: {
    typeName: "IterasOrder",
    nativeFields: [
      "orderingForm",
      "orderingCode",
      "resumeOrderingUrl",
      "campaignProducts",
      "standaloneProducts",
      "subscriptions",
      "paymentAgreement",
      "invoiceLines",
      "customFields",
      "ip",
      "customerId",
    ],
    // The resume URL opens the person's unfinished order; custom fields hold phone numbers and free text,
    // a product's too (a gift message): which of an account's fields are personal cannot be known, so all are guarded.
    piiFields: ["ip", "customFields", "paymentAgreement", "resumeOrderingUrl"],
    nestedPiiFields: { IterasStandaloneProduct: ["customFields"] },
  },
  secretPaths: ["credentials.apiKey"],
};
