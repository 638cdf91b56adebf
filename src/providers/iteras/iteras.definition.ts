/** Registration of the Iteras provider kind: config entry, connector, GraphQL type, doc and demo entry. */
import { defineProvider } from "../core/provider-definition.ts";
import { iterasConfigSchema } from "./iteras.config.ts";
import { ITERAS_CAPABILITIES, IterasConnector } from "./iteras.connector.ts";

/** The Iteras provider kind. */
export const iterasDefinition = defineProvider({
  schema: iterasConfigSchema,
  capabilities: ITERAS_CAPABILITIES,
  create: (entry, services) => new IterasConnector(entry, services),
  sdl: new URL("./iteras.graphql", import.meta.url),
  docs: new URL("../../../docs/providers/iteras.md", import.meta.url),
  demo: async () => (await import("../../../emulators/iteras/iteras.demo.ts")).iterasDemo,
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
});
