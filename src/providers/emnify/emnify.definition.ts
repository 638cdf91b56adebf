/** Registration of the emnify provider kind: config entry, connector, GraphQL type. */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import type { ProviderDefinition } from "../core/provider-definition.ts";
import { EMNIFY_CAPABILITIES, EmnifyConnector } from "./emnify.connector.ts";

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

export type EmnifyConfig = z.infer<typeof emnifyConfigSchema>;

/** The emnify provider kind. */
export const emnifyDefinition: ProviderDefinition<EmnifyConfig> = {
  configKind: "emnify",
  kind: "EMNIFY",
  schema: emnifyConfigSchema,
  capabilities: EMNIFY_CAPABILITIES,
  create: (entry, services) => new EmnifyConnector(entry, services),
  orderType: {
    typeName: "EmnifyOrder",
    nativeFields: [
      "paid",
      "customerOrganisation",
      "customerUser",
      "shippingOption",
      "shippedWith",
      "paymentOption",
      "currency",
      "shippedDate",
      "deliveredDate",
      "externalPaymentReference",
      "externalShippingReference",
      "vat",
      "vatRate",
      "meta",
      "autoProvisioning",
      "purchaseOrderNumber",
      "lines",
    ],
    // The user's name and login (an e-mail address) are personal data. The organisation's name is the
    // customer's name (Customer.name), often a person's (a sole trader's, or "Hansen Logistics"). The
    // tracking number opens the carrier's page of the delivery, with the recipient's name and place.
    piiFields: ["customerUser", "externalShippingReference"],
    nestedPiiFields: { EmnifyOrganisation: ["name"] },
  },
  secretPaths: ["credentials.applicationToken", "credentials.password"],
};
