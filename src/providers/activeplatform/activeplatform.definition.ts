/** Registration of the ActivePlatform provider kind: config entry, connector, GraphQL type. */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import type { ProviderDefinition } from "../core/provider-definition.ts";
import {
  ACTIVEPLATFORM_MAX_PER_PAGE,
  ActivePlatformConnector,
  activePlatformCapabilities,
  parseUtcOffset,
} from "./activeplatform.connector.ts";

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

/** The ActivePlatform provider kind. */
export const activeplatformDefinition: ProviderDefinition<ActivePlatformConfig> = {
  configKind: "activeplatform",
  kind: "ACTIVEPLATFORM",
  schema: activePlatformConfigSchema,
  // The date rows are native only once the installation's UTC offsets are configured.
  capabilities: activePlatformCapabilities(false),
  withOption: { option: "accountUtcOffsets", capabilities: activePlatformCapabilities(true) },
  create: (entry, services) => new ActivePlatformConnector(entry, services),
  orderType: {
    typeName: "ActivePlatformOrder",
    nativeFields: [
      "documentNumber",
      "orderType",
      "accountId",
      "expirationDate",
      "promoCode",
      "paymentId",
      "activePlatformItems",
      "charges",
    ],
    // Account ids, document numbers and products are business data, not data about a person.
    piiFields: [],
  },
  secretPaths: ["credentials.apiToken"],
};
