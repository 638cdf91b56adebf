/** Registration of the emnify provider kind: config entry, connector, GraphQL type. */
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { EMNIFY_RATE_BUDGET, type EmnifyConfig, emnifyConfigSchema } from "./emnify.config.ts";
import { EMNIFY_CAPABILITIES, EmnifyConnector } from "./emnify.connector.ts";

/** The entry schema lives in emnify.config.ts (the connector reads its type from there); re-exported for the definition's importers. */
export { EMNIFY_RATE_BUDGET, type EmnifyConfig, emnifyConfigSchema };

/** The emnify provider kind. */
export const emnifyDefinition: ProviderDefinition<EmnifyConfig> = {
  configKind: "emnify",
  kind: "EMNIFY",
  schema: emnifyConfigSchema,
  capabilities: EMNIFY_CAPABILITIES,
  create: (entry, services) => new EmnifyConnector(entry, services),
  orderType: {
    typeName: "EmnifyOrder",
    nativeFields: [
      "paid",
      "customerOrganisation",
      "customerUser",
      "shippingOption",
      "shippedWith",
      "paymentOption",
      "currency",
      "shippedDate",
      "deliveredDate",
      "externalPaymentReference",
      "externalShippingReference",
      "vat",
      "vatRate",
      "meta",
      "autoProvisioning",
      "purchaseOrderNumber",
      "lines",
    ],
    // The user's name and login (an e-mail address) are personal data. The organisation's name is the
    // customer's name (Customer.name), often a person's (a sole trader's, or "Hansen Logistics"). The
    // tracking number opens the carrier's page of the delivery, with the recipient's name and place.
    piiFields: ["customerUser", "externalShippingReference"],
    nestedPiiFields: { EmnifyOrganisation: ["name"] },
  },
  secretPaths: ["credentials.applicationToken", "credentials.password"],
};
