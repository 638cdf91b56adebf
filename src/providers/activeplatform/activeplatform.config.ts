/**
 * The ActivePlatform provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import { ACTIVEPLATFORM_MAX_PER_PAGE, parseUtcOffset } from "./activeplatform.connector.ts";

/** An ActivePlatform provider entry. */
export const activePlatformConfigSchema = providerBaseSchema
  .extend({
    kind: z.literal("activeplatform"),
    baseUrl: providerBaseSchema.shape.baseUrl.describe(
      "The installation's root URL, e.g. https://billing.example.com (the connector adds /api/vendor/v1).",
    ),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")
      .describe("The installation's currency (ActivePlatform's data does not carry one)."),
    credentials: z
      .object({
        apiToken: z.string().min(4, "an API token has at least 4 characters").describe("A manager's API token (sent as api_token)."),
      })
      .strict(),
    accountUtcOffsets: z
      .array(z.string().refine((text) => parseUtcOffset(text) !== null, "a UTC offset such as +03:00"))
      .min(1)
      .optional()
      .describe(
        "Every UTC offset the installation prints timestamps in (its accounts' offsets, both sides of DST). " +
          "Lets ordergraph push date ranges that fall on one date in each of these offsets and in UTC down to filters[created_at]/[updated_at].",
      ),
    maxPerPage: z
      .number()
      .int()
      .min(1)
      .max(ACTIVEPLATFORM_MAX_PER_PAGE)
      .default(ACTIVEPLATFORM_MAX_PER_PAGE)
      .describe(
        "The most rows ordergraph asks for per page (the docs name no maximum): set it to the installation's own cap where it has one, as a lowered page cannot be told from the last.",
      ),
  })
  .strict();

/** A validated ActivePlatform entry. */
export type ActivePlatformConfig = z.infer<typeof activePlatformConfigSchema>;
