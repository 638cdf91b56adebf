/**
 * The ActivePlatform provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";

/**
 * The largest `per_page` ordergraph ever sends (and the default of `maxPerPage`).
 * The docs name no maximum; this bound is ours: pages stay quick to decode, and
 * an installation that caps `per_page` (as Kaminari's `max_per_page` can) at 100
 * or more never lowers a page, which would look like the end of the list. One
 * with a lower cap sets `maxPerPage` to it.
 */
export const ACTIVEPLATFORM_MAX_PER_PAGE = 100;

/** Parses `+03:00` / `-0530` / `Z` to minutes east of UTC; null when it is not an offset. */
export function parseUtcOffset(text: string): number | null {
  if (text === "Z") return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (minutes > 14 * 60 || Number(match[3]) >= 60) return null;
  return match[1] === "-" ? -minutes : minutes;
}

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
