/**
 * Deterministic seeded data of the Django REST Framework shop emulator.
 *
 * The shapes follow the "Response Fields" tables of `providers/djangoshop.seed.txt`.
 * Where the excerpt is silent (payments, extra, product snapshots, the unit of the
 * order-level amounts) the choices are written down in `emulators/djangoshop/README.md`.
 * Every amount, item-level and order-level, is an integer in the smallest currency
 * unit: the excerpt says so for items, and one unit for the whole order keeps the
 * sums exact.
 */
import { isTimeZone, zoneOffsetMs } from "../../src/providers/core/time-zone.ts";
import { CITIES, createRandom, DATA_EPOCH, FIRST_NAMES, LAST_NAMES, type Random, STREETS } from "../shared/emulator-http.ts";

/** Every native order status, in the order of the excerpt's table. */
export const DJANGOSHOP_STATUSES = [
  "new",
  "hold",
  "failed",
  "cancelled",
  "processing",
  "shipped",
  "completed",
  "refunded",
  "deleted",
] as const;

/** One native order status. */
export type DjangoShopStatus = (typeof DJANGOSHOP_STATUSES)[number];

/** A billing country or state as the API nests it (`billing_country_data`, `billing_state_data`). */
export interface DjangoShopRegion {
  id: number;
  active: boolean;
  name: string;
  code: string;
}

/** A billing city as the API nests it (`billing_city_data`): no code, unlike countries and states. */
export interface DjangoShopCity {
  id: number;
  active: boolean;
  name: string;
}

/** The image object of a payment method; its fields are not documented, this is our choice. */
export interface DjangoShopImage {
  url: string;
  width: number;
  height: number;
  alt: string;
}

/** `payment_method_data`: the documented `{id, name, image}`. */
export interface DjangoShopPaymentMethod {
  id: number;
  name: string;
  image: DjangoShopImage;
}

/** `shipping_method_data`: `{id, name}` plus our undocumented extras (`code`, `description`, `price` in minor units). */
export interface DjangoShopShippingMethod {
  id: number;
  name: string;
  code: string;
  description: string;
  price: number;
}

/** `customer_data`: the documented `{id, username, full_name}`. */
export interface DjangoShopCustomerData {
  id: number;
  username: string;
  /** Django's `get_full_name()`: "first last", stripped, so "" when both are empty. */
  full_name: string;
}

/**
 * A customer as the shop's database holds it. The API only shows `customer_data`, but
 * `search` and `ordering` reach first/last name, e-mail and mobile number, so the
 * emulator keeps them here.
 */
export interface DjangoShopCustomer {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  /** "" when the customer never gave one. */
  mobile_number: string;
}

/** A catalogue product in its current state (what `product` and `product_name` of an item point at). */
export interface DjangoShopProduct {
  id: number;
  /** Current name; may differ from the snapshot in older orders (renamed products). */
  name: string;
  sku: string;
  /** Current price in minor units; snapshots keep the price at order time. */
  price: number;
  category: string;
  /** A deleted product leaves items with `product: null` and `product_name: null`. */
  deleted: boolean;
}

/** `product_data`: a snapshot of the product at order time (shape undocumented; ours). */
export interface DjangoShopProductSnapshot {
  name: string;
  sku: string;
  /** Price in minor units at order time; equals the item's `unit_price`. */
  price: number;
  category: string;
}

/** One entry of `items`. */
export interface DjangoShopOrderItem {
  id: number;
  /** Null when the product was deleted after the order. */
  product: number | null;
  /** The product's current name; null when the product was deleted. */
  product_name: string | null;
  product_data: DjangoShopProductSnapshot;
  unit_price: number;
  unit_discount: number;
  quantity: number;
  notes: string;
  /** `unit_price * quantity`. */
  subtotal: number;
  /** `unit_discount * quantity`. */
  discount: number;
  /** `subtotal - discount`. */
  total: number;
  created_at: string;
  updated_at: string;
}

/** One entry of `payments` (shape undocumented; ours). `amount` is in minor units and always positive. */
export interface DjangoShopPayment {
  id: number;
  amount: number;
  /** Slug of the payment method that took the money, e.g. `credit-card`. */
  method: string;
  /** The payment provider's transaction reference. */
  reference: string;
  created_at: string;
}

/** An order exactly as `GET /api/orders/{id}/` and the list's `results` return it. */
export interface DjangoShopOrder {
  id: number;
  key: string;
  status: DjangoShopStatus;
  customer_data: DjangoShopCustomerData | null;
  payment_method_data: DjangoShopPaymentMethod | null;
  shipping_method_data: DjangoShopShippingMethod | null;
  /** Minor units. */
  shipping_cost: number;
  /** "" when there are none. */
  notes: string;
  extra: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  billing_country_data: DjangoShopRegion | null;
  billing_state_data: DjangoShopRegion | null;
  billing_city_data: DjangoShopCity | null;
  billing_address: string | null;
  billing_postal_code: string | null;
  billing_national_code: string | null;
  billing_mobile_number: string | null;
  billing_first_name: string | null;
  billing_last_name: string | null;
  /** Number of item lines. */
  count: number;
  /** Sum of the items' quantities. */
  quantity: number;
  /** Sum of item `subtotal`. */
  items_subtotal: number;
  /** Sum of item `discount`. */
  items_discount: number;
  /** `items_subtotal - items_discount` (the sum of item `total`). */
  subtotal: number;
  /** Equals `items_discount`: this shop has no order-level discounts. */
  total_discount: number;
  /** `subtotal + shipping_cost`. */
  total: number;
  /** Sum of `payments[].amount`. */
  amount_paid: number;
  /** `total - amount_paid`. */
  amount_outstanding: number;
  /** `amount_paid >= total`. */
  is_paid: boolean;
  items: DjangoShopOrderItem[];
  payments: DjangoShopPayment[];
}

/** Options of {@link generateDjangoShopData}. */
export interface DjangoShopDataOptions {
  /** Seed of the generator (default 1). */
  seed?: number;
  /** Number of orders (default 300). */
  size?: number;
  /** Decimal places of the shop's currency: 2 for EUR (default), 0 for JPY/ISK, 3 for KWD/BHD. */
  currencyExponent?: number;
  /**
   * Django's `TIME_ZONE` (an IANA name, default `UTC`): every timestamp is rendered in it, as
   * DRF renders datetimes in the current time zone. A zone with summer time shows two offsets
   * over the year, each timestamp the one in force at its instant.
   */
  timeZone?: string;
}

/** The whole generated shop: the orders and the reference data they point at. */
export interface DjangoShopData {
  orders: DjangoShopOrder[];
  customers: DjangoShopCustomer[];
  products: DjangoShopProduct[];
  paymentMethods: DjangoShopPaymentMethod[];
  shippingMethods: DjangoShopShippingMethod[];
  countries: DjangoShopRegion[];
  states: DjangoShopRegion[];
  cities: DjangoShopCity[];
  /** The exponent every amount in the data set uses. */
  currencyExponent: number;
  /** The zone every timestamp of the data set is rendered in (Django's `TIME_ZONE`). */
  timeZone: string;
}

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;
/** How far back the generated history reaches from DATA_EPOCH. */
const HISTORY_DAYS = 420;

/** Throws a RangeError unless Intl knows the IANA zone name. */
export function assertDjangoTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) {
    throw new RangeError(`timeZone must be an IANA time zone such as UTC or Europe/Copenhagen, got ${JSON.stringify(timeZone)}`);
  }
}

/**
 * The offset of a zone from UTC at an instant, in minutes east of Greenwich: Intl's, through
 * the same per-day cache the connectors use (a plain calendar fact, not connector behaviour).
 */
export function djangoZoneOffsetMinutes(epochMs: number, timeZone: string): number {
  return timeZone === "UTC" ? 0 : Math.round(zoneOffsetMs(epochMs, timeZone) / 60_000);
}

/**
 * The instant (epoch ms) of a wall-clock time in a zone, as Django's `make_aware` reads a
 * naive value in the current time zone: zoneinfo with `fold=0`. A wall time that occurs
 * twice (the hour the clocks go back) is the earlier instant; one that never occurs (the
 * hour they go forward) is read with the offset in force before the change.
 */
export function djangoWallTimeToEpochMs(wallMs: number, timeZone: string): number {
  const before = djangoZoneOffsetMinutes(wallMs - 86_400_000, timeZone);
  const after = djangoZoneOffsetMinutes(wallMs + 86_400_000, timeZone);
  const fits = (offset: number) => djangoZoneOffsetMinutes(wallMs - offset * 60_000, timeZone) === offset;
  const candidates = [...new Set([before, after])].filter(fits);
  // Both fit: the wall time occurs twice, and the larger offset gives the earlier instant.
  if (candidates.length > 0) return wallMs - Math.max(...candidates) * 60_000;
  return wallMs - before * 60_000;
}

/**
 * Renders an instant the way DRF's DateTimeField does: converted to the current time zone,
 * Python's `isoformat()` (the fraction dropped when the microseconds are zero), and `Z`
 * instead of `+00:00`, so a UTC shop always ends in `Z`.
 */
export function renderDjangoTimestamp(epochMicros: number, timeZone = "UTC"): string {
  const offsetMinutes = djangoZoneOffsetMinutes(Math.floor(epochMicros / 1000), timeZone);
  const shifted = epochMicros + offsetMinutes * 60 * MICROS_PER_SECOND;
  const wholeMs = Math.floor(shifted / 1000);
  const micros = ((shifted % MICROS_PER_SECOND) + MICROS_PER_SECOND) % MICROS_PER_SECOND;
  const base = new Date(wholeMs).toISOString().slice(0, 19);
  const fraction = micros === 0 ? "" : `.${String(micros).padStart(6, "0")}`;
  if (offsetMinutes === 0) return `${base}${fraction}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${base}${fraction}${sign}${hh}:${mm}`;
}

/** Base catalogue; prices are in hundredths and scaled to the requested exponent. */
const CATALOGUE: ReadonlyArray<{ name: string; oldName?: string; cents: number; oldCents?: number; category: string; deleted?: boolean }> =
  [
    { name: "Espresso cup", cents: 1250, category: "kitchen" },
    { name: "Ceramic mug 350 ml", oldName: "Ceramic mug", cents: 1890, oldCents: 1690, category: "kitchen" },
    { name: "Linen shirt", cents: 5900, category: "apparel" },
    { name: "Wool socks", cents: 1499, category: "apparel" },
    { name: "Canvas tote bag", cents: 2450, category: "bags" },
    { name: "Leather wallet", cents: 7900, category: "bags" },
    { name: "Desk lamp", cents: 12900, category: "home" },
    { name: "Scented candle", cents: 1999, category: "home" },
    { name: "Notebook A5", cents: 899, category: "stationery" },
    { name: "Fountain pen", oldName: "Fountain pen (classic)", cents: 4500, oldCents: 3900, category: "stationery" },
    { name: "Tea sampler", cents: 2299, category: "food" },
    { name: "Dark chocolate 72%", cents: 449, category: "food" },
    { name: "Olive oil 500 ml", cents: 1575, category: "food" },
    { name: "Yoga mat", cents: 3999, category: "sport" },
    { name: "Water bottle", cents: 2199, category: "sport" },
    { name: "Wireless earbuds", cents: 8999, category: "electronics" },
    { name: "USB-C cable 2 m", cents: 1299, category: "electronics" },
    { name: "Phone case", cents: 1999, category: "electronics", deleted: true },
    { name: "Board game", cents: 3495, category: "toys" },
    { name: "Jigsaw puzzle 1000", cents: 1995, category: "toys" },
  ];

const PAYMENT_METHODS: ReadonlyArray<{ id: number; name: string; slug: string }> = [
  { id: 1, name: "Credit card", slug: "credit-card" },
  { id: 2, name: "PayPal", slug: "paypal" },
  { id: 3, name: "Bank transfer", slug: "bank-transfer" },
  { id: 4, name: "Cash on delivery", slug: "cash-on-delivery" },
  { id: 5, name: "MobilePay", slug: "mobilepay" },
];

const SHIPPING_METHODS: ReadonlyArray<{ id: number; name: string; code: string; description: string; cents: number }> = [
  { id: 1, name: "Standard", code: "standard", description: "Delivered in 3-5 working days", cents: 495 },
  { id: 2, name: "Express", code: "express", description: "Delivered next working day", cents: 1495 },
  { id: 3, name: "Pick-up point", code: "pickup-point", description: "Collect at a parcel shop", cents: 295 },
  { id: 4, name: "Store pick-up", code: "store-pickup", description: "Collect in our shop", cents: 0 },
];

const ORDER_NOTES = [
  "Please leave the parcel at the back door.",
  "Call before delivery",
  "Gift: please remove the price tag",
  "Invoice to the company address",
  "Urgent, needed before Friday",
  "Deliver after 17:00",
  "Ring twice",
] as const;

const ITEM_NOTES = ["Gift wrap", "Engraving: A.B.", "Size M", "Colour: blue"] as const;

const STATUS_WEIGHTS: ReadonlyArray<readonly [DjangoShopStatus, number]> = [
  ["new", 10],
  ["hold", 5],
  ["failed", 5],
  ["cancelled", 7],
  ["processing", 14],
  ["shipped", 15],
  ["completed", 32],
  ["refunded", 6],
  ["deleted", 4],
];

/** Lower-case ASCII handle for usernames and e-mails. */
function slugName(text: string): string {
  return text
    .toLowerCase()
    .replaceAll("ü", "ue")
    .replaceAll("ö", "oe")
    .replaceAll("ä", "ae")
    .replaceAll("ø", "oe")
    .replaceAll("å", "aa")
    .replaceAll("æ", "ae")
    .replace(/[^a-z0-9]/g, "");
}

function weightedStatus(r: Random): DjangoShopStatus {
  const total = STATUS_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  let roll = r.next() * total;
  for (const [status, weight] of STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return "completed";
}

function randomToken(r: Random, length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[r.int(0, alphabet.length - 1)];
  return out;
}

function digits(r: Random, length: number): string {
  return randomToken(r, length, "0123456789");
}

/** A billing string that is usually present, and sometimes "" or null, so each has_* filter has both sides. */
function sometimesBlank(r: Random, value: string, pEmpty: number, pNull: number): string | null {
  const roll = r.next();
  if (roll < pNull) return null;
  if (roll < pNull + pEmpty) return "";
  return value;
}

/**
 * Generates the shop. The same options give the same data on every machine; the
 * random draws do not depend on `currencyExponent`, so the data sets of two
 * exponents differ only in their amounts.
 */
export function generateDjangoShopData(options: DjangoShopDataOptions = {}): DjangoShopData {
  const seed = options.seed ?? 1;
  const size = options.size ?? 300;
  const exponent = options.currencyExponent ?? 2;
  const timeZone = options.timeZone ?? "UTC";
  assertDjangoTimeZone(timeZone);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 6) {
    throw new RangeError(`currencyExponent must be an integer from 0 to 6, got ${exponent}`);
  }
  const r = createRandom(seed);
  const scale = (cents: number) => Math.round(cents * 10 ** (exponent - 2));

  // Reference data. Ids of countries, states and cities live in separate ranges so
  // a test that mixes them up cannot pass by accident.
  const countries: DjangoShopRegion[] = [];
  const states: DjangoShopRegion[] = [];
  const cities: DjangoShopCity[] = [];
  const places: Array<{ country: DjangoShopRegion; state: DjangoShopRegion; city: DjangoShopCity; zip: string }> = [];
  for (const place of CITIES) {
    let country = countries.find((c) => c.code === place.country);
    if (!country) {
      // One inactive country: orders keep pointing at places the shop no longer serves.
      country = { id: countries.length + 1, active: place.country !== "NO", name: place.countryName, code: place.country };
      countries.push(country);
    }
    let state = states.find((s) => s.code === place.state && s.name === place.stateName);
    if (!state) {
      state = { id: 101 + states.length, active: place.country !== "NO", name: place.stateName, code: place.state };
      states.push(state);
    }
    const city: DjangoShopCity = { id: 1001 + cities.length, active: place.city !== "Kolding", name: place.city };
    cities.push(city);
    places.push({ country, state, city, zip: place.zip });
  }

  const paymentMethods: DjangoShopPaymentMethod[] = PAYMENT_METHODS.map((m) => ({
    id: m.id,
    name: m.name,
    image: { url: `https://cdn.djangoshop.example/media/payment-methods/${m.slug}.png`, width: 64, height: 40, alt: m.name },
  }));
  const paymentSlug = new Map(PAYMENT_METHODS.map((m) => [m.id, m.slug]));
  const shippingMethods: DjangoShopShippingMethod[] = SHIPPING_METHODS.map((m) => ({
    id: m.id,
    name: m.name,
    code: m.code,
    description: m.description,
    price: scale(m.cents),
  }));

  const products: DjangoShopProduct[] = CATALOGUE.map((p, i) => ({
    id: 201 + i * 3,
    name: p.name,
    sku: `DS-${String(1001 + i)}`,
    price: scale(p.cents),
    category: p.category,
    deleted: p.deleted ?? false,
  }));

  // Customers: a pool about a quarter the size of the orders, picked with a skew below,
  // so many customers have several orders.
  const customers: DjangoShopCustomer[] = [];
  const usernames = new Set<string>();
  const customerCount = Math.max(3, Math.round(size / 4));
  let customerId = 1;
  for (let i = 0; i < customerCount; i++) {
    customerId += r.int(1, 3);
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    let username = `${slugName(first)}.${slugName(last)}`;
    while (usernames.has(username)) username = `${slugName(first)}.${slugName(last)}${r.int(2, 99)}`;
    usernames.add(username);
    const mobile = r.chance(0.8) ? `+45${digits(r, 8)}` : "";
    // One customer registered without a name, to exercise empty full_name and name ordering.
    const anonymous = i === 4;
    customers.push({
      id: customerId,
      username,
      first_name: anonymous ? "" : first,
      last_name: anonymous ? "" : last,
      email: `${username}@${r.chance(0.7) ? "example.com" : "mail.example.org"}`,
      mobile_number: mobile,
    });
  }

  // Statuses first, so that every status is present whatever the draws (when size allows).
  const statuses: DjangoShopStatus[] = Array.from({ length: size }, () => weightedStatus(r));
  if (size >= DJANGOSHOP_STATUSES.length) {
    const taken = new Set<number>();
    for (const status of DJANGOSHOP_STATUSES) {
      if (statuses.includes(status)) continue;
      let index = r.int(0, size - 1);
      while (taken.has(index)) index = r.int(0, size - 1);
      taken.add(index);
      statuses[index] = status;
    }
  }

  // Creation instants: increasing with the id, spread over HISTORY_DAYS.
  const endMicros = DATA_EPOCH * 1000;
  const startMicros = endMicros - HISTORY_DAYS * MICROS_PER_DAY;
  const gaps = Array.from({ length: size }, () => r.next() + 0.05);
  const gapSum = gaps.reduce((a, b) => a + b, 0) || 1;

  const orders: DjangoShopOrder[] = [];
  const keys = new Set<string>();
  let orderId = 0;
  let itemId = 0;
  let paymentId = 0;
  let clock = startMicros;
  let previous: number | null = null;

  for (let i = 0; i < size; i++) {
    orderId += r.chance(0.08) ? r.int(2, 4) : 1; // gaps: rows hard-deleted long ago
    const status = statuses[i] ?? "completed";
    clock += Math.floor(((gaps[i] ?? 1) / gapSum) * (endMicros - startMicros - MICROS_PER_DAY));

    let createdMicros: number;
    // Once this picked a display offset per order; the draws stay so that a seed keeps the rest of its data.
    if (!r.chance(0.85)) r.pick([60, 120, -300] as const);
    let source: "web" | "app" | "import" = r.pick(["web", "web", "web", "app"] as const);
    if (previous !== null && (i % 50 === 7 || r.chance(0.03))) {
      // Same instant as the previous order (a checkout burst): default ordering must break the tie by id.
      createdMicros = previous;
    } else if (i > 20 && r.chance(0.04)) {
      // Backdated import from a legacy shop: a high id with an old created_at, so id order != date order.
      createdMicros = startMicros + Math.floor(r.next() * 30 * MICROS_PER_DAY);
      source = "import";
    } else {
      createdMicros = clock + (r.chance(0.1) ? -(clock % MICROS_PER_SECOND) : 0);
    }
    previous = createdMicros;

    let updatedMicros: number;
    if (status === "new" && r.chance(0.5)) updatedMicros = createdMicros;
    else updatedMicros = Math.min(endMicros, createdMicros + r.int(600, 30 * 86_400) * MICROS_PER_SECOND + r.int(0, 999_999));
    const createdAt = renderDjangoTimestamp(createdMicros, timeZone);
    const updatedAt = renderDjangoTimestamp(updatedMicros, timeZone);

    let key = randomToken(r, 24);
    while (keys.has(key)) key = randomToken(r, 24);
    keys.add(key);

    // Customer: a skewed pick makes repeat customers; about one order in eight is a guest order.
    const customer = r.chance(0.88) ? customers[Math.floor(r.next() ** 1.6 * customers.length)] : undefined;
    const customerData: DjangoShopCustomerData | null = customer
      ? { id: customer.id, username: customer.username, full_name: `${customer.first_name} ${customer.last_name}`.trim() }
      : null;

    // Billing: the customer's name most of the time, someone else's on gifts and guest orders.
    const ownName = customer !== undefined && customer.first_name !== "" && r.chance(0.8);
    const billingFirst = ownName ? customer.first_name : r.pick(FIRST_NAMES);
    const billingLast = ownName ? customer.last_name : r.pick(LAST_NAMES);
    const place = r.pick(places);
    const depth = r.next(); // how much of country/state/city was filled in
    const country = depth < 0.88 ? place.country : null;
    const state = depth < 0.78 ? place.state : null;
    const city = depth < 0.7 ? place.city : null;

    // Items.
    const itemCount = r.chance(0.1) ? r.int(5, 7) : r.int(1, 4);
    const chosen = new Set<number>();
    const items: DjangoShopOrderItem[] = [];
    const itemUpdatedAt = r.chance(0.2) ? updatedAt : createdAt;
    // Net in hundredths, so that decisions on amounts draw the same way at every exponent.
    let netCents = 0;
    for (let n = 0; n < itemCount; n++) {
      let index = r.int(0, CATALOGUE.length - 1);
      while (chosen.has(index)) index = (index + 1) % CATALOGUE.length;
      chosen.add(index);
      const base = CATALOGUE[index]!;
      const product = products[index]!;
      const quantity = r.chance(0.1) ? r.int(4, 10) : r.int(1, 3);
      const unitPrice = scale(base.oldCents ?? base.cents);
      const percent = r.chance(0.25) ? r.pick([5, 10, 15, 20] as const) : 0;
      const unitDiscount = Math.floor((unitPrice * percent) / 100);
      const baseCents = base.oldCents ?? base.cents;
      netCents += (baseCents - Math.floor((baseCents * percent) / 100)) * quantity;
      const subtotal = unitPrice * quantity;
      const discount = unitDiscount * quantity;
      itemId += 1;
      items.push({
        id: itemId,
        product: product.deleted ? null : product.id,
        product_name: product.deleted ? null : product.name,
        product_data: { name: base.oldName ?? base.name, sku: product.sku, price: unitPrice, category: base.category },
        unit_price: unitPrice,
        unit_discount: unitDiscount,
        quantity,
        notes: r.chance(0.1) ? r.pick(ITEM_NOTES) : "",
        subtotal,
        discount,
        total: subtotal - discount,
        created_at: createdAt,
        updated_at: itemUpdatedAt,
      });
    }
    const itemsSubtotal = items.reduce((sum, it) => sum + it.subtotal, 0);
    const itemsDiscount = items.reduce((sum, it) => sum + it.discount, 0);
    const net = itemsSubtotal - itemsDiscount;

    // Standard is the common choice; store pick-up (free) the rare one.
    const shippingIndex = r.pick([0, 0, 0, 1, 2, 2, 3] as const);
    const shipping = r.chance(0.87) ? (shippingMethods[shippingIndex] ?? null) : null;
    // Free shipping over a threshold (150.00), on about a third of the eligible orders (a campaign).
    const freeShipping = r.chance(0.3) && shipping !== null && netCents >= 15_000;
    const shippingCost = shipping === null || freeShipping ? 0 : shipping.price;
    const total = net + shippingCost;

    const payment = r.chance(0.9) ? r.pick(paymentMethods) : null;
    const payments: DjangoShopPayment[] = [];
    const pay = (amount: number) => {
      // Draw before deciding, so the random sequence never depends on the amounts.
      const at = createdMicros + r.int(30, 3 * 86_400) * MICROS_PER_SECOND + r.int(0, 999_999);
      const reference = `txn_${randomToken(r, 16)}`;
      if (!payment || amount <= 0) return;
      paymentId += 1;
      payments.push({
        id: paymentId,
        amount,
        method: paymentSlug.get(payment.id) ?? "unknown",
        reference,
        created_at: renderDjangoTimestamp(Math.min(at, endMicros), timeZone),
      });
    };
    const fullPayment = () => {
      if (r.chance(0.2) && total > 1) {
        // Paid in two instalments.
        const first = Math.floor(total / 2);
        pay(first);
        pay(total - first);
      } else {
        pay(total);
      }
    };
    switch (status) {
      case "new":
        if (r.chance(0.3)) fullPayment();
        break;
      case "hold":
        if (r.chance(0.5)) pay(Math.floor(total / 2));
        break;
      case "processing":
      case "shipped":
      case "completed":
      case "refunded":
        fullPayment();
        break;
      case "deleted":
        if (r.chance(0.5)) fullPayment();
        break;
      default: // failed, cancelled: nothing was taken
        break;
    }
    const amountPaid = payments.reduce((sum, p) => sum + p.amount, 0);

    const extra: Record<string, unknown> = {};
    if (r.chance(0.8) || source === "import") {
      extra["source"] = source;
      extra["language"] = r.pick(["en", "de", "da"] as const);
    }
    if (source === "import") extra["imported_from"] = "legacy-shop";
    if (status === "refunded") extra["refund_reason"] = r.pick(["damaged", "wrong size", "changed mind"] as const);

    orders.push({
      id: orderId,
      key,
      status,
      customer_data: customerData,
      payment_method_data: payment,
      shipping_method_data: shipping,
      shipping_cost: shippingCost,
      notes: r.chance(0.4) ? r.pick(ORDER_NOTES) : "",
      extra,
      created_at: createdAt,
      updated_at: updatedAt,
      billing_country_data: country,
      billing_state_data: state,
      billing_city_data: city,
      billing_address: sometimesBlank(r, `${r.pick(STREETS)} ${r.int(1, 120)}`, 0.05, 0.03),
      billing_postal_code: sometimesBlank(r, place.zip, 0.08, 0.03),
      billing_national_code: sometimesBlank(r, digits(r, 10), 0.4, 0.05),
      billing_mobile_number: sometimesBlank(r, customer?.mobile_number || `+45${digits(r, 8)}`, 0.12, 0.03),
      billing_first_name: sometimesBlank(r, billingFirst, 0.05, 0.03),
      billing_last_name: sometimesBlank(r, billingLast, 0.05, 0.03),
      count: items.length,
      quantity: items.reduce((sum, it) => sum + it.quantity, 0),
      items_subtotal: itemsSubtotal,
      items_discount: itemsDiscount,
      subtotal: net,
      total_discount: itemsDiscount,
      total,
      amount_paid: amountPaid,
      amount_outstanding: total - amountPaid,
      is_paid: amountPaid >= total,
      items,
      payments,
    });
  }

  return {
    orders,
    customers,
    products,
    paymentMethods,
    shippingMethods,
    countries,
    states,
    cities,
    currencyExponent: exponent,
    timeZone,
  };
}
