/**
 * zod schemas of emnify's raw answers. emnify says every field of an order may
 * be null, so nearly everything is nullish; the order `id` is required because
 * paging, `getMany` and the global order all hang on it. Undocumented shapes
 * (`line`, addresses, `meta`) are loose objects with nullish fields.
 */
import { z } from "zod";
import { idText, numberOrText, rowList, optionalText as text } from "../core/raw-schemas.ts";

/** An amount as emnify's `double` or, tolerated, a numeric string. */
const amount = numberOrText.nullish();
/** ISO 8601 date or date-time, with or without a zone (a naive one is read in the configured zone). */
const dateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "an ISO 8601 date-time")
  .nullish();

/** `{"id":2,"code":"USD","symbol":"$"}` */
export const emnifyCurrencySchema = z.looseObject({ id: idText.nullish(), code: text, symbol: text });
export type EmnifyRawCurrency = z.infer<typeof emnifyCurrencySchema>;

/** `{id, name}` references: organisation, carrier, payment option. */
export const emnifyRefSchema = z.looseObject({ id: idText.nullish(), name: text });
export type EmnifyRawRef = z.infer<typeof emnifyRefSchema>;

/** The ordering user: `username` is the login, an e-mail address at emnify. */
export const emnifyUserSchema = z.looseObject({ id: idText.nullish(), name: text, username: text, email: text });
export type EmnifyRawUser = z.infer<typeof emnifyUserSchema>;

/** `{"id":1,"description":"SUBMITTED"}`; a bare status id is tolerated. */
export const emnifyStatusSchema = z.union([
  z.looseObject({ id: z.number().int().nullish(), description: text }),
  z
    .number()
    .int()
    .transform((id) => ({ id, description: null })),
]);
export type EmnifyRawStatus = z.infer<typeof emnifyStatusSchema>;

/** A shipping option with its own currency. */
export const emnifyShippingOptionSchema = emnifyRefSchema.extend({ description: text, currency: emnifyCurrencySchema.nullish() });

/** A country inside an address: an object, or (tolerated) an ISO code. */
const countrySchema = z.union([z.looseObject({ id: idText.nullish(), code: text, name: text }), z.string()]);

/** Invoice or shipping address (undocumented; the emulator's shape, with tolerated variants). */
export const emnifyAddressSchema = z.looseObject({
  name: text,
  company: text,
  street: text,
  address: text,
  zip: text,
  city: text,
  state: text,
  country: countrySchema.nullish(),
  phone: text,
});
export type EmnifyRawAddress = z.infer<typeof emnifyAddressSchema>;

/** One order line (undocumented; the emulator's shape). */
export const emnifyLineSchema = z.looseObject({
  id: idText.nullish(),
  product: z.looseObject({ id: idText.nullish(), name: text, sku: text }).nullish(),
  quantity: amount,
  unit_price: amount,
  total: amount,
});
export type EmnifyRawLine = z.infer<typeof emnifyLineSchema>;

/** One order, as the list and `GET /api/v1/shop/order/{id}` return it. */
export const emnifyOrderSchema = z.looseObject({
  id: idText,
  line: z.array(emnifyLineSchema).nullish(),
  paid: z.boolean().nullish(),
  status: emnifyStatusSchema.nullish(),
  customer_organisation: emnifyRefSchema.nullish(),
  customer_user: emnifyUserSchema.nullish(),
  shipping_option: emnifyShippingOptionSchema.nullish(),
  shipped_with: emnifyRefSchema.nullish(),
  payment_option: emnifyRefSchema.nullish(),
  invoice_address: emnifyAddressSchema.nullish(),
  shipping_address: emnifyAddressSchema.nullish(),
  currency: emnifyCurrencySchema.nullish(),
  submit_date: dateTime,
  shipped_date: dateTime,
  delivered_date: dateTime,
  external_payment_reference: text,
  external_shipping_reference: text,
  total: amount,
  vat: amount,
  vat_rate: amount,
  meta: z.unknown().optional(),
  auto_provisioning: z.boolean().nullish(),
  purchase_order_number: text,
});
export type EmnifyRawOrder = z.infer<typeof emnifyOrderSchema>;

/** The list body: a bare array (each element is checked on its own). */
export const emnifyListSchema = rowList;

/** `POST /api/v1/authenticate`: the refresh token comes only for a username login. */
export const emnifyAuthSchema = z.looseObject({ auth_token: z.string().min(1), refresh_token: z.string().min(1).nullish() });
export type EmnifyAuthAnswer = z.infer<typeof emnifyAuthSchema>;
