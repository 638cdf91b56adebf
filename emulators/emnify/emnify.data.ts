/**
 * Deterministic seed data for the emnify SIM order emulator.
 *
 * The shapes follow the "Get list of orders" excerpt (providers/emnify.seed.txt)
 * and the objects quoted in providers/README.md. Where the docs are silent
 * (`line`, the addresses, `shipped_with`, `payment_option`, `meta`) the shape
 * chosen here is written down in emulators/emnify/README.md.
 */
import { CITIES, createRandom, DATA_EPOCH, FIRST_NAMES, LAST_NAMES, type Random, STREETS } from "../shared/emulator-http.ts";

/** `{id, description}` status object, as emnify's status-like objects look. */
export interface EmnifyOrderStatus {
  id: number;
  description: string;
}

/** Currency object, as in emnify's docs: `{"id":2,"code":"USD","symbol":"$"}`. */
export interface EmnifyCurrency {
  id: number;
  code: string;
  symbol: string;
}

/** Country inside an address (ids are arbitrary but stable). */
export interface EmnifyCountry {
  id: number;
  /** ISO 3166-1 alpha-2. */
  code: string;
  name: string;
}

/** Invoice or shipping address (undocumented shape, chosen here). */
export interface EmnifyAddress {
  name: string | null;
  company: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  /** Region code, only filled for the United States. */
  state: string | null;
  country: EmnifyCountry | null;
  phone: string | null;
}

/** `{id, name}` reference object (organisation, carrier, payment option). */
export interface EmnifyRef {
  id: number;
  name: string;
}

/** The ordering user, as emnify's user objects look (username is the e-mail). */
export interface EmnifyUser {
  id: number;
  name: string;
  username: string;
}

/** A product of the SIM shop, nested in an order line. */
export interface EmnifyProduct {
  id: number;
  name: string;
  sku: string;
}

/** One order line (undocumented shape, chosen here). Amounts are in the order's currency. */
export interface EmnifyOrderLine {
  id: number;
  product: EmnifyProduct;
  quantity: number;
  /** Net price of one unit. */
  unit_price: number;
  /** Net line amount: `quantity * unit_price`. */
  total: number;
}

/** A shipping option: `{"id":4,"name":"UPS Express Saver","description":"...","currency":{...}}`. */
export interface EmnifyShippingOption {
  id: number;
  name: string;
  description: string;
  currency: EmnifyCurrency;
}

/**
 * One SIM order as the list and detail endpoints return it. The excerpt says
 * every field may be null, so the store is typed that way (tests may put nulls
 * anywhere); `id` is the one field the emulator relies on.
 */
export interface EmnifyOrder {
  id: number;
  line: EmnifyOrderLine[] | null;
  paid: boolean | null;
  status: EmnifyOrderStatus | null;
  customer_organisation: EmnifyRef | null;
  customer_user: EmnifyUser | null;
  shipping_option: EmnifyShippingOption | null;
  shipped_with: EmnifyRef | null;
  payment_option: EmnifyRef | null;
  invoice_address: EmnifyAddress | null;
  shipping_address: EmnifyAddress | null;
  currency: EmnifyCurrency | null;
  /** ISO 8601 date-time in UTC (`2025-03-04T10:11:12.000Z`); null while EDITING. */
  submit_date: string | null;
  shipped_date: string | null;
  delivered_date: string | null;
  external_payment_reference: string | null;
  external_shipping_reference: string | null;
  /** Gross amount: sum of the line totals plus `vat`. */
  total: number | null;
  vat: number | null;
  /** VAT rate as a fraction (0.19 for 19 %). */
  vat_rate: number | null;
  meta: Record<string, unknown> | null;
  auto_provisioning: boolean | null;
  purchase_order_number: string | null;
}

/** An organisation of the data set together with its users and address. */
export interface EmnifyOrganisation {
  id: number;
  name: string;
  users: EmnifyUser[];
  address: EmnifyAddress;
}

/** Everything the generator produces. */
export interface EmnifyData {
  /** Orders in ascending id order. */
  orders: EmnifyOrder[];
  organisations: EmnifyOrganisation[];
}

/** Options of {@link generateEmnifyData}. */
export interface EmnifyDataOptions {
  /** Seed of the PRNG (default 1). */
  seed?: number;
  /** Number of orders (default 300). */
  size?: number;
}

/** The documented status ids (`q=status:<id>`). */
export const EMNIFY_STATUS = {
  EDITING: 0,
  SUBMITTED: 1,
  SHIPPED: 2,
  DELIVERED: 3,
  CANCELED: 4,
} as const;

/** The documented status objects, indexed by id. */
export const EMNIFY_STATUSES: readonly EmnifyOrderStatus[] = [
  { id: 0, description: "EDITING" },
  { id: 1, description: "SUBMITTED" },
  { id: 2, description: "SHIPPED" },
  { id: 3, description: "DELIVERED" },
  { id: 4, description: "CANCELED" },
];

/** Currencies of the data set; USD has the id emnify's docs show. */
export const EMNIFY_CURRENCIES = {
  EUR: { id: 1, code: "EUR", symbol: "€" },
  USD: { id: 2, code: "USD", symbol: "$" },
  GBP: { id: 3, code: "GBP", symbol: "£" },
} as const satisfies Record<string, EmnifyCurrency>;

const DAY_MS = 86_400_000;
/** Orders are spread over the two years before DATA_EPOCH. */
const SPAN_MS = 730 * DAY_MS;

const COUNTRY_IDS: Record<string, number> = { DE: 74, DK: 56, NO: 151, AT: 14, FR: 68, US: 207, GB: 206 };
/** Rates applied by the (German) seller per destination country. */
const VAT_RATES: Record<string, number> = { DE: 0.19, DK: 0.25, NO: 0.25, AT: 0.2, FR: 0.2, US: 0, GB: 0.2 };
const DIAL_CODES: Record<string, string> = { DE: "49", DK: "45", NO: "47", AT: "43", FR: "33", US: "1", GB: "44" };
const LEGAL_FORMS: Record<string, string> = { DE: "GmbH", DK: "ApS", NO: "AS", AT: "GmbH", FR: "SAS", US: "Inc.", GB: "Ltd" };
const BUSINESSES = ["Logistics", "Metering", "Telematics", "IoT", "Fleet Solutions", "Smart Energy", "Tracking", "Vending"] as const;

/** Net unit prices in euro cents; other currencies are converted at fixed rates. */
const PRODUCTS = [
  { product: { id: 101, name: "emnify SIM Card Industrial 3-in-1", sku: "SIM-IND-3IN1" }, cents: 450, packs: [10, 25, 50, 100, 250, 500] },
  { product: { id: 102, name: "emnify SIM Card Commercial 3-in-1", sku: "SIM-COM-3IN1" }, cents: 250, packs: [5, 10, 25, 50, 100, 1000] },
  { product: { id: 103, name: "emnify Chip SIM MFF2", sku: "SIM-MFF2" }, cents: 520, packs: [100, 250, 500] },
  { product: { id: 104, name: "emnify eSIM profile", sku: "ESIM-PROFILE" }, cents: 199, packs: [10, 50, 100, 500] },
  { product: { id: 105, name: "emnify SIM Card Industrial Nano (4FF)", sku: "SIM-IND-4FF" }, cents: 430, packs: [10, 50, 100] },
  { product: { id: 106, name: "emnify IoT Developer Kit", sku: "DEVKIT-01" }, cents: 4900, packs: [1, 2, 3] },
] as const;
const CURRENCY_RATES: Record<string, number> = { EUR: 1, USD: 1.08, GBP: 0.86 };

const CARRIERS = { DHL: { id: 1, name: "DHL" }, UPS: { id: 2, name: "UPS" }, FEDEX: { id: 3, name: "FedEx" } } as const;
const SHIPPING_OPTIONS = [
  { id: 1, name: "DHL Standard", description: "Standard parcel, 3-5 business days", carrier: CARRIERS.DHL },
  { id: 2, name: "DHL Express", description: "Express delivery, next business day", carrier: CARRIERS.DHL },
  { id: 4, name: "UPS Express Saver", description: "Express delivery by end of day, 1-2 business days", carrier: CARRIERS.UPS },
  { id: 5, name: "FedEx International Priority", description: "Time-definite international delivery, 1-3 days", carrier: CARRIERS.FEDEX },
] as const;
const PAYMENT_OPTIONS = [
  { id: 1, name: "Invoice" },
  { id: 2, name: "Credit card" },
  { id: 3, name: "SEPA direct debit" },
  { id: 4, name: "Prepaid balance" },
] as const;

/** Lowercase ASCII slug for e-mail addresses ("Müller" -> "muller", "O'Brien" -> "obrien"). */
function slug(text: string): string {
  return text
    .normalize("NFD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

const iso = (ms: number) => new Date(ms).toISOString();
const money = (cents: number) => Math.round(cents) / 100;

function currencyFor(country: string): EmnifyCurrency {
  if (country === "US") return { ...EMNIFY_CURRENCIES.USD };
  if (country === "GB") return { ...EMNIFY_CURRENCIES.GBP };
  return { ...EMNIFY_CURRENCIES.EUR };
}

function makeAddress(rng: Random, place: (typeof CITIES)[number], name: string | null, company: string | null): EmnifyAddress {
  return {
    name,
    company,
    street: `${rng.pick(STREETS)} ${rng.int(1, 140)}`,
    zip: place.zip,
    city: place.city,
    state: place.country === "US" ? place.state : null,
    country: { id: COUNTRY_IDS[place.country] ?? 0, code: place.country, name: place.countryName },
    phone: rng.chance(0.6) ? `+${DIAL_CODES[place.country] ?? "49"} ${rng.int(100, 999)} ${rng.int(100000, 999999)}` : null,
  };
}

function makeOrganisations(rng: Random, count: number): EmnifyOrganisation[] {
  const organisations: EmnifyOrganisation[] = [];
  // 44 is the organisation id emnify's docs show; later ids leave gaps as real ids do.
  let orgId = 44;
  let userId = 1200;
  for (let k = 0; k < count; k++) {
    const place = rng.pick(CITIES);
    const name = `${rng.pick(LAST_NAMES)} ${rng.pick(BUSINESSES)} ${LEGAL_FORMS[place.country] ?? "Ltd"}`;
    const domain = `${slug(name)}.example`;
    const users: EmnifyUser[] = [];
    const userCount = rng.int(1, 3);
    for (let u = 0; u < userCount; u++) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      userId += rng.int(1, 40);
      users.push({ id: userId, name: `${first} ${last}`, username: `${slug(first)}.${slug(last)}@${domain}` });
    }
    organisations.push({ id: orgId, name, users, address: makeAddress(rng, place, "Accounts Payable", name) });
    orgId += rng.int(1, 9);
  }
  return organisations;
}

function pickStatus(rng: Random): number {
  const r = rng.next();
  if (r < 0.07) return EMNIFY_STATUS.EDITING;
  if (r < 0.25) return EMNIFY_STATUS.SUBMITTED;
  if (r < 0.4) return EMNIFY_STATUS.SHIPPED;
  if (r < 0.88) return EMNIFY_STATUS.DELIVERED;
  return EMNIFY_STATUS.CANCELED;
}

function makeLines(rng: Random, status: number, currency: string, nextLineId: () => number): EmnifyOrderLine[] {
  // A draft may not have any line yet; every other order has at least one.
  if (status === EMNIFY_STATUS.EDITING && rng.chance(0.15)) return [];
  const count = rng.int(1, 3);
  const chosen = new Set<number>();
  const lines: EmnifyOrderLine[] = [];
  const rate = CURRENCY_RATES[currency] ?? 1;
  for (let n = 0; n < count; n++) {
    const entry = rng.pick(PRODUCTS);
    if (chosen.has(entry.product.id)) continue;
    chosen.add(entry.product.id);
    const unitCents = Math.round(entry.cents * rate);
    const quantity = rng.pick(entry.packs);
    lines.push({
      id: nextLineId(),
      product: { ...entry.product },
      quantity,
      unit_price: money(unitCents),
      total: money(unitCents * quantity),
    });
  }
  return lines;
}

function trackingNumber(rng: Random, carrier: EmnifyRef): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join("");
  if (carrier.id === CARRIERS.UPS.id) return `1Z${digits(4)}A${digits(11)}`;
  if (carrier.id === CARRIERS.FEDEX.id) return digits(12);
  return `JJD${digits(17)}`;
}

function paymentReference(rng: Random, option: EmnifyRef, year: number, orderId: number): string {
  if (option.id === 2) return `ch_${rng.int(100000000, 999999999).toString(36)}${rng.int(100000000, 999999999).toString(36)}`;
  if (option.id === 3) return `SEPA-${year}-${rng.int(100000, 999999)}`;
  if (option.id === 4) return `PREPAID-${orderId}`;
  return `INV-${year}-${String(orderId).padStart(6, "0")}`;
}

/**
 * Generates the emulator's orders. The same `seed` and `size` give the same
 * data on every machine (no clock, no Math.random): tests compare answers
 * against this store.
 *
 * Guarantees the tests rely on: ids ascend with the array index; all five
 * statuses occur (size >= 7); EDITING orders have a null `submit_date`;
 * several orders share the exact same `submit_date`; organisations and users
 * repeat across orders; `total` = sum of line totals + `vat` (cents exact).
 */
export function generateEmnifyData(options: EmnifyDataOptions = {}): EmnifyData {
  const seed = options.seed ?? 1;
  const size = Math.max(0, Math.floor(options.size ?? 300));
  const rng = createRandom(seed);
  const organisations = makeOrganisations(rng, Math.max(3, Math.min(40, Math.ceil(size / 8))));

  // Forced statuses sit on old orders so the "not in the future" downgrade below cannot undo them.
  const forced = new Map<number, number>();
  if (size >= 7) {
    for (let s = 0; s < 5; s++) forced.set(Math.floor(((s + 1) * size) / 7), s);
  }

  let orderId = 1000;
  let lineId = 50_000;
  const nextLineId = () => {
    lineId += 1;
    return lineId;
  };
  let lastSubmit: number | null = null;
  const orders: EmnifyOrder[] = [];

  for (let i = 0; i < size; i++) {
    orderId += rng.int(1, 3);
    const org = rng.pick(organisations);
    const user = rng.chance(0.08) ? null : rng.pick(org.users);
    let status = forced.get(i) ?? pickStatus(rng);

    // Jitter of up to five days lets submit order differ from id order.
    const created = Math.floor((DATA_EPOCH - SPAN_MS + ((i + 1) * SPAN_MS) / size - rng.int(0, 5 * 86_400) * 1000) / 1000) * 1000;
    let submit: number | null = rng.int(0, 3) === 0 ? created : created + rng.int(60, 36 * 3600) * 1000;
    // Exact duplicates of the previous submit instant exercise tie-breaks.
    if (lastSubmit !== null && rng.chance(0.08)) submit = lastSubmit;
    submit = Math.min(submit, DATA_EPOCH - 3600_000);
    const shipped = submit + rng.int(1, 4) * DAY_MS + rng.int(0, 8 * 3600) * 1000;
    const delivered = shipped + rng.int(1, 6) * DAY_MS + rng.int(0, 8 * 3600) * 1000;
    if (status === EMNIFY_STATUS.DELIVERED && delivered > DATA_EPOCH) status = EMNIFY_STATUS.SHIPPED;
    if (status === EMNIFY_STATUS.SHIPPED && shipped > DATA_EPOCH) status = EMNIFY_STATUS.SUBMITTED;

    const cancelledWhileEditing = status === EMNIFY_STATUS.CANCELED && rng.chance(0.25);
    const submitDate = status === EMNIFY_STATUS.EDITING || cancelledWhileEditing ? null : submit;
    if (submitDate !== null) lastSubmit = submitDate;
    const isShipped = status === EMNIFY_STATUS.SHIPPED || status === EMNIFY_STATUS.DELIVERED;

    const country = org.address.country?.code ?? "DE";
    const currency = currencyFor(country);
    const lines = makeLines(rng, status, currency.code, nextLineId);
    const netCents = lines.reduce((sum, line) => sum + Math.round(line.total * 100), 0);

    const shippingSame = rng.chance(0.75);
    const sameCountry = CITIES.filter((c) => c.country === country);
    const shipPlace = shippingSame ? undefined : rng.pick(sameCountry.length > 0 ? sameCountry : CITIES);
    const shippingAddress: EmnifyAddress | null =
      status === EMNIFY_STATUS.EDITING && rng.chance(0.3)
        ? null
        : shipPlace
          ? makeAddress(rng, shipPlace, user?.name ?? "Goods receiving", org.name)
          : { ...structuredClone(org.address), name: user?.name ?? "Goods receiving" };
    const invoiceAddress: EmnifyAddress | null = rng.chance(0.05) ? null : structuredClone(org.address);
    const vatCountry = shippingAddress?.country?.code ?? country;

    // A draft may not have its tax computed yet: then total is the net amount.
    const vatUnknown = status === EMNIFY_STATUS.EDITING && rng.chance(0.4);
    const vatRate = vatUnknown ? null : (VAT_RATES[vatCountry] ?? 0);
    const vatCents = vatRate === null ? 0 : Math.round(netCents * vatRate);

    const option = rng.pick(SHIPPING_OPTIONS);
    const payment = status === EMNIFY_STATUS.EDITING && rng.chance(0.5) ? null : { ...rng.pick(PAYMENT_OPTIONS) };
    const paidChance = [0, 0.4, 0.7, 0.92, 0.2][status] ?? 0;
    const paid = payment !== null && rng.chance(paidChance);
    const year = new Date(submitDate ?? created).getUTCFullYear();

    orders.push({
      id: orderId,
      line: lines,
      paid,
      status: { ...(EMNIFY_STATUSES[status] as EmnifyOrderStatus) },
      customer_organisation: { id: org.id, name: org.name },
      customer_user: user ? { ...user } : null,
      shipping_option: { id: option.id, name: option.name, description: option.description, currency: { ...currency } },
      shipped_with: isShipped ? { ...option.carrier } : null,
      payment_option: payment,
      invoice_address: invoiceAddress,
      shipping_address: shippingAddress,
      currency,
      submit_date: submitDate === null ? null : iso(submitDate),
      shipped_date: isShipped ? iso(shipped) : null,
      delivered_date: status === EMNIFY_STATUS.DELIVERED ? iso(delivered) : null,
      external_payment_reference: paid && payment ? paymentReference(rng, payment, year, orderId) : null,
      external_shipping_reference: isShipped && rng.chance(0.95) ? trackingNumber(rng, option.carrier) : null,
      total: money(netCents + vatCents),
      vat: vatRate === null ? null : money(vatCents),
      vat_rate: vatRate,
      meta: rng.chance(0.1)
        ? null
        : {
            source: rng.pick(["portal", "api", "sales"] as const),
            sim_count: lines.filter((line) => line.product.sku !== "DEVKIT-01").reduce((sum, line) => sum + line.quantity, 0),
          },
      auto_provisioning: rng.chance(0.3),
      purchase_order_number: rng.chance(0.4) ? `PO-${year}-${String(rng.int(1, 99999)).padStart(5, "0")}` : null,
    });
  }
  return { orders, organisations };
}
