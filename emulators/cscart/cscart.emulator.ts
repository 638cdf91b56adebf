/**
 * A local CS-Cart REST API (orders entity, plus the vendor_ref add-on),
 * written from providers/cscart.seed.txt and providers/README.md, not from our
 * connector. Decisions where the docs are silent are listed in
 * emulators/cscart/README.md.
 *
 * Paths are served under `/api`, like a store's `https://shop.example/api/`:
 * `GET /api/orders`, `GET|PUT /api/orders/{id}`, `GET /api/orders/search/`.
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
import { csCartOrderControl } from "./cscart.control.ts";
import {
  CSCART_NOTIFY_NO,
  CSCART_NOTIFY_YES,
  CSCART_STATUSES,
  type CsCartOrder,
  type CsCartStatusCode,
  generateCsCartData,
} from "./cscart.data.ts";
import { CSCART_OPENAPI } from "./cscart.openapi.ts";

/** API credentials: the administrator's e-mail (Basic user) and API key (Basic password). */
export interface CsCartCredentials {
  email: string;
  apiKey: string;
}

/** Credentials the emulator accepts unless told otherwise. */
export const CSCART_DEFAULT_CREDENTIALS: Readonly<CsCartCredentials> = Object.freeze({
  email: "admin@example.com",
  apiKey: "demo-cscart-api-key",
});

/** The realm CS-Cart names in its 401 challenge. */
export const CSCART_AUTH_REALM = "User email/API key";

/** A customer notification e-mail the store "sent" after a status change with `notify_user=1`. */
export interface CsCartNotification {
  orderId: number;
  /** The order's customer e-mail. */
  to: string;
  /** The new status letter. */
  status: string;
  /** ISO 8601 time of sending. */
  at: string;
}

/** Options of {@link startCsCartEmulator}. */
export interface CsCartEmulatorOptions extends EmulatorOptions {
  /** Accepted credentials (default {@link CSCART_DEFAULT_CREDENTIALS}). */
  credentials?: CsCartCredentials;
  /** Clock for writes, in epoch milliseconds (default Date.now); lets tests pin `updated_at`. */
  clock?: () => number;
}

/** A running CS-Cart emulator. */
export interface CsCartEmulator extends RunningServer {
  /** The credentials it accepts. */
  credentials: CsCartCredentials;
  /** The live store, by ascending order_id; writes change it in place. */
  orders: CsCartOrder[];
  /** Customer notification e-mails, oldest first. */
  outbox: CsCartNotification[];
}

/** The mutable state behind {@link createCsCartHandler}. */
export interface CsCartStore {
  /** Orders by ascending order_id. */
  orders: CsCartOrder[];
  /** Where notification e-mails go. */
  outbox: CsCartNotification[];
  /** Clock for writes, in epoch milliseconds (default Date.now). */
  clock?: () => number;
  /**
   * The list rows' JSON, reused between requests while the store is the
   * emulator's own (see JsonRows); absent, every answer is serialised afresh.
   */
  rows?: JsonRows<CsCartOrder>;
}

/** Fields of a list row, in CS-Cart's order; details carry many more. */
export const CSCART_LIST_FIELDS = [
  "order_id",
  "issuer_id",
  "user_id",
  "is_parent_order",
  "parent_order_id",
  "company_id",
  "timestamp",
  "firstname",
  "lastname",
  "email",
  "phone",
  "status",
  "total",
  "invoice_id",
  "credit_memo_id",
] as const satisfies ReadonlyArray<keyof CsCartOrder>;

/** The `sort_by` values CS-Cart's fn_get_orders knows; anything else falls back to `date`. */
export const CSCART_SORT_FIELDS = ["order_id", "status", "customer", "email", "date", "total"] as const;

/** `vendor_ref` is a plain string column; longer values cannot be stored. */
const VENDOR_REF_MAX_LENGTH = 255;

const STATUS_SET: ReadonlySet<string> = new Set(CSCART_STATUSES);
// MySQL's default collation compares case- and accent-insensitively; a fixed
// locale keeps the emulator's order the same on every machine.
const collator = new Intl.Collator("en", { sensitivity: "base" });

/** The error body every non-2xx answer carries. */
function failure(status: number, reason: string, detail?: string, headers?: Record<string, string>): EmulatorResponse {
  return json(status, { message: detail ? `${reason}: ${detail}` : reason, status }, headers);
}

const badRequest = (detail: string) => failure(400, "Bad Request", detail);
const notFound = () => failure(404, "Not Found");

function unauthorized(): EmulatorResponse {
  return failure(401, "Unauthorized", undefined, { "WWW-Authenticate": `Basic realm="${CSCART_AUTH_REALM}"` });
}

function isAuthorized(header: string | undefined, credentials: CsCartCredentials): boolean {
  if (!header) return false;
  const match = /^basic\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  // CS-Cart finds the admin by e-mail (case-insensitive in MySQL), then compares the key exactly.
  return decoded.slice(0, colon).toLowerCase() === credentials.email.toLowerCase() && decoded.slice(colon + 1) === credentials.apiKey;
}

/**
 * Reads a query string the way PHP fills `$_REQUEST`: `key[]=a&key[]=b` (or
 * `key[0]=a`) gives an array, a repeated plain `key=a&key=b` keeps only the last
 * value. Order of first appearance is kept for the `params` echo.
 */
function phpQuery(query: URLSearchParams): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [rawKey, value] of query) {
    const bracket = /^([^[\]]+)\[(\d*)\]$/.exec(rawKey);
    if (bracket) {
      const key = bracket[1]!;
      const existing = out.get(key);
      if (Array.isArray(existing)) existing.push(value);
      else out.set(key, [value]);
    } else {
      out.set(rawKey, value);
    }
  }
  return out;
}

const num = (value: string | number | null): number => (value === null ? 0 : Number(value));

/** Parses `updated_at_from/_to`: unix seconds, `YYYY-MM-DD` (whole UTC day) or an ISO date-time. */
function parseTime(value: string, edge: "from" | "to"): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    const check = new Date(ms);
    if (check.getUTCMonth() !== Number(day[2]) - 1 || check.getUTCDate() !== Number(day[3])) return undefined;
    return ms / 1000 + (edge === "to" ? 86_399 : 0);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
  return undefined;
}

function positiveInt(value: string | string[] | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= 1 && Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** PHP's empty(): absent, "" and "0" mean "no filter". */
function phpEmpty(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return value === "" || value === "0";
}

/**
 * The values of a scalar or `key[]` parameter, each taken whole. CS-Cart's
 * fn_get_orders hands them to `IN (...)` as they are and splits nothing, so
 * `status=P,C` is the one (unknown) code "P,C", never P and C. Empty array
 * entries can match no order and are dropped.
 */
function paramValues(value: string | string[]): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== "");
}

type Comparator = (a: CsCartOrder, b: CsCartOrder) => number;

type SortField = (typeof CSCART_SORT_FIELDS)[number];

/** Sort keys that are numbers, read once per order rather than once per comparison. */
const numericKey: Partial<Record<SortField, (order: CsCartOrder) => number>> = {
  date: (o) => num(o.timestamp),
  total: (o) => num(o.total),
};

/** Sort keys that are text. */
const textCompare: Partial<Record<SortField, Comparator>> = {
  status: (a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0),
  customer: (a, b) => collator.compare(a.lastname, b.lastname) || collator.compare(a.firstname, b.firstname),
  email: (a, b) => collator.compare(a.email, b.email),
};

function listRow(order: CsCartOrder): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of CSCART_LIST_FIELDS) row[field] = order[field];
  return row;
}

/** A store handed in from outside: its rows may change at any time, so no JSON is kept. */
const unkeptRows = JsonRows.shared<CsCartOrder>(listRow);

function listOrders(store: CsCartStore, req: EmulatorRequest): EmulatorResponse {
  const received = phpQuery(req.query);
  const page = positiveInt(received.get("page"), 1);
  if (page === undefined) return badRequest("page must be a positive integer");
  const itemsPerPage = positiveInt(received.get("items_per_page"), 10);
  if (itemsPerPage === undefined) return badRequest("items_per_page must be a positive integer");

  const sortByRaw = received.get("sort_by");
  const sortBy = typeof sortByRaw === "string" && (CSCART_SORT_FIELDS as readonly string[]).includes(sortByRaw) ? sortByRaw : "date";
  const sortOrderRaw = received.get("sort_order");
  const sortOrder = sortOrderRaw === "asc" || sortOrderRaw === "desc" ? sortOrderRaw : "desc";

  const filters: Array<(order: CsCartOrder) => boolean> = [];

  let statuses: string[] = [];
  const statusParam = received.get("status");
  if (statusParam !== undefined && !phpEmpty(statusParam)) {
    statuses = paramValues(statusParam);
    // CS-Cart passes the values to `IN (...)`: a code no order has (a comma list taken whole, a
    // store's own status the seed data lacks) matches nothing, it is not refused.
    const wanted = new Set(statuses);
    filters.push((o) => wanted.has(o.status));
  }
  const includeIncomplete = statuses.includes("N") || ["1", "Y", "true"].includes(String(received.get("include_incompleted") ?? ""));
  if (!includeIncomplete) filters.push((o) => o.status !== "N");

  const userParam = received.get("user_id");
  if (userParam !== undefined && !phpEmpty(userParam)) {
    const ids = paramValues(userParam);
    if (ids.some((id) => !/^\d+$/.test(id))) return badRequest("user_id must be an integer");
    const wanted = new Set(ids.map(Number));
    filters.push((o) => wanted.has(num(o.user_id)));
  }

  const emailParam = received.get("email");
  if (emailParam !== undefined && !phpEmpty(emailParam)) {
    if (typeof emailParam !== "string") return badRequest("email must be a string");
    // fn_get_orders matches `email LIKE '%value%'`, case-insensitively.
    const needle = emailParam.trim().toLowerCase();
    filters.push((o) => o.email.toLowerCase().includes(needle));
  }

  const invoiceParam = received.get("invoice_id");
  if (invoiceParam !== undefined && !phpEmpty(invoiceParam)) {
    if (typeof invoiceParam !== "string" || !/^\d+$/.test(invoiceParam)) return badRequest("invoice_id must be an integer");
    const wanted = Number(invoiceParam);
    filters.push((o) => o.invoice_id !== null && Number(o.invoice_id) === wanted);
  }

  for (const edge of ["from", "to"] as const) {
    const param = received.get(`updated_at_${edge}`);
    if (param === undefined || phpEmpty(param)) continue;
    const at = typeof param === "string" ? parseTime(param, edge) : undefined;
    if (at === undefined) return badRequest(`updated_at_${edge} must be a unix timestamp or a YYYY-MM-DD date`);
    filters.push(edge === "from" ? (o) => num(o.updated_at) >= at : (o) => num(o.updated_at) <= at);
  }

  const direction = sortOrder === "asc" ? 1 : -1;
  const key = numericKey[sortBy as SortField] ?? (() => 0);
  const compare = textCompare[sortBy as SortField] ?? (() => 0);
  // Ties fall back to order_id in the same direction, so pages never overlap or skip.
  const matching = store.orders
    .filter((o) => filters.every((f) => f(o)))
    .map((order) => ({ order, key: key(order), id: num(order.order_id) }))
    .sort((a, b) => direction * (a.key - b.key || compare(a.order, b.order) || a.id - b.id))
    .map((entry) => entry.order);

  const start = (page - 1) * itemsPerPage;
  const params: Record<string, unknown> = Object.fromEntries(received);
  Object.assign(params, {
    page,
    items_per_page: itemsPerPage,
    sort_by: sortBy,
    sort_order: sortOrder,
    sort_order_rev: sortOrder === "asc" ? "desc" : "asc",
    total_items: String(matching.length),
  });
  const shown = matching.slice(start, start + itemsPerPage);
  // The bytes of JSON.stringify({ orders: shown.map(listRow), params }).
  return json(200, (store.rows ?? unkeptRows).array(shown, '{"orders":', `,"params":${JSON.stringify(params)}}`));
}

function searchByVendorRef(store: CsCartStore, req: EmulatorRequest): EmulatorResponse {
  const value = phpQuery(req.query).get("vendor_ref");
  if (Array.isArray(value)) return badRequest("vendor_ref only accepts a single string");
  if (value === undefined || value === "") return badRequest("vendor_ref is required");
  const found = store.orders.filter((o) => o.vendor_ref === value);
  if (found.length === 0) return failure(404, "Your search did not return any results");
  return json(200, found);
}

function parseOrderId(segment: string): number | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  // CS-Cart casts the id to an integer; a non-numeric id finds no order.
  return /^\d{1,15}$/.test(decoded) ? Number(decoded) : undefined;
}

function findOrder(store: CsCartStore, id: number | undefined): CsCartOrder | undefined {
  if (id === undefined) return undefined;
  return store.orders.find((o) => num(o.order_id) === id);
}

/** notify_user: true or false for the values of CSCART_NOTIFY_YES / _NO, undefined for anything else. */
function parseNotify(value: unknown): boolean | undefined {
  if (value === undefined || (CSCART_NOTIFY_NO as readonly unknown[]).includes(value)) return false;
  if ((CSCART_NOTIFY_YES as readonly unknown[]).includes(value)) return true;
  return undefined;
}

function updateOrder(store: CsCartStore, id: number | undefined, body: string): EmulatorResponse {
  let payload: unknown = {};
  if (body.trim() !== "") {
    try {
      payload = JSON.parse(body);
    } catch {
      return badRequest("invalid JSON body");
    }
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return badRequest("the body must be a JSON object");
  const order = findOrder(store, id);
  if (!order) return notFound();
  const fields = payload as Record<string, unknown>;

  // Validate everything before changing anything: a 400 leaves the order as it was.
  let newStatus: CsCartStatusCode | undefined;
  const status = fields["status"];
  if (status !== undefined && status !== "") {
    if (typeof status !== "string" || !STATUS_SET.has(status)) return badRequest(`unknown status '${String(status)}'`);
    if (status === "N") return badRequest("status N (Incomplete) cannot be set by an administrator");
    newStatus = status as CsCartStatusCode;
  }
  const notify = parseNotify(fields["notify_user"]);
  if (notify === undefined) return badRequest("notify_user must be 0 or 1");
  let newRef: string | undefined;
  const ref = fields["vendor_ref"];
  // The add-on's docs: it "only accepts a single string. Objects or arrays will not be added to the order."
  // Not added is not refused: any other value is skipped and the rest of the body still applies.
  if (typeof ref === "string") {
    if (ref.length > VENDOR_REF_MAX_LENGTH) return badRequest(`vendor_ref is longer than ${VENDOR_REF_MAX_LENGTH} characters`);
    newRef = ref;
  }

  const nowMs = (store.clock ?? Date.now)();
  const statusChanged = newStatus !== undefined && newStatus !== order.status;
  const refChanged = newRef !== undefined && newRef !== order.vendor_ref;
  if (statusChanged) order.status = newStatus!;
  if (refChanged) order.vendor_ref = newRef!;
  if (statusChanged || refChanged) {
    store.rows?.forget(order);
    // updated_at must move forward even when the clock is pinned or behind the data.
    order.updated_at = String(Math.max(Math.floor(nowMs / 1000), num(order.updated_at) + 1));
  }
  if (statusChanged && notify) {
    store.outbox.push({ orderId: num(order.order_id), to: order.email, status: order.status, at: new Date(nowMs).toISOString() });
  }
  return json(200, { order_id: String(order.order_id) });
}

function methodNotAllowed(): EmulatorResponse {
  return failure(405, "Method Not Allowed");
}

function route(store: CsCartStore, credentials: CsCartCredentials, req: EmulatorRequest): EmulatorResponse {
  if (!isAuthorized(req.headers.authorization, credentials)) return unauthorized();
  const segments = req.path.split("/").filter((s) => s !== "");
  if (segments[0] !== "api" || segments[1] !== "orders") return notFound();
  if (segments.length === 2) return req.method === "GET" ? listOrders(store, req) : methodNotAllowed();
  if (segments.length !== 3) return notFound();
  const segment = segments[2]!;
  if (segment === "search") return req.method === "GET" ? searchByVendorRef(store, req) : methodNotAllowed();
  const id = parseOrderId(segment);
  if (req.method === "GET") {
    const order = findOrder(store, id);
    return order ? json(200, order) : notFound();
  }
  if (req.method === "PUT") return updateOrder(store, id, req.body);
  return methodNotAllowed();
}

/**
 * The emulator's request handler, free of sockets so it can be unit tested.
 * Errors inside answer 500 in CS-Cart's error shape rather than the shared default.
 */
export function createCsCartHandler(store: CsCartStore, credentials: CsCartCredentials): EmulatorHandler {
  return (req) => {
    // The API description is public: tools read it before they hold credentials.
    if (req.method === "GET" && req.path === "/openapi.json") return json(200, CSCART_OPENAPI);
    try {
      return route(store, credentials, req);
    } catch (error) {
      return failure(500, "Internal Server Error", error instanceof Error ? error.message : String(error));
    }
  };
}

/**
 * Starts the CS-Cart emulator on seeded data (seed 1, 400 orders unless told
 * otherwise). Call `close()` when done.
 */
export async function startCsCartEmulator(options: CsCartEmulatorOptions = {}): Promise<CsCartEmulator> {
  const credentials: CsCartCredentials = { ...(options.credentials ?? CSCART_DEFAULT_CREDENTIALS) };
  const { orders } = generateCsCartData({ seed: options.seed ?? 1, size: options.size ?? 400 });
  const rows = new JsonRows<CsCartOrder>(listRow);
  const store: CsCartStore = { orders, outbox: [], rows };
  if (options.clock) store.clock = options.clock;
  const server = await startEmulatorServer(createCsCartHandler(store, credentials), options);
  // Extend the shared handle in place: the server reads `faults` from this very object.
  const emulator = Object.assign(server, { credentials, outbox: store.outbox });
  const handle = Object.defineProperty(
    emulator,
    "orders",
    rows.handedOut(
      () => store.orders,
      (replaced: CsCartOrder[]) => {
        store.orders = replaced;
      },
    ),
  ) as CsCartEmulator;
  return Object.defineProperty(handle, "control", { value: csCartOrderControl(() => handle.orders) });
}
