/**
 * zod schemas of ActivePlatform's raw answers (vendor API v1). Tolerant where
 * the docs are loose (`total` as a float or a string, ids as numbers or digit
 * strings, an undocumented charge shape), strict where a wrong shape would make
 * a wrong order (the order id, its status, its timestamps).
 */
import { z } from "zod";
import { isDecimal } from "../core/decimal.ts";
import { idText, optionalText, rowList } from "../core/raw-schemas.ts";

/** An amount: a JSON number (the docs' type table) or a decimal string (the docs' example, `"0.0"`). */
const amount = z.union([z.number().finite(), z.string().refine((text) => isDecimal(text.trim()), "a decimal number")]);

/** A date-time as Rails prints it, with or without an offset (naive ones use the configured time zone). */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const timestamp = z.string().regex(TIMESTAMP_PATTERN, "a date-time");

/** A calendar date; a date-time is accepted too (its date part is kept). */
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}([T ].*)?$/, "a date");

/** One entry of an order's `items` (the fields the docs list). */
export const activePlatformItemSchema = z.looseObject({
  id: idText,
  target_id: idText.nullish(),
  target_type: optionalText,
  type: optionalText,
  status: optionalText,
  description: optionalText,
});
export type ActivePlatformRawItem = z.infer<typeof activePlatformItemSchema>;

/** One entry of `charges`: undocumented beyond its name, so every field is optional. */
export const activePlatformChargeSchema = z.looseObject({
  id: idText.nullish(),
  subscription_id: idText.nullish(),
  type: optionalText,
  status: optionalText,
  description: optionalText,
  amount: amount.nullish(),
  start_date: calendarDate.nullish(),
  end_date: calendarDate.nullish(),
  close_date: calendarDate.nullish(),
});
export type ActivePlatformRawCharge = z.infer<typeof activePlatformChargeSchema>;

/** One order, as both the list and `GET /orders/{id}.json` answer it. */
export const activePlatformOrderSchema = z.looseObject({
  id: idText,
  document_id: optionalText,
  status: z.string().min(1),
  account_id: idText.nullish(),
  type: optionalText,
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  expiration_date: calendarDate.nullish(),
  total: amount.nullish(),
  promo_code: optionalText,
  payment_id: idText.nullish(),
  items: z.array(activePlatformItemSchema).nullish(),
  charges: z.array(activePlatformChargeSchema).nullish(),
});
export type ActivePlatformRawOrder = z.infer<typeof activePlatformOrderSchema>;

/** The list answer: a bare array (each row is validated on its own). */
export const activePlatformListSchema = rowList;
