/**
 * The emnify provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";

const applicationTokenSchema = z
  .object({ applicationToken: z.string().min(1).describe("An application token from emnify's portal.") })
  .strict();
const userLoginSchema = z
  .object({
    username: z.string().min(1).describe("The emnify user's login (an e-mail address)."),
    password: z.string().min(1).describe("The user's password."),
  })
  .strict();

/**
 * emnify's documented limit: 100 requests per 5 minutes per client IP, the
 * authenticate call included. Without a `resilience.rateLimit` of its own, an
 * emnify entry stays within it.
 */
export const EMNIFY_RATE_BUDGET = { calls: 100, perMs: 300_000 } as const;

/** An emnify provider entry. */
export const emnifyConfigSchema = providerBaseSchema
  .extend({
    kind: z.literal("emnify"),
    resilience: providerBaseSchema.shape.resilience.transform((resilience) => ({
      ...resilience,
      rateLimit: resilience.rateLimit ?? { ...EMNIFY_RATE_BUDGET },
    })),
    credentials: z.union([applicationTokenSchema, userLoginSchema], {
      error: "give either { applicationToken } or { username, password }",
    }),
  })
  .strict();

/** A validated emnify entry: what the connector is built from. */
export type EmnifyConfig = z.infer<typeof emnifyConfigSchema>;
