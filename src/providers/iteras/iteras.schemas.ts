/**
 * zod schemas of Iteras' raw answers. Iteras returns only filled-in fields, so
 * nearly everything is optional; ids are accepted as numbers or digit strings;
 * custom fields (keys starting with ":") pass through the loose objects. The
 * `password` hash is deliberately not declared: nothing reads it.
 */
import { z } from "zod";
import { idText as digitsId, numberOrText as numeric, optionalText, rowList } from "../core/raw-schemas.ts";

/** An Iteras id as ordergraph compares it: digits without leading zeros ("007" is 7). */
export function iterasIdText(digits: string): string {
  return digits.replace(/^0+(?=\d)/, "");
}

const idText = digitsId.transform(iterasIdText);
const looseId = numeric.transform(String);

/** A postal address: `address` holds the lines joined with "\n". */
export const iterasAddressSchema = z.looseObject({
  name: optionalText,
  company: optionalText,
  address: optionalText,
  country: optionalText,
});
export type IterasRawAddress = z.infer<typeof iterasAddressSchema>;

/** A product line: campaign products have `campaign_id`, stand-alone ones `name`. */
export const iterasProductSchema = z.looseObject({
  campaign_id: looseId.nullish(),
  campaign_name: optionalText,
  campaign_customer_facing_name: optionalText,
  name: optionalText,
  customer_facing_name: optionalText,
  external_id: looseId.nullish(),
  text: optionalText,
  quantity: numeric.nullish(),
  price: numeric.nullish(),
  subscribed_to: z.array(z.looseObject({ name: optionalText, external_id: looseId.nullish() })).nullish(),
});
export type IterasRawProduct = z.infer<typeof iterasProductSchema>;

/** An estimated invoice line; the shape is not documented, so every field is optional. */
export const iterasInvoiceLineSchema = z.looseObject({
  description: optionalText,
  quantity: numeric.nullish(),
  unit_price: numeric.nullish(),
  amount: numeric.nullish(),
  vat_rate: numeric.nullish(),
  vat_amount: numeric.nullish(),
  campaign_id: looseId.nullish(),
  external_id: looseId.nullish(),
});
export type IterasRawInvoiceLine = z.infer<typeof iterasInvoiceLineSchema>;

/** One order of `GET /api/orders/` (`fields=data`, maybe with `invoice_lines`). */
export const iterasOrderSchema = z.looseObject({
  id: idText.nullish(),
  created: optionalText,
  ordering_form: looseId.nullish(),
  resume_ordering_url: optionalText,
  address: iterasAddressSchema.nullish(),
  email: optionalText,
  billing_address: iterasAddressSchema.nullish(),
  ip: optionalText,
  ordering_code: optionalText,
  products: z.array(iterasProductSchema).nullish(),
  status: z.string().min(1),
  customer: looseId.nullish(),
  payment_agreement: z.looseObject({ id: looseId.nullish(), text: optionalText }).nullish(),
  subscriptions: z.array(looseId).nullish(),
  invoice_lines: z.array(iterasInvoiceLineSchema).nullish(),
});
export type IterasRawOrder = z.infer<typeof iterasOrderSchema>;

/**
 * The list envelope `{"orders": [...]}`; orders are validated one by one so an
 * error can name the order. A bare array is accepted too.
 */
export const iterasListSchema = z.union([z.looseObject({ orders: rowList }).transform((body) => body.orders), rowList]);
