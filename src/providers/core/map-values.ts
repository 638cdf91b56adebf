/**
 * Small value readers every provider's mapper uses: providers say "none" with
 * blank strings as often as with null, and send amounts as numbers or strings.
 * Pure; a mapper keeps only what is its provider's own.
 */
import { toDecimal } from "./decimal.ts";
import type { MoneyRecord } from "./model.ts";

/** A text with its outer whitespace trimmed; null when absent or blank (a number is written as its text). */
export function text(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const out = String(value).trim();
  return out === "" ? null : out;
}

/**
 * An amount in a currency, exact (see {@link toDecimal}, which writes at least
 * `minScale` fraction digits); null when the amount is absent or not a number,
 * or when there is no currency to give it.
 */
export function money(value: unknown, currency: string | null | undefined, minScale = 2): MoneyRecord | null {
  if (currency === null || currency === undefined) return null;
  const amount = toDecimal(value, minScale);
  return amount === null ? null : { amount, currency };
}
