/**
 * Pure mapping of the shop's raw orders to the unified model. List rows and
 * details have the same shape, so every mapped order is complete. Amounts are
 * integers in the currency's minor units (items per the docs, the order level
 * by our reading, switchable in the config) and become exact decimal strings.
 */
import { fromMinorUnits, toDecimal } from "../core/decimal.ts";
import { money, text } from "../core/map-values.ts";
import type { AddressRecord, CustomerRecord, MoneyRecord, OrderItemRecord, OrderRecord } from "../core/model.ts";
import { parseTimestamp } from "../core/time-zone.ts";
import type { DjangoShopLocation, DjangoShopRawItem, DjangoShopRawOrder, DjangoShopRawPayment } from "./djangoshop.schemas.ts";
import { djangoShopPaymentStatus, djangoShopStatus } from "./djangoshop.status.ts";

/** What the mapper needs to know about the provider. */
export interface DjangoShopMapContext {
  provider: string;
  currency: string;
  /** Decimal places of the currency (2 for EUR, 0 for JPY, 3 for KWD). */
  currencyExponent: number;
  /** Unit of the order-level amounts: `minor` (integers, the default) or `decimal` (major units as DRF decimals). */
  orderAmounts: "minor" | "decimal";
  /** IANA zone for timestamps without an offset (DRF with USE_TZ=False). */
  timeZone: string;
}

/** A billing country, state or city as the shop nests it. */
export interface DjangoShopLocationRecord {
  id: string | null;
  active: boolean | null;
  name: string | null;
  /** Null for cities, which have no code. */
  code: string | null;
}

/** One entry of `payments`. */
export interface DjangoShopPaymentRecord {
  id: string | null;
  amount: MoneyRecord | null;
  method: string | null;
  reference: string | null;
  createdAt: Date | null;
}

/** One entry of `items`, with everything the shop returns for it. */
export interface DjangoShopItemRecord {
  id: string | null;
  productId: string | null;
  /** The product's current name; null when the product was deleted since. */
  productName: string | null;
  /** The snapshot of the product at order time, as the shop stores it. */
  productData: Record<string, unknown> | null;
  unitPrice: MoneyRecord | null;
  unitDiscount: MoneyRecord | null;
  quantity: string | null;
  notes: string | null;
  subtotal: MoneyRecord | null;
  discount: MoneyRecord | null;
  total: MoneyRecord | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** The shop's own fields of an order (the DjangoShopOrder GraphQL fields). */
export interface DjangoShopNative {
  key: string | null;
  notes: string | null;
  extra: unknown;
  shippingCost: MoneyRecord | null;
  shippingMethod: {
    id: string | null;
    name: string | null;
    code: string | null;
    description: string | null;
    price: MoneyRecord | null;
  } | null;
  paymentMethod: { id: string | null; name: string | null; image: unknown } | null;
  amountPaid: MoneyRecord | null;
  amountOutstanding: MoneyRecord | null;
  isPaid: boolean | null;
  itemsSubtotal: MoneyRecord | null;
  itemsDiscount: MoneyRecord | null;
  totalDiscount: MoneyRecord | null;
  itemCount: number | null;
  quantity: string | null;
  payments: DjangoShopPaymentRecord[];
  djangoItems: DjangoShopItemRecord[];
  customerUsername: string | null;
  billingFirstName: string | null;
  billingLastName: string | null;
  billingNationalCode: string | null;
  billingMobileNumber: string | null;
  billingPostalCode: string | null;
  billingCountry: DjangoShopLocationRecord | null;
  billingState: DjangoShopLocationRecord | null;
  billingCity: DjangoShopLocationRecord | null;
}

/**
 * Parses DRF's ISO 8601 timestamps. Microseconds are floored to the
 * millisecond (a Date holds no more), so a native `*_to` bound of
 * `to + 999µs` selects exactly the orders whose mapped instant is <= `to`.
 * A timestamp without an offset is wall time in `timeZone`, read as Django's
 * `make_aware` reads it.
 */
export function parseDjangoShopTimestamp(value: string | null | undefined, timeZone: string): Date | null {
  return value === null || value === undefined ? null : parseTimestamp(value, timeZone);
}

function itemMoney(value: unknown, context: DjangoShopMapContext): MoneyRecord | null {
  const amount = fromMinorUnits(value, context.currencyExponent);
  return amount === null ? null : { amount, currency: context.currency };
}

function orderMoney(value: unknown, context: DjangoShopMapContext): MoneyRecord | null {
  if (context.orderAmounts === "minor") return itemMoney(value, context);
  return money(value, context.currency, context.currencyExponent);
}

function count(value: number | string | null | undefined): string | null {
  return toDecimal(value, 0);
}

function location(raw: DjangoShopLocation | null | undefined): DjangoShopLocationRecord | null {
  if (!raw) return null;
  return { id: raw.id ?? null, active: raw.active ?? null, name: text(raw.name), code: text(raw.code) };
}

function billingAddress(raw: DjangoShopRawOrder): AddressRecord | null {
  const name = [text(raw.billing_first_name), text(raw.billing_last_name)].filter(Boolean).join(" ") || null;
  const line = text(raw.billing_address);
  const code = text(raw.billing_country_data?.code)?.toUpperCase() ?? null;
  const record: AddressRecord = {
    name,
    company: null,
    lines:
      line === null
        ? []
        : line
            .split(/\r?\n/)
            .map((part) => part.trim())
            .filter(Boolean),
    city: text(raw.billing_city_data?.name),
    postalCode: text(raw.billing_postal_code),
    region: text(raw.billing_state_data?.name),
    country: code !== null && /^[A-Z]{2}$/.test(code) ? code : null,
    countryName: text(raw.billing_country_data?.name),
    phone: text(raw.billing_mobile_number),
  };
  const empty =
    record.name === null &&
    record.lines.length === 0 &&
    record.city === null &&
    record.postalCode === null &&
    record.region === null &&
    record.countryName === null &&
    record.country === null;
  return empty ? null : record;
}

function snapshotText(snapshot: Record<string, unknown> | null | undefined, field: string): string | null {
  const value = snapshot?.[field];
  return typeof value === "string" ? text(value) : null;
}

function unifiedItem(raw: DjangoShopRawItem, context: DjangoShopMapContext): OrderItemRecord {
  return {
    nativeId: raw.id ?? null,
    productId: raw.product ?? null,
    sku: snapshotText(raw.product_data, "sku"),
    // The snapshot's name is what was sold; the current name may have changed since.
    name: snapshotText(raw.product_data, "name") ?? text(raw.product_name) ?? "",
    quantity: count(raw.quantity) ?? "0",
    unitPrice: itemMoney(raw.unit_price, context),
    total: itemMoney(raw.total, context),
  };
}

function shopItem(raw: DjangoShopRawItem, context: DjangoShopMapContext): DjangoShopItemRecord {
  return {
    id: raw.id ?? null,
    productId: raw.product ?? null,
    productName: text(raw.product_name),
    productData: raw.product_data ?? null,
    unitPrice: itemMoney(raw.unit_price, context),
    unitDiscount: itemMoney(raw.unit_discount, context),
    quantity: count(raw.quantity),
    notes: text(raw.notes),
    subtotal: itemMoney(raw.subtotal, context),
    discount: itemMoney(raw.discount, context),
    total: itemMoney(raw.total, context),
    createdAt: parseDjangoShopTimestamp(raw.created_at, context.timeZone),
    updatedAt: parseDjangoShopTimestamp(raw.updated_at, context.timeZone),
  };
}

function payment(raw: DjangoShopRawPayment, context: DjangoShopMapContext): DjangoShopPaymentRecord {
  return {
    id: raw.id ?? null,
    amount: orderMoney(raw.amount, context),
    method: text(raw.method),
    reference: text(raw.reference),
    createdAt: parseDjangoShopTimestamp(raw.created_at, context.timeZone),
  };
}

function customer(raw: DjangoShopRawOrder, provider: string): CustomerRecord | null {
  const data = raw.customer_data;
  if (!data) return null;
  return { provider, nativeId: data.id, name: text(data.full_name), email: null, phone: null };
}

/** Maps one order (a list row or the details: the shape is the same). */
export function djangoShopToOrder(raw: DjangoShopRawOrder, context: DjangoShopMapContext): OrderRecord<DjangoShopNative> {
  const status = djangoShopStatus(raw.status);
  const amountPaid = orderMoney(raw.amount_paid, context);
  const amountOutstanding = orderMoney(raw.amount_outstanding, context);
  const isPaid = raw.is_paid ?? null;
  const createdAt = parseDjangoShopTimestamp(raw.created_at, context.timeZone);
  const shipping = raw.shipping_method_data;
  const paymentMethod = raw.payment_method_data;
  const items = raw.items ?? [];
  return {
    provider: context.provider,
    kind: "DJANGOSHOP",
    nativeId: raw.id,
    number: raw.id,
    status: status.status,
    nativeStatus: { code: status.code, label: status.label },
    paymentStatus: djangoShopPaymentStatus({
      code: status.code,
      isPaid,
      amountPaid: amountPaid?.amount ?? null,
      amountOutstanding: amountOutstanding?.amount ?? null,
    }),
    createdAt,
    updatedAt: parseDjangoShopTimestamp(raw.updated_at, context.timeZone),
    customer: customer(raw, context.provider),
    // The API shows no e-mail: customer_data has id, username and full name only.
    email: null,
    billingAddress: billingAddress(raw),
    // The shop records no shipping address.
    shippingAddress: null,
    items: items.map((item) => unifiedItem(item, context)),
    subtotal: orderMoney(raw.subtotal, context),
    total: orderMoney(raw.total, context),
    vendorReference: null,
    complete: true,
    native: {
      key: text(raw.key),
      notes: text(raw.notes),
      extra: raw.extra ?? null,
      shippingCost: orderMoney(raw.shipping_cost, context),
      shippingMethod: shipping
        ? {
            id: shipping.id ?? null,
            name: text(shipping.name),
            code: text(shipping.code),
            description: text(shipping.description),
            price: orderMoney(shipping.price, context),
          }
        : null,
      paymentMethod: paymentMethod
        ? { id: paymentMethod.id ?? null, name: text(paymentMethod.name), image: paymentMethod.image ?? null }
        : null,
      amountPaid,
      amountOutstanding,
      isPaid,
      itemsSubtotal: orderMoney(raw.items_subtotal, context),
      itemsDiscount: orderMoney(raw.items_discount, context),
      totalDiscount: orderMoney(raw.total_discount, context),
      itemCount: raw.count ?? null,
      quantity: count(raw.quantity),
      payments: (raw.payments ?? []).map((p) => payment(p, context)),
      djangoItems: items.map((item) => shopItem(item, context)),
      customerUsername: text(raw.customer_data?.username),
      billingFirstName: text(raw.billing_first_name),
      billingLastName: text(raw.billing_last_name),
      billingNationalCode: text(raw.billing_national_code),
      billingMobileNumber: text(raw.billing_mobile_number),
      billingPostalCode: text(raw.billing_postal_code),
      billingCountry: location(raw.billing_country_data),
      billingState: location(raw.billing_state_data),
      billingCity: location(raw.billing_city_data),
    },
  };
}
