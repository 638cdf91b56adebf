/**
 * Pure mapping of emnify's raw orders to the unified model. The list already
 * returns whole orders, so every record is complete. Money is in the order's
 * own currency (`currency.code`), or the configured one when the order has none.
 */
import { toDecimal } from "../core/decimal.ts";
import { money, text } from "../core/map-values.ts";
import type { AddressRecord, CustomerRecord, MoneyRecord, OrderItemRecord, OrderRecord } from "../core/model.ts";
import { parseTimestamp } from "../core/time-zone.ts";
import type { EmnifyRawAddress, EmnifyRawCurrency, EmnifyRawOrder, EmnifyRawRef } from "./emnify.schemas.ts";
import { emnifyPaymentStatus, emnifyStatus } from "./emnify.status.ts";

/** What the mapper needs to know about the provider. */
export interface EmnifyMapContext {
  provider: string;
  /** Currency for orders that carry none (config `currency`); without both, amounts are null. */
  currency?: string | undefined;
  /** Zone of timestamps sent without one (config `timeZone`). */
  timeZone: string;
}

/** `{id, name}` reference (organisation, carrier, payment option). */
export interface EmnifyReferenceRecord {
  id: string | null;
  name: string | null;
}

/** emnify's currency object. */
export interface EmnifyCurrencyRecord {
  id: string | null;
  code: string | null;
  symbol: string | null;
}

/** The ordering user (personal data). */
export interface EmnifyUserRecord {
  id: string | null;
  name: string | null;
  username: string | null;
}

/** A shipping option. */
export interface EmnifyShippingOptionRecord {
  id: string | null;
  name: string | null;
  description: string | null;
  currency: EmnifyCurrencyRecord | null;
}

/** One order line as emnify sends it, typed. */
export interface EmnifyLineRecord {
  id: string | null;
  product: { id: string | null; name: string | null; sku: string | null } | null;
  quantity: string | null;
  unitPrice: MoneyRecord | null;
  total: MoneyRecord | null;
}

/** emnify's own fields of an order (the EmnifyOrder type's extra fields). */
export interface EmnifyNative {
  paid: boolean | null;
  customerOrganisation: EmnifyReferenceRecord | null;
  customerUser: EmnifyUserRecord | null;
  shippingOption: EmnifyShippingOptionRecord | null;
  shippedWith: EmnifyReferenceRecord | null;
  paymentOption: EmnifyReferenceRecord | null;
  currency: EmnifyCurrencyRecord | null;
  shippedDate: Date | null;
  deliveredDate: Date | null;
  externalPaymentReference: string | null;
  externalShippingReference: string | null;
  vat: MoneyRecord | null;
  vatRate: string | null;
  meta: unknown;
  autoProvisioning: boolean | null;
  purchaseOrderNumber: string | null;
  lines: EmnifyLineRecord[];
}

function reference(raw: EmnifyRawRef | null | undefined): EmnifyReferenceRecord | null {
  return raw ? { id: raw.id ?? null, name: text(raw.name) } : null;
}

function currencyRecord(raw: EmnifyRawCurrency | null | undefined): EmnifyCurrencyRecord | null {
  return raw ? { id: raw.id ?? null, code: text(raw.code), symbol: text(raw.symbol) } : null;
}

/**
 * Reads an emnify timestamp: with a zone as is, without one in `timeZone`
 * (emnify sends UTC with `Z`, but the excerpt only says "date-time"); a date
 * alone is its local midnight.
 */
export function parseEmnifyDate(value: string | null | undefined, timeZone: string): Date | null {
  return value ? parseTimestamp(value, timeZone, { dateOnly: true }) : null;
}

function address(raw: EmnifyRawAddress | null | undefined): AddressRecord | null {
  if (!raw) return null;
  const country = raw.country;
  const code = typeof country === "string" ? text(country) : text(country?.code);
  const lines = [text(raw.street), text(raw.address)].filter((line): line is string => line !== null);
  const record: AddressRecord = {
    name: text(raw.name),
    company: text(raw.company),
    lines,
    city: text(raw.city),
    postalCode: text(raw.zip),
    region: text(raw.state),
    country: code && /^[A-Z]{2}$/.test(code.toUpperCase()) ? code.toUpperCase() : null,
    countryName: typeof country === "string" ? null : text(country?.name),
    phone: text(raw.phone),
  };
  const empty = lines.length === 0 && !record.city && !record.postalCode && !record.country && !record.name && !record.company;
  return empty ? null : record;
}

function lineRecords(raw: EmnifyRawOrder, currency: string | null): EmnifyLineRecord[] {
  return (raw.line ?? []).map((line) => ({
    id: line.id ?? null,
    product: line.product ? { id: line.product.id ?? null, name: text(line.product.name), sku: text(line.product.sku) } : null,
    quantity: toDecimal(line.quantity, 0),
    unitPrice: money(line.unit_price, currency),
    total: money(line.total, currency),
  }));
}

function items(lines: readonly EmnifyLineRecord[]): OrderItemRecord[] {
  return lines.map((line) => ({
    nativeId: line.id,
    productId: line.product?.id ?? null,
    sku: line.product?.sku ?? null,
    name: line.product?.name ?? line.product?.sku ?? "",
    quantity: line.quantity ?? "0",
    unitPrice: line.unitPrice,
    total: line.total,
  }));
}

/** The organisation is the customer (it is what emnify calls `customer_`); the user stays in `customerUser`. */
function customer(raw: EmnifyRawOrder, provider: string): CustomerRecord | null {
  const org = raw.customer_organisation;
  if (!org?.id) return null;
  return { provider, nativeId: org.id, name: text(org.name), email: null, phone: null };
}

/** Maps one raw order (list element or single order): a complete record. */
export function emnifyToOrder(raw: EmnifyRawOrder, context: EmnifyMapContext): OrderRecord<EmnifyNative> {
  const status = emnifyStatus(raw.status);
  const currency = text(raw.currency?.code)?.toUpperCase() ?? context.currency ?? null;
  const lines = lineRecords(raw, currency);
  const user = raw.customer_user;
  const username = text(user?.username);
  const email = text(user?.email) ?? (username?.includes("@") ? username : null);
  return {
    provider: context.provider,
    kind: "EMNIFY",
    nativeId: raw.id,
    number: raw.id,
    status: status.status,
    nativeStatus: { code: status.code, label: status.label },
    paymentStatus: emnifyPaymentStatus(raw.paid),
    createdAt: parseEmnifyDate(raw.submit_date, context.timeZone),
    // emnify has no modification time; a guess from the status dates would be made up.
    updatedAt: null,
    customer: customer(raw, context.provider),
    email,
    billingAddress: address(raw.invoice_address),
    shippingAddress: address(raw.shipping_address),
    items: items(lines),
    // emnify sends no net amount; `total` is gross and `vat` is its own field.
    subtotal: null,
    total: money(raw.total, currency),
    vendorReference: null,
    complete: true,
    native: {
      paid: raw.paid ?? null,
      customerOrganisation: reference(raw.customer_organisation),
      customerUser: user ? { id: user.id ?? null, name: text(user.name), username } : null,
      shippingOption: raw.shipping_option
        ? {
            id: raw.shipping_option.id ?? null,
            name: text(raw.shipping_option.name),
            description: text(raw.shipping_option.description),
            currency: currencyRecord(raw.shipping_option.currency),
          }
        : null,
      shippedWith: reference(raw.shipped_with),
      paymentOption: reference(raw.payment_option),
      currency: currencyRecord(raw.currency),
      shippedDate: parseEmnifyDate(raw.shipped_date, context.timeZone),
      deliveredDate: parseEmnifyDate(raw.delivered_date, context.timeZone),
      externalPaymentReference: text(raw.external_payment_reference),
      externalShippingReference: text(raw.external_shipping_reference),
      vat: money(raw.vat, currency),
      vatRate: toDecimal(raw.vat_rate, 0),
      meta: raw.meta ?? null,
      autoProvisioning: raw.auto_provisioning ?? null,
      purchaseOrderNumber: text(raw.purchase_order_number),
      lines,
    },
  };
}
