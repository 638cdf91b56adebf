/** Registration of the CS-Cart provider kind: config entry, connector, GraphQL type. */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { CSCART_CAPABILITIES, CsCartConnector } from "./cscart.connector.ts";

/** A CS-Cart provider entry. */
export const csCartConfigSchema = providerBaseSchema
  .extend({
    kind: z.literal("cscart"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")
      .describe("The store's currency (CS-Cart's API does not send it)."),
    credentials: z
      .object({
        email: z.string().email().describe("The administrator's e-mail (the Basic auth user)."),
        apiKey: z.string().min(1).describe("The administrator's API key (the Basic auth password)."),
      })
      .strict(),
  })
  .strict();

export type CsCartConfig = z.infer<typeof csCartConfigSchema>;

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
