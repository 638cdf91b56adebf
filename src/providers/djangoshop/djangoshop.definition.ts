/** Registration of the djangoshop provider kind: config entry, connector, GraphQL type. */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { DJANGOSHOP_CAPABILITIES, DjangoShopConnector } from "./djangoshop.connector.ts";

/** A djangoshop provider entry. */
export const djangoShopConfigSchema = providerBaseSchema
  .extend({
    kind: z.literal("djangoshop"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")
      .describe("The shop's currency (the API does not send it)."),
    currencyExponent: z
      .number()
      .int()
      .min(0)
      .max(4)
      .default(2)
      .describe("Decimal places of the currency: amounts are integers in minor units (2 for EUR, 0 for JPY, 3 for KWD)."),
    orderAmounts: z
      .enum(["minor", "decimal"])
      .default("minor")
      .describe("Unit of the order-level amounts (total, shipping_cost, payments...): minor units like the items (default), or decimals."),
    credentials: z
      .object({
        token: z
          .string()
          .min(1)
          .regex(/^\S+$/, "a DRF token has no spaces")
          .describe("A staff user's DRF token (Authorization: Token <key>)."),
      })
      .strict(),
  })
  .strict();

export type DjangoShopConfig = z.infer<typeof djangoShopConfigSchema>;

/** The djangoshop provider kind. */
export const djangoShopDefinition: ProviderDefinition<DjangoShopConfig> = {
  configKind: "djangoshop",
  kind: "DJANGOSHOP",
  schema: djangoShopConfigSchema,
  capabilities: DJANGOSHOP_CAPABILITIES,
  create: (entry, services) => new DjangoShopConnector(entry, services),
  orderType: {
    typeName: "DjangoShopOrder",
    nativeFields: [
      "key",
      "notes",
      "extra",
      "shippingCost",
      "shippingMethod",
      "paymentMethod",
      "amountPaid",
      "amountOutstanding",
      "isPaid",
      "itemsSubtotal",
      "itemsDiscount",
      "totalDiscount",
      "itemCount",
      "quantity",
      "payments",
      "djangoItems",
      "customerUsername",
      "billingFirstName",
      "billingLastName",
      "billingNationalCode",
      "billingMobileNumber",
      "billingPostalCode",
      "billingCountry",
      "billingState",
      "billingCity",
    ],
    piiFields: [
      "customerUsername",
      "billingFirstName",
      "billingLastName",
      "billingNationalCode",
      "billingMobileNumber",
      "billingPostalCode",
      // The billing country is part of the billing address, as its state and city are.
      "billingCountry",
      "billingState",
      "billingCity",
      // Free text and free-form data about the buyer ("leave the parcel at the back door", an engraving).
      "notes",
      "extra",
      // The order's key is random, unique and unguessable: what a shop puts in the links it sends the
      // buyer to see the order without logging in. Treated as the buyer's, like Iteras' resume URL.
      "key",
    ],
    nestedPiiFields: { DjangoShopOrderItem: ["notes"] },
  },
  secretPaths: ["credentials.token"],
};
