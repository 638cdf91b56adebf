/**
 * zod schemas of the shop's raw answers (DRF serializers). Strict where a wrong
 * shape would make a wrong order (id, status, created_at), tolerant elsewhere:
 * every documented field may be absent or null, amounts may come as numbers or
 * as DRF DecimalField strings, and unknown fields pass through.
 */
import { z } from "zod";
import { idText as id, numberOrText, optionalText, rowList } from "../core/raw-schemas.ts";

/** An amount: an integer in minor units here, but DRF renders decimals as strings, so both are accepted. */
const amount = numberOrText;

/** `billing_country_data`, `billing_state_data` and `billing_city_data` (a city has no code). */
export const djangoShopLocationSchema = z.looseObject({
  id: id.nullish(),
  active: z.boolean().nullish(),
  name: optionalText,
  code: optionalText,
});
export type DjangoShopLocation = z.infer<typeof djangoShopLocationSchema>;

/** One entry of `items`. */
export const djangoShopItemSchema = z.looseObject({
  id: id.nullish(),
  product: id.nullish(),
  product_name: optionalText,
  product_data: z.record(z.string(), z.unknown()).nullish(),
  unit_price: amount.nullish(),
  unit_discount: amount.nullish(),
  quantity: numberOrText.nullish(),
  notes: optionalText,
  subtotal: amount.nullish(),
  discount: amount.nullish(),
  total: amount.nullish(),
  created_at: optionalText,
  updated_at: optionalText,
});
export type DjangoShopRawItem = z.infer<typeof djangoShopItemSchema>;

/** One entry of `payments` (shape undocumented: every field optional). */
export const djangoShopPaymentSchema = z.looseObject({
  id: id.nullish(),
  amount: amount.nullish(),
  method: optionalText,
  reference: optionalText,
  created_at: optionalText,
});
export type DjangoShopRawPayment = z.infer<typeof djangoShopPaymentSchema>;

/** One order, as the list's `results` and the detail route return it. */
export const djangoShopOrderSchema = z.looseObject({
  id,
  key: optionalText,
  status: z.string().min(1).max(64),
  customer_data: z.looseObject({ id, username: optionalText, full_name: optionalText }).nullish(),
  payment_method_data: z.looseObject({ id: id.nullish(), name: optionalText, image: z.unknown().optional() }).nullish(),
  shipping_method_data: z
    .looseObject({ id: id.nullish(), name: optionalText, code: optionalText, description: optionalText, price: amount.nullish() })
    .nullish(),
  shipping_cost: amount.nullish(),
  notes: optionalText,
  extra: z.unknown().optional(),
  created_at: z.string().min(1),
  updated_at: optionalText,
  billing_country_data: djangoShopLocationSchema.nullish(),
  billing_state_data: djangoShopLocationSchema.nullish(),
  billing_city_data: djangoShopLocationSchema.nullish(),
  billing_address: optionalText,
  billing_postal_code: optionalText,
  billing_national_code: optionalText,
  billing_mobile_number: optionalText,
  billing_first_name: optionalText,
  billing_last_name: optionalText,
  count: z.number().int().nullish(),
  quantity: numberOrText.nullish(),
  items_subtotal: amount.nullish(),
  items_discount: amount.nullish(),
  subtotal: amount.nullish(),
  total_discount: amount.nullish(),
  total: amount.nullish(),
  amount_paid: amount.nullish(),
  amount_outstanding: amount.nullish(),
  is_paid: z.boolean().nullish(),
  items: z.array(djangoShopItemSchema).nullish(),
  payments: z.array(djangoShopPaymentSchema).nullish(),
});
export type DjangoShopRawOrder = z.infer<typeof djangoShopOrderSchema>;

/** DRF's limit/offset envelope; rows are checked one by one so one bad order names itself. */
export const djangoShopListSchema = z.looseObject({
  count: z.number().int().nonnegative().nullish(),
  next: z.string().nullish(),
  previous: z.string().nullish(),
  results: rowList,
});
export type DjangoShopRawList = z.infer<typeof djangoShopListSchema>;
