/**
 * Applies a unified filter to an order in memory: the residual of a plan, or
 * the whole filter where a provider cannot filter at all.
 */
import type { OrderFilter } from "./connector.ts";
import { compareDecimal } from "./decimal.ts";
import type { OrderRecord } from "./model.ts";

/** True when a filter constrains nothing. */
export function isEmptyFilter(filter: OrderFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

function inRange(value: Date | null, range: { from?: Date; to?: Date } | undefined): boolean {
  if (!range) return true;
  if (value === null) return range.from === undefined && range.to === undefined;
  const t = value.getTime();
  return (range.from === undefined || t >= range.from.getTime()) && (range.to === undefined || t <= range.to.getTime());
}

/** Whether an order matches every given field of the filter. */
export function matchesFilter(order: OrderRecord, filter: OrderFilter): boolean {
  // A malformed row is reported, never shown: it matches nothing.
  if (order.malformed) return false;
  if (filter.status && !filter.status.includes(order.status)) return false;
  if (filter.nativeStatus && !filter.nativeStatus.includes(order.nativeStatus.code)) return false;
  if (filter.paymentStatus && !filter.paymentStatus.includes(order.paymentStatus)) return false;
  if (!inRange(order.createdAt, filter.createdAt)) return false;
  if (!inRange(order.updatedAt, filter.updatedAt)) return false;
  if (filter.customerIds && (!order.customer || !filter.customerIds.includes(order.customer.nativeId))) return false;
  if (filter.email !== undefined) {
    const email = order.email ?? order.customer?.email ?? null;
    if (!email || email.toLowerCase() !== filter.email.toLowerCase()) return false;
  }
  if (filter.vendorReference !== undefined && order.vendorReference !== filter.vendorReference) return false;
  if (filter.total) {
    const amount = order.total?.amount;
    if (amount === undefined) return false;
    if (filter.total.min !== undefined && compareDecimal(amount, filter.total.min) < 0) return false;
    if (filter.total.max !== undefined && compareDecimal(amount, filter.total.max) > 0) return false;
  }
  if (filter.search !== undefined && !matchesSearch(order, filter.search)) return false;
  return true;
}

/** Free text: every word must occur in the number, native id, e-mail or customer name. */
export function matchesSearch(order: OrderRecord, search: string): boolean {
  const haystack = [order.number, order.nativeId, order.email, order.customer?.name, order.customer?.email]
    .filter((part): part is string => typeof part === "string")
    .join("\n")
    .toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
