/** Registration of the CS-Cart provider kind: config entry, connector, GraphQL type, doc and demo entry. */
import { defineProvider } from "../core/provider-definition.ts";
import { csCartConfigSchema } from "./cscart.config.ts";
import { CSCART_CAPABILITIES, CsCartConnector } from "./cscart.connector.ts";

/** The CS-Cart provider kind. */
export const csCartDefinition = defineProvider({
  schema: csCartConfigSchema,
  capabilities: CSCART_CAPABILITIES,
  create: (entry, services) => new CsCartConnector(entry, services),
  sdl: new URL("./cscart.graphql", import.meta.url),
  docs: new URL("../../../docs/providers/cscart.md", import.meta.url),
  demo: async () => (await import("../../../emulators/cscart/cscart.demo.ts")).csCartDemo,
  orderType: {
    typeName: "CsCartOrder",
    nativeFields: [
      "userId",
      "issuerId",
      "companyId",
      "isParentOrder",
      "parentOrderId",
      "firstName",
      "lastName",
      "phone",
      "langCode",
      "invoiceId",
      "creditMemoId",
      "discount",
      "subtotalDiscount",
      "displaySubtotal",
      "paymentSurcharge",
      "shippingCost",
      "displayShippingCost",
      "taxSubtotal",
      "repaid",
      "taxExempt",
      "needShipping",
      "needShipment",
      "promotionIds",
      "shipmentIds",
      "paymentMethod",
      "shippingMethods",
      "notes",
      "adminNotes",
      "paymentInfo",
      "promotions",
      "taxes",
    ],
    // notes and adminNotes are free text about the buyer; payment_info holds the cardholder's name and card details.
    piiFields: ["firstName", "lastName", "phone", "notes", "adminNotes", "paymentInfo"],
  },
  secretPaths: ["credentials.apiKey"],
});
