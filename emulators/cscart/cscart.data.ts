/**
 * Deterministic, seeded order data for the CS-Cart emulator.
 *
 * Every stored order is the exact JSON object that `GET /api/orders/{id}`
 * answers, so the emulator never has to rebuild details and a test can compare
 * a response with `emulator.orders` directly. The shapes follow CS-Cart 4.x as
 * documented in providers/cscart.seed.txt: most numbers are strings (they come
 * straight from MySQL), a few computed ones are JSON numbers, and PHP arrays
 * keyed by id (products, taxes, promotions) serialise as JSON objects, or as
 * `[]` when empty.
 */
import { CITIES, createRandom, DATA_EPOCH, FIRST_NAMES, LAST_NAMES, type Random, STREETS } from "../shared/emulator-http.ts";

/** Every order status letter of the docs, in the docs' order of the list filter. */
export const CSCART_STATUSES = ["C", "P", "O", "F", "D", "I", "G", "H", "B", "N", "E"] as const;

/** One CS-Cart order status letter. */
export type CsCartStatusCode = (typeof CSCART_STATUSES)[number];

/** English description of each status, as the docs' status table gives it (used in notification mails). */
export const CSCART_STATUS_DESCRIPTIONS: Readonly<Record<CsCartStatusCode, string>> = {
  C: "Complete",
  P: "Processed",
  O: "Open",
  F: "Failed",
  D: "Declined",
  I: "Canceled",
  G: "Return in progress",
  H: "Return complete",
  B: "Backordered",
  N: "Incomplete",
  E: "Unpaid",
};

/**
 * `notify_user` values of a PUT that send the customer an e-mail. The docs
 * write `"1"`; the JSON number and boolean are taken too, as PHP would.
 */
export const CSCART_NOTIFY_YES = ["1", 1, true] as const;

/**
 * `notify_user` values that send no e-mail (absent is the same). The docs
 * write `"0"`; `""` and `null` are PHP's empty values. Any value in neither
 * list answers 400.
 */
export const CSCART_NOTIFY_NO = ["0", 0, false, "", null] as const;

/**
 * A number as CS-Cart sends it: usually a string straight from MySQL
 * (`"120.00"`, `"1400000000"`), sometimes a JSON number. Clients must accept both.
 */
export type CsCartNumeric = string | number;

/**
 * A PHP array keyed by id: a JSON object when it has entries, `[]` when empty
 * (PHP's json_encode cannot tell an empty map from an empty list).
 */
export type CsCartPhpMap<T> = Record<string, T> | never[];

/** `extra` of an ordered product: CS-Cart's serialised cart data for the line. */
export interface CsCartProductExtra {
  step: string;
  product_options: CsCartPhpMap<string>;
  product_options_value?: Array<{ option_id: string; option_name: string; variant_id: string; variant_name: string }>;
  unlimited_download: "Y" | "N";
  product: string;
  company_id: number;
  is_edp: "Y" | "N";
  edp_shipping: "Y" | "N";
  base_price: number;
  stored_price: "Y" | "N";
  return_period: string;
}

/** One ordered product (a value of `products`, keyed by its `item_id`). */
export interface CsCartOrderProduct {
  item_id: string;
  order_id: string;
  product_id: string;
  product_code: string;
  /** Unit price actually charged. */
  price: string;
  /** Quantity. */
  amount: string;
  extra: CsCartProductExtra;
  /** Product name. */
  product: string;
  product_status: "A" | "D" | "H";
  deleted_product: boolean;
  company_id: string;
  /** Catalog price before catalog promotions. */
  base_price: string;
  original_price: string;
  /** price × amount, computed by PHP, hence a JSON number. */
  subtotal: number;
  display_subtotal: number;
  shipped_amount: string;
  shipment_amount: string;
  is_accessible: boolean;
}

/** The `payment_method` object of order details. */
export interface CsCartPaymentMethod {
  payment_id: string;
  company_id: string;
  usergroup_ids: string;
  position: string;
  status: "A" | "D";
  template: string;
  processor_id: string;
  a_surcharge: string;
  p_surcharge: string;
  localization: string;
  payment_category: string;
  payment: string;
  description: string;
  instructions: string;
  surcharge_title: string;
  lang_code: string;
  processor: string;
  processor_type: string;
}

/** One entry of `shipping`. */
export interface CsCartShippingLine {
  shipping_id: string;
  shipping: string;
  delivery_time: string;
  description: string;
  rate: number;
  group_key: number;
  need_shipment: boolean;
}

/** One applied tax (a value of `taxes`, keyed by tax id). */
export interface CsCartTax {
  rate_type: "P" | "F";
  rate_value: string;
  price_includes_tax: "Y" | "N";
  regnumber: string;
  priority: number;
  tax_subtotal: number;
  description: string;
  applies: { P: number; S: number };
}

/** One applied promotion (a value of `promotions`, keyed by promotion id). */
export interface CsCartPromotion {
  bonuses: Array<{ bonus: string; discount_bonus: string; discount_value: string; promotion_id: string }>;
}

/**
 * A CS-Cart order as `GET /api/orders/{id}` answers it, and as the emulator
 * stores it. The list endpoint answers a subset of these fields.
 */
export interface CsCartOrder {
  order_id: string;
  is_parent_order: "Y" | "N";
  parent_order_id: string;
  company_id: CsCartNumeric;
  /** Admin who created the order in the back end; null for storefront orders. */
  issuer_id: string | null;
  /** 0 for guests. */
  user_id: CsCartNumeric;
  total: CsCartNumeric;
  subtotal: string;
  discount: string;
  subtotal_discount: string;
  payment_surcharge: string;
  shipping_ids: string;
  shipping_cost: string;
  /** Unix time (seconds) when the order was placed. */
  timestamp: CsCartNumeric;
  status: CsCartStatusCode;
  notes: string;
  details: string;
  promotions: CsCartPhpMap<CsCartPromotion>;
  promotion_ids: string;
  firstname: string;
  lastname: string;
  company: string;
  b_firstname: string;
  b_lastname: string;
  b_address: string;
  b_address_2: string;
  b_city: string;
  b_county: string;
  b_state: string;
  b_country: string;
  b_zipcode: string;
  b_phone: string;
  s_firstname: string;
  s_lastname: string;
  s_address: string;
  s_address_2: string;
  s_city: string;
  s_county: string;
  s_state: string;
  s_country: string;
  s_zipcode: string;
  s_phone: string;
  s_address_type: string;
  phone: string;
  fax: string;
  url: string;
  email: string;
  payment_id: string;
  tax_exempt: "Y" | "N";
  lang_code: string;
  ip_address: string;
  repaid: "0" | "1";
  validation_code: string;
  localization_id: string;
  profile_id: string;
  storefront_id: string;
  /**
   * Unix time (seconds) of the last change, which `updated_at_from/_to`
   * filter on. The emulator bumps it on every write.
   */
  updated_at: string;
  /** The vendor_ref add-on's reference; `""` when unset. */
  vendor_ref: string;
  secondary_currency: string;
  display_subtotal: number;
  display_shipping_cost: number;
  tax_subtotal: number;
  invoice_id: string | null;
  credit_memo_id: string | null;
  payment_method: CsCartPaymentMethod;
  payment_info: CsCartPhpMap<string>;
  products: Record<string, CsCartOrderProduct>;
  taxes: CsCartPhpMap<CsCartTax>;
  shipping: CsCartShippingLine[];
  shipping_id: string;
  need_shipping: boolean;
  need_shipment: boolean;
  shipment_ids: string;
  b_country_descr: string;
  b_state_descr: string;
  s_country_descr: string;
  s_state_descr: string;
}

/** A registered customer account (user_id > 0) that placed orders. */
export interface CsCartUser {
  user_id: number;
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
}

/** Everything the generator produces. */
export interface CsCartData {
  /** Orders by ascending order_id. */
  orders: CsCartOrder[];
  /** Registered customers; some placed several orders, some none. */
  users: CsCartUser[];
}

/** Options of {@link generateCsCartData}. */
export interface CsCartDataOptions {
  /** Seed of the PRNG (default 1). */
  seed?: number;
  /** Number of orders (default 400). Every status is present when size >= 11. */
  size?: number;
}

interface CatalogProduct {
  id: number;
  code: string;
  name: string;
  /** Base price in cents. */
  price: number;
  edp?: boolean;
  options?: Array<{ id: number; name: string; variants: Array<[number, string]> }>;
}

const SIZE_OPTION = {
  id: 3,
  name: "Size",
  variants: [
    [11, "S"],
    [12, "M"],
    [13, "L"],
    [14, "XL"],
  ] as Array<[number, string]>,
};
const COLOR_OPTION = {
  id: 4,
  name: "Color",
  variants: [
    [21, "Black"],
    [22, "Forest green"],
    [23, "Sand"],
  ] as Array<[number, string]>,
};

const CATALOG: readonly CatalogProduct[] = [
  { id: 12, code: "CS-TSHIRT-ORG", name: "Organic Cotton T-Shirt", price: 2490, options: [SIZE_OPTION, COLOR_OPTION] },
  { id: 13, code: "CS-HOODIE-GRY", name: "Classic Hoodie, Grey", price: 5490, options: [SIZE_OPTION] },
  { id: 29, code: "CS-SOCKS-3PK", name: "Merino Socks (3-pack)", price: 1990 },
  { id: 41, code: "CS-MUG-ENAM", name: "Enamel Camping Mug", price: 1490 },
  { id: 57, code: "CS-BOTTLE-750", name: "Insulated Water Bottle 750 ml", price: 2990, options: [COLOR_OPTION] },
  { id: 63, code: "CS-BACKPACK-20", name: "Daypack 20 L", price: 7990, options: [COLOR_OPTION] },
  { id: 78, code: "CS-CAP-BLK", name: "Baseball Cap, Black", price: 1990 },
  { id: 84, code: "CS-NOTEBOOK-A5", name: "Dotted Notebook A5", price: 1290 },
  { id: 90, code: "CS-PEN-SET", name: "Fountain Pen Set", price: 3490 },
  { id: 102, code: "CS-LAMP-LED", name: "LED Desk Lamp", price: 4990 },
  { id: 117, code: "CS-HEADPH-BT", name: "Bluetooth Headphones", price: 8990 },
  { id: 121, code: "CS-CHARGER-65", name: "USB-C Charger 65 W", price: 3990 },
  { id: 135, code: "CS-CABLE-2M", name: "USB-C Cable 2 m", price: 1290 },
  { id: 148, code: "CS-SPEAKER-MINI", name: "Mini Speaker", price: 4490 },
  { id: 152, code: "CS-COFFEE-1KG", name: "Espresso Beans 1 kg", price: 2490 },
  { id: 166, code: "CS-TEA-SAMPLER", name: "Loose Leaf Tea Sampler", price: 1890 },
  { id: 173, code: "CS-CHOC-BOX", name: "Dark Chocolate Gift Box", price: 2290 },
  { id: 189, code: "CS-CANDLE-SOY", name: "Soy Candle, Cedar", price: 1690 },
  { id: 194, code: "CS-BLANKET-WOOL", name: "Wool Throw Blanket", price: 8990 },
  { id: 201, code: "CS-PLANT-POT", name: "Ceramic Plant Pot", price: 2190 },
  { id: 215, code: "CS-YOGA-MAT", name: "Yoga Mat 6 mm", price: 3990 },
  { id: 256, code: "CS-UMBRELLA", name: "Compact Umbrella", price: 2790 },
  { id: 262, code: "CS-SUNGLASSES", name: "Polarized Sunglasses", price: 6990 },
];

/** Downloadable products: an order of only these needs no shipping. */
const DIGITAL_CATALOG: readonly CatalogProduct[] = [
  { id: 228, code: "CS-GIFTCARD-25", name: "E-Gift Card 25", price: 2500, edp: true },
  { id: 229, code: "CS-GIFTCARD-50", name: "E-Gift Card 50", price: 5000, edp: true },
  { id: 240, code: "CS-EBOOK-BARISTA", name: "E-book: The Home Barista", price: 990, edp: true },
];

interface PaymentDef {
  id: number;
  name: string;
  description: string;
  template: string;
  processor: string;
  /** Flat surcharge in cents. */
  surcharge: number;
  online: boolean;
}

const PAYMENTS: readonly PaymentDef[] = [
  {
    id: 1,
    name: "Credit card",
    description: "Visa, Mastercard, American Express",
    template: "views/orders/components/payments/cc.tpl",
    processor: "Stripe",
    surcharge: 0,
    online: true,
  },
  {
    id: 2,
    name: "PayPal",
    description: "Pay with your PayPal account",
    template: "views/orders/components/payments/cc_outside.tpl",
    processor: "PayPal",
    surcharge: 0,
    online: true,
  },
  {
    id: 3,
    name: "Bank transfer",
    description: "Pay in advance by bank transfer",
    template: "views/orders/components/payments/empty.tpl",
    processor: "",
    surcharge: 0,
    online: false,
  },
  {
    id: 4,
    name: "Cash on delivery",
    description: "Pay the courier",
    template: "views/orders/components/payments/empty.tpl",
    processor: "",
    surcharge: 200,
    online: false,
  },
  {
    id: 6,
    name: "Phone ordering",
    description: "Our staff will call you back",
    template: "views/orders/components/payments/phone.tpl",
    processor: "",
    surcharge: 0,
    online: false,
  },
];

interface ShippingDef {
  id: number;
  name: string;
  time: string;
  /** Rate in cents. */
  rate: number;
}

const FREE_SHIPPING: ShippingDef = { id: 1, name: "Free shipping", time: "3-5 days", rate: 0 };
const SHIPPINGS: readonly ShippingDef[] = [
  { id: 2, name: "DHL Paket", time: "2-3 days", rate: 499 },
  { id: 3, name: "UPS Standard", time: "1-3 days", rate: 990 },
  { id: 4, name: "PostNord", time: "2-4 days", rate: 650 },
  { id: 5, name: "Pickup in store", time: "", rate: 0 },
];

interface TaxDef {
  id: number;
  rate: number;
  included: boolean;
  description: string;
  regnumber: string;
}

/** Destination taxes: VAT is included in prices, US sales tax is added on top. */
function taxFor(country: string, state: string): TaxDef {
  switch (country) {
    case "DE":
      return { id: 6, rate: 19, included: true, description: "VAT 19%", regnumber: "DE123456789" };
    case "AT":
      return { id: 7, rate: 20, included: true, description: "USt 20%", regnumber: "ATU12345678" };
    case "DK":
      return { id: 8, rate: 25, included: true, description: "Moms 25%", regnumber: "DK12345678" };
    case "NO":
      return { id: 9, rate: 25, included: true, description: "MVA 25%", regnumber: "NO123456789MVA" };
    case "FR":
      return { id: 10, rate: 20, included: true, description: "TVA 20%", regnumber: "FR12345678901" };
    case "GB":
      return { id: 11, rate: 20, included: true, description: "VAT 20%", regnumber: "GB123456789" };
    default:
      return state === "NY"
        ? { id: 12, rate: 8.875, included: false, description: "NY sales tax", regnumber: "" }
        : { id: 13, rate: 6.25, included: false, description: "TX sales tax", regnumber: "" };
  }
}

const DIAL_CODES: Readonly<Record<string, string>> = { DE: "49", DK: "45", NO: "47", AT: "43", FR: "33", US: "1", GB: "44" };
const LANGS: Readonly<Record<string, string>> = { DE: "de", AT: "de", DK: "da", NO: "no", FR: "fr", US: "en", GB: "en" };
const MAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com"] as const;

const CUSTOMER_NOTES = [
  "Please leave the parcel with the neighbour.",
  "Gift wrap, please.",
  "Ring twice, the bell is broken.",
  "Deliver after 5 pm.",
  "Bitte beim Nachbarn abgeben.",
  "It is a present, no invoice in the box please.",
  "Stil pakken ved døren.",
] as const;
const ADMIN_DETAILS = [
  "Customer called about the delivery date.",
  "Address corrected by phone.",
  "Replaced a damaged item.",
  "VIP customer: add a thank-you card.",
  "Split shipment agreed with the customer.",
] as const;

const money = (cents: number): string => (cents / 100).toFixed(2);
const asNumber = (cents: number): number => Math.round(cents) / 100;

/** ASCII-only local part for e-mail addresses built from names like "Müller" or "O'Brien". */
function mailPart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ø/g, "o")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

function phoneFor(random: Random, country: string): string {
  const digits = Array.from({ length: 8 }, () => random.int(0, 9)).join("");
  return `+${DIAL_CODES[country] ?? "49"} ${digits.slice(0, 3)} ${digits.slice(3)}`;
}

interface Address {
  firstname: string;
  lastname: string;
  address: string;
  address2: string;
  city: (typeof CITIES)[number];
  phone: string;
}

function randomAddress(random: Random, firstname: string, lastname: string): Address {
  const city = random.pick(CITIES);
  const street = `${random.pick(STREETS)} ${random.int(1, 180)}`;
  const address2 = random.chance(0.2) ? random.pick(["Apt 4", "2. Stock", "c/o Reception", "Building B", "3. tv."]) : "";
  return { firstname, lastname, address: street, address2, city, phone: phoneFor(random, city.country) };
}

interface Customer {
  user: CsCartUser | undefined;
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
  company: string;
  address: Address;
}

function pickStatuses(random: Random, size: number): CsCartStatusCode[] {
  // Weights roughly like a live shop: mostly completed, a tail of every other state.
  const weights: Array<[CsCartStatusCode, number]> = [
    ["C", 40],
    ["P", 14],
    ["O", 8],
    ["F", 4],
    ["D", 3],
    ["I", 6],
    ["G", 3],
    ["H", 4],
    ["B", 3],
    ["N", 8],
    ["E", 5],
  ];
  const totalWeight = weights.reduce((sum, [, w]) => sum + w, 0);
  const statuses: CsCartStatusCode[] = [];
  for (let i = 0; i < size; i++) {
    let roll = random.next() * totalWeight;
    let chosen: CsCartStatusCode = "C";
    for (const [code, weight] of weights) {
      roll -= weight;
      if (roll < 0) {
        chosen = code;
        break;
      }
    }
    statuses.push(chosen);
  }
  // Every status must appear so tests and connectors see the whole table;
  // overwrite an order whose status is present more than once.
  if (size >= CSCART_STATUSES.length) {
    for (const code of CSCART_STATUSES) {
      if (statuses.includes(code)) continue;
      for (;;) {
        const pos = random.int(0, size - 1);
        const current = statuses[pos]!;
        if (statuses.filter((s) => s === current).length > 1) {
          statuses[pos] = code;
          break;
        }
      }
    }
  }
  return statuses;
}

/** Order creation times (unix seconds), ascending by order id, with ties and a few back-dated orders. */
function pickTimestamps(random: Random, size: number): number[] {
  const end = Math.floor(DATA_EPOCH / 1000) - 3600;
  const start = end - 3 * 365 * 86_400;
  const times = Array.from({ length: size }, () => random.int(start, end)).sort((a, b) => a - b);
  // An admin can edit an order's date, so ids and dates disagree now and then:
  // sorting by date must not be the same as sorting by id.
  for (let i = 0; i < size; i++) {
    if (random.chance(0.03)) times[i] = Math.max(start, times[i]! - random.int(86_400, 5 * 86_400));
  }
  // Imports and checkout bursts give identical timestamps; paging must stay stable across them.
  for (let i = 1; i < size; i++) {
    if (random.chance(0.05)) times[i] = times[i - 1]!;
  }
  if (size >= 12) {
    for (const at of [Math.floor(size / 4), Math.floor(size / 2), Math.floor((3 * size) / 4)]) times[at] = times[at - 1]!;
    // One triple tie.
    times[size - 3] = times[size - 4]!;
    times[size - 2] = times[size - 4]!;
  }
  return times;
}

function makeUsers(random: Random, count: number): Array<{ user: CsCartUser; address: Address; company: string }> {
  const users: Array<{ user: CsCartUser; address: Address; company: string }> = [];
  const seenEmails = new Set<string>();
  let userId = 1; // user 1 is the store administrator
  for (let i = 0; i < count; i++) {
    userId += random.chance(0.1) ? random.int(2, 4) : 1;
    const firstname = random.pick(FIRST_NAMES);
    const lastname = random.pick(LAST_NAMES);
    let email = `${mailPart(firstname)}.${mailPart(lastname)}@${random.pick(MAIL_DOMAINS)}`;
    if (seenEmails.has(email)) email = email.replace("@", `${userId}@`);
    seenEmails.add(email);
    const address = randomAddress(random, firstname, lastname);
    const company = random.chance(0.1) ? `${lastname} ${random.pick(["GmbH", "ApS", "AS", "Ltd", "SARL", "LLC"])}` : "";
    users.push({ user: { user_id: userId, firstname, lastname, email, phone: address.phone }, address, company });
  }
  return users;
}

/**
 * Builds the seeded data set. The same seed and size give the same data on
 * every machine and every run (no clock, no locale); times lie within three
 * years before DATA_EPOCH.
 */
export function generateCsCartData(options: CsCartDataOptions = {}): CsCartData {
  const seed = options.seed ?? 1;
  const size = options.size ?? 400;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const random = createRandom(seed);

  const accounts = makeUsers(random, Math.max(4, Math.floor(size / 4)));
  const statuses = pickStatuses(random, size);
  const timestamps = pickTimestamps(random, size);

  const orders: CsCartOrder[] = [];
  let orderId = 1000 + random.int(1, 50);
  let invoiceSeq = 0;
  let creditMemoSeq = 0;
  let shipmentSeq = 0;
  let vendorRefSeq = 0;
  const end = Math.floor(DATA_EPOCH / 1000);

  for (let i = 0; i < size; i++) {
    // Deleted orders leave gaps in the id sequence, as in a real shop.
    orderId += random.chance(0.05) ? random.int(2, 4) : 1;
    const status = statuses[i]!;
    const timestamp = timestamps[i]!;

    const customer = pickCustomer(random, accounts, size);
    const billing = customer.address;
    // A gift goes to someone else now and then.
    const shippingAddress = random.chance(0.15) ? randomAddress(random, random.pick(FIRST_NAMES), random.pick(LAST_NAMES)) : billing;

    const langCode = random.chance(0.2) ? "en" : (LANGS[billing.city.country] ?? "en");
    const companyId = random.chance(0.85) ? 1 : random.int(2, 3);
    const digitalOnly = random.chance(0.06);
    const lines = pickLines(random, String(orderId), companyId, digitalOnly);
    const subtotalCents = lines.reduce((sum, line) => sum + line.priceCents * line.amount, 0);
    const catalogDiscountCents = lines.reduce((sum, line) => sum + (line.baseCents - line.priceCents) * line.amount, 0);

    const promotions: Record<string, CsCartPromotion> = {};
    let subtotalDiscountCents = 0;
    if (subtotalCents >= 10_000 && random.chance(0.4)) {
      subtotalDiscountCents = Math.round(subtotalCents * 0.1);
      promotions["3"] = {
        bonuses: [{ bonus: "order_discount", discount_bonus: "by_percentage", discount_value: "10", promotion_id: "3" }],
      };
    } else if (subtotalCents > 2_000 && random.chance(0.05)) {
      subtotalDiscountCents = 500;
      promotions["7"] = { bonuses: [{ bonus: "order_discount", discount_bonus: "by_fixed", discount_value: "5", promotion_id: "7" }] };
    }

    const needShipping = !digitalOnly;
    let shippingDef: ShippingDef | undefined;
    if (needShipping) shippingDef = subtotalCents - subtotalDiscountCents >= 10_000 ? FREE_SHIPPING : random.pick(SHIPPINGS);
    const shippingCents = shippingDef?.rate ?? 0;

    const payment = pickPayment(random, status);
    const surchargeCents = payment.surcharge;

    const taxExempt = customer.company !== "" && random.chance(0.3);
    const tax = taxFor(shippingAddress.city.country, shippingAddress.city.state);
    const itemsBase = subtotalCents - subtotalDiscountCents;
    const taxOf = (base: number) => (tax.included ? Math.round((base * tax.rate) / (100 + tax.rate)) : Math.round((base * tax.rate) / 100));
    const itemsTax = taxExempt ? 0 : taxOf(itemsBase);
    const shippingTax = taxExempt ? 0 : taxOf(shippingCents);
    const taxCents = itemsTax + shippingTax;
    const addedTax = tax.included ? 0 : taxCents;
    const totalCents = itemsBase + shippingCents + surchargeCents + addedTax;

    const hasInvoice = ["P", "C", "G", "H"].includes(status) && random.chance(0.85);
    const invoiceId = hasInvoice ? String(++invoiceSeq) : null;
    const creditMemoId = status === "H" && random.chance(0.9) ? String(++creditMemoSeq) : null;
    const shipped = needShipping && shippingDef?.id !== 5 && ["C", "G", "H"].includes(status);
    const shipmentIds = shipped ? String(++shipmentSeq) : "";

    const updatedAt = pickUpdatedAt(random, status, timestamp, end);

    // A few rows carry numbers where most carry strings (rows written by
    // add-ons or older versions do this); clients must accept both.
    const numericRow = random.chance(0.08);
    const userId = customer.user?.user_id ?? 0;

    const products: Record<string, CsCartOrderProduct> = {};
    for (const line of lines) products[line.product.item_id] = line.product;
    for (const line of lines) {
      line.product.shipped_amount = shipped ? line.product.amount : "0";
      line.product.shipment_amount = shipped ? line.product.amount : "0";
    }

    const taxes: Record<string, CsCartTax> = {};
    if (!taxExempt) {
      taxes[String(tax.id)] = {
        rate_type: "P",
        rate_value: tax.rate.toFixed(3),
        price_includes_tax: tax.included ? "Y" : "N",
        regnumber: tax.regnumber,
        priority: 0,
        tax_subtotal: asNumber(taxCents),
        description: tax.description,
        applies: { P: asNumber(itemsTax), S: asNumber(shippingTax) },
      };
    }

    let notes = random.chance(0.12) ? random.pick(CUSTOMER_NOTES) : "";
    let details = random.chance(0.1) ? random.pick(ADMIN_DETAILS) : "";
    if (status === "D" && details === "") details = "Declined: the billing address could not be verified.";
    if (status === "I" && notes === "" && random.chance(0.5)) notes = "Ordered by mistake, please cancel.";
    if (status === "G") details = details || "Return requested: wrong size.";

    const issuer = random.chance(0.12) || payment.id === 6 ? String(random.pick([1, 1, 7])) : null;

    const order: CsCartOrder = {
      order_id: String(orderId),
      is_parent_order: "N",
      parent_order_id: "0",
      company_id: numericRow ? companyId : String(companyId),
      issuer_id: issuer,
      user_id: numericRow ? userId : String(userId),
      total: numericRow ? asNumber(totalCents) : money(totalCents),
      subtotal: money(subtotalCents),
      discount: money(catalogDiscountCents),
      subtotal_discount: money(subtotalDiscountCents),
      payment_surcharge: money(surchargeCents),
      shipping_ids: shippingDef ? String(shippingDef.id) : "",
      shipping_cost: money(shippingCents),
      timestamp: numericRow ? timestamp : String(timestamp),
      status,
      notes,
      details,
      promotions: Object.keys(promotions).length > 0 ? promotions : [],
      promotion_ids: Object.keys(promotions).join(","),
      firstname: customer.firstname,
      lastname: customer.lastname,
      company: customer.company,
      b_firstname: billing.firstname,
      b_lastname: billing.lastname,
      b_address: billing.address,
      b_address_2: billing.address2,
      b_city: billing.city.city,
      b_county: "",
      b_state: billing.city.state,
      b_country: billing.city.country,
      b_zipcode: billing.city.zip,
      b_phone: billing.phone,
      s_firstname: shippingAddress.firstname,
      s_lastname: shippingAddress.lastname,
      s_address: shippingAddress.address,
      s_address_2: shippingAddress.address2,
      s_city: shippingAddress.city.city,
      s_county: "",
      s_state: shippingAddress.city.state,
      s_country: shippingAddress.city.country,
      s_zipcode: shippingAddress.city.zip,
      s_phone: shippingAddress.phone,
      s_address_type: "",
      phone: customer.phone,
      fax: "",
      url: "",
      email: customer.email,
      payment_id: String(payment.id),
      tax_exempt: taxExempt ? "Y" : "N",
      lang_code: langCode,
      ip_address: `192.0.2.${random.int(1, 254)}`,
      repaid: status === "H" && random.chance(0.7) ? "1" : "0",
      validation_code: "",
      localization_id: "0",
      profile_id: customer.user ? String(customer.user.user_id * 10 + 1) : "0",
      storefront_id: "1",
      updated_at: String(updatedAt),
      vendor_ref: "",
      secondary_currency: "EUR",
      display_subtotal: asNumber(subtotalCents),
      display_shipping_cost: asNumber(shippingCents),
      tax_subtotal: asNumber(taxCents),
      invoice_id: invoiceId,
      credit_memo_id: creditMemoId,
      payment_method: paymentMethod(payment, langCode),
      payment_info: paymentInfo(random, payment, status, customer),
      products,
      taxes: Object.keys(taxes).length > 0 ? taxes : [],
      shipping: shippingDef
        ? [
            {
              shipping_id: String(shippingDef.id),
              shipping: shippingDef.name,
              delivery_time: shippingDef.time,
              description: "",
              rate: asNumber(shippingDef.rate),
              group_key: 0,
              need_shipment: shippingDef.id !== 5,
            },
          ]
        : [],
      shipping_id: shippingDef ? String(shippingDef.id) : "0",
      need_shipping: needShipping,
      need_shipment: needShipping && shippingDef?.id !== 5,
      shipment_ids: shipmentIds,
      b_country_descr: billing.city.countryName,
      b_state_descr: billing.city.stateName,
      s_country_descr: shippingAddress.city.countryName,
      s_state_descr: shippingAddress.city.stateName,
    };
    if (random.chance(0.04))
      order.vendor_ref = `PO-${new Date(timestamp * 1000).getUTCFullYear()}-${String(++vendorRefSeq).padStart(4, "0")}`;
    orders.push(order);
  }

  // One reference shared by two orders (a split delivery booked under one PO),
  // so a vendor_ref search can answer more than one order.
  if (orders.length >= 2) {
    const first = orders[random.int(0, orders.length - 1)]!;
    let second = orders[random.int(0, orders.length - 1)]!;
    if (second === first) second = orders[(orders.indexOf(first) + 1) % orders.length]!;
    first.vendor_ref = "PO-SPLIT-0001";
    second.vendor_ref = "PO-SPLIT-0001";
  }

  return { orders, users: accounts.map((a) => a.user) };
}

function pickCustomer(random: Random, accounts: ReturnType<typeof makeUsers>, size: number): Customer {
  if (random.chance(0.75)) {
    // Skewed towards the first accounts: a few loyal customers with many orders.
    const index = Math.min(accounts.length - 1, Math.floor(random.next() ** 1.6 * accounts.length));
    const account = accounts[index]!;
    return {
      user: account.user,
      firstname: account.user.firstname,
      lastname: account.user.lastname,
      email: account.user.email,
      phone: account.user.phone,
      company: account.company,
      address: account.address,
    };
  }
  const firstname = random.pick(FIRST_NAMES);
  const lastname = random.pick(LAST_NAMES);
  // A guest sometimes checks out with the e-mail of an existing account.
  const reuse = size > 0 && random.chance(0.05) ? random.pick(accounts).user.email : undefined;
  const address = randomAddress(random, firstname, lastname);
  return {
    user: undefined,
    firstname,
    lastname,
    email: reuse ?? `${mailPart(firstname)}${random.int(1, 999)}@${random.pick(MAIL_DOMAINS)}`,
    phone: address.phone,
    company: "",
    address,
  };
}

interface Line {
  product: CsCartOrderProduct;
  priceCents: number;
  baseCents: number;
  amount: number;
}

function pickLines(random: Random, orderId: string, companyId: number, digitalOnly: boolean): Line[] {
  const count = digitalOnly ? random.int(1, 2) : random.pick([1, 1, 2, 2, 2, 3, 3, 4, 5]);
  const lines: Line[] = [];
  const usedItemIds = new Set<string>();
  for (let n = 0; n < count; n++) {
    const item = digitalOnly ? random.pick(DIGITAL_CATALOG) : random.chance(0.05) ? random.pick(DIGITAL_CATALOG) : random.pick(CATALOG);
    const amount = item.edp ? 1 : random.pick([1, 1, 1, 1, 2, 2, 3]);
    // Catalog promotions lower the charged price below the base price.
    const priceCents = !item.edp && random.chance(0.1) ? Math.round(item.price * 0.85) : item.price;
    // CS-Cart's item_id is a crc32-like cart id; options give a new id for the same product.
    let itemId = String(random.int(100_000_000, 4_294_967_295));
    while (usedItemIds.has(itemId)) itemId = String(random.int(100_000_000, 4_294_967_295));
    usedItemIds.add(itemId);
    const options: Record<string, string> = {};
    const optionValues: NonNullable<CsCartProductExtra["product_options_value"]> = [];
    for (const option of item.options ?? []) {
      const [variantId, variantName] = random.pick(option.variants);
      options[String(option.id)] = String(variantId);
      optionValues.push({
        option_id: String(option.id),
        option_name: option.name,
        variant_id: String(variantId),
        variant_name: variantName,
      });
    }
    const extra: CsCartProductExtra = {
      step: "1",
      product_options: Object.keys(options).length > 0 ? options : [],
      unlimited_download: "N",
      product: item.name,
      company_id: companyId,
      is_edp: item.edp ? "Y" : "N",
      edp_shipping: "N",
      base_price: asNumber(item.price),
      stored_price: "N",
      return_period: "10",
    };
    if (optionValues.length > 0) extra.product_options_value = optionValues;
    lines.push({
      priceCents,
      baseCents: item.price,
      amount,
      product: {
        item_id: itemId,
        order_id: orderId,
        product_id: String(item.id),
        product_code: item.code,
        price: money(priceCents),
        amount: String(amount),
        extra,
        product: item.name,
        product_status: "A",
        deleted_product: false,
        company_id: String(companyId),
        base_price: money(item.price),
        original_price: money(item.price),
        subtotal: asNumber(priceCents * amount),
        display_subtotal: asNumber(priceCents * amount),
        shipped_amount: "0",
        shipment_amount: "0",
        is_accessible: true,
      },
    });
  }
  return lines;
}

function pickPayment(random: Random, status: CsCartStatusCode): PaymentDef {
  // Failed and incomplete orders only happen with online gateways; open and
  // unpaid ones typically with offline methods.
  const online = PAYMENTS.filter((p) => p.online);
  const offline = PAYMENTS.filter((p) => !p.online);
  if (status === "F" || status === "N") return random.pick(online);
  if (status === "O" || status === "E") return random.pick(offline);
  return random.pick(random.chance(0.7) ? online : offline);
}

function paymentMethod(payment: PaymentDef, langCode: string): CsCartPaymentMethod {
  return {
    payment_id: String(payment.id),
    company_id: "0",
    usergroup_ids: "0",
    position: String(payment.id * 10),
    status: "A",
    template: payment.template,
    processor_id: payment.processor === "" ? "0" : String(100 + payment.id),
    a_surcharge: money(payment.surcharge),
    p_surcharge: "0.000",
    localization: "",
    payment_category: "tab1",
    payment: payment.name,
    description: payment.description,
    instructions: payment.online ? "" : "Our bank details are in the order confirmation e-mail.",
    surcharge_title: payment.surcharge > 0 ? "COD fee" : "",
    lang_code: langCode,
    processor: payment.processor,
    processor_type: payment.processor === "" ? "" : "P",
  };
}

function paymentInfo(random: Random, payment: PaymentDef, status: CsCartStatusCode, customer: Customer): CsCartPhpMap<string> {
  if (status === "N") return [];
  if (payment.id === 1) {
    const info: Record<string, string> = {
      card_number: `XXXXXXXXXXXX${random.pick(["4242", "1111", "0005", "4444"])}`,
      expiry_month: String(random.int(1, 12)).padStart(2, "0"),
      expiry_year: String(random.int(26, 30)),
      cardholder_name: `${customer.firstname} ${customer.lastname}`.toUpperCase(),
    };
    if (status === "F") info["reason_text"] = "Card declined by the issuer";
    return info;
  }
  if (payment.id === 2) {
    const info: Record<string, string> = {
      transaction_id: Array.from({ length: 17 }, () => "0123456789ABCDEFGHJKLMNPRSTUVWXY"[random.int(0, 31)]).join(""),
      order_status: status === "F" ? "F" : "P",
    };
    if (status === "F") info["reason_text"] = "PayPal payment was not completed";
    return info;
  }
  return [];
}

function pickUpdatedAt(random: Random, status: CsCartStatusCode, timestamp: number, end: number): number {
  // Orders nobody touched since checkout keep updated_at equal to the order
  // time (so updated_at ties too); the others were changed later.
  if ((status === "N" || status === "O" || status === "E") && random.chance(0.7)) return timestamp;
  const maxDelay = status === "C" || status === "H" || status === "G" ? 60 * 86_400 : 10 * 86_400;
  return Math.min(end, timestamp + random.int(3_600, maxDelay));
}
