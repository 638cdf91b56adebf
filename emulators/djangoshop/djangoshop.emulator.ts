/**
 * Emulator of the Django REST Framework shop ("djangoshop").
 *
 * Written from `providers/djangoshop.seed.txt` and the djangoshop section of
 * `providers/README.md`, following what stock DRF (TokenAuthentication,
 * LimitOffsetPagination, SearchFilter, OrderingFilter) and django-filter do where
 * the excerpt is silent. Every such choice is listed in `emulators/djangoshop/README.md`.
 */

import {
  type EmulatorHandler,
  type EmulatorOptions,
  type EmulatorRequest,
  type EmulatorResponse,
  json,
  type RunningServer,
  startEmulatorServer,
} from "../shared/emulator-http.ts";
import { JsonRows } from "../shared/json-rows.ts";
import { memoByText } from "../shared/memo-by-text.ts";
import { djangoShopOrderControl } from "./djangoshop.control.ts";
import {
  DJANGOSHOP_STATUSES,
  type DjangoShopCustomer,
  type DjangoShopData,
  type DjangoShopOrder,
  djangoWallTimeToEpochMs,
  generateDjangoShopData,
} from "./djangoshop.data.ts";
import { djangoShopOpenApi } from "./djangoshop.openapi.ts";

/** The token the emulator accepts unless told otherwise. */
export const DJANGOSHOP_DEFAULT_TOKEN = "demo-djangoshop-token";

/** DRF `PAGE_SIZE`: the page size when `limit` is absent or invalid. */
export const DJANGOSHOP_DEFAULT_LIMIT = 20;

/** `LimitOffsetPagination.max_limit`: larger `limit` values are cut down to this. */
export const DJANGOSHOP_MAX_LIMIT = 100;

/** Options of {@link startDjangoShopEmulator}. */
export interface DjangoShopEmulatorOptions extends EmulatorOptions {
  /** Token of a staff user, accepted as `Authorization: Token <token>` (default {@link DJANGOSHOP_DEFAULT_TOKEN}). */
  token?: string;
  /** Tokens of valid but non-staff users: authenticated, then refused with 403. */
  nonStaffTokens?: readonly string[];
  /** DRF `PAGE_SIZE` (default {@link DJANGOSHOP_DEFAULT_LIMIT}). */
  defaultLimit?: number;
  /** `max_limit` of the paginator (default {@link DJANGOSHOP_MAX_LIMIT}); null means unbounded, as in stock DRF. */
  maxLimit?: number | null;
  /** Decimal places of the shop's currency (default 2); item amounts are integers in minor units. */
  currencyExponent?: number;
  /**
   * Unit of the order-level amounts (`shipping_cost`, `subtotal`, `total`, ..., payments and the
   * shipping method's `price`): `minor` integers like the items (default), or `decimal`, major
   * units as a DRF `DecimalField` with `currencyExponent` places renders them.
   */
  orderAmounts?: DjangoShopOrderAmounts;
  /**
   * DRF's `COERCE_DECIMAL_TO_STRING`, for `orderAmounts: "decimal"` only: true renders
   * `"19.90"` (stock DRF), false a JSON number `19.9` (default, the excerpt's type is "Number").
   */
  coerceDecimalToString?: boolean;
  /** Django's `TIME_ZONE`, an IANA name (default `UTC`): timestamps are rendered, and naive filter values read, in it. */
  timeZone?: string;
}

/** Unit of the order-level amounts in the answers (see {@link DjangoShopEmulatorOptions.orderAmounts}). */
export type DjangoShopOrderAmounts = "minor" | "decimal";

/** A running djangoshop emulator. */
export interface DjangoShopEmulator extends RunningServer {
  /** The staff token it accepts. */
  token: string;
  /** The live order store: tests may read, change, add or remove orders between requests. */
  orders: DjangoShopOrder[];
  /** The whole data set, `orders` included (customers hold the fields `search` and `ordering` need). */
  data: DjangoShopData;
}

/** Settings of {@link createDjangoShopHandler}. */
export interface DjangoShopHandlerSettings {
  token: string;
  nonStaffTokens?: readonly string[];
  defaultLimit: number;
  maxLimit: number | null;
  /** Unit of the order-level amounts in the answers (default `minor`); the store always holds minor units. */
  orderAmounts?: DjangoShopOrderAmounts;
  /** DRF's `COERCE_DECIMAL_TO_STRING` for decimal order amounts (default false: JSON numbers). */
  coerceDecimalToString?: boolean;
  /** Host used for `next`/`previous` when a request has no Host header (HTTP/1.0). */
  fallbackHost?: string;
  /**
   * The orders' JSON, reused between requests while the data set is the
   * emulator's own (see JsonRows); absent, every answer is serialised afresh.
   * It must project rows with {@link djangoShopOrderProjection} of the same settings.
   */
  rows?: JsonRows<DjangoShopOrder>;
}

/** Fields `search` looks into, exactly the excerpt's list. */
export const DJANGOSHOP_SEARCH_FIELDS = [
  "id",
  "key",
  "customer__id",
  "customer__first_name",
  "customer__last_name",
  "customer__email",
  "customer__username",
  "customer__mobile_number",
  "notes",
  "billing_country__name",
  "billing_state__name",
  "billing_city__name",
  "billing_first_name",
  "billing_last_name",
  "billing_mobile_number",
] as const;

/** Fields `ordering` accepts (each optionally prefixed with `-`), exactly the excerpt's list. */
export const DJANGOSHOP_ORDERING_FIELDS = [
  "id",
  "status",
  "customer__id",
  "customer__username",
  "customer__first_name",
  "customer__last_name",
  "shipping_cost",
  "created_at",
  "updated_at",
] as const;

type OrderingField = (typeof DJANGOSHOP_ORDERING_FIELDS)[number];

/** Ordering when `ordering` is absent or names no valid field: newest first, ties by the higher id. */
export const DJANGOSHOP_DEFAULT_ORDERING: readonly string[] = ["-created_at", "-id"];

/** One order with what filtering, search and ordering need, computed once per request. */
interface OrderRow {
  order: DjangoShopOrder;
  customer: DjangoShopCustomer | undefined;
  createdUs: number;
  updatedUs: number;
}

/** Headers DRF's APIView puts on every answer of a read-only view. */
const DRF_HEADERS = { "content-type": "application/json", vary: "Accept", allow: "GET, HEAD, OPTIONS" } as const;

function drf(status: number, body: unknown, extra: Record<string, string> = {}): EmulatorResponse {
  return json(status, body, { ...DRF_HEADERS, ...extra });
}

/** Django's plain 404 page (DEBUG=False) for paths no URL pattern matches. */
function djangoNotFoundPage(path: string): EmulatorResponse {
  return {
    status: 404,
    headers: { "content-type": "text/html; charset=utf-8" },
    body:
      '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n' +
      `  <h1>Not Found</h1><p>The requested resource ${escapeHtml(path)} was not found on this server.</p>\n</body>\n</html>\n`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------------------
// Parsing of query values, with Django's form-field rules and messages.

/** Django's QueryDict.get: the last value of a repeated parameter wins. */
function lastValue(query: URLSearchParams, name: string): string | undefined {
  return query.getAll(name).at(-1);
}

/**
 * forms.DecimalField (what django-filter's NumberFilter uses): stripped, finite, or
 * "Enter a number.". The compared columns are all integers, and Django's IntegerField
 * prepares a lookup value with Python's int(), so a fraction is truncated toward zero.
 */
function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? Math.trunc(value) : undefined;
}

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || year < 1) return false;
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** A wall-clock midnight as if it were UTC, in ms (setUTCFullYear, because Date.UTC maps years below 100 to 19xx). */
function wallMidnightMs(year: number, month: number, day: number): number {
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  probe.setUTCHours(0, 0, 0, 0);
  return probe.getTime();
}

/** The instants a calendar date of the zone covers: [start, end) in epoch microseconds (23 or 25 hours on a summer-time change). */
function dayRange(year: number, month: number, day: number, timeZone: string): { start: number; end: number } {
  return {
    start: djangoWallTimeToEpochMs(wallMidnightMs(year, month, day), timeZone) * 1000,
    end: djangoWallTimeToEpochMs(wallMidnightMs(year, month, day + 1), timeZone) * 1000,
  };
}

function parseCalendarDate(text: string, timeZone: string): { start: number; end: number } | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validCalendarDate(year, month, day)) return undefined;
  return dayRange(year, month, day, timeZone);
}

/**
 * `YYYY-MM-DD` (forms.DateField with the ISO input format) to the start of that day in the
 * server's TIME_ZONE (default UTC), in epoch microseconds.
 */
export function parseDjangoDate(text: string, timeZone = "UTC"): number | undefined {
  return parseCalendarDate(text, timeZone)?.start;
}

/**
 * Django's `parse_datetime` to epoch microseconds. A value without an offset is read in
 * the server's TIME_ZONE (default UTC), as Django makes a naive value aware. Also reads
 * the timestamps the API renders.
 */
export function parseDjangoDateTime(text: string, timeZone = "UTC"): number | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  ];
  if (!validCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const micros = Number((m[7] ?? "").padEnd(6, "0"));
  const wallMs = wallMidnightMs(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  const tz = m[8];
  if (tz === undefined) return djangoWallTimeToEpochMs(wallMs, timeZone) * 1000 + micros;
  let offsetMinutes = 0;
  if (tz !== "Z") {
    const sign = tz.startsWith("-") ? -1 : 1;
    const hh = Number(tz.slice(1, 3));
    const mm = Number(tz.slice(1).replace(":", "").slice(2) || "0");
    if (hh > 23 || mm > 59) return undefined;
    offsetMinutes = sign * (hh * 60 + mm);
  }
  return (wallMs - offsetMinutes * 60_000) * 1000 + micros;
}

/** A bound of a date range filter: a plain date covers its whole day in the server's TIME_ZONE. */
function parseRangeBound(text: string, end: "from" | "to", timeZone: string): number | undefined {
  const date = parseCalendarDate(text, timeZone);
  if (date !== undefined) return end === "from" ? date.start : date.end - 1;
  return parseDjangoDateTime(text, timeZone);
}

/**
 * django-filter's BooleanWidget (what the DRF flavour of BooleanFilter uses): `true`/`false`/`1`/`0`
 * in any case; anything else is None, and a None value leaves the filter out (no 400).
 */
function parseBoolean(text: string): boolean | undefined {
  const lowered = text.toLowerCase();
  if (lowered === "true" || lowered === "1") return true;
  if (lowered === "false" || lowered === "0") return false;
  return undefined;
}

/**
 * A forms.DecimalField value as an exact fraction `units / 10^scale` (`1e3` and `10.00`
 * included), for comparing with a decimal column without a float in between.
 */
function parseExactDecimal(text: string): { units: bigint; scale: number } | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const fraction = m[3] ?? "";
  const exponent = Number(m[4] ?? "0");
  // Django refuses what Decimal reads as infinite or huge only at absurd exponents; a bound keeps BigInt sane.
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return undefined;
  let units = BigInt(`${m[2] || "0"}${fraction}`);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] === "-" ? -units : units, scale };
}

/** Compares an amount in minor units (`exponent` places) with an exact decimal: negative, zero or positive. */
function compareMinorToDecimal(minor: number, exponent: number, value: { units: bigint; scale: number }): number {
  const left = BigInt(minor) * 10n ** BigInt(value.scale);
  const right = value.units * 10n ** BigInt(exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Filters.

type Predicate = (row: OrderRow) => boolean;

/** A blank or null billing string counts as "without" for the has_* filters. */
function present(value: string | null | undefined): boolean {
  return value !== null && value !== undefined && value !== "";
}

/** Integer-valued filters, by the id they compare (NumberFilter semantics: compared as numbers). */
const ID_FILTERS: ReadonlyArray<readonly [string, (o: DjangoShopOrder) => number | undefined]> = [
  ["customer", (o) => o.customer_data?.id],
  ["payment_method", (o) => o.payment_method_data?.id],
  ["shipping_method", (o) => o.shipping_method_data?.id],
  ["billing_country", (o) => o.billing_country_data?.id],
  ["billing_state", (o) => o.billing_state_data?.id],
  ["billing_city", (o) => o.billing_city_data?.id],
];

const HAS_FILTERS: ReadonlyArray<readonly [string, (o: DjangoShopOrder) => boolean]> = [
  ["has_customer", (o) => o.customer_data !== null],
  ["has_payment_method", (o) => o.payment_method_data !== null],
  ["has_shipping_method", (o) => o.shipping_method_data !== null],
  ["has_billing_country", (o) => o.billing_country_data !== null],
  ["has_billing_state", (o) => o.billing_state_data !== null],
  ["has_billing_city", (o) => o.billing_city_data !== null],
  ["has_billing_address", (o) => present(o.billing_address)],
  ["has_billing_postal_code", (o) => present(o.billing_postal_code)],
  ["has_billing_national_code", (o) => present(o.billing_national_code)],
  ["has_billing_mobile_number", (o) => present(o.billing_mobile_number)],
  ["has_billing_first_name", (o) => present(o.billing_first_name)],
  ["has_billing_last_name", (o) => present(o.billing_last_name)],
  ["has_notes", (o) => present(o.notes)],
];

const STATUS_SET: ReadonlySet<string> = new Set(DJANGOSHOP_STATUSES);

/** What the filters need to know of the shop beyond the query. */
interface FilterContext {
  /** Django's TIME_ZONE: dates and naive date-times are read in it. */
  timeZone: string;
  /** Order-level amounts are a decimal column (major units) rather than an integer one (minor units). */
  decimalAmounts: boolean;
  currencyExponent: number;
}

/**
 * Turns the query into predicates, or into django-filter's 400 body: every bad field at
 * once, each with a list of messages, in the order the filters are declared. Empty
 * values are ignored, as django-filter does.
 */
function buildFilters(query: URLSearchParams, context: FilterContext): { predicates: Predicate[]; errors: Record<string, string[]> } {
  const predicates: Predicate[] = [];
  const errors: Record<string, string[]> = {};
  const value = (name: string): string | undefined => {
    const v = lastValue(query, name);
    return v === undefined || v === "" ? undefined : v;
  };
  const number = (name: string): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = parseDecimal(raw);
    if (parsed === undefined) errors[name] = ["Enter a number."];
    return parsed;
  };
  const numberList = (name: string): number[] | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const out: number[] = [];
    for (const part of raw.split(",")) {
      if (part.trim() === "") continue; // django-filter cleans an empty entry to None, which IN drops
      const parsed = parseDecimal(part);
      if (parsed === undefined) {
        errors[name] = ["Enter a number."];
        return undefined;
      }
      out.push(parsed);
    }
    return out;
  };
  const range = (name: string, end: "from" | "to"): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = parseRangeBound(raw, end, context.timeZone);
    if (parsed === undefined) errors[name] = ["Enter a valid date/time."];
    return parsed;
  };
  const date = (name: string): { start: number; end: number } | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = parseCalendarDate(raw, context.timeZone);
    if (parsed === undefined) errors[name] = ["Enter a valid date."];
    return parsed;
  };

  const status = value("status");
  if (status !== undefined) {
    if (STATUS_SET.has(status)) predicates.push((row) => row.order.status === status);
    else errors["status"] = [`Select a valid choice. ${status} is not one of the available choices.`];
  }
  const statusIn = value("status_in");
  if (statusIn !== undefined) {
    // A CharFilter-based "in" filter: no choice validation, unknown values just match nothing.
    const wanted = new Set(statusIn.split(",").map((s) => s.trim()));
    predicates.push((row) => wanted.has(row.order.status));
  }
  for (const [name, get] of ID_FILTERS) {
    const one = number(name);
    if (one !== undefined) predicates.push((row) => get(row.order) === one);
    const many = numberList(`${name}_in`);
    if (many !== undefined) {
      const wanted = new Set(many);
      predicates.push((row) => {
        const id = get(row.order);
        return id !== undefined && wanted.has(id);
      });
    }
  }
  if (context.decimalAmounts) {
    // A DecimalField column compares the value exactly, in major units; no truncation as for an integer column.
    const exact = (name: string) => {
      const raw = value(name);
      if (raw === undefined) return undefined;
      const parsed = parseDecimal(raw) === undefined ? undefined : parseExactDecimal(raw);
      if (parsed === undefined) errors[name] = ["Enter a number."];
      return parsed;
    };
    const exponent = context.currencyExponent;
    const costMin = exact("shipping_cost_min");
    if (costMin !== undefined) predicates.push((row) => compareMinorToDecimal(row.order.shipping_cost, exponent, costMin) >= 0);
    const costMax = exact("shipping_cost_max");
    if (costMax !== undefined) predicates.push((row) => compareMinorToDecimal(row.order.shipping_cost, exponent, costMax) <= 0);
  } else {
    const costMin = number("shipping_cost_min");
    if (costMin !== undefined) predicates.push((row) => row.order.shipping_cost >= costMin);
    const costMax = number("shipping_cost_max");
    if (costMax !== undefined) predicates.push((row) => row.order.shipping_cost <= costMax);
  }
  for (const [name, has] of HAS_FILTERS) {
    const raw = value(name);
    if (raw === undefined) continue;
    const wanted = parseBoolean(raw);
    // Stock django-filter: an unreadable boolean is None, and None means "no filter", never a 400.
    if (wanted !== undefined) predicates.push((row) => has(row.order) === wanted);
  }
  const idMin = number("id_min");
  if (idMin !== undefined) predicates.push((row) => row.order.id >= idMin);
  const idMax = number("id_max");
  if (idMax !== undefined) predicates.push((row) => row.order.id <= idMax);
  const createdDate = date("created_date");
  if (createdDate !== undefined) predicates.push((row) => row.createdUs >= createdDate.start && row.createdUs < createdDate.end);
  const updatedDate = date("updated_date");
  if (updatedDate !== undefined) predicates.push((row) => row.updatedUs >= updatedDate.start && row.updatedUs < updatedDate.end);
  const createdFrom = range("created_from", "from");
  if (createdFrom !== undefined) predicates.push((row) => row.createdUs >= createdFrom);
  const createdTo = range("created_to", "to");
  if (createdTo !== undefined) predicates.push((row) => row.createdUs <= createdTo);
  const updatedFrom = range("updated_from", "from");
  if (updatedFrom !== undefined) predicates.push((row) => row.updatedUs >= updatedFrom);
  const updatedTo = range("updated_to", "to");
  if (updatedTo !== undefined) predicates.push((row) => row.updatedUs <= updatedTo);
  return { predicates, errors };
}

// ---------------------------------------------------------------------------
// Search (DRF SearchFilter).

/**
 * DRF's `search_smart_split`: whitespace separates terms, a quoted phrase stays whole,
 * and unquoted terms are also split on commas. Every term must match some field.
 */
export function splitSearchTerms(search: string): string[] {
  const terms: string[] = [];
  const tokens = search.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+/g) ?? [];
  for (const raw of tokens) {
    const token = raw.replace(/^,+|,+$/g, "");
    const quote = token[0];
    if ((quote === '"' || quote === "'") && token.length >= 2 && token.endsWith(quote)) {
      const phrase = token.slice(1, -1).replaceAll(`\\${quote}`, quote).replaceAll("\\\\", "\\");
      if (phrase !== "") terms.push(phrase);
      continue;
    }
    for (const part of token.split(",")) if (part.trim() !== "") terms.push(part.trim());
  }
  return terms;
}

function searchHaystack(row: OrderRow): string[] {
  const o = row.order;
  const c = row.customer;
  const fields: Array<string | null | undefined> = [
    String(o.id),
    o.key,
    o.customer_data ? String(o.customer_data.id) : undefined,
    c?.first_name,
    c?.last_name,
    c?.email,
    o.customer_data?.username,
    c?.mobile_number,
    o.notes,
    o.billing_country_data?.name,
    o.billing_state_data?.name,
    o.billing_city_data?.name,
    o.billing_first_name,
    o.billing_last_name,
    o.billing_mobile_number,
  ];
  return fields.filter((f): f is string => typeof f === "string" && f !== "").map((f) => f.toLowerCase());
}

// ---------------------------------------------------------------------------
// Ordering (DRF OrderingFilter).

type SortValue = number | string | null;

function sortValue(row: OrderRow, field: OrderingField): SortValue {
  const o = row.order;
  switch (field) {
    case "id":
      return o.id;
    case "status":
      return o.status;
    case "customer__id":
      return o.customer_data?.id ?? null;
    case "customer__username":
      return o.customer_data?.username ?? null;
    case "customer__first_name":
      return o.customer_data ? (row.customer?.first_name ?? null) : null;
    case "customer__last_name":
      return o.customer_data ? (row.customer?.last_name ?? null) : null;
    case "shipping_cost":
      return o.shipping_cost;
    case "created_at":
      return row.createdUs;
    case "updated_at":
      return row.updatedUs;
  }
}

/** PostgreSQL's rule: NULL is larger than every value, so last ascending and first descending. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** The `ordering` parameter with invalid terms dropped, as DRF's `remove_invalid_fields` does. */
export function parseOrdering(param: string | undefined): string[] {
  if (param === undefined) return [];
  const valid: ReadonlySet<string> = new Set(DJANGOSHOP_ORDERING_FIELDS);
  return param
    .split(",")
    .map((term) => term.trim())
    .filter((term) => valid.has(term.startsWith("-") ? term.slice(1) : term));
}

function sortRows(rows: OrderRow[], ordering: readonly string[]): OrderRow[] {
  const keys = ordering.map((term) => ({
    field: (term.startsWith("-") ? term.slice(1) : term) as OrderingField,
    direction: term.startsWith("-") ? -1 : 1,
  }));
  // Ties after the requested keys are broken by ascending id, so limit/offset pages never overlap.
  if (!keys.some((k) => k.field === "id")) keys.push({ field: "id", direction: 1 });
  return [...rows].sort((a, b) => {
    for (const key of keys) {
      const c = compareValues(sortValue(a, key.field), sortValue(b, key.field));
      if (c !== 0) return c * key.direction;
    }
    return 0;
  });
}

// ---------------------------------------------------------------------------
// Pagination (DRF LimitOffsetPagination).

/** DRF's `_positive_int`: Python int(), negative (or zero when strict) is invalid. */
function positiveInt(text: string | undefined, strict: boolean, cutoff: number | null): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  if (value < 0 || (value === 0 && strict) || !Number.isSafeInteger(value)) return undefined;
  return cutoff !== null ? Math.min(value, cutoff) : value;
}

/** Python's `urllib.parse.quote_plus`: only `A-Za-z0-9_.-~` stay literal, spaces become `+`. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

/**
 * DRF's `replace_query_param`/`remove_query_param`: the query is re-parsed, changed and
 * re-encoded with its keys sorted, so the links' parameter order differs from the request's.
 */
function rewriteQuery(query: URLSearchParams, set: Record<string, string>, remove: readonly string[]): string {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of query) {
    const list = grouped.get(k);
    if (list) list.push(v);
    else grouped.set(k, [v]);
  }
  for (const k of remove) grouped.delete(k);
  for (const [k, v] of Object.entries(set)) grouped.set(k, [v]);
  const parts: string[] = [];
  for (const k of [...grouped.keys()].sort()) for (const v of grouped.get(k) ?? []) parts.push(`${quotePlus(k)}=${quotePlus(v)}`);
  return parts.length > 0 ? `?${parts.join("&")}` : "";
}

// ---------------------------------------------------------------------------
// The handler.

type AuthOutcome = { ok: true } | { ok: false; response: EmulatorResponse };

/** DRF TokenAuthentication followed by an IsAdminUser-like permission. */
function authenticate(req: EmulatorRequest, settings: DjangoShopHandlerSettings): AuthOutcome {
  const fail = (status: number, detail: string): AuthOutcome => ({
    ok: false,
    response: drf(status, { detail }, status === 401 ? { "www-authenticate": "Token" } : {}),
  });
  const header = req.headers.authorization;
  const parts = (typeof header === "string" ? header : "").split(/\s+/).filter((p) => p !== "");
  // Another scheme (Bearer, Basic) is not this authenticator's business: DRF treats it as no credentials.
  if (parts.length === 0 || parts[0]?.toLowerCase() !== "token") return fail(401, "Authentication credentials were not provided.");
  if (parts.length === 1) return fail(401, "Invalid token header. No credentials provided.");
  if (parts.length > 2) return fail(401, "Invalid token header. Token string should not contain spaces.");
  const key = parts[1] ?? "";
  if (key === settings.token) return { ok: true };
  if (settings.nonStaffTokens?.includes(key)) return fail(403, "You do not have permission to perform this action.");
  return fail(401, "Invalid token.");
}

/**
 * Stored timestamps in epoch microseconds, read once per text (every list request reads all of them), one
 * memo per zone since a naive text means another instant in another zone; an unparsable one (a test may
 * plant it) sorts as the epoch rather than crashing.
 */
const storedMicrosByZone = new Map<string, (text: string) => number>();

function storedMicrosIn(timeZone: string): (text: string) => number {
  let read = storedMicrosByZone.get(timeZone);
  if (!read) {
    read = memoByText((text) => parseDjangoDateTime(text, timeZone) ?? 0);
    storedMicrosByZone.set(timeZone, read);
  }
  return read;
}

function toRows(data: DjangoShopData): OrderRow[] {
  const customers = new Map(data.customers.map((c) => [c.id, c]));
  const storedMicros = storedMicrosIn(data.timeZone);
  return data.orders.map((order) => ({
    order,
    customer: order.customer_data ? customers.get(order.customer_data.id) : undefined,
    createdUs: storedMicros(order.created_at),
    updatedUs: storedMicros(order.updated_at),
  }));
}

/** Minor units as DRF's DecimalField with `exponent` places renders them: `"19.90"` (coerced to string) or `19.9`. */
function renderDecimal(minor: number, exponent: number, asString: boolean): number | string {
  // A value a test planted that is no integer is shown as stored rather than invented.
  if (!Number.isSafeInteger(minor)) return minor;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const text = `${minor < 0 ? "-" : ""}${exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`}`;
  // With COERCE_DECIMAL_TO_STRING off, DRF's JSON encoder writes float(Decimal): the same shortest digits a JS number has.
  return asString ? text : Number(text);
}

/**
 * What an answer shows of a stored order. The store keeps every amount in minor units (the
 * filters and `ordering` compare those); with decimal order amounts the order-level fields,
 * the payments and the shipping method's price are rendered as DecimalFields, the items stay integers.
 */
export function djangoShopOrderProjection(
  currencyExponent: number,
  settings: Pick<DjangoShopHandlerSettings, "orderAmounts" | "coerceDecimalToString">,
): (order: DjangoShopOrder) => unknown {
  if ((settings.orderAmounts ?? "minor") === "minor") return (order) => order;
  const asString = settings.coerceDecimalToString ?? false;
  const dec = (minor: number) => renderDecimal(minor, currencyExponent, asString);
  return (o) => ({
    ...o,
    shipping_method_data: o.shipping_method_data && { ...o.shipping_method_data, price: dec(o.shipping_method_data.price) },
    shipping_cost: dec(o.shipping_cost),
    items_subtotal: dec(o.items_subtotal),
    items_discount: dec(o.items_discount),
    subtotal: dec(o.subtotal),
    total_discount: dec(o.total_discount),
    total: dec(o.total),
    amount_paid: dec(o.amount_paid),
    amount_outstanding: dec(o.amount_outstanding),
    payments: o.payments.map((p) => ({ ...p, amount: dec(p.amount) })),
  });
}

function listOrders(
  req: EmulatorRequest,
  data: DjangoShopData,
  settings: DjangoShopHandlerSettings,
  rows: JsonRows<DjangoShopOrder>,
): EmulatorResponse {
  const { predicates, errors } = buildFilters(req.query, {
    timeZone: data.timeZone,
    decimalAmounts: settings.orderAmounts === "decimal",
    currencyExponent: data.currencyExponent,
  });
  if (Object.keys(errors).length > 0) return drf(400, errors);

  let matched = toRows(data).filter((row) => predicates.every((p) => p(row)));
  const terms = splitSearchTerms(lastValue(req.query, "search") ?? "").map((t) => t.toLowerCase());
  if (terms.length > 0) {
    matched = matched.filter((row) => {
      const haystack = searchHaystack(row);
      return terms.every((term) => haystack.some((field) => field.includes(term)));
    });
  }
  const requested = parseOrdering(lastValue(req.query, "ordering"));
  matched = sortRows(matched, requested.length > 0 ? requested : DJANGOSHOP_DEFAULT_ORDERING);

  const limit = positiveInt(lastValue(req.query, "limit"), true, settings.maxLimit) ?? settings.defaultLimit;
  const offset = positiveInt(lastValue(req.query, "offset"), false, null) ?? 0;
  const count = matched.length;
  const results = count === 0 || offset > count ? [] : matched.slice(offset, offset + limit).map((row) => row.order);

  const host = typeof req.headers.host === "string" && req.headers.host !== "" ? req.headers.host : (settings.fallbackHost ?? "localhost");
  const base = `http://${host}${req.path}`;
  const next =
    offset + limit >= count ? null : base + rewriteQuery(req.query, { limit: String(limit), offset: String(offset + limit) }, []);
  let previous: string | null = null;
  if (offset > 0) {
    previous =
      offset - limit <= 0
        ? base + rewriteQuery(req.query, { limit: String(limit) }, ["offset"])
        : base + rewriteQuery(req.query, { limit: String(limit), offset: String(offset - limit) }, []);
  }
  const envelope = `{"count":${JSON.stringify(count)},"next":${JSON.stringify(next)},"previous":${JSON.stringify(previous)},"results":`;
  // The bytes of JSON.stringify({ count, next, previous, results }).
  return drf(200, rows.array(results, envelope, "}"));
}

function retrieveOrder(lookup: string, data: DjangoShopData, project: (order: DjangoShopOrder) => unknown): EmulatorResponse {
  // Django's int() of the URL kwarg: "007" finds order 7, anything non-numeric is a 404.
  const id = /^[+-]?\d+$/.test(lookup) ? Number(lookup) : Number.NaN;
  const order = data.orders.find((o) => o.id === id);
  return order ? drf(200, project(order)) : drf(404, { detail: "Not found." });
}

/** DRF's SimpleMetadata answer to OPTIONS, reduced to what a read-only view shows. */
function metadata(name: string): EmulatorResponse {
  return drf(200, { name, description: "", renders: ["application/json"], parses: ["application/json"] });
}

/**
 * The emulator as a pure handler over a data set. Routing follows Django: unknown
 * paths get Django's HTML 404, paths missing their trailing slash get APPEND_SLASH's
 * 301, and only then does DRF authenticate.
 */
export function createDjangoShopHandler(data: DjangoShopData, settings: DjangoShopHandlerSettings): EmulatorHandler {
  const project = djangoShopOrderProjection(data.currencyExponent, settings);
  // A data set handed in from outside may change at any time, so without `settings.rows` no JSON is kept.
  const rows = settings.rows ?? JsonRows.shared<DjangoShopOrder>(project);
  const openApi = djangoShopOpenApi({
    defaultLimit: settings.defaultLimit,
    maxLimit: settings.maxLimit,
    orderAmounts: settings.orderAmounts ?? "minor",
    coerceDecimalToString: settings.coerceDecimalToString ?? false,
    timeZone: data.timeZone,
  });
  return (req) => {
    // The API description is public: tools read it before they hold a token.
    if (req.method === "GET" && req.path === "/openapi.json") return drf(200, openApi);
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return djangoNotFoundPage(req.path);
    }
    const list = path === "/api/orders/";
    const detail = /^\/api\/orders\/([^/.]+)\/$/.exec(path);
    if (!list && !detail) {
      if (path === "/api/orders" || /^\/api\/orders\/[^/.]+$/.test(path)) {
        const search = req.query.toString();
        return { status: 301, headers: { location: `${req.path}/${search ? `?${search}` : ""}` } };
      }
      return djangoNotFoundPage(path);
    }

    const auth = authenticate(req, settings);
    if (!auth.ok) return auth.response;

    const method = req.method.toUpperCase();
    if (method === "OPTIONS") return metadata(list ? "Order List" : "Order Instance");
    if (method !== "GET" && method !== "HEAD") return drf(405, { detail: `Method "${method}" not allowed.` });
    return detail ? retrieveOrder(detail[1] ?? "", data, project) : listOrders(req, data, settings, rows);
  };
}

/** Starts the djangoshop emulator on its own port, with freshly generated data. */
export async function startDjangoShopEmulator(options: DjangoShopEmulatorOptions = {}): Promise<DjangoShopEmulator> {
  const token = options.token ?? DJANGOSHOP_DEFAULT_TOKEN;
  if (token === "" || /\s/.test(token)) throw new RangeError("token must be non-empty and contain no whitespace");
  const defaultLimit = options.defaultLimit ?? DJANGOSHOP_DEFAULT_LIMIT;
  const maxLimit = options.maxLimit === undefined ? DJANGOSHOP_MAX_LIMIT : options.maxLimit;
  if (!Number.isInteger(defaultLimit) || defaultLimit < 1)
    throw new RangeError(`defaultLimit must be a positive integer, got ${defaultLimit}`);
  if (maxLimit !== null && (!Number.isInteger(maxLimit) || maxLimit < 1)) {
    throw new RangeError(`maxLimit must be a positive integer or null, got ${maxLimit}`);
  }
  const orderAmounts = options.orderAmounts ?? "minor";
  if (orderAmounts !== "minor" && orderAmounts !== "decimal")
    throw new RangeError(`orderAmounts must be minor or decimal, got ${orderAmounts}`);
  const data = generateDjangoShopData({
    seed: options.seed ?? 1,
    size: options.size ?? 300,
    currencyExponent: options.currencyExponent ?? 2,
    timeZone: options.timeZone ?? "UTC",
  });
  const settings: DjangoShopHandlerSettings = {
    token,
    defaultLimit,
    maxLimit,
    orderAmounts,
    coerceDecimalToString: options.coerceDecimalToString ?? false,
  };
  const rows = new JsonRows<DjangoShopOrder>(djangoShopOrderProjection(data.currencyExponent, settings));
  settings.rows = rows;
  if (options.nonStaffTokens) settings.nonStaffTokens = options.nonStaffTokens;
  const server = await startEmulatorServer(createDjangoShopHandler(data, settings), options);
  settings.fallbackHost = new URL(server.url).host;
  // The server object itself must become the handle: the shared plumbing reads its
  // `faults` on every request, so a copy would stop fault injection from working.
  const emulator = server as DjangoShopEmulator;
  // Handing the data set out ends the reuse of order JSON: a test may now edit orders in place.
  Object.defineProperties(emulator, {
    token: { value: token, enumerable: true },
    data: rows.handedOut(() => data),
    orders: rows.handedOut(
      () => data.orders,
      (orders: DjangoShopOrder[]) => {
        data.orders = orders;
      },
    ),
    control: { value: djangoShopOrderControl(() => emulator.orders) },
  });
  return emulator;
}
