/**
 * Deterministic seeded data for the ActivePlatform (vendor API v1) emulator.
 *
 * The shapes follow the "Get the List of Orders" response model of the
 * provider's documentation. Where the docs are silent (the charge shape, the
 * item statuses, which offsets timestamps carry) the choices are written down in
 * `emulators/activeplatform/README.md`; the generator deliberately produces the
 * awkward cases a connector must survive: `total` as a string on some orders,
 * timestamps in two UTC offsets, orders that share one creation instant but print
 * it differently, and imported orders whose `created_at` is older than their id.
 */
import { createRandom, DATA_EPOCH, type Random } from "../shared/emulator-http.ts";

/** Order statuses seen in the provider's docs; every one is present in generated data. */
export const ACTIVEPLATFORM_ORDER_STATUSES = [
  "waiting for payment",
  "waiting for provisioning",
  "provisioning",
  "provisioning failed",
  "completed",
  "cancelled",
] as const;

/** A native order status. */
export type ActivePlatformOrderStatus = (typeof ACTIVEPLATFORM_ORDER_STATUSES)[number];

/** Order types from the provider's docs; every one is present in generated data. */
export const ACTIVEPLATFORM_ORDER_TYPES = ["SalesOrder", "RenewalOrder", "ChangeOrder", "SwitchOrder", "ProlongOrder"] as const;

/** A native order type. */
export type ActivePlatformOrderType = (typeof ACTIVEPLATFORM_ORDER_TYPES)[number];

/**
 * Prefix of `document_id` per order type. `SO` and `RN` come from the docs;
 * `CH`, `SW` and `PR` are the emulator's plausible guess.
 */
export const ACTIVEPLATFORM_DOCUMENT_PREFIXES: Readonly<Record<ActivePlatformOrderType, string>> = {
  SalesOrder: "SO",
  RenewalOrder: "RN",
  ChangeOrder: "CH",
  SwitchOrder: "SW",
  ProlongOrder: "PR",
};

/** One entry of an order's `items` array: exactly the fields the docs list. */
export interface ActivePlatformOrderItem {
  id: number;
  /** Id of the object the item provisions (always a subscription here). */
  target_id: number;
  target_type: "Subscription";
  /** `ProvisioningItem::New`, `::Renew`, `::Change`, `::Switch` or `::Prolong`. */
  type: string;
  /** Mirrors the order's status; see the README for the provisioning cases. */
  status: ActivePlatformOrderStatus;
  /** Name of the product (plan) the item is about. */
  description: string;
}

/**
 * One entry of an order's `charges` array. The docs only say "list of charges
 * created by the order": this shape is the emulator's decision (see README).
 */
export interface ActivePlatformCharge {
  id: number;
  subscription_id: number;
  /** `setup`, `recurring` or `upgrade`. */
  type: string;
  /** `new`, `blocked`, `closed`, `waiting for refund` or `refunded`. */
  status: string;
  description: string;
  /** Amount in the installation's currency (no currency field, like `total`). */
  amount: number;
  /** First day of the charged period, `YYYY-MM-DD`. */
  start_date: string;
  /** Last day of the charged period, `YYYY-MM-DD`. */
  end_date: string;
  /** Day the charge was closed, or null while it is open. */
  close_date: string | null;
}

/** One order as the vendor API v1 answers it. */
export interface ActivePlatformOrder {
  id: number;
  document_id: string;
  status: ActivePlatformOrderStatus;
  account_id: number;
  type: ActivePlatformOrderType;
  /** Date-time with the account's UTC offset, e.g. `2014-12-01T17:28:15.942+03:00`. */
  created_at: string;
  /** Same format and offset as `created_at`; never before it. */
  updated_at: string;
  /** `YYYY-MM-DD`: the local creation date plus the account's grace period. */
  expiration_date: string;
  /** A JSON number on most orders, a decimal string (`"0.0"`, `"149.95"`) on some, as in the docs. */
  total: number | string;
  promo_code: string | null;
  payment_id: number | null;
  items: ActivePlatformOrderItem[];
  charges: ActivePlatformCharge[];
}

/** Options of {@link generateActivePlatformData}. */
export interface ActivePlatformDataOptions {
  /** PRNG seed; the same seed and size always give the same data. Default 1. */
  seed?: number;
  /** Number of orders. Default 300. */
  size?: number;
}

/** The generated data set. */
export interface ActivePlatformData {
  /** Orders sorted by id ascending (ids start at 2000001 and have no gaps). */
  orders: ActivePlatformOrder[];
}

/** Default seed of the generator. */
export const ACTIVEPLATFORM_DEFAULT_SEED = 1;
/** Default number of generated orders. */
export const ACTIVEPLATFORM_DEFAULT_SIZE = 300;
/** Id of the first generated order. */
export const ACTIVEPLATFORM_FIRST_ORDER_ID = 2_000_001;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Orders span the two years before the data epoch. */
const WINDOW_DAYS = 730;

interface Product {
  name: string;
  /** Price of one unit for one period, in cents. */
  unitCents: number;
  /** Length of one billing period in months. */
  months: number;
  /** Whether the product is sold per seat (quantity > 1 is plausible). */
  perSeat: boolean;
}

const PRODUCTS: readonly Product[] = [
  { name: "iMind", unitCents: 1490, months: 1, perSeat: true },
  { name: "Microsoft 365 Business Basic", unitCents: 600, months: 1, perSeat: true },
  { name: "Microsoft 365 Business Standard", unitCents: 1250, months: 1, perSeat: true },
  { name: "Kaspersky Small Office Security", unitCents: 14995, months: 12, perSeat: false },
  { name: "Acronis Cyber Protect Cloud", unitCents: 2450, months: 1, perSeat: true },
  { name: "Virtual Server S", unitCents: 990, months: 1, perSeat: false },
  { name: "Virtual Server M", unitCents: 1990, months: 1, perSeat: false },
  { name: "Hosted Exchange Mailbox", unitCents: 450, months: 1, perSeat: true },
  { name: "Dr.Web Security Space", unitCents: 4990, months: 12, perSeat: false },
  { name: "Cloud Storage 100 GB", unitCents: 299, months: 1, perSeat: false },
  { name: "Domain .com", unitCents: 1299, months: 12, perSeat: false },
];

const PROMO_CODES = ["WELCOME10", "CLOUD2025", "BLACKFRIDAY", "PARTNER15", "SPRING20"] as const;

/** Where the document counters start, so numbers look like the docs' `SO000329` / `RN002936`. */
const DOCUMENT_COUNTER_START: Readonly<Record<ActivePlatformOrderType, number>> = {
  SalesOrder: 300,
  RenewalOrder: 2900,
  ChangeOrder: 140,
  SwitchOrder: 40,
  ProlongOrder: 60,
};

const ITEM_TYPES: Readonly<Record<ActivePlatformOrderType, string>> = {
  SalesOrder: "ProvisioningItem::New",
  RenewalOrder: "ProvisioningItem::Renew",
  ChangeOrder: "ProvisioningItem::Change",
  SwitchOrder: "ProvisioningItem::Switch",
  ProlongOrder: "ProvisioningItem::Prolong",
};

interface Subscription {
  id: number;
  product: Product;
  quantity: number;
}

interface Account {
  id: number;
  /** UTC offset in minutes that the account's timestamps are printed in. */
  offsetMinutes: number;
  /** Grace period of the account's service terms: expiration = creation + this. */
  graceDays: number;
  /** Postpay accounts pay by invoice later, so their orders have no payment_id. */
  postpay: boolean;
  subscriptions: Subscription[];
}

/** An order before its details are built: enough to fix ids, types and statuses. */
interface Draft {
  /** Instant the order row was inserted (drives the id order). */
  insertedMs: number;
  /** Renewal batch the order belongs to, or -1. */
  batch: number;
  /** Legacy import: `created_at` is older than the insert instant. */
  imported: boolean;
  type: ActivePlatformOrderType;
  status: ActivePlatformOrderStatus;
  account: Account;
}

/** Formats an instant as Rails does: local time of the offset, milliseconds, `+hh:mm`. */
export function formatActivePlatformTimestamp(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * MINUTE).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

/** The calendar date of an instant in the given offset. */
function localDate(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * MINUTE).toISOString().slice(0, 10);
}

/** Midnight (local) of a `YYYY-MM-DD` date in the given offset, as an instant. */
function localMidnight(date: string, offsetMinutes: number): number {
  return Date.parse(`${date}T00:00:00Z`) - offsetMinutes * MINUTE;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // Clamp to the month's last day so that 31 Jan + 1 month is 28/29 Feb, as billing systems do.
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

/** BigDecimal#to_s as Rails renders it in JSON: at least one decimal, no trailing zeros. */
function decimalString(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  if (frac === 0) return `${sign}${whole}.0`;
  return `${sign}${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}`;
}

function weighted<T>(random: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [value, w] of entries) {
    roll -= w;
    if (roll < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

function between(random: Random, minMs: number, maxMs: number): number {
  return minMs + Math.floor(random.next() * Math.max(0, maxMs - minMs));
}

/**
 * Generates the emulator's orders. Pure and deterministic: the same `seed` and
 * `size` give deeply equal data on every machine, independent of the clock
 * (everything is anchored at {@link DATA_EPOCH}).
 */
export function generateActivePlatformData(options: ActivePlatformDataOptions = {}): ActivePlatformData {
  const seed = options.seed ?? ACTIVEPLATFORM_DEFAULT_SEED;
  const size = Math.max(0, Math.floor(options.size ?? ACTIVEPLATFORM_DEFAULT_SIZE));
  const random = createRandom(seed);

  const accounts = createAccounts(random, size);
  const drafts = createDrafts(random, size, accounts);
  ensureCoverage(drafts);

  const counters: Record<ActivePlatformOrderType, number> = { ...DOCUMENT_COUNTER_START };
  const ids = { subscription: 2_000_900, item: 4_001, charge: 3_000_001, payment: 2_000_501 };
  const nextSubscriptionId = () => ids.subscription++;
  for (const account of accounts) {
    // Subscriptions bought before the data window: renewals and changes need something to act on.
    const initial = random.int(1, 2);
    for (let i = 0; i < initial; i++) account.subscriptions.push(newSubscription(random, nextSubscriptionId()));
  }

  const orders = drafts.map((draft, index) => {
    counters[draft.type] += 1;
    const documentId = `${ACTIVEPLATFORM_DOCUMENT_PREFIXES[draft.type]}${String(counters[draft.type]).padStart(6, "0")}`;
    return buildOrder(random, draft, ACTIVEPLATFORM_FIRST_ORDER_ID + index, documentId, ids, nextSubscriptionId);
  });
  return { orders };
}

function newSubscription(random: Random, id: number): Subscription {
  const product = random.pick(PRODUCTS);
  return { id, product, quantity: product.perSeat ? random.int(1, 25) : 1 };
}

function createAccounts(random: Random, size: number): Account[] {
  // About six orders per account, so filters[account_id] finds several orders.
  const count = Math.max(3, Math.round(size / 6));
  const accounts: Account[] = [];
  let id = 2_000_030;
  for (let i = 0; i < count; i++) {
    id += random.int(1, 4); // gaps: other resellers' and deleted accounts share the sequence
    accounts.push({
      id,
      offsetMinutes: random.chance(0.3) ? 0 : 180,
      graceDays: random.pick([14, 14, 14, 7, 30]),
      postpay: random.chance(0.2),
      subscriptions: [],
    });
  }
  return accounts;
}

/**
 * Lays orders out on the time line. Renewal orders are mostly created in
 * nightly batches at 00:00:05 Moscow time (21:00:05 UTC): every order of a
 * batch has the same instant, which accounts in different offsets print as
 * different strings and even different calendar dates.
 */
function createDrafts(random: Random, size: number, accounts: readonly Account[]): Draft[] {
  const windowStart = DATA_EPOCH - WINDOW_DAYS * DAY;
  const span = WINDOW_DAYS * DAY - 2 * HOUR;
  const placed: { ms: number; batch: number; seq: number }[] = [];
  let batch = 0;
  while (placed.length < size) {
    // Density grows linearly towards the epoch (a growing business), so recent, still-open orders exist.
    const ms = windowStart + Math.floor(Math.sqrt(random.next()) * span);
    const remaining = size - placed.length;
    if (remaining >= 2 && random.chance(0.08)) {
      const day = new Date(ms).toISOString().slice(0, 10);
      const jobMs = Date.parse(`${day}T21:00:05Z`) + random.int(0, 999);
      const members = Math.min(remaining, random.int(2, 4));
      for (let i = 0; i < members; i++) placed.push({ ms: Math.min(jobMs, DATA_EPOCH - HOUR), batch, seq: placed.length });
      batch += 1;
    } else {
      placed.push({ ms, batch: -1, seq: placed.length });
    }
  }
  placed.sort((a, b) => a.ms - b.ms || a.seq - b.seq);

  const drafts: Draft[] = [];
  const batchAccounts = new Map<number, Set<Account>>();
  for (const slot of placed) {
    let account = random.pick(accounts);
    if (slot.batch >= 0) {
      // One renewal per account and batch: the job renews an account's subscriptions together.
      const used = batchAccounts.get(slot.batch) ?? new Set<Account>();
      for (let tries = 0; used.has(account) && tries < 20; tries++) account = random.pick(accounts);
      used.add(account);
      batchAccounts.set(slot.batch, used);
    }
    const type: ActivePlatformOrderType =
      slot.batch >= 0
        ? "RenewalOrder"
        : weighted(random, [
            ["SalesOrder", 40],
            ["RenewalOrder", 22],
            ["ChangeOrder", 18],
            ["SwitchOrder", 10],
            ["ProlongOrder", 10],
          ] as const);
    const imported = slot.batch < 0 && random.chance(0.04);
    drafts.push({
      insertedMs: slot.ms,
      batch: slot.batch,
      imported,
      type,
      account,
      status: pickStatus(random, slot.ms, account, imported),
    });
  }
  return drafts;
}

function pickStatus(random: Random, createdMs: number, account: Account, imported: boolean): ActivePlatformOrderStatus {
  if (imported) return random.chance(0.8) ? "completed" : "cancelled";
  const ageDays = (DATA_EPOCH - createdMs) / DAY;
  if (ageDays < account.graceDays) {
    return weighted(random, [
      ["waiting for payment", 30],
      ["waiting for provisioning", 12],
      ["provisioning", 12],
      ["provisioning failed", 6],
      ["completed", 30],
      ["cancelled", 10],
    ] as const);
  }
  // Past the grace period an unpaid order has been cancelled; a few stay stuck in provisioning.
  return weighted(random, [
    ["completed", 70],
    ["cancelled", 22],
    ["provisioning failed", 5],
    ["waiting for provisioning", 1.5],
    ["provisioning", 1.5],
  ] as const);
}

/**
 * Makes sure every type and every status occurs (for sizes of at least 6), by
 * rewriting the newest orders whose value is common: plain orders first, batch
 * members and imports only when nothing else is left (small data sets).
 */
function ensureCoverage(drafts: Draft[]): void {
  const fix = <K extends "type" | "status">(key: K, values: readonly Draft[K][]) => {
    for (const value of values) {
      if (drafts.some((d) => d[key] === value)) continue;
      const candidates = [...drafts].reverse().filter((d) => drafts.filter((o) => o[key] === d[key]).length >= 2);
      const d = candidates.find((c) => c.batch < 0 && !c.imported) ?? candidates[0];
      if (!d) continue;
      d[key] = value;
      d.batch = -1;
      // An import only ever carries a final status; a rewritten one becomes an ordinary order.
      if (key === "status") d.imported = false;
    }
  };
  fix("type", ACTIVEPLATFORM_ORDER_TYPES);
  fix("status", ACTIVEPLATFORM_ORDER_STATUSES);
}

interface IdCounters {
  item: number;
  charge: number;
  payment: number;
}

interface Line {
  subscription: Subscription;
  itemType: string;
  description: string;
  cents: number;
  months: number;
  chargeType: string;
  setupCents: number;
}

function buildLines(random: Random, draft: Draft, nextSubscriptionId: () => number, newSubscriptions: Subscription[]): Line[] {
  const { account, type } = draft;
  const itemType = ITEM_TYPES[type];
  const existing = () => random.pick(account.subscriptions);
  switch (type) {
    case "SalesOrder": {
      const count = weighted(random, [
        [1, 6],
        [2, 3],
        [3, 1],
      ] as const);
      const trial = random.chance(0.06);
      return Array.from({ length: count }, () => {
        const subscription = newSubscription(random, nextSubscriptionId());
        newSubscriptions.push(subscription);
        const { product } = subscription;
        return {
          subscription,
          itemType,
          description: product.name,
          // A trial costs nothing: the order completes with total 0.0 and no charges.
          cents: trial ? 0 : product.unitCents * subscription.quantity,
          months: product.months,
          chargeType: "recurring",
          setupCents: !trial && random.chance(0.2) ? random.pick([990, 1990, 4990]) : 0,
        };
      });
    }
    case "RenewalOrder": {
      const subscription = existing();
      const { product } = subscription;
      const cents = product.unitCents * subscription.quantity;
      return [{ subscription, itemType, description: product.name, cents, months: product.months, chargeType: "recurring", setupCents: 0 }];
    }
    case "ChangeOrder": {
      const subscription = existing();
      const { product } = subscription;
      const delta = product.perSeat ? random.int(1, 5) : 1;
      if (draft.status !== "cancelled") subscription.quantity += delta;
      return [
        {
          subscription,
          itemType,
          description: product.name,
          cents: product.unitCents * delta,
          months: product.months,
          chargeType: "upgrade",
          setupCents: 0,
        },
      ];
    }
    case "SwitchOrder": {
      const subscription = existing();
      const product = random.pick(PRODUCTS);
      if (draft.status !== "cancelled") subscription.product = product;
      const cents = product.unitCents * subscription.quantity;
      return [{ subscription, itemType, description: product.name, cents, months: product.months, chargeType: "recurring", setupCents: 0 }];
    }
    case "ProlongOrder": {
      const subscription = existing();
      const { product } = subscription;
      const periods = random.int(1, 3);
      const cents = product.unitCents * subscription.quantity * periods;
      return [
        {
          subscription,
          itemType,
          description: product.name,
          cents,
          months: product.months * periods,
          chargeType: "recurring",
          setupCents: 0,
        },
      ];
    }
  }
}

function itemStatuses(random: Random, status: ActivePlatformOrderStatus, count: number): ActivePlatformOrderStatus[] {
  const statuses: ActivePlatformOrderStatus[] = Array.from({ length: count }, () => status);
  if (status === "provisioning" || status === "provisioning failed") {
    // Items provision one by one: some are done while one is still running or has failed.
    for (let i = 0; i < count; i++) statuses[i] = random.chance(0.5) ? "completed" : status;
    statuses[random.int(0, count - 1)] = status;
  }
  return statuses;
}

function chargeStatus(status: ActivePlatformOrderStatus, random: Random): string {
  switch (status) {
    case "waiting for payment":
      return "new";
    case "waiting for provisioning":
    case "provisioning":
      return "blocked";
    case "provisioning failed":
      return random.chance(0.5) ? "waiting for refund" : "refunded";
    default:
      return "closed";
  }
}

/** Derives `updated_at` from the status: when the last state change plausibly happened. */
function updatedInstant(random: Random, draft: Draft, createdMs: number, expirationDate: string): number {
  const { status, account } = draft;
  const cap = (ms: number) => Math.max(createdMs, Math.min(ms, DATA_EPOCH - MINUTE));
  if (draft.imported) return cap(draft.insertedMs + random.int(200, 5000)); // touched by the import job
  switch (status) {
    case "waiting for payment":
      // Rails stamps both columns in the same INSERT; some orders were edited a little later.
      return random.chance(0.5) ? createdMs : cap(createdMs + between(random, MINUTE, 6 * HOUR));
    case "waiting for provisioning":
      return cap(createdMs + between(random, MINUTE, 2 * DAY));
    case "provisioning":
      return cap(createdMs + between(random, MINUTE, HOUR));
    case "provisioning failed":
      return cap(createdMs + between(random, 5 * MINUTE, 2 * DAY));
    case "completed":
      return cap(createdMs + between(random, 2 * MINUTE, 3 * DAY));
    case "cancelled": {
      // The nightly job cancels unpaid orders at 01:00 local on their expiration date (as in the docs' example).
      // One job run per local day: same-offset orders expiring the same day share its instant.
      const jitter = ((Date.parse(expirationDate) / DAY) * 7919) % 60_000;
      const autoMs = localMidnight(expirationDate, account.offsetMinutes) + HOUR + jitter;
      if (random.chance(0.65) && autoMs < DATA_EPOCH && autoMs >= createdMs) return autoMs;
      return cap(createdMs + between(random, 10 * MINUTE, account.graceDays * DAY));
    }
  }
}

function buildOrder(
  random: Random,
  draft: Draft,
  id: number,
  documentId: string,
  ids: IdCounters,
  nextSubscriptionId: () => number,
): ActivePlatformOrder {
  const { account, status, type } = draft;
  const offset = account.offsetMinutes;
  // Orders imported from a legacy system keep their original, older creation date.
  const createdMs = draft.imported ? draft.insertedMs - random.int(30, 400) * DAY - random.int(0, DAY - 1) : draft.insertedMs;
  const createdDate = localDate(createdMs, offset);
  const expirationDate = addDays(createdDate, account.graceDays);
  const updatedMs = updatedInstant(random, draft, createdMs, expirationDate);

  const newSubscriptions: Subscription[] = [];
  const lines = buildLines(random, draft, nextSubscriptionId, newSubscriptions);
  // A cancelled sales order's subscriptions never come to life; others can be renewed or changed later.
  if (status !== "cancelled") account.subscriptions.push(...newSubscriptions);

  const promo = (type === "SalesOrder" || type === "SwitchOrder") && random.chance(0.12) ? random.pick(PROMO_CODES) : null;
  const statuses = itemStatuses(random, status, lines.length);
  const items: ActivePlatformOrderItem[] = lines.map((line, i) => ({
    id: ids.item++,
    target_id: line.subscription.id,
    target_type: "Subscription",
    type: line.itemType,
    status: statuses[i]!,
    description: line.description,
  }));

  const charges: ActivePlatformCharge[] = [];
  // Cancelling an order drops its charges and zeroes its total, as the docs' cancelled example shows.
  if (status !== "cancelled") {
    const periodStart = type === "RenewalOrder" ? addDays(createdDate, 1) : createdDate;
    const chargeState = chargeStatus(status, random);
    const closeDate = chargeState === "closed" ? localDate(updatedMs, offset) : null;
    for (const line of lines) {
      const cents = promo ? Math.round(line.cents * 0.9) : line.cents;
      const charge = (chargeType: string, description: string, amountCents: number, endDate: string): ActivePlatformCharge => ({
        id: ids.charge++,
        subscription_id: line.subscription.id,
        type: chargeType,
        status: chargeState,
        description,
        amount: amountCents / 100,
        start_date: periodStart,
        end_date: endDate,
        close_date: closeDate,
      });
      if (line.setupCents > 0) charges.push(charge("setup", `Setup fee: ${line.description}`, line.setupCents, periodStart));
      if (cents > 0) charges.push(charge(line.chargeType, line.description, cents, addDays(addMonths(periodStart, line.months), -1)));
    }
  }
  const totalCents = charges.reduce((sum, c) => sum + Math.round(c.amount * 100), 0);
  // The docs show `total` both as a float and as a string ("0.0"): emit both shapes.
  const total: number | string = random.chance(status === "cancelled" ? 0.5 : 0.2) ? decimalString(totalCents) : totalCents / 100;

  const paid = totalCents > 0 && !account.postpay && status !== "waiting for payment" && status !== "cancelled";
  return {
    id,
    document_id: documentId,
    status,
    account_id: account.id,
    type,
    created_at: formatActivePlatformTimestamp(createdMs, offset),
    updated_at: formatActivePlatformTimestamp(updatedMs, offset),
    expiration_date: expirationDate,
    total,
    promo_code: promo,
    payment_id: paid ? ids.payment++ : null,
    items,
    charges,
  };
}
