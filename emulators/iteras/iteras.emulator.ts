/**
 * Local emulator of the Iteras orders API (`GET /api/orders/`), written from
 * the provider's documentation (`providers/iteras.seed.txt`) and the notes in
 * `providers/README.md`. Decisions where the docs are silent are listed in
 * `emulators/iteras/README.md`.
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
import { iterasOrderControl } from "./iteras.control.ts";
import {
  buildIterasInvoiceLines,
  compareIterasOrders,
  generateIterasData,
  ITERAS_DEFAULT_ACCOUNT,
  ITERAS_STATUSES,
  type IterasBurst,
  type IterasInvoiceLine,
  type IterasOrder,
  type IterasStatus,
  parseIterasDate,
} from "./iteras.data.ts";
import { ITERAS_OPENAPI } from "./iteras.openapi.ts";

/** API key the emulator accepts unless told otherwise. */
export const ITERAS_DEFAULT_API_KEY = "demo-iteras-key";

/** The documented maximum number of orders in one answer. */
export const ITERAS_DEFAULT_CAP = 10_000;

/** Options of {@link startIterasEmulator}. */
export interface IterasEmulatorOptions extends EmulatorOptions {
  /** Accepted key for `X-Iteras-Key` / `iteras-key` (default {@link ITERAS_DEFAULT_API_KEY}). */
  apiKey?: string;
  /** Most orders in one answer (default 10,000, as documented); lower it to test cheaply. */
  cap?: number;
  /** Extra orders on one day, so that a day can exceed the cap. */
  burst?: IterasBurst;
  /** Account slug in `resume_ordering_url` (default "example"). */
  account?: string;
}

/**
 * What the handler reads on every request. Tests may change any of it at run
 * time (push an order, lower the cap, rotate the key) through the handle.
 */
export interface IterasEmulatorState {
  apiKey: string;
  cap: number;
  /** The order store; any order pushed here is served from the next request on. */
  orders: IterasOrder[];
}

/** A running Iteras emulator. */
export interface IterasEmulator extends RunningServer, IterasEmulatorState {
  /** Account slug the data was generated with (it is baked into `resume_ordering_url`). */
  readonly account: string;
}

/** One order in an answer: data fields and/or invoice lines, depending on `fields`. */
export type IterasAnswerOrder = Partial<IterasOrder> & { invoice_lines?: IterasInvoiceLine[] };

type Language = "en" | "da";

/** Error texts in both languages the API offers through `language=`. */
const MESSAGES = {
  missingKey: {
    en: "Missing API key: send the X-Iteras-Key header or the iteras-key parameter.",
    da: "Manglende API-nøgle: send X-Iteras-Key-headeren eller iteras-key-parameteren.",
  },
  badKey: { en: "Invalid API key.", da: "Ugyldig API-nøgle." },
  notFound: { en: "Not found.", da: "Ikke fundet." },
  method: { en: "Method not allowed.", da: "Metoden er ikke tilladt." },
} as const;

const FIELDS = new Set(["data", "invoice_lines"]);
const STATUS_SET: ReadonlySet<string> = new Set(ITERAS_STATUSES);

/** A 400 answer with the parameter name, in the caller's language. */
function badParameter(language: Language, name: string, value: string, expected: string): EmulatorResponse {
  const error =
    language === "da"
      ? `Ugyldig værdi for "${name}": "${value}" (forventet ${expected}).`
      : `Invalid value for "${name}": "${value}" (expected ${expected}).`;
  return json(400, { error });
}

/**
 * The value Django's `QueryDict.get` gives: the last one. Iteras is a Django
 * application, so a repeated single-valued parameter resolves the same way.
 */
function lastValue(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  return values.length > 0 ? values[values.length - 1] : undefined;
}

function keyOf(req: EmulatorRequest): string | undefined {
  const header = req.headers["x-iteras-key"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  // The header is the preferred channel: when it is sent, the query key is not looked at.
  if (fromHeader !== undefined && fromHeader !== "") return fromHeader;
  const fromQuery = lastValue(req.query, "iteras-key");
  return fromQuery === "" ? undefined : fromQuery;
}

/** Parsed, validated filters of one request. */
interface OrderQuery {
  data: boolean;
  invoiceLines: boolean;
  orderId?: number;
  customer?: string;
  campaigns?: ReadonlySet<string>;
  statuses?: ReadonlySet<IterasStatus>;
  createdAfter?: string;
  createdBefore?: string;
  iframe: boolean;
}

function parseQuery(query: URLSearchParams, language: Language): OrderQuery | EmulatorResponse {
  const parsed: OrderQuery = { data: true, invoiceLines: false, iframe: false };

  const fieldsRaw = query.getAll("fields");
  if (fieldsRaw.length > 0) {
    const names = fieldsRaw
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== "");
    const unknown = names.find((n) => !FIELDS.has(n));
    if (unknown !== undefined) return badParameter(language, "fields", unknown, "data, invoice_lines");
    if (names.length === 0) return badParameter(language, "fields", fieldsRaw.join(","), "data, invoice_lines");
    parsed.data = names.includes("data");
    parsed.invoiceLines = names.includes("invoice_lines");
  }

  const orderId = lastValue(query, "order_id");
  if (orderId !== undefined) {
    if (!/^\d+$/.test(orderId)) return badParameter(language, "order_id", orderId, "a numeric order id");
    parsed.orderId = Number(orderId);
  }

  const customer = lastValue(query, "customer");
  if (customer !== undefined) {
    if (!/^\d+$/.test(customer)) return badParameter(language, "customer", customer, "a numeric customer id");
    // Customer ids are digit strings in the data; "0452" means customer 452.
    parsed.customer = customer.replace(/^0+(?=\d)/, "");
  }

  const campaigns = query.getAll("campaign").filter((v) => v !== "");
  if (campaigns.length > 0) parsed.campaigns = new Set(campaigns);

  const statuses = query.getAll("status").filter((v) => v !== "");
  if (statuses.length > 0) {
    const unknown = statuses.find((s) => !STATUS_SET.has(s));
    if (unknown !== undefined) return badParameter(language, "status", unknown, ITERAS_STATUSES.join(", "));
    parsed.statuses = new Set(statuses as IterasStatus[]);
  }

  for (const [name, key] of [
    ["created_after", "createdAfter"],
    ["created_before", "createdBefore"],
  ] as const) {
    const value = lastValue(query, name);
    if (value === undefined) continue;
    if (parseIterasDate(value) === undefined) return badParameter(language, name, value, "a date YYYY-MM-DD");
    parsed[key] = value;
  }

  const iframe = lastValue(query, "iframe");
  // The docs say "set if ... e.g. iframe=1": any value but an explicit no counts as set.
  parsed.iframe = iframe !== undefined && !["", "0", "false", "no", "off"].includes(iframe.toLowerCase());
  return parsed;
}

function matches(order: IterasOrder, q: OrderQuery): boolean {
  if (q.orderId !== undefined && order.id !== q.orderId) return false;
  if (q.customer !== undefined && order.customer !== q.customer) return false;
  if (q.statuses && !q.statuses.has(order.status)) return false;
  // Both bounds are inclusive and compare the local date part of `created`.
  const day = order.created.slice(0, 10);
  if (q.createdAfter !== undefined && day < q.createdAfter) return false;
  if (q.createdBefore !== undefined && day > q.createdBefore) return false;
  if (q.campaigns) {
    const wanted = q.campaigns;
    if (!order.products.some((p) => "campaign_id" in p && wanted.has(p.campaign_id))) return false;
  }
  return true;
}

/** Matches `https://app.iteras.dk/<account>/` in front of `order/<form>/?order=...`. */
const RESUME_PREFIX = /^(https:\/\/[^/]+\/[^/]+\/)order\//;

function present(order: IterasOrder, q: OrderQuery): IterasAnswerOrder {
  let out: IterasAnswerOrder;
  if (q.data) {
    out = order;
    if (q.iframe && order.resume_ordering_url !== undefined) {
      // The store holds the plain form; the iframe form differs only by the "iframe/" segment.
      out = { ...order, resume_ordering_url: order.resume_ordering_url.replace(RESUME_PREFIX, "$1iframe/order/") };
    }
  } else {
    // Without "data" the lines alone could not be told apart, so the id stays (when there is one).
    out = order.id !== undefined ? { id: order.id } : {};
  }
  // Built per request from the current products, as Iteras estimates them at request time.
  if (q.invoiceLines) out = { ...out, invoice_lines: buildIterasInvoiceLines(order) };
  return out;
}

/**
 * The emulator's request handler, pure with respect to HTTP. It reads `state`
 * on every request, so changes to the store, key or cap apply at once.
 * `rows` keeps the orders' JSON between requests, only for a store that is the
 * emulator's own (see JsonRows); without it every answer is serialised afresh.
 */
export function createIterasHandler(state: IterasEmulatorState, rows: JsonRows<IterasOrder> = JsonRows.shared()): EmulatorHandler {
  return (req) => {
    const languageParam = lastValue(req.query, "language");
    // Unknown languages fall back to English, as Django's translation does.
    const language: Language = languageParam === "da" ? "da" : "en";

    // The API description is public: tools read it before they hold a key.
    if (req.method === "GET" && req.path === "/openapi.json") return json(200, ITERAS_OPENAPI);
    if (req.path !== "/api/orders/" && req.path !== "/api/orders") return json(404, { error: MESSAGES.notFound[language] });
    if (req.method !== "GET") return json(405, { error: MESSAGES.method[language] }, { allow: "GET" });

    // The docs give "a 40x status (400, 404)" for bad keys: the key names the account, so a key
    // that names none is answered like a lookup that found nothing. Only the message tells it
    // apart from an unknown path's 404, so it always names the key.
    const key = keyOf(req);
    if (key === undefined) return json(404, { error: MESSAGES.missingKey[language] });
    if (key !== state.apiKey) return json(404, { error: MESSAGES.badKey[language] });

    const q = parseQuery(req.query, language);
    if ("status" in q) return q;

    // Filter first, then sort the (usually much smaller) match set: the store may
    // have been appended to by a test, so its order is not trusted.
    const selected = state.orders.filter((o) => matches(o, q)).sort(compareIterasOrders);
    // Truncated silently at the cap, oldest first, as the docs describe.
    const page = selected.length > state.cap ? selected.slice(0, state.cap) : selected;
    // The plain form of an order is the stored order itself, so its JSON can be reused.
    if (q.data && !q.iframe && !q.invoiceLines) return json(200, rows.array(page, '{"orders":', "}"));
    return json(200, { orders: page.map((o) => present(o, q)) });
  };
}

/**
 * Starts the Iteras emulator with seeded data. The handle exposes the live
 * `apiKey`, `cap` and `orders`; assigning them changes what the next request
 * sees.
 */
export async function startIterasEmulator(options: IterasEmulatorOptions = {}): Promise<IterasEmulator> {
  const cap = options.cap ?? ITERAS_DEFAULT_CAP;
  if (!Number.isInteger(cap) || cap < 1) throw new Error(`cap must be a positive integer, got ${cap}`);
  const account = options.account ?? ITERAS_DEFAULT_ACCOUNT;
  if (!/^[A-Za-z0-9_-]+$/.test(account)) throw new Error(`account must be a URL slug, got "${account}"`);
  const state: IterasEmulatorState = {
    apiKey: options.apiKey ?? ITERAS_DEFAULT_API_KEY,
    cap,
    orders: generateIterasData({ seed: options.seed, size: options.size, burst: options.burst, account }).orders,
  };
  const rows = new JsonRows<IterasOrder>();
  const running = await startEmulatorServer(createIterasHandler(state, rows), options);
  // Accessors rather than copies: the handler holds `state`, the tests hold the handle.
  const live = (name: keyof IterasEmulatorState): PropertyDescriptor => ({
    enumerable: true,
    get: () => state[name],
    set: (value: never) => {
      state[name] = value;
    },
  });
  return Object.defineProperties(running, {
    apiKey: live("apiKey"),
    account: { enumerable: true, value: account, writable: false },
    cap: live("cap"),
    orders: rows.handedOut(
      () => state.orders,
      (orders: IterasOrder[]) => {
        state.orders = orders;
      },
    ),
    control: {
      value: iterasOrderControl(() => {
        // Handing the store out ends the reuse of order JSON.
        rows.share();
        return state.orders;
      }),
    },
  }) as IterasEmulator;
}
