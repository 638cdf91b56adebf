/**
 * Pure mapping of ActivePlatform's raw orders to the unified model. The list
 * and the single-order call answer the same shape, so every record is complete.
 */
import { money, text } from "../core/map-values.ts";
import type { CustomerRecord, MoneyRecord, OrderItemRecord, OrderRecord } from "../core/model.ts";
import { parseTimestamp } from "../core/time-zone.ts";
import type { ActivePlatformRawCharge, ActivePlatformRawItem, ActivePlatformRawOrder } from "./activeplatform.schemas.ts";
import { activePlatformStatus } from "./activeplatform.status.ts";

/** What the mapper needs to know about the provider. */
export interface ActivePlatformMapContext {
  provider: string;
  /** The installation's currency (the data carries none). */
  currency: string;
  /** IANA zone for timestamps without an offset (v1 prints offsets; older installs may not). */
  timeZone: string;
}

/** One entry of `items`, typed (ActivePlatformItem in GraphQL). */
export interface ActivePlatformItemRecord {
  id: string;
  targetId: string | null;
  targetType: string | null;
  type: string | null;
  status: string | null;
  description: string | null;
}

/** One entry of `charges`, typed (ActivePlatformCharge in GraphQL). */
export interface ActivePlatformChargeRecord {
  id: string | null;
  subscriptionId: string | null;
  type: string | null;
  status: string | null;
  description: string | null;
  amount: MoneyRecord | null;
  startDate: string | null;
  endDate: string | null;
  closeDate: string | null;
}

/** ActivePlatform's own fields of an order (ActivePlatformOrder in GraphQL). */
export interface ActivePlatformNative {
  documentNumber: string | null;
  orderType: string | null;
  accountId: string | null;
  expirationDate: string | null;
  promoCode: string | null;
  paymentId: string | null;
  activePlatformItems: ActivePlatformItemRecord[];
  charges: ActivePlatformChargeRecord[];
}

/** The calendar date of a date (or the date part of a date-time); null when it is not a real date. */
export function localDate(value: string | null | undefined): string | null {
  const date = value?.trim().slice(0, 10);
  const match = date ? DATE.exec(date) : null;
  if (!match) return null;
  // By arithmetic: a Date parsed and written back per date was half of a list row's mapping.
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days ? (date as string) : null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a timestamp to an instant. With an offset (`+03:00`, `+0300`, `Z`) it
 * is exact; a naive one is read as wall time in `timeZone`.
 */
export function parseActivePlatformTimestamp(value: string | null | undefined, timeZone: string): Date | null {
  return value === null || value === undefined ? null : parseTimestamp(value, timeZone);
}

function item(raw: ActivePlatformRawItem): ActivePlatformItemRecord {
  return {
    id: raw.id,
    targetId: raw.target_id ?? null,
    targetType: text(raw.target_type),
    type: text(raw.type),
    status: text(raw.status),
    description: text(raw.description),
  };
}

/** An item is a provisioning of one subscription: quantity 1, and the API gives it no price. */
function orderItem(raw: ActivePlatformItemRecord): OrderItemRecord {
  return {
    nativeId: raw.id,
    // The target is a subscription, not a product: it stays in activePlatformItems.targetId.
    productId: null,
    sku: null,
    name: raw.description ?? "",
    quantity: "1",
    unitPrice: null,
    total: null,
  };
}

function charge(raw: ActivePlatformRawCharge, currency: string): ActivePlatformChargeRecord {
  return {
    id: raw.id ?? null,
    subscriptionId: raw.subscription_id ?? null,
    type: text(raw.type),
    status: text(raw.status),
    description: text(raw.description),
    amount: money(raw.amount, currency),
    startDate: localDate(raw.start_date),
    endDate: localDate(raw.end_date),
    closeDate: localDate(raw.close_date),
  };
}

/** Maps one raw order (list row or single order): always a complete record. */
export function activePlatformToOrder(raw: ActivePlatformRawOrder, context: ActivePlatformMapContext): OrderRecord<ActivePlatformNative> {
  const status = activePlatformStatus(raw.status);
  const accountId = raw.account_id ?? null;
  const customer: CustomerRecord | null =
    accountId === null ? null : { provider: context.provider, nativeId: accountId, name: null, email: null, phone: null };
  const items = (raw.items ?? []).map(item);
  const documentNumber = text(raw.document_id);
  return {
    provider: context.provider,
    kind: "ACTIVEPLATFORM",
    nativeId: raw.id,
    number: documentNumber,
    status: status.status,
    nativeStatus: { code: status.code, label: status.label },
    paymentStatus: status.payment,
    createdAt: parseActivePlatformTimestamp(raw.created_at, context.timeZone),
    updatedAt: parseActivePlatformTimestamp(raw.updated_at, context.timeZone),
    customer,
    email: null,
    billingAddress: null,
    shippingAddress: null,
    items: items.map(orderItem),
    subtotal: null,
    total: money(raw.total, context.currency),
    vendorReference: null,
    complete: true,
    native: {
      documentNumber,
      orderType: text(raw.type),
      accountId,
      expirationDate: localDate(raw.expiration_date),
      promoCode: text(raw.promo_code),
      paymentId: raw.payment_id ?? null,
      activePlatformItems: items,
      charges: (raw.charges ?? []).map((entry) => charge(entry, context.currency)),
    },
  };
}
