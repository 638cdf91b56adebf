/** Registration of the emnify provider kind: config entry, connector, GraphQL type, doc and demo entry. */
import { defineProvider } from "../core/provider-definition.ts";
import { emnifyConfigSchema } from "./emnify.config.ts";
import { EMNIFY_CAPABILITIES, EmnifyConnector } from "./emnify.connector.ts";

/** The emnify provider kind. */
export const emnifyDefinition = defineProvider({
  schema: emnifyConfigSchema,
  capabilities: EMNIFY_CAPABILITIES,
  create: (entry, services) => new EmnifyConnector(entry, services),
  sdl: new URL("./emnify.graphql", import.meta.url),
  docs: new URL("../../../docs/providers/emnify.md", import.meta.url),
  demo: async () => (await import("../../../emulators/emnify/emnify.demo.ts")).emnifyDemo,
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
});
