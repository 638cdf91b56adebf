/** Registration of the CS-Cart provider kind: config entry, connector, GraphQL type. */
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { type CsCartConfig, csCartConfigSchema } from "./cscart.config.ts";
import { CSCART_CAPABILITIES, CsCartConnector } from "./cscart.connector.ts";

/** The entry schema lives in cscart.config.ts (the connector reads its type from there); re-exported for the definition's importers. */
export { type CsCartConfig, csCartConfigSchema };

/** The CS-Cart provider kind. */
export const csCartDefinition: ProviderDefinition<CsCartConfig> = {
  configKind: "cscart",
  kind: "CSCART",
  schema: csCartConfigSchema,
  capabilities: CSCART_CAPABILITIES,
  create: (entry, services) => new CsCartConnector(entry, services),
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
};
