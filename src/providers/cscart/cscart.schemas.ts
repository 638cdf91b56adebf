/**
 * zod schemas of CS-Cart's raw answers. Tolerant where CS-Cart is loose
 * (numbers as strings or numbers, PHP's `[]` for empty maps), strict where a
 * wrong shape would make a wrong order (ids, status, timestamp).
 */
import { z } from "zod";
import { idText, numberOrText as numeric, optionalText, rowList } from "../core/raw-schemas.ts";

/** PHP encodes an empty map as `[]`. */
const phpMap = <T extends z.ZodType>(value: T) =>
  z.union([
    z.record(z.string(), value),
    z
      .array(z.unknown())
      .max(0)
      .transform((): Record<string, z.infer<T>> => ({})),
  ]);

/** A row of `GET /orders`. */
export const csCartListRowSchema = z.looseObject({
  order_id: idText,
  issuer_id: numeric.nullish(),
  user_id: numeric.nullish(),
  is_parent_order: optionalText,
  parent_order_id: numeric.nullish(),
  company_id: numeric.nullish(),
  timestamp: numeric,
  firstname: optionalText,
  lastname: optionalText,
  email: optionalText,
  phone: optionalText,
  status: z.string().min(1).max(2),
  total: numeric.nullish(),
  invoice_id: numeric.nullish(),
  credit_memo_id: numeric.nullish(),
});
export type CsCartListRow = z.infer<typeof csCartListRowSchema>;

/** The list envelope. */
export const csCartListSchema = z.looseObject({
  orders: rowList,
  params: z.looseObject({ total_items: numeric.nullish() }).optional(),
});

const productSchema = z.looseObject({
  item_id: numeric,
  product_id: numeric.nullish(),
  product_code: optionalText,
  price: numeric.nullish(),
  amount: numeric.nullish(),
  product: optionalText,
  subtotal: numeric.nullish(),
});

const shippingSchema = z.looseObject({
  shipping_id: numeric.nullish(),
  shipping: optionalText,
  delivery_time: optionalText,
  rate: numeric.nullish(),
});

/** `GET /orders/{id}`: the list row's fields plus the details table. */
export const csCartDetailsSchema = csCartListRowSchema.extend({
  subtotal: numeric.nullish(),
  discount: numeric.nullish(),
  subtotal_discount: numeric.nullish(),
  display_subtotal: numeric.nullish(),
  payment_surcharge: numeric.nullish(),
  shipping_cost: numeric.nullish(),
  display_shipping_cost: numeric.nullish(),
  tax_subtotal: numeric.nullish(),
  lang_code: optionalText,
  payment_id: numeric.nullish(),
  payment_method: z
    .looseObject({ payment_id: numeric.nullish(), payment: optionalText, description: optionalText })
    .nullish()
    .or(z.array(z.unknown()).max(0)),
  payment_info: z.unknown().optional(),
  repaid: numeric.nullish(),
  products: phpMap(productSchema).nullish(),
  promotion_ids: optionalText,
  promotions: z.unknown().optional(),
  need_shipping: z.union([z.boolean(), z.string(), z.number()]).nullish(),
  need_shipment: z.union([z.boolean(), z.string(), z.number()]).nullish(),
  shipment_ids: optionalText,
  shipping: z.union([z.array(shippingSchema), phpMap(shippingSchema)]).nullish(),
  tax_exempt: optionalText,
  taxes: z.unknown().optional(),
  notes: optionalText,
  details: optionalText,
  updated_at: numeric.nullish(),
  vendor_ref: z.string().nullish(),
  b_firstname: optionalText,
  b_lastname: optionalText,
  b_address: optionalText,
  b_address_2: optionalText,
  b_city: optionalText,
  b_state: optionalText,
  b_state_descr: optionalText,
  b_country: optionalText,
  b_country_descr: optionalText,
  b_zipcode: optionalText,
  b_phone: optionalText,
  s_firstname: optionalText,
  s_lastname: optionalText,
  s_address: optionalText,
  s_address_2: optionalText,
  s_city: optionalText,
  s_state: optionalText,
  s_state_descr: optionalText,
  s_country: optionalText,
  s_country_descr: optionalText,
  s_zipcode: optionalText,
  s_phone: optionalText,
  company: optionalText,
});
export type CsCartDetails = z.infer<typeof csCartDetailsSchema>;
