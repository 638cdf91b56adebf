/**
 * Deterministic seeded data for the Iteras emulator.
 *
 * The shapes follow the example order of the Iteras `/api/orders/` documentation
 * (`/work/shared/providers/iteras.seed.txt`). Iteras only returns filled-in
 * fields, so every optional key here is either present with a real value or
 * absent: the generator never writes `null`, `""` or `[]`.
 */
import { CITIES, createRandom, DATA_EPOCH, FIRST_NAMES, LAST_NAMES, type Random, STREETS } from "../shared/emulator-http.ts";

/** Every order status Iteras documents, `approved` first (the completed state). */
export const ITERAS_STATUSES = [
  "approved",
  "awaiting",
  "awaitingconfirmation",
  "awaitingpaymentprocessor",
  "awaitingemailconfirmation",
  "awaitingapproval",
  "denied",
] as const;

/** A native Iteras order status. */
export type IterasStatus = (typeof ITERAS_STATUSES)[number];

/** Origin of the Iteras web app, used in `resume_ordering_url`. */
export const ITERAS_APP_ORIGIN = "https://app.iteras.dk";

/** Account slug used in URLs when none is given (the one in the docs' example). */
export const ITERAS_DEFAULT_ACCOUNT = "example";

/** Value of a custom field (`":Receive newsletter": true`, `":Phone": "+45 ..."`). */
export type IterasCustomValue = string | boolean;

/** Custom fields set up in Iteras appear as keys that start with ":". */
export type IterasCustomFields = { [custom: `:${string}`]: IterasCustomValue };

/** A postal address as Iteras returns it: `address` holds the lines joined with "\n". */
export interface IterasAddress {
  name?: string;
  company?: string;
  address?: string;
  /** ISO 3166-1 alpha-2 code. */
  country?: string;
}

/** A publication a campaign product subscribes the customer to. */
export interface IterasSubscribedTo {
  name: string;
  external_id?: string;
}

/** A chosen campaign (subscription) product. */
export interface IterasCampaignProduct {
  campaign_id: string;
  campaign_name: string;
  campaign_customer_facing_name?: string;
  /** The product text shown when ordering, with the unit price, e.g. "... (100,00 DKK)". */
  text: string;
  quantity: number;
  subscribed_to?: IterasSubscribedTo[];
  /** Unit price, VAT included, in the account's currency (DKK here). */
  price: number;
}

/** A chosen stand-alone product (a book, a tote bag); may carry its own ":" fields. */
export type IterasStandaloneProduct = {
  name: string;
  customer_facing_name?: string;
  external_id?: string;
  text: string;
  /** Unit price, VAT included; stand-alone products carry no quantity, so 1. */
  price: number;
} & IterasCustomFields;

/** Either kind of product; campaign products are the ones with `campaign_id`. */
export type IterasProduct = IterasCampaignProduct | IterasStandaloneProduct;

/** A stored payment agreement (card, MobilePay, Betalingsservice). */
export interface IterasPaymentAgreement {
  id: string;
  text: string;
}

/**
 * One order exactly as `GET /api/orders/` returns it with `fields=data` and
 * without `iframe` (the handler rewrites `resume_ordering_url` for iframes).
 */
export type IterasOrder = {
  /** Numeric id; absent on a few orders on purpose (the docs' example has none). */
  id?: number;
  /** Local wall-clock time without a zone, "YYYY-MM-DDTHH:MM:SS". */
  created: string;
  /** URL id of the ordering form. */
  ordering_form?: string;
  /** Only present when `status` is `awaitingconfirmation`. */
  resume_ordering_url?: string;
  address?: IterasAddress;
  email?: string;
  billing_address?: IterasAddress;
  /** A hash, never a clear password. */
  password?: string;
  ip?: string;
  ordering_code?: string;
  products: IterasProduct[];
  status: IterasStatus;
  /** Customer id (digits, as a string) when a customer is attached; guests have none. */
  customer?: string;
  payment_agreement?: IterasPaymentAgreement;
  /** Ids of the subscriptions this order created. */
  subscriptions?: string[];
} & IterasCustomFields;

/** Extra orders all created on one day, so a test can make that day exceed the cap. */
export interface IterasBurst {
  /** The local day, "YYYY-MM-DD". */
  date: string;
  count: number;
}

/** Input of {@link generateIterasData}. */
export interface IterasDataOptions {
  /** Seed of the PRNG (default 1). */
  seed?: number;
  /** Orders spread over the three years before DATA_EPOCH (default 500). */
  size?: number;
  /** Extra orders on a single day, on top of `size`. */
  burst?: IterasBurst;
  /** Account slug used in `resume_ordering_url` (default "example"). */
  account?: string;
}

/** The generated data set. */
export interface IterasDataSet {
  /** All orders, sorted like the API sorts them (see {@link compareIterasOrders}). */
  orders: IterasOrder[];
}

/** One estimated invoice line (the docs do not show their shape; this one is ours). */
export interface IterasInvoiceLine {
  /** Customer-facing name of the campaign or product. */
  description: string;
  quantity: number;
  /** Price per unit, VAT included. */
  unit_price: number;
  /** quantity x unit_price, VAT included, rounded to øre. */
  amount: number;
  /** VAT rate in percent (25 in Denmark; 0 for newspapers). */
  vat_rate: number;
  /** The VAT part of `amount`. */
  vat_amount: number;
  /** Set on lines that come from a campaign product. */
  campaign_id?: string;
  /** Set on lines from a stand-alone product that has an external id. */
  external_id?: string;
}

/** A campaign of the emulated account, from which campaign products are built. */
export interface IterasCampaignDef {
  id: string;
  name: string;
  customerFacingName?: string;
  price: number;
  vatRate: number;
  form: string;
  publications: readonly IterasSubscribedTo[];
}

interface StandaloneDef {
  name: string;
  customerFacingName?: string;
  externalId?: string;
  description?: string;
  price: number;
  vatRate: number;
  /** Optional custom field of the product: key, values and how often it is filled in. */
  custom?: { key: `:${string}`; values: readonly string[]; chance: number };
}

const TEST_MAGAZINE: IterasSubscribedTo = { name: "Test Magazine", external_id: "testexternal" };
const TEST_MAGAZINE_DIGITAL: IterasSubscribedTo = { name: "Test Magazine Digital", external_id: "testexternal-digital" };
// No external id on purpose: only filled-in fields are returned, nested ones included.
const WEEKEND_NEWS: IterasSubscribedTo = { name: "Weekend News" };
const GARDEN_MONTHLY: IterasSubscribedTo = { name: "Garden Monthly", external_id: "garden" };

/**
 * Campaigns of the emulated account. Ids mix the docs' styles ("3i", "12m",
 * "3months"); prices are unit prices with VAT; newspapers are zero-rated in
 * Denmark, which gives invoice lines with a 0 % rate too.
 */
export const ITERAS_CAMPAIGNS: readonly IterasCampaignDef[] = [
  {
    id: "3i",
    name: "Intro 3 issues",
    customerFacingName: "Try 3 issues",
    price: 49,
    vatRate: 25,
    form: "intro-offer",
    publications: [TEST_MAGAZINE],
  },
  {
    id: "12m",
    name: "Product for 12 months",
    customerFacingName: "Receive the product for 12 months",
    price: 1199,
    vatRate: 25,
    form: "subscribe",
    publications: [TEST_MAGAZINE, GARDEN_MONTHLY],
  },
  {
    id: "3months",
    name: "Product for 3 months",
    customerFacingName: "Receive the product for 3 months",
    price: 100,
    vatRate: 25,
    form: "3-months",
    publications: [TEST_MAGAZINE],
  },
  { id: "6m", name: "Product for 6 months", price: 649.5, vatRate: 25, form: "subscribe", publications: [TEST_MAGAZINE] },
  {
    id: "12m-digital",
    name: "Digital access 12 months",
    customerFacingName: "Read everything online for a year",
    price: 599,
    vatRate: 25,
    form: "digital",
    publications: [TEST_MAGAZINE_DIGITAL],
  },
  {
    id: "weekend12m",
    name: "Weekend newspaper 12 months",
    customerFacingName: "The weekend paper every Saturday",
    price: 1499,
    vatRate: 0,
    form: "weekend",
    publications: [WEEKEND_NEWS],
  },
  {
    id: "student12m",
    name: "Student 12 months",
    customerFacingName: "Student price, 12 months",
    price: 399,
    vatRate: 25,
    form: "student",
    publications: [TEST_MAGAZINE_DIGITAL],
  },
  {
    id: "gift6m",
    name: "Gift subscription 6 months",
    customerFacingName: "Give 6 months as a gift",
    price: 699,
    vatRate: 25,
    form: "gift",
    publications: [GARDEN_MONTHLY],
  },
];

const STANDALONE: readonly StandaloneDef[] = [
  {
    name: "Standard size book",
    customerFacingName: "A good book",
    externalId: "book_offer_34",
    description: "A good book at a good price",
    price: 50,
    vatRate: 25,
    custom: { key: ":Special", values: ["Holiday special", "Signed copy"], chance: 0.4 },
  },
  {
    name: "Tote bag",
    customerFacingName: "Canvas tote bag",
    externalId: "tote_bag_2",
    price: 79.95,
    vatRate: 25,
    custom: { key: ":Colour", values: ["natural", "black"], chance: 0.9 },
  },
  { name: "Annual index", price: 25, vatRate: 25 },
  {
    name: "Gift card",
    customerFacingName: "Gift card",
    externalId: "giftcard_200",
    price: 200,
    vatRate: 0,
    custom: { key: ":Gift message", values: ["Happy birthday!", "Merry Christmas", "Enjoy the read"], chance: 0.5 },
  },
  { name: "Wall calendar", customerFacingName: "Wall calendar with 12 prints", externalId: "calendar", price: 1129.5, vatRate: 25 },
];

// Cumulative weights: most orders complete; the rest spread over the waiting states.
const STATUS_WEIGHTS: readonly (readonly [IterasStatus, number])[] = [
  ["approved", 0.68],
  ["awaiting", 0.72],
  ["awaitingconfirmation", 0.8],
  ["awaitingpaymentprocessor", 0.87],
  ["awaitingemailconfirmation", 0.92],
  ["awaitingapproval", 0.97],
  ["denied", 1],
];

const ORDERING_CODES = ["EXTRA20OFF", "SUMMER25", "WELCOME", "STUDENT10", "XMAS-GIFT"] as const;
const COMPANIES = ["Business Corp", "Nordic Media ApS", "Kolding Kommune", "Acme A/S", "Library Services AS"] as const;
const HEARD_FROM = ["Facebook", "A friend", "Newspaper ad", "Search engine"] as const;
const PHONE_PREFIX: Record<string, string> = { DK: "+45", NO: "+47", DE: "+49", AT: "+43", FR: "+33", US: "+1", GB: "+44" };
const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** One in this many orders has no `id`, at a fixed position so small data sets have some. */
const ID_LESS_EVERY = 200;
const ID_LESS_AT = 123;
const DAY_MS = 86_400_000;
const SPAN_DAYS = 3 * 365;

interface Person {
  first: string;
  last: string;
  email: string;
  street: string;
  city: (typeof CITIES)[number];
  houseNumber: number;
  phone: string;
}

interface CustomerDef extends Person {
  id: string;
  agreement?: IterasPaymentAgreement;
}

/**
 * Orders the API way: by `created` ascending, then by `id` ascending, orders
 * without an id last within the same second. The docs do not say how Iteras
 * sorts; oldest first makes "the first 10,000" the oldest ones, which is what
 * narrowing with `created_after` then continues from.
 */
export function compareIterasOrders(a: IterasOrder, b: IterasOrder): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  if (a.id === b.id) return 0;
  if (a.id === undefined) return 1;
  if (b.id === undefined) return -1;
  return a.id - b.id;
}

/** Builds the non-iframe or iframe URL that resumes an order waiting for confirmation. */
export function iterasResumeOrderingUrl(account: string, form: string, token: string, iframe: boolean): string {
  return `${ITERAS_APP_ORIGIN}/${account}/${iframe ? "iframe/" : ""}order/${form}/?order=${token}`;
}

/**
 * Estimated invoice lines of an order, one per product. Pure: the handler calls
 * it on every request (Iteras computes them at request time), so the same order
 * always yields the same lines without storing them.
 */
export function buildIterasInvoiceLines(order: IterasOrder): IterasInvoiceLine[] {
  return order.products.map((product) => {
    if ("campaign_id" in product) {
      const campaign = ITERAS_CAMPAIGNS.find((c) => c.id === product.campaign_id);
      const line = invoiceLine(
        product.campaign_customer_facing_name ?? product.campaign_name,
        product.quantity,
        product.price,
        campaign?.vatRate ?? 25,
      );
      line.campaign_id = product.campaign_id;
      return line;
    }
    const def = STANDALONE.find((s) => s.name === product.name);
    const line = invoiceLine(product.customer_facing_name ?? product.name, 1, product.price, def?.vatRate ?? 25);
    if (product.external_id !== undefined) line.external_id = product.external_id;
    return line;
  });
}

function invoiceLine(description: string, quantity: number, unitPrice: number, vatRate: number): IterasInvoiceLine {
  const amount = round2(unitPrice * quantity);
  // Prices include VAT (Danish consumer prices), so the VAT part is rate / (100 + rate).
  return {
    description,
    quantity,
    unit_price: unitPrice,
    amount,
    vat_rate: vatRate,
    vat_amount: round2((amount * vatRate) / (100 + vatRate)),
  };
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** "1.199,50 DKK": the Danish format the docs' product texts use. */
export function formatDkk(amount: number): string {
  const fixed = amount.toFixed(2);
  const whole = fixed.slice(0, -3).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${whole},${fixed.slice(-2)} DKK`;
}

/** Checks a "YYYY-MM-DD" string and returns its UTC midnight, or undefined if it is not a real date. */
export function parseIterasDate(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms;
}

/**
 * Generates the emulator's orders. Same options, same data, on every machine.
 * Generation is linear with one sort: 15,000 orders take well under a second.
 */
export function generateIterasData(options: IterasDataOptions = {}): IterasDataSet {
  const seed = options.seed ?? 1;
  const size = options.size ?? 500;
  const account = options.account ?? ITERAS_DEFAULT_ACCOUNT;
  const rand = createRandom(seed);

  const times: number[] = [];
  for (let i = 0; i < size; i++) times.push(wallClock(DATA_EPOCH - Math.floor(rand.next() * SPAN_DAYS * DAY_MS)));
  if (options.burst && options.burst.count > 0) {
    const day = parseIterasDate(options.burst.date);
    if (day === undefined) throw new Error(`burst.date must be a real date YYYY-MM-DD, got "${options.burst.date}"`);
    for (let i = 0; i < options.burst.count; i++) times.push(wallClock(day + Math.floor(rand.next() * DAY_MS)));
  }
  // Ids grow with time, as database ids do; gaps because other accounts share the sequence.
  times.sort((a, b) => a - b);

  const customers = buildCustomers(rand, Math.max(1, Math.ceil(size / 3)));
  const total = times.length;
  // Spread one order of every status over the data set so even small sets have them all.
  const forced = new Map<number, IterasStatus>();
  if (total >= ITERAS_STATUSES.length) {
    ITERAS_STATUSES.forEach((status, k) => {
      forced.set(Math.floor(((k + 0.5) * total) / ITERAS_STATUSES.length), status);
    });
  }

  const orders: IterasOrder[] = [];
  let nextId = 70_000;
  let nextSubscription = 56_000;
  for (let i = 0; i < total; i++) {
    nextId += rand.int(1, 4);
    const status = forced.get(i) ?? pickStatus(rand);
    const order = buildOrder(rand, {
      id: i % ID_LESS_EVERY === ID_LESS_AT ? undefined : nextId,
      created: new Date(times[i] ?? DATA_EPOCH).toISOString().slice(0, 19),
      status,
      customers,
      account,
      nextSubscription: () => {
        nextSubscription += rand.int(1, 3);
        return String(nextSubscription);
      },
    });
    orders.push(order);
  }
  orders.sort(compareIterasOrders);
  return { orders };
}

/**
 * Keeps a generated instant off the 02:00-02:59 hour: that hour does not exist
 * or exists twice on Copenhagen's DST switch days, and Iteras stores local
 * wall-clock times, so real data cannot be ambiguous there.
 */
function wallClock(ms: number): number {
  return new Date(ms).getUTCHours() === 2 ? ms + 3_600_000 : ms;
}

function pickStatus(rand: Random): IterasStatus {
  const r = rand.next();
  for (const [status, upTo] of STATUS_WEIGHTS) if (r < upTo) return status;
  return "approved";
}

function buildPerson(rand: Random): Person {
  const first = rand.pick(FIRST_NAMES);
  const last = rand.pick(LAST_NAMES);
  const city = rand.pick(CITIES);
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "");
  return {
    first,
    last,
    email: `${local}${rand.int(1, 999)}@example.com`,
    street: rand.pick(STREETS),
    city,
    houseNumber: rand.int(1, 180),
    phone: `${PHONE_PREFIX[city.country] ?? "+45"} ${rand.int(10, 99)} ${rand.int(10, 99)} ${rand.int(10, 99)} ${rand.int(10, 99)}`,
  };
}

function buildCustomers(rand: Random, count: number): CustomerDef[] {
  const used = new Set<string>();
  const customers: CustomerDef[] = [];
  while (customers.length < count) {
    const id = String(rand.int(100, 9_999_999));
    if (used.has(id)) continue;
    used.add(id);
    const customer: CustomerDef = { id, ...buildPerson(rand) };
    if (rand.chance(0.6)) customer.agreement = buildAgreement(rand);
    customers.push(customer);
  }
  return customers;
}

function buildAgreement(rand: Random): IterasPaymentAgreement {
  const id = String(rand.int(1_000_000, 9_999_999));
  const digits = String(rand.int(0, 9999)).padStart(4, "0");
  const kind = rand.int(0, 3);
  const expiry = `${String(rand.int(1, 12)).padStart(2, "0")}/${rand.int(2026, 2030)}`;
  if (kind === 0) return { id, text: `Mastercard: XX...XX${digits} (${expiry})` };
  if (kind === 1) return { id, text: `Visa: XX...XX${digits} (${expiry})` };
  if (kind === 2) return { id, text: `MobilePay Subscriptions: +45 XX XX ${digits.slice(0, 2)} ${digits.slice(2)}` };
  return { id, text: `Betalingsservice: reg. ${rand.int(1000, 9999)} konto XXXXXX${digits}` };
}

function token(rand: Random, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE36[rand.int(0, 35)];
  return out;
}

function postalAddress(person: Person, rand: Random): string {
  const floor = person.city.country === "DK" && rand.chance(0.3) ? `, ${rand.int(1, 5)}. th.` : "";
  const lines = [`${person.street} ${person.houseNumber}${floor}`, `${person.city.zip} ${person.city.city}`];
  if (rand.chance(0.05)) lines.unshift(`c/o ${rand.pick(FIRST_NAMES)} ${rand.pick(LAST_NAMES)}`);
  return lines.join("\n");
}

function buildProducts(rand: Random): IterasProduct[] {
  const products: IterasProduct[] = [];
  const campaignCount = rand.chance(0.1) ? 0 : rand.chance(0.85) ? 1 : 2;
  const standaloneCount = campaignCount === 0 ? rand.int(1, 2) : rand.chance(0.2) ? 1 : 0;
  const campaigns = new Set<IterasCampaignDef>();
  while (campaigns.size < campaignCount) campaigns.add(rand.pick(ITERAS_CAMPAIGNS));
  for (const campaign of campaigns) {
    // Keys in the docs' order: names, text, quantity, subscribed_to, then price.
    const product: IterasCampaignProduct = { campaign_id: campaign.id, campaign_name: campaign.name } as IterasCampaignProduct;
    if (campaign.customerFacingName !== undefined) product.campaign_customer_facing_name = campaign.customerFacingName;
    product.text = `${campaign.customerFacingName ?? campaign.name} (${formatDkk(campaign.price)})`;
    product.quantity = rand.chance(0.93) ? 1 : rand.int(2, 3);
    product.subscribed_to = campaign.publications.map((p) => ({ ...p }));
    product.price = campaign.price;
    products.push(product);
  }
  for (let i = 0; i < standaloneCount; i++) {
    const def = rand.pick(STANDALONE);
    // Keys in the docs' order: names, text, the product's own ":" fields, then price.
    const product = { name: def.name } as IterasStandaloneProduct;
    if (def.customerFacingName !== undefined) product.customer_facing_name = def.customerFacingName;
    if (def.externalId !== undefined) product.external_id = def.externalId;
    product.text = `${def.description ?? def.customerFacingName ?? def.name} (${formatDkk(def.price)})`;
    if (def.custom && rand.chance(def.custom.chance)) product[def.custom.key] = rand.pick(def.custom.values);
    product.price = def.price;
    products.push(product);
  }
  return products;
}

interface OrderSeed {
  id: number | undefined;
  created: string;
  status: IterasStatus;
  customers: readonly CustomerDef[];
  account: string;
  nextSubscription: () => string;
}

function customerChance(status: IterasStatus): number {
  // The docs: customer orders "are either completed or the customer has logged in".
  if (status === "approved") return 0.92;
  if (status === "denied") return 0.75;
  if (status === "awaitingapproval") return 0.6;
  return 0.35;
}

function buildOrder(rand: Random, seed: OrderSeed): IterasOrder {
  const customer = rand.chance(customerChance(seed.status)) ? rand.pick(seed.customers) : undefined;
  const person: Person = customer ?? buildPerson(rand);
  const products = buildProducts(rand);
  const firstCampaign = products.find((p): p is IterasCampaignProduct => "campaign_id" in p);
  const form = firstCampaign ? (ITERAS_CAMPAIGNS.find((c) => c.id === firstCampaign.campaign_id)?.form ?? "subscribe") : "shop";

  // Built in the key order of the docs' example; absent fields are simply not set.
  const order = {} as IterasOrder;
  if (seed.id !== undefined) order.id = seed.id;
  order.created = seed.created;
  // Orders keyed in by staff or imported have no form; one waiting for confirmation always has one.
  const hasForm = seed.status === "awaitingconfirmation" || rand.chance(0.97);
  if (hasForm) order.ordering_form = form;
  if (seed.status === "awaitingconfirmation")
    order.resume_ordering_url = iterasResumeOrderingUrl(seed.account, form, token(rand, 16), false);
  if (rand.chance(0.88)) {
    const address: IterasAddress = { name: `${person.first} ${person.last}` };
    if (rand.chance(0.05)) address.company = rand.pick(COMPANIES);
    address.address = postalAddress(person, rand);
    address.country = person.city.country;
    order.address = address;
  }
  if (rand.chance(0.97)) order.email = person.email;
  if (rand.chance(0.15)) {
    const billing: IterasAddress = {};
    if (rand.chance(0.8)) billing.company = rand.pick(COMPANIES);
    else billing.name = `${rand.pick(FIRST_NAMES)} ${rand.pick(LAST_NAMES)}`;
    const city = rand.pick(CITIES);
    billing.address = `${rand.pick(STREETS)} ${rand.int(1, 120)}\n${city.zip} ${city.city}`;
    billing.country = city.country;
    order.billing_address = billing;
  }
  if (rand.chance(0.5)) order.password = token(rand, 25);
  if (rand.chance(0.55)) order[":Receive newsletter"] = rand.chance(0.6);
  if (rand.chance(0.4)) order[":Phone"] = person.phone;
  if (rand.chance(0.12)) order[":How did you hear about us?"] = rand.pick(HEARD_FROM);
  if (rand.chance(0.92)) {
    order.ip = rand.chance(0.9)
      ? `${rand.int(1, 223)}.${rand.int(0, 255)}.${rand.int(0, 255)}.${rand.int(1, 254)}`
      : `2a02:${rand.int(0x1000, 0xffff).toString(16)}:${rand.int(0, 0xffff).toString(16)}::${rand.int(1, 0xffff).toString(16)}`;
  }
  if (rand.chance(0.1)) order.ordering_code = rand.pick(ORDERING_CODES);
  order.products = products;
  order.status = seed.status;
  if (customer) order.customer = customer.id;
  if (seed.status === "approved" && customer?.agreement && rand.chance(0.8)) order.payment_agreement = { ...customer.agreement };
  if (seed.status === "approved") {
    const campaignCount = products.filter((p) => "campaign_id" in p).length;
    if (campaignCount > 0 && rand.chance(0.9)) {
      const subscriptions: string[] = [];
      for (let k = 0; k < campaignCount; k++) subscriptions.push(seed.nextSubscription());
      order.subscriptions = subscriptions;
    }
  }
  return order;
}
