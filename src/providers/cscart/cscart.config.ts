/**
 * The CS-Cart provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";

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

/** A validated CS-Cart entry: what the connector is built from. */
export type CsCartConfig = z.infer<typeof csCartConfigSchema>;
