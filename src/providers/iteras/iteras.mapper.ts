/**
 * Pure mapping of Iteras' raw orders to the unified model. List answers
 * (`fields=data`) give records without invoice lines (`complete: false`, so
 * the resolvers load them only when asked); answers that asked for
 * `invoice_lines` too give complete records. The password hash is never read.
 */
import { createHash } from "node:crypto";
import { addDecimal, multiplyDecimal, toDecimal } from "../core/decimal.ts";
import { money, text } from "../core/map-values.ts";
import type { AddressRecord, MoneyRecord, OrderItemRecord, OrderRecord } from "../core/model.ts";
import { isDay, localStamp } from "../core/time-zone.ts";
import type { IterasRawAddress, IterasRawInvoiceLine, IterasRawOrder, IterasRawProduct } from "./iteras.schemas.ts";
import { iterasStatus } from "./iteras.status.ts";
import { createdDay, parseWallClock } from "./iteras.windows.ts";

/** What the mapper needs to know about the provider. */
export interface IterasMapContext {
  provider: string;
  /** Iteras' data has no currency: it comes from the config entry. */
  currency: string;
  /** Zone of the naive `created` times. */
  timeZone: string;
}

/** A custom field (`":Receive newsletter": true` becomes `{ name: "Receive newsletter", value: true }`). */
export interface IterasCustomFieldRecord {
  name: string;
  value: unknown;
}

/** A chosen campaign (subscription) product. */
export interface IterasCampaignProductRecord {
  campaignId: string | null;
  name: string | null;
  customerFacingName: string | null;
  text: string | null;
  quantity: string;
  price: MoneyRecord | null;
  subscribedTo: Array<{ name: string | null; externalId: string | null }>;
}

/** A chosen stand-alone product. */
export interface IterasStandaloneProductRecord {
  name: string | null;
  customerFacingName: string | null;
  externalId: string | null;
  text: string | null;
  price: MoneyRecord | null;
  customFields: IterasCustomFieldRecord[];
}

/** An estimated invoice line (shape undocumented: every part may be null, `data` keeps the raw line). */
export interface IterasInvoiceLineRecord {
  description: string | null;
  quantity: string | null;
  unitPrice: MoneyRecord | null;
  amount: MoneyRecord | null;
  vatRate: string | null;
  vatAmount: MoneyRecord | null;
  campaignId: string | null;
  externalId: string | null;
  data: unknown;
}

/** Iteras' own fields of an order; `invoiceLines` is undefined on list records (not fetched). */
export interface IterasNative {
  orderingForm: string | null;
  orderingCode: string | null;
  resumeOrderingUrl: string | null;
  campaignProducts: IterasCampaignProductRecord[];
  standaloneProducts: IterasStandaloneProductRecord[];
  subscriptions: string[];
  paymentAgreement: { id: string | null; text: string | null } | null;
  invoiceLines?: IterasInvoiceLineRecord[];
  customFields: IterasCustomFieldRecord[];
  ip: string | null;
  customerId: string | null;
}

/** Keys starting with ":" are the account's custom fields; the ":" is dropped from the name. */
export function customFields(raw: Record<string, unknown>): IterasCustomFieldRecord[] {
  return Object.entries(raw)
    .filter(([key]) => key.startsWith(":") && key.length > 1)
    .map(([key, value]) => ({ name: key.slice(1), value }));
}

/** "Sneglevej 78\n6000 Kolding": the last line is split into postal code and city when it reads as one. */
export function iterasAddress(raw: IterasRawAddress | null | undefined): AddressRecord | null {
  if (!raw) return null;
  const lines = (raw.address ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  let city: string | null = null;
  let postalCode: string | null = null;
  const cityLine = /^(\d{3,5})\s+(\S.*)$/.exec(lines.at(-1) ?? "");
  if (cityLine) {
    postalCode = cityLine[1] ?? null;
    city = cityLine[2] ?? null;
    lines.pop();
  }
  const countryText = text(raw.country)?.toUpperCase() ?? null;
  const country = countryText && /^[A-Z]{2}$/.test(countryText) ? countryText : null;
  const record: AddressRecord = {
    name: text(raw.name),
    company: text(raw.company),
    lines,
    city,
    postalCode,
    region: null,
    country,
    countryName: null,
    phone: null,
  };
  const empty = !record.name && !record.company && lines.length === 0 && !city && !postalCode && !country;
  return empty ? null : record;
}

function isCampaign(product: IterasRawProduct): boolean {
  return product.campaign_id !== null && product.campaign_id !== undefined;
}

/** Campaign products state a quantity; stand-alone products have none, so 1. */
function quantityOf(product: IterasRawProduct): string {
  const quantity = toDecimal(product.quantity, 0);
  return quantity ?? "1";
}

function item(product: IterasRawProduct, currency: string): OrderItemRecord {
  const campaign = isCampaign(product);
  const quantity = quantityOf(product);
  const unitPrice = money(product.price, currency);
  const code = campaign ? (product.campaign_id ?? null) : (product.external_id ?? null);
  const name = campaign
    ? (text(product.campaign_customer_facing_name) ?? text(product.campaign_name) ?? text(product.text))
    : (text(product.customer_facing_name) ?? text(product.name) ?? text(product.text));
  return {
    nativeId: null,
    productId: code,
    sku: code,
    name: name ?? "",
    quantity,
    unitPrice,
    total: unitPrice ? { amount: multiplyDecimal(unitPrice.amount, quantity), currency } : null,
  };
}

function invoiceLine(line: IterasRawInvoiceLine, currency: string): IterasInvoiceLineRecord {
  return {
    description: text(line.description),
    quantity: toDecimal(line.quantity, 0),
    unitPrice: money(line.unit_price, currency),
    amount: money(line.amount, currency),
    vatRate: toDecimal(line.vat_rate, 0),
    vatAmount: money(line.vat_amount, currency),
    campaignId: line.campaign_id ?? null,
    externalId: line.external_id ?? null,
    data: line,
  };
}

const SYNTHETIC_ID = /^x-(\d{14})-([0-9a-f]{12})(?:-(\d{1,4}))?$/;

/**
 * The native id of an order that came without `id` (the docs' example has
 * none): `x-<local created, 14 digits>-<12 hex of a hash of its stable
 * fields>`. The created time makes it fetchable again by day; the hash (of
 * fields that do not change when the status does, never the password) tells
 * orders of the same second apart. Identical orders of the same second get a
 * `-2`, `-3` suffix from the connector, in answer order.
 */
export function iterasSyntheticId(raw: IterasRawOrder, context: IterasMapContext): string {
  const created = text(raw.created);
  const instant = created ? parseWallClock(created, context.timeZone) : null;
  const stamp = instant ? localStamp(instant, context.timeZone).replace(/\D/g, "") : "0".repeat(14);
  const stable = JSON.stringify([
    created,
    raw.customer ?? null,
    raw.email ?? null,
    raw.ordering_form ?? null,
    raw.ip ?? null,
    raw.address?.name ?? null,
    (raw.products ?? []).map((p) => [p.campaign_id ?? null, p.name ?? null, p.quantity ?? null, p.price ?? null]),
  ]);
  const hash = createHash("sha256").update(stable).digest("hex").slice(0, 12);
  return `x-${stamp}-${hash}`;
}

/** The local day a synthetic id was made on (to fetch it again), or null for other ids. */
export function syntheticIdDay(nativeId: string): string | null {
  const match = SYNTHETIC_ID.exec(nativeId);
  if (!match) return null;
  const digits = match[1] as string;
  const day = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  return isDay(day) ? day : null;
}

/** Whether a text has the shape of a synthetic id. */
export function isSyntheticId(nativeId: string): boolean {
  return SYNTHETIC_ID.test(nativeId);
}

/** The local day of an order (what `created_after`/`created_before` compare), or null. */
export function iterasOrderDay(raw: IterasRawOrder, timeZone: string): string | null {
  const created = text(raw.created);
  return created ? createdDay(created, timeZone) : null;
}

/**
 * The local day of a row not validated (yet), from its `created` text when
 * that is a readable time, else null. Only for choosing where a capped
 * answer is split: nothing else of the row is trusted.
 */
export function iterasRowDay(raw: unknown, timeZone: string): string | null {
  const created = raw !== null && typeof raw === "object" ? (raw as { created?: unknown }).created : undefined;
  return typeof created === "string" ? createdDay(created, timeZone) : null;
}

/**
 * Maps one order. `withInvoiceLines` says whether the answer was asked for
 * `invoice_lines`: then an order without the key has none, and the record is
 * complete; otherwise its invoice lines are unknown (undefined).
 */
export function iterasToOrder(
  raw: IterasRawOrder,
  context: IterasMapContext,
  options: { withInvoiceLines: boolean; nativeId?: string },
): OrderRecord<IterasNative> {
  const { currency } = context;
  const status = iterasStatus(raw.status);
  const products = raw.products ?? [];
  const items = products.map((product) => item(product, currency));
  let total: MoneyRecord | null = { amount: "0.00", currency };
  for (const line of items) total = total && line.total ? { amount: addDecimal(total.amount, line.total.amount), currency } : null;
  const created = text(raw.created);
  const shippingAddress = iterasAddress(raw.address);
  const billingAddress = iterasAddress(raw.billing_address);
  const email = text(raw.email);
  const customerId = raw.customer ? text(raw.customer) : null;
  const native: IterasNative = {
    orderingForm: raw.ordering_form ?? null,
    orderingCode: text(raw.ordering_code),
    resumeOrderingUrl: text(raw.resume_ordering_url),
    campaignProducts: products.filter(isCampaign).map((p) => ({
      campaignId: p.campaign_id ?? null,
      name: text(p.campaign_name),
      customerFacingName: text(p.campaign_customer_facing_name),
      text: text(p.text),
      quantity: quantityOf(p),
      price: money(p.price, currency),
      subscribedTo: (p.subscribed_to ?? []).map((s) => ({ name: text(s.name), externalId: s.external_id ?? null })),
    })),
    standaloneProducts: products
      .filter((p) => !isCampaign(p))
      .map((p) => ({
        name: text(p.name),
        customerFacingName: text(p.customer_facing_name),
        externalId: p.external_id ?? null,
        text: text(p.text),
        price: money(p.price, currency),
        customFields: customFields(p),
      })),
    subscriptions: raw.subscriptions ?? [],
    paymentAgreement: raw.payment_agreement ? { id: raw.payment_agreement.id ?? null, text: text(raw.payment_agreement.text) } : null,
    customFields: customFields(raw),
    ip: text(raw.ip),
    customerId,
  };
  if (options.withInvoiceLines) native.invoiceLines = (raw.invoice_lines ?? []).map((line) => invoiceLine(line, currency));
  const number = raw.id ?? null;
  return {
    provider: context.provider,
    kind: "ITERAS",
    nativeId: number ?? options.nativeId ?? iterasSyntheticId(raw, context),
    number,
    status: status.status,
    nativeStatus: { code: status.code, label: status.label },
    paymentStatus: status.payment,
    createdAt: created ? parseWallClock(created, context.timeZone) : null,
    updatedAt: null,
    customer: customerId
      ? {
          provider: context.provider,
          nativeId: customerId,
          name: shippingAddress?.name ?? billingAddress?.name ?? null,
          email,
          phone: null,
        }
      : null,
    email,
    billingAddress,
    shippingAddress,
    items,
    subtotal: total,
    total,
    vendorReference: null,
    complete: options.withInvoiceLines,
    native,
  };
}
