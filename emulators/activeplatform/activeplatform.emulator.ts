/**
 * Local emulator of the ActivePlatform vendor API v1 orders endpoints.
 *
 * Written from `providers/activeplatform.seed.txt` and the provider notes, not
 * from our connector. Decisions where the docs are silent (error statuses and
 * bodies, sort and date-filter semantics) are listed in this folder's
 * README.md; the code comments only say why a choice was made.
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
import { activePlatformOrderControl } from "./activeplatform.control.ts";
import { type ActivePlatformOrder, generateActivePlatformData } from "./activeplatform.data.ts";
import { ACTIVEPLATFORM_OPENAPI } from "./activeplatform.openapi.ts";

/** Token the emulator accepts unless told otherwise. */
export const ACTIVEPLATFORM_DEFAULT_TOKEN = "demo-activeplatform-token";
/** `per_page` when the request has none (the docs name no default: Kaminari's). */
export const ACTIVEPLATFORM_DEFAULT_PER_PAGE = 25;

/** Path of the list endpoint. */
export const ACTIVEPLATFORM_ORDERS_PATH = "/api/vendor/v1/orders.json";
const ORDER_PATH = /^\/api\/vendor\/v1\/orders\/([^/]+)\.json$/;

/** Fields `sorting[field]` accepts: every scalar field of the response model. */
export const ACTIVEPLATFORM_SORT_FIELDS = [
  "id",
  "document_id",
  "status",
  "account_id",
  "type",
  "created_at",
  "updated_at",
  "expiration_date",
  "total",
  "promo_code",
  "payment_id",
] as const;

/** A field the list can be sorted by. */
export type ActivePlatformSortField = (typeof ACTIVEPLATFORM_SORT_FIELDS)[number];

/** Options of {@link startActivePlatformEmulator}. */
export interface ActivePlatformEmulatorOptions extends EmulatorOptions {
  /** The only `api_token` accepted. Default {@link ACTIVEPLATFORM_DEFAULT_TOKEN}. */
  apiToken?: string;
  /** Serve these orders instead of generating `size` orders from `seed`. */
  orders?: ActivePlatformOrder[];
}

/** A running ActivePlatform emulator. */
export interface ActivePlatformEmulator extends RunningServer {
  /** The token requests must carry as `api_token` (fixed for the server's life). */
  readonly apiToken: string;
  /**
   * The live store, sorted by id. Every request reads it afresh, so a test may
   * push, remove or edit orders, or assign a new array, between calls.
   */
  orders: ActivePlatformOrder[];
}

/** What {@link createActivePlatformHandler} needs. */
export interface ActivePlatformHandlerConfig {
  apiToken: string;
  /** The store, or a function returning it; read on every request, never copied. */
  orders: readonly ActivePlatformOrder[] | (() => readonly ActivePlatformOrder[]);
  /**
   * The orders' JSON, reused between requests while the store is the
   * emulator's own (see JsonRows); absent, every answer is serialised afresh.
   */
  rows?: JsonRows<ActivePlatformOrder>;
}

/**
 * The v1 error body. v1 does not document one; later API versions answer
 * 403 / 422 with a status and a text, so the emulator does the same. Messages
 * name the offending parameter but never repeat a value, so a token can never leak.
 */
export interface ActivePlatformErrorBody {
  status: number;
  error: string;
}

function fail(status: number, error: string): EmulatorResponse {
  const body: ActivePlatformErrorBody = { status, error };
  return json(status, body);
}

const notFound = () => fail(404, "Not Found");

/**
 * Reads one query parameter the way Rack does: the last occurrence wins, and an
 * empty value counts as absent (Rails' `present?`).
 */
function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.getAll(name).at(-1);
  return value === undefined || value === "" ? undefined : value;
}

/** A non-negative decimal integer, strictly digits: `to_i`'s silent 0 for "abc" would hide bugs. */
function parseInteger(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A real calendar date `YYYY-MM-DD` (rejects 2025-02-30). */
function isCalendarDate(raw: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return false;
  const ms = Date.parse(`${raw}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === raw;
}

type SortKind = "integer" | "number" | "string" | "instant" | "date";

const SORT_KINDS: Readonly<Record<ActivePlatformSortField, SortKind>> = {
  id: "integer",
  document_id: "string",
  status: "string",
  account_id: "integer",
  type: "string",
  created_at: "instant",
  updated_at: "instant",
  expiration_date: "date",
  total: "number",
  promo_code: "string",
  payment_id: "integer",
};

function isSortField(value: string): value is ActivePlatformSortField {
  return (ACTIVEPLATFORM_SORT_FIELDS as readonly string[]).includes(value);
}

/**
 * The comparable value of a field, as the database column behind it would
 * compare: timestamps by instant (not by their printed offset), `total` as a
 * number even when the JSON shows a string, text by code unit (C collation).
 */
function sortValue(order: ActivePlatformOrder, field: ActivePlatformSortField): number | string | null {
  const raw = order[field];
  if (raw === null || raw === undefined) return null;
  switch (SORT_KINDS[field]) {
    case "instant":
      return instant(String(raw));
    case "number":
      return typeof raw === "number" ? raw : Number.parseFloat(String(raw));
    default:
      return raw as number | string;
  }
}

/** A timestamp in epoch ms (NaN when unreadable), read once per text: every list sorted by time reads all of them. */
const instant = memoByText(Date.parse);

function compareValues(a: number | string | null, b: number | string | null): number {
  // PostgreSQL's default: NULL is larger than any value, so last ascending and first descending.
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** The outcome of parsing and running a list query. */
type ListResult = { ok: true; orders: ActivePlatformOrder[] } | { ok: false; response: EmulatorResponse };

function invalid(message: string): ListResult {
  return { ok: false, response: fail(422, message) };
}

/**
 * Runs `GET /orders.json` over the store: filter, sort, page. Pure, so the
 * semantics can be read in one place.
 */
function listOrders(store: readonly ActivePlatformOrder[], query: URLSearchParams): ListResult {
  const pageRaw = param(query, "page");
  const page = pageRaw === undefined ? 1 : parseInteger(pageRaw);
  if (page === undefined || page < 1) return invalid("page must be a positive integer");
  const perPageRaw = param(query, "per_page");
  const perPage = perPageRaw === undefined ? ACTIVEPLATFORM_DEFAULT_PER_PAGE : parseInteger(perPageRaw);
  if (perPage === undefined || perPage < 1) return invalid("per_page must be a positive integer");

  const fieldRaw = param(query, "sorting[field]") ?? "id";
  if (!isSortField(fieldRaw)) return invalid(`sorting[field] must be one of: ${ACTIVEPLATFORM_SORT_FIELDS.join(", ")}`);
  const reversedRaw = param(query, "sorting[reversed]") ?? "false";
  if (reversedRaw !== "true" && reversedRaw !== "false") return invalid("sorting[reversed] must be true or false");
  const direction = reversedRaw === "true" ? -1 : 1;

  const predicates: ((order: ActivePlatformOrder) => boolean)[] = [];
  for (const field of ["created_at", "updated_at"] as const) {
    const date = param(query, `filters[${field}]`);
    if (date === undefined) continue;
    if (!isCalendarDate(date)) return invalid(`filters[${field}] must be a date (YYYY-MM-DD)`);
    // The calendar date as printed in the timestamp's own offset: what a user of that account sees.
    predicates.push((order) => order[field].slice(0, 10) === date);
  }
  const accountRaw = param(query, "filters[account_id]");
  if (accountRaw !== undefined) {
    const accountId = parseInteger(accountRaw);
    if (accountId === undefined) return invalid("filters[account_id] must be an integer");
    predicates.push((order) => order.account_id === accountId);
  }
  for (const field of ["type", "status"] as const) {
    const value = param(query, `filters[${field}]`);
    if (value !== undefined) predicates.push((order) => order[field] === value);
  }

  const matching = store.filter((order) => predicates.every((p) => p(order)));
  // Ties fall back to id in the same direction, so a reversed list is exactly the ascending list backwards.
  const sorted = matching
    .map((order) => ({ order, key: sortValue(order, fieldRaw) }))
    .sort((a, b) => direction * (compareValues(a.key, b.key) || a.order.id - b.order.id))
    .map((entry) => entry.order);
  // The docs name no largest per_page and call a short page the end, so every page is served in full as asked.
  const start = (page - 1) * perPage;
  return { ok: true, orders: sorted.slice(start, start + perPage) };
}

/**
 * Builds the emulator's request handler. Routing comes before authentication,
 * as in a Rails app where an unknown route never reaches a controller.
 */
export function createActivePlatformHandler(config: ActivePlatformHandlerConfig): EmulatorHandler {
  const store = typeof config.orders === "function" ? config.orders : () => config.orders as readonly ActivePlatformOrder[];
  const rows = config.rows ?? JsonRows.shared<ActivePlatformOrder>();
  return (req: EmulatorRequest): EmulatorResponse => {
    // The API description is public: tools read it before they hold a token.
    if (req.method === "GET" && req.path === "/openapi.json") return json(200, ACTIVEPLATFORM_OPENAPI);
    const single = ORDER_PATH.exec(req.path);
    if (req.method !== "GET" || (req.path !== ACTIVEPLATFORM_ORDERS_PATH && !single)) return notFound();
    // 403, not 401: the only error statuses ActivePlatform documents (in later versions) are 403 and 422,
    // and 422 is the one for bad parameters.
    if (param(req.query, "api_token") !== config.apiToken) return fail(403, "Forbidden");

    if (single) {
      const id = parseInteger(single[1] ?? "");
      const order = id === undefined ? undefined : store().find((o) => o.id === id);
      return order ? json(200, order) : notFound();
    }
    const result = listOrders(store(), req.query);
    // A bare array: the v1 list carries no count and no next marker; a short page is the end.
    return result.ok ? json(200, rows.array(result.orders)) : result.response;
  };
}

/**
 * Starts the emulator on `host:port` (default 127.0.0.1, a free port) with
 * `size` orders generated from `seed`, or with the given `orders`.
 */
export async function startActivePlatformEmulator(options: ActivePlatformEmulatorOptions = {}): Promise<ActivePlatformEmulator> {
  const apiToken = options.apiToken ?? ACTIVEPLATFORM_DEFAULT_TOKEN;
  const initial = options.orders ?? generateActivePlatformData({ seed: options.seed, size: options.size }).orders;
  let orders = initial;
  // Orders passed in are the caller's: they may change at any time, so their JSON is never kept.
  const rows = options.orders ? JsonRows.shared<ActivePlatformOrder>() : new JsonRows<ActivePlatformOrder>();
  // The handler reads the current store so that a test may swap the whole array.
  const handler = createActivePlatformHandler({ apiToken, orders: () => orders ?? initial, rows });
  const server = await startEmulatorServer(handler, options);
  const emulator = Object.assign(server, { apiToken });
  const handle = Object.defineProperty(
    emulator,
    "orders",
    rows.handedOut(
      () => orders,
      (replaced: ActivePlatformOrder[]) => {
        orders = replaced;
      },
    ),
  ) as ActivePlatformEmulator;
  return Object.defineProperty(handle, "control", { value: activePlatformOrderControl(() => handle.orders) });
}
