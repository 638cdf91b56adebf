/**
 * The Iteras provider entry: the base fields, credentials and options, checked
 * at start. The connector reads the validated entry's type from here, and the
 * definition registers the schema.
 */
import { z } from "zod";
import { providerBaseSchema } from "../../config/config.schema.ts";
import { isTimeZone } from "../core/time-zone.ts";

/** The documented most orders in one answer. */
export const ITERAS_DEFAULT_CAP = 10_000;

/** An Iteras provider entry. `baseUrl` is the API root (e.g. https://app.iteras.dk/api); orders are `<baseUrl>/orders/`. */
export const iterasConfigSchema = providerBaseSchema
  .extend({
    kind: z.literal("iteras"),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as DKK")
      .describe("The account's currency (Iteras' data has none)."),
    timeZone: z
      .string()
      .refine(isTimeZone, "an IANA time zone such as Europe/Copenhagen")
      .default("Europe/Copenhagen")
      .describe("Zone of Iteras' naive `created` times and of its day filters."),
    credentials: z
      .object({
        apiKey: z.string().min(1).describe("The pre-shared API key, sent as the X-Iteras-Key header."),
      })
      .strict(),
    cap: z
      .number()
      .int()
      .min(2)
      .max(1_000_000)
      .default(ITERAS_DEFAULT_CAP)
      .describe("Most orders Iteras returns in one answer; an answer this long is split by date."),
    setCacheTtlMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(30_000)
      .describe(
        "How long a fetched order set serves further pages and counts (0: none). Separate from cacheTtlMs (the shared raw-answer cache, default 0), since Iteras has no paging: without it every page would read the whole set again.",
      ),
  })
  .strict();

/** A validated Iteras entry: what the connector is built from. */
export type IterasConfig = z.infer<typeof iterasConfigSchema>;
