/**
 * Pure mapping of CS-Cart's raw orders (list rows and details) to the unified
 * model. List rows give a partial record (`complete: false`); details a
 * complete one.
 */
import { toDecimal } from "../core/decimal.ts";
import { money, text } from "../core/map-values.ts";
import type { AddressRecord, MoneyRecord, OrderItemRecord, OrderRecord } from "../core/model.ts";
import type { CsCartDetails, CsCartListRow } from "./cscart.schemas.ts";
import { csCartStatus } from "./cscart.status.ts";

/** What the mapper needs to know about the provider. */
export interface CsCartMapContext {
  provider: string;
  currency: string;
}

/** CS-Cart's own fields of an order; undefined where a list row does not carry them. */
export interface CsCartNative {
  userId: string;
  issuerId: string | null;
  companyId: string | null;
  isParentOrder: boolean | null;
  parentOrderId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  invoiceId: string | null;
  creditMemoId: string | null;
  langCode?: string | null;
  discount?: MoneyRecord | null;
  subtotalDiscount?: MoneyRecord | null;
  displaySubtotal?: MoneyRecord | null;
  paymentSurcharge?: MoneyRecord | null;
  shippingCost?: MoneyRecord | null;
  displayShippingCost?: MoneyRecord | null;
  taxSubtotal?: MoneyRecord | null;
  repaid?: boolean | null;
  taxExempt?: boolean | null;
  needShipping?: boolean | null;
  needShipment?: boolean | null;
  promotionIds?: string[];
  shipmentIds?: string[];
  paymentMethod?: { id: string | null; name: string | null; description: string | null } | null;
  shippingMethods?: Array<{ id: string | null; name: string | null; deliveryTime: string | null; rate: MoneyRecord | null }>;
  notes?: string | null;
  adminNotes?: string | null;
  paymentInfo?: unknown;
  promotions?: unknown;
  taxes?: unknown;
}

/** Empty strings and "0" ids are CS-Cart's way of saying "none". */
function idOrNull(value: string | number | null | undefined): string | null {
  const out = text(value);
  return out === null || out === "0" ? null : out;
}

function flag(value: unknown): boolean | null {
  if (value === true || value === "Y" || value === "1" || value === 1) return true;
  if (value === false || value === "N" || value === "0" || value === 0 || value === "") return false;
  return null;
}

function unixTime(value: string | number | null | undefined): Date | null {
  const seconds = Number(value);
  return value === null || value === undefined || value === "" || !Number.isFinite(seconds) || seconds <= 0
    ? null
    : new Date(seconds * 1000);
}

function csv(value: string | null | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part !== "0");
}

function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  const given = text(first);
  const family = text(last);
  return given !== null && family !== null ? `${given} ${family}` : (given ?? family);
}

function address(raw: CsCartDetails, prefix: "b" | "s"): AddressRecord | null {
  const get = (field: string) => text((raw as Record<string, string | null | undefined>)[`${prefix}_${field}`]);
  const lines = [get("address"), get("address_2")].filter((line): line is string => line !== null);
  const country = get("country");
  const record: AddressRecord = {
    name: fullName(get("firstname"), get("lastname")),
    company: prefix === "b" ? text(raw.company) : null,
    lines,
    city: get("city"),
    postalCode: get("zipcode"),
    region: get("state_descr") ?? get("state"),
    country: country && /^[A-Z]{2}$/.test(country) ? country : null,
    countryName: get("country_descr"),
    phone: get("phone"),
  };
  const empty = lines.length === 0 && !record.city && !record.postalCode && !record.country && !record.name;
  return empty ? null : record;
}

function items(raw: CsCartDetails, currency: string): OrderItemRecord[] {
  return Object.values(raw.products ?? {}).map((product) => ({
    nativeId: text(product.item_id),
    productId: idOrNull(product.product_id),
    sku: text(product.product_code),
    name: text(product.product) ?? "",
    quantity: toDecimal(product.amount, 0) ?? "0",
    unitPrice: money(product.price, currency),
    total: money(product.subtotal, currency),
  }));
}

/** Maps a list row: a partial order (no items, addresses, subtotal, update time). */
export function csCartRowToOrder(row: CsCartListRow, context: CsCartMapContext): OrderRecord<CsCartNative> {
  const status = csCartStatus(row.status);
  const userId = text(row.user_id) ?? "0";
  const email = text(row.email);
  const phone = text(row.phone);
  const name = fullName(row.firstname, row.lastname);
  return {
    provider: context.provider,
    kind: "CSCART",
    nativeId: row.order_id,
    number: row.order_id,
    status: status.status,
    nativeStatus: { code: status.code, label: status.label },
    paymentStatus: status.payment,
    createdAt: unixTime(row.timestamp),
    updatedAt: null,
    customer: userId === "0" ? null : { provider: context.provider, nativeId: userId, name, email, phone },
    email,
    billingAddress: null,
    shippingAddress: null,
    items: [],
    subtotal: null,
    total: money(row.total, context.currency),
    vendorReference: null,
    complete: false,
    native: {
      userId,
      issuerId: idOrNull(row.issuer_id),
      companyId: idOrNull(row.company_id),
      isParentOrder: flag(row.is_parent_order),
      parentOrderId: idOrNull(row.parent_order_id),
      firstName: text(row.firstname),
      lastName: text(row.lastname),
      phone,
      invoiceId: idOrNull(row.invoice_id),
      creditMemoId: idOrNull(row.credit_memo_id),
    },
  };
}

/** Maps order details: a complete order. */
export function csCartDetailsToOrder(raw: CsCartDetails, context: CsCartMapContext): OrderRecord<CsCartNative> {
  const base = csCartRowToOrder(raw, context);
  const { currency } = context;
  const payment = Array.isArray(raw.payment_method) ? null : raw.payment_method;
  const shipping = Array.isArray(raw.shipping) ? raw.shipping : Object.values(raw.shipping ?? {});
  return {
    ...base,
    updatedAt: unixTime(raw.updated_at) ?? base.createdAt,
    billingAddress: address(raw, "b"),
    shippingAddress: address(raw, "s"),
    items: items(raw, currency),
    subtotal: money(raw.subtotal, currency),
    vendorReference: text(raw.vendor_ref),
    complete: true,
    native: {
      ...base.native,
      langCode: text(raw.lang_code),
      discount: money(raw.discount, currency),
      subtotalDiscount: money(raw.subtotal_discount, currency),
      displaySubtotal: money(raw.display_subtotal, currency),
      paymentSurcharge: money(raw.payment_surcharge, currency),
      shippingCost: money(raw.shipping_cost, currency),
      displayShippingCost: money(raw.display_shipping_cost, currency),
      taxSubtotal: money(raw.tax_subtotal, currency),
      repaid: flag(raw.repaid),
      taxExempt: flag(raw.tax_exempt),
      needShipping: flag(raw.need_shipping),
      needShipment: flag(raw.need_shipment),
      promotionIds: csv(raw.promotion_ids),
      shipmentIds: csv(raw.shipment_ids),
      paymentMethod: payment
        ? { id: idOrNull(payment.payment_id ?? raw.payment_id), name: text(payment.payment), description: text(payment.description) }
        : null,
      shippingMethods: shipping.map((line) => ({
        id: idOrNull(line.shipping_id),
        name: text(line.shipping),
        deliveryTime: text(line.delivery_time),
        rate: money(line.rate, currency),
      })),
      notes: text(raw.notes),
      adminNotes: text(raw.details),
      paymentInfo: raw.payment_info ?? null,
      promotions: raw.promotions ?? null,
      taxes: raw.taxes ?? null,
    },
  };
}
