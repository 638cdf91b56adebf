/**
 * The djangoshop provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";

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

/** A validated djangoshop entry: what the connector is built from. */
export type DjangoShopConfig = z.infer<typeof djangoShopConfigSchema>;
