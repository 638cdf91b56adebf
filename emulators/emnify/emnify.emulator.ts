/**
 * Local emulator of emnify's SIM order management API ("Get list of orders"
 * and its siblings), written from providers/emnify.seed.txt and the emnify
 * section of providers/README.md, not from our connector. Every decision the
 * docs leave open is listed in emulators/emnify/README.md.
 */

import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
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
import { emnifyOrderControl } from "./emnify.control.ts";
import { type EmnifyOrder, generateEmnifyData } from "./emnify.data.ts";
import { emnifyOpenApi } from "./emnify.openapi.ts";

/** The three secrets the emulator accepts at `POST /api/v1/authenticate`. */
export interface EmnifyCredentials {
  readonly applicationToken: string;
  readonly username: string;
  /** Accepted as is or as its SHA-1 hex digest (emnify's portal users send the digest). */
  readonly password: string;
}

/** Credentials used when the options name none. Demo values, not secrets. */
export const EMNIFY_DEFAULT_CREDENTIALS: EmnifyCredentials = Object.freeze({
  applicationToken: "demo-emnify-app-token",
  username: "demo@example.com",
  password: "demo-password",
});

/** A fixed-window request budget per client IP. */
export interface EmnifyRateLimit {
  /** Requests allowed per window; the next one answers 429. */
  max: number;
  windowMs: number;
}

/** emnify's documented budget for this API: 100 requests per client IP per 5 minutes. */
export const EMNIFY_DOCUMENTED_RATE_LIMIT: EmnifyRateLimit = Object.freeze({ max: 100, windowMs: 300_000 });

/** Default `auth_token` lifetime (1 hour). */
export const EMNIFY_DEFAULT_TOKEN_TTL_MS = 3_600_000;
/** Default `refresh_token` lifetime (7 days). */
export const EMNIFY_DEFAULT_REFRESH_TOKEN_TTL_MS = 7 * 86_400_000;
/** Page size when `per_page` is absent or below 1 (emnify documents none; our choice). */
export const EMNIFY_DEFAULT_PER_PAGE = 1000;
/**
 * Largest page size; a bigger `per_page` is lowered to it, as emnify's conventions say ("set to a
 * predefined maximum value if it's too big"). emnify does not publish the number: 1000 is our choice.
 */
export const EMNIFY_MAX_PER_PAGE = 1000;

/**
 * emnify's generic error codes (docs.emnify.com, "Error handling"), sent as
 * `error_code` with the matching `error_token`.
 */
export const EMNIFY_ERRORS = {
  InvalidToken: { code: 1102, token: "InvalidToken" },
  TokenExpired: { code: 1103, token: "TokenExpired" },
  TooManyRequests: { code: 1105, token: "TooManyRequests" },
  NotFound: { code: 1201, token: "NotFound" },
  InvalidQueryCriteria: { code: 1301, token: "InvalidQueryCriteria" },
  InvalidSortCriteria: { code: 1302, token: "InvalidSortCriteria" },
  InputValidationFailed: { code: 1400, token: "InputValidationFailed" },
  InvalidFormat: { code: 1403, token: "InvalidFormat" },
  MethodNotAllowed: { code: 405, token: "MethodNotAllowed" },
} as const;

/** The error body of every non-2xx answer except a failed login: `{error_code, error_token, message}`. */
export interface EmnifyErrorBody {
  error_code: number;
  error_token: string;
  message: string;
}

/** Options of {@link startEmnifyEmulator} and {@link createEmnifyService}. */
export interface EmnifyEmulatorOptions extends EmulatorOptions {
  /** Accepted `application_token` (default {@link EMNIFY_DEFAULT_CREDENTIALS}). */
  applicationToken?: string;
  /** Accepted `username` (default {@link EMNIFY_DEFAULT_CREDENTIALS}). */
  username?: string;
  /** Accepted `password` (default {@link EMNIFY_DEFAULT_CREDENTIALS}). */
  password?: string;
  /** `auth_token` lifetime in ms (default 1 hour). */
  tokenTtlMs?: number;
  /** `refresh_token` lifetime in ms (default 7 days). */
  refreshTokenTtlMs?: number;
  /**
   * Per-IP request budget over every request, `authenticate` included.
   * `true` means {@link EMNIFY_DOCUMENTED_RATE_LIMIT}; default off so tests
   * and benchmarks are not throttled unless they ask for it.
   */
  rateLimit?: EmnifyRateLimit | boolean;
  /** Page size when `per_page` is absent or < 1 (default 1000). */
  defaultPerPage?: number;
  /** Largest page size (default 1000): a bigger `per_page` is lowered to it, never refused. */
  maxPerPage?: number;
  /** Time source in ms (default `Date.now`); lets tests move time without sleeping. */
  clock?: () => number;
}

/** Options of `expireTokens`. */
export interface EmnifyExpireOptions {
  /** Also expire refresh tokens (default false: only `auth_token`s expire, as on a real TTL). */
  refreshTokens?: boolean;
}

/** The emulator's state and handler, independent of any HTTP server. */
export interface EmnifyService {
  /** Route handler for {@link startEmulatorServer}. */
  readonly handler: EmulatorHandler;
  readonly credentials: EmnifyCredentials;
  /** The order store; the handler reads it on every request, so tests may edit or replace it. */
  orders: EmnifyOrder[];
  /** Successful `POST /api/v1/authenticate` calls so far (any of the three methods). */
  readonly authCount: number;
  /** Makes every issued `auth_token` (and optionally refresh token) expired now. */
  expireTokens(options?: EmnifyExpireOptions): void;
}

/** A running emnify emulator. */
export interface EmnifyEmulator extends RunningServer {
  readonly credentials: EmnifyCredentials;
  /** The live order store (see {@link EmnifyService.orders}). */
  orders: EmnifyOrder[];
  /** Successful authenticate calls so far, for "logs in once" assertions. */
  readonly authCount: number;
  /** Makes every issued `auth_token` (and optionally refresh token) expired now. */
  expireTokens(options?: EmnifyExpireOptions): void;
}

/** A field of the `q` filter. */
export type EmnifyFilterField = "id" | "submit_date" | "status" | "paid";
/** An operator of the `q` filter. */
export type EmnifyFilterOperator = ":" | "!:" | ">" | ">=" | "<" | "<=" | "^~";

/** One parsed `q` term. */
export interface EmnifyFilterTerm {
  field: EmnifyFilterField;
  operator: EmnifyFilterOperator;
  /** The value as written. */
  value: string;
  /** Whether an order satisfies the term. An absent (null) field satisfies no term. */
  test(order: EmnifyOrder): boolean;
}

/** A field of the `sort` parameter. */
export type EmnifySortField = "id" | "submit_date" | "total_amount";

/** One parsed `sort` key. */
export interface EmnifySortKey {
  field: EmnifySortField;
  descending: boolean;
}

/** Outcome of parsing a request parameter. */
export type EmnifyParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Fields and operators exactly as the excerpt lists them. */
const FILTER_OPERATORS: Record<EmnifyFilterField, readonly EmnifyFilterOperator[]> = {
  id: [":", "!:", ">", ">=", "<", "<=", "^~"],
  submit_date: [":", ">", ">=", "<", "<="],
  status: [":", "!:", ">", ">=", "<", "<="],
  paid: [":", "!:"],
};
/** Two-character operators first, so `>=` is never read as `>` with value `=…`. */
const OPERATORS_LONGEST_FIRST: readonly EmnifyFilterOperator[] = ["!:", ">=", "<=", "^~", ":", ">", "<"];
const SORT_FIELDS: readonly EmnifySortField[] = ["id", "submit_date", "total_amount"];

const isFilterField = (name: string): name is EmnifyFilterField => Object.hasOwn(FILTER_OPERATORS, name);
const isSortField = (name: string): name is EmnifySortField => (SORT_FIELDS as readonly string[]).includes(name);

function compare(operator: EmnifyFilterOperator, actual: number, expected: number): boolean {
  switch (operator) {
    case ":":
      return actual === expected;
    case "!:":
      return actual !== expected;
    case ">":
      return actual > expected;
    case ">=":
      return actual >= expected;
    case "<":
      return actual < expected;
    case "<=":
      return actual <= expected;
    default:
      return false;
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads a `submit_date` value as a half-open interval [start, end) in epoch ms:
 * a whole UTC day for a date, one millisecond for a date-time. With that one
 * shape every operator means the same for both forms (`:` = inside, `>` = at
 * or after end, `<=` = before end, ...).
 */
function parseDateValue(value: string): { start: number; end: number } | null {
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
    return { start, end: start + 86_400_000 };
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return null;
  const [, ys, ms, ds, hs, mins, ss, frac, zone] = dateTime;
  const y = Number(ys);
  const mo = Number(ms);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mins);
  const s = Number(ss ?? "0");
  if (h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number((frac ?? "0").padEnd(3, "0").slice(0, 3)));
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  let offsetMs = 0;
  if (zone && zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 14 || om > 59) return null;
    offsetMs = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const start = local - offsetMs;
  return { start, end: start + 1 };
}

/** A `submit_date` in epoch ms, or null when unreadable, read once per text: every sorted list reads all of them. */
const submitDateMs = memoByText((text): number | null => {
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : parsed;
});

/** Epoch ms of an order's `submit_date`, or null when absent or unreadable. */
function submitMs(order: EmnifyOrder): number | null {
  const text = order.submit_date;
  return text === null || text === undefined ? null : submitDateMs(text);
}

/** `^~` is SQL LIKE wrapped in `%…%`: a substring match where `%` is any run and `_` one character. */
function likePattern(value: string): RegExp {
  const body = [...value].map((ch) => (ch === "%" ? ".*" : ch === "_" ? "." : ch)).join("");
  return new RegExp(`^.*${body}.*$`);
}

function buildTerm(field: EmnifyFilterField, operator: EmnifyFilterOperator, value: string): EmnifyFilterTerm | string {
  const base = { field, operator, value };
  switch (field) {
    case "id": {
      if (operator === "^~") {
        if (!/^[0-9%_]+$/.test(value)) return `like value '${value}' for id must contain only digits, '%' and '_'`;
        const pattern = likePattern(value);
        return { ...base, test: (order) => typeof order.id === "number" && pattern.test(String(order.id)) };
      }
      if (!/^\d+$/.test(value)) return `value '${value}' for id is not a non-negative integer`;
      const expected = Number(value);
      return { ...base, test: (order) => typeof order.id === "number" && compare(operator, order.id, expected) };
    }
    case "status": {
      if (!/^[0-4]$/.test(value)) return `value '${value}' for status is not one of 0, 1, 2, 3, 4`;
      const expected = Number(value);
      return { ...base, test: (order) => typeof order.status?.id === "number" && compare(operator, order.status.id, expected) };
    }
    case "paid": {
      if (value !== "0" && value !== "1") return `value '${value}' for paid is not 0 or 1`;
      const expected = value === "1";
      return {
        ...base,
        test: (order) => typeof order.paid === "boolean" && (operator === ":" ? order.paid === expected : order.paid !== expected),
      };
    }
    case "submit_date": {
      const range = parseDateValue(value);
      if (!range) return `value '${value}' for submit_date is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm[:ss[.SSS]][Z|±HH:mm])`;
      const { start, end } = range;
      const matches: Record<string, (t: number) => boolean> = {
        ":": (t) => t >= start && t < end,
        ">": (t) => t >= end,
        ">=": (t) => t >= start,
        "<": (t) => t < start,
        "<=": (t) => t < end,
      };
      const check = matches[operator] ?? (() => false);
      return {
        ...base,
        test: (order) => {
          const t = submitMs(order);
          return t !== null && check(t);
        },
      };
    }
  }
}

/**
 * Parses `q`: comma-separated `<field><operator><value>` terms, all ANDed.
 * There is no escaping: a comma always ends a term. Whitespace around a term
 * is ignored; an empty term, an unknown field, an operator the field does not
 * support or an unreadable value fails the whole query.
 */
export function parseEmnifyQuery(q: string): EmnifyParseResult<EmnifyFilterTerm[]> {
  if (q.trim() === "") return { ok: true, value: [] };
  const terms: EmnifyFilterTerm[] = [];
  for (const rawTerm of q.split(",")) {
    const term = rawTerm.trim();
    if (term === "") return { ok: false, message: `Search criteria '${q}' is invalid: empty criterion` };
    const fieldMatch = /^[A-Za-z_]+/.exec(term);
    const field = fieldMatch?.[0] ?? "";
    if (!isFilterField(field)) {
      return {
        ok: false,
        message: `Search criteria '${term}' is invalid: unknown field '${field}' (allowed: id, submit_date, status, paid)`,
      };
    }
    const rest = term.slice(field.length);
    const operator = OPERATORS_LONGEST_FIRST.find((op) => rest.startsWith(op));
    if (!operator) return { ok: false, message: `Search criteria '${term}' is invalid: missing or unknown operator` };
    if (!FILTER_OPERATORS[field].includes(operator)) {
      return {
        ok: false,
        message: `Search criteria '${term}' is invalid: operator '${operator}' is not supported for ${field} (allowed: ${FILTER_OPERATORS[field].join(" ")})`,
      };
    }
    const value = rest.slice(operator.length);
    if (value === "") return { ok: false, message: `Search criteria '${term}' is invalid: missing value` };
    const built = buildTerm(field, operator, value);
    if (typeof built === "string") return { ok: false, message: `Search criteria '${term}' is invalid: ${built}` };
    terms.push(built);
  }
  return { ok: true, value: terms };
}

/**
 * Parses `sort`: comma-separated `<operator><field>`, `-` descending, `+` or
 * nothing ascending. Whitespace around a key is ignored, which also makes an
 * unencoded `+` (decoded to a space by every query-string parser) mean
 * ascending. Empty or absent means the documented default `-submit_date`.
 */
export function parseEmnifySort(sort: string | null): EmnifyParseResult<EmnifySortKey[]> {
  if (sort === null || sort.trim() === "") return { ok: true, value: [{ field: "submit_date", descending: true }] };
  const keys: EmnifySortKey[] = [];
  for (const rawKey of sort.split(",")) {
    const key = rawKey.trim();
    const descending = key.startsWith("-");
    const name = key.startsWith("-") || key.startsWith("+") ? key.slice(1) : key;
    if (!isSortField(name)) {
      return { ok: false, message: `Sort criteria '${key}' is invalid (allowed fields: id, submit_date, total_amount)` };
    }
    keys.push({ field: name, descending });
  }
  return { ok: true, value: keys };
}

function sortValue(order: EmnifyOrder, field: EmnifySortField): number | null {
  if (field === "id") return typeof order.id === "number" ? order.id : null;
  if (field === "total_amount") return typeof order.total === "number" ? order.total : null;
  return submitMs(order);
}

/**
 * Sorts a copy of `orders` by `keys`. Absent values count as the smallest
 * (first ascending, last descending, as MySQL orders NULL); remaining ties are
 * broken by ascending id so paging never repeats or skips an order.
 */
export function sortEmnifyOrders(orders: readonly EmnifyOrder[], keys: readonly EmnifySortKey[]): EmnifyOrder[] {
  const all: EmnifySortKey[] = [...keys, { field: "id", descending: false }];
  // Each order's values once, not once per comparison.
  const decorated = orders.map((order) => ({ order, values: all.map((key) => sortValue(order, key.field)) }));
  decorated.sort((a, b) => {
    for (let k = 0; k < all.length; k++) {
      const va = a.values[k] as number | null;
      const vb = b.values[k] as number | null;
      let diff = 0;
      if (va === null && vb === null) diff = 0;
      else if (va === null) diff = -1;
      else if (vb === null) diff = 1;
      else diff = va - vb;
      if (diff !== 0) return (all[k] as EmnifySortKey).descending ? -Math.sign(diff) : Math.sign(diff);
    }
    return 0;
  });
  return decorated.map((entry) => entry.order);
}

function errorResponse(status: number, kind: { code: number; token: string }, message: string, headers: Record<string, string> = {}) {
  const body: EmnifyErrorBody = { error_code: kind.code, error_token: kind.token, message };
  return json(status, body, headers);
}

/** Reads a paging parameter: absent -> null, an integer -> its value, anything else -> NaN. */
function readInteger(raw: string | null): number | null {
  if (raw === null || raw.trim() === "") return null;
  return /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
}

/** The client address the rate limit counts by (see README: the shared plumbing gives no socket address). */
function clientKey(req: EmulatorRequest): string {
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first && first !== "" ? first : "local";
}

interface TokenRecord {
  kind: "auth" | "refresh";
  expiresAt: number;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * Creates the emulator's state and route handler without starting a server,
 * so the handler can be unit tested or mounted elsewhere.
 */
export function createEmnifyService(options: EmnifyEmulatorOptions = {}): EmnifyService {
  const credentials: EmnifyCredentials = Object.freeze({
    applicationToken: options.applicationToken ?? EMNIFY_DEFAULT_CREDENTIALS.applicationToken,
    username: options.username ?? EMNIFY_DEFAULT_CREDENTIALS.username,
    password: options.password ?? EMNIFY_DEFAULT_CREDENTIALS.password,
  });
  const passwordSha1 = createHash("sha1").update(credentials.password).digest("hex");
  const clock = options.clock ?? Date.now;
  const tokenTtlMs = options.tokenTtlMs ?? EMNIFY_DEFAULT_TOKEN_TTL_MS;
  const refreshTtlMs = options.refreshTokenTtlMs ?? EMNIFY_DEFAULT_REFRESH_TOKEN_TTL_MS;
  const rateLimit = options.rateLimit === true ? EMNIFY_DOCUMENTED_RATE_LIMIT : options.rateLimit || null;
  const maxPerPage = options.maxPerPage ?? EMNIFY_MAX_PER_PAGE;
  const defaultPerPage = Math.min(options.defaultPerPage ?? EMNIFY_DEFAULT_PER_PAGE, maxPerPage);
  const openApi = emnifyOpenApi({ defaultPerPage, maxPerPage });
  // Tokens are signed for realism only; validity is what the server remembers.
  const secret = randomBytes(32);
  const tokens = new Map<string, TokenRecord>();
  const windows = new Map<string, { start: number; count: number }>();
  let authCount = 0;
  let orders = generateEmnifyData({ seed: options.seed ?? 1, size: options.size ?? 300 }).orders;
  // The rows' JSON is reused until the store is handed out through `orders` (see JsonRows).
  const rows = new JsonRows<EmnifyOrder>();

  const issue = (kind: TokenRecord["kind"], subject: Record<string, unknown>): string => {
    const now = clock();
    const ttl = kind === "auth" ? tokenTtlMs : refreshTtlMs;
    const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const payload = base64url(
      JSON.stringify({
        iss: "emnify-emulator",
        ...subject,
        "esc.tokenType": kind,
        iat: Math.floor(now / 1000),
        exp: Math.ceil((now + ttl) / 1000),
        jti: randomUUID(),
      }),
    );
    const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
    const token = `${header}.${payload}.${signature}`;
    tokens.set(token, { kind, expiresAt: now + ttl });
    return token;
  };

  const authenticate = (req: EmulatorRequest): EmulatorResponse => {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return errorResponse(400, EMNIFY_ERRORS.InputValidationFailed, "Request body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return errorResponse(400, EMNIFY_ERRORS.InputValidationFailed, "Request body must be a JSON object");
    }
    const fields = body as Record<string, unknown>;
    const has = (key: string) => fields[key] !== undefined && fields[key] !== null;
    const methods = [has("application_token"), has("username") || has("password"), has("refresh_token")].filter(Boolean).length;
    if (methods !== 1) {
      return errorResponse(
        400,
        EMNIFY_ERRORS.InputValidationFailed,
        "Provide exactly one of: application_token; username and password; refresh_token",
      );
    }
    const nonEmpty = (key: string) => typeof fields[key] === "string" && (fields[key] as string) !== "";
    // A wrong secret answers 401 with no body at all, as emnify does.
    const unauthorized: EmulatorResponse = { status: 401 };

    if (has("application_token")) {
      if (!nonEmpty("application_token"))
        return errorResponse(400, EMNIFY_ERRORS.InvalidFormat, "application_token must be a non-empty string");
      if (fields["application_token"] !== credentials.applicationToken) return unauthorized;
      authCount += 1;
      return json(200, { auth_token: issue("auth", { sub: "application", "esc.app": 1, "esc.org": 44 }) });
    }
    if (has("refresh_token")) {
      if (!nonEmpty("refresh_token")) return errorResponse(400, EMNIFY_ERRORS.InvalidFormat, "refresh_token must be a non-empty string");
      const record = tokens.get(fields["refresh_token"] as string);
      if (record?.kind !== "refresh" || record.expiresAt <= clock()) return unauthorized;
      authCount += 1;
      return json(200, { auth_token: issue("auth", { sub: credentials.username, "esc.user": 1, "esc.org": 44 }) });
    }
    if (!nonEmpty("username") || !nonEmpty("password")) {
      return errorResponse(400, EMNIFY_ERRORS.InputValidationFailed, "username and password must both be non-empty strings");
    }
    const password = fields["password"] as string;
    if (fields["username"] !== credentials.username || (password !== credentials.password && password.toLowerCase() !== passwordSha1)) {
      return unauthorized;
    }
    authCount += 1;
    return json(200, {
      auth_token: issue("auth", { sub: credentials.username, "esc.user": 1, "esc.org": 44 }),
      refresh_token: issue("refresh", { sub: credentials.username, "esc.user": 1, "esc.org": 44 }),
    });
  };

  /** Returns an error answer when the bearer token is missing, unknown or expired. */
  const checkBearer = (req: EmulatorRequest): EmulatorResponse | null => {
    const header = req.headers.authorization;
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const challenge = { "www-authenticate": "Bearer" };
    if (!match?.[1])
      return errorResponse(401, EMNIFY_ERRORS.InvalidToken, "Missing auth token: send Authorization: Bearer <auth_token>", challenge);
    const record = tokens.get(match[1]);
    if (record?.kind !== "auth") return errorResponse(401, EMNIFY_ERRORS.InvalidToken, "Invalid auth token", challenge);
    if (record.expiresAt <= clock()) return errorResponse(401, EMNIFY_ERRORS.TokenExpired, "Auth token has expired", challenge);
    return null;
  };

  const checkRate = (req: EmulatorRequest): EmulatorResponse | null => {
    if (!rateLimit) return null;
    const now = clock();
    const key = clientKey(req);
    let window = windows.get(key);
    if (!window || now - window.start >= rateLimit.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= rateLimit.max) return null;
    const retryAfter = Math.max(1, Math.ceil((window.start + rateLimit.windowMs - now) / 1000));
    return errorResponse(
      429,
      EMNIFY_ERRORS.TooManyRequests,
      `Too many requests: at most ${rateLimit.max} requests per ${Math.round(rateLimit.windowMs / 1000)} seconds per IP`,
      { "retry-after": String(retryAfter) },
    );
  };

  const listOrders = (req: EmulatorRequest): EmulatorResponse => {
    // Repeated parameters are joined with commas, as servlet frameworks bind them to one string.
    const qs = req.query.getAll("q");
    const filter = parseEmnifyQuery(qs.join(","));
    if (!filter.ok) return errorResponse(400, EMNIFY_ERRORS.InvalidQueryCriteria, filter.message);
    const sorts = req.query.getAll("sort");
    const sort = parseEmnifySort(sorts.length > 0 ? sorts.join(",") : null);
    if (!sort.ok) return errorResponse(400, EMNIFY_ERRORS.InvalidSortCriteria, sort.message);
    const perPageRaw = readInteger(req.query.get("per_page"));
    const pageRaw = readInteger(req.query.get("page"));
    if (Number.isNaN(perPageRaw)) return errorResponse(400, EMNIFY_ERRORS.InvalidFormat, "per_page must be an integer");
    if (Number.isNaN(pageRaw)) return errorResponse(400, EMNIFY_ERRORS.InvalidFormat, "page must be an integer");

    const matching = orders.filter((order) => filter.value.every((term) => term.test(order)));
    const sorted = sortEmnifyOrders(matching, sort.value);
    // emnify's collection conventions: per_page < 1 -> default, too big -> the maximum;
    // page < 1 -> first page, page past the end -> last page.
    const perPage = perPageRaw === null || perPageRaw < 1 ? defaultPerPage : Math.min(perPageRaw, maxPerPage);
    const count = sorted.length;
    const pages = Math.ceil(count / perPage);
    const page = pageRaw === null || pageRaw < 1 ? 1 : pages > 0 ? Math.min(pageRaw, pages) : 1;
    const body = rows.array(sorted.slice((page - 1) * perPage, page * perPage));
    return json(200, body, {
      "X-page": String(page),
      "X-per-page": String(perPage),
      "X-pages": String(pages),
      "X-count": String(count),
    });
  };

  const getOrder = (id: string): EmulatorResponse => {
    if (!/^\d+$/.test(id)) return errorResponse(400, EMNIFY_ERRORS.InvalidFormat, `Order id '${id}' is not an integer`);
    const order = orders.find((candidate) => candidate.id === Number(id));
    if (!order) return errorResponse(404, EMNIFY_ERRORS.NotFound, `Order with id ${id} not found`);
    return json(200, order);
  };

  const methodNotAllowed = (allowed: string) =>
    errorResponse(405, EMNIFY_ERRORS.MethodNotAllowed, `Method not allowed; use ${allowed}`, { allow: allowed });

  const handler: EmulatorHandler = (req) => {
    // The API description is public and outside the rate limit: tools read it before they hold a token.
    if (req.method === "GET" && req.path === "/openapi.json") return json(200, openApi);
    const limited = checkRate(req);
    if (limited) return limited;
    // emnify documents its paths both with and without a trailing slash.
    const path = req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path;

    if (path === "/api/v1/authenticate") return req.method === "POST" ? authenticate(req) : methodNotAllowed("POST");
    if (!path.startsWith("/api/v1/")) return errorResponse(404, EMNIFY_ERRORS.NotFound, `No resource at ${path}`);

    const denied = checkBearer(req);
    if (denied) return denied;
    if (path === "/api/v1/shop/order") return req.method === "GET" ? listOrders(req) : methodNotAllowed("GET");
    const single = /^\/api\/v1\/shop\/order\/([^/]+)$/.exec(path);
    if (single?.[1]) return req.method === "GET" ? getOrder(single[1]) : methodNotAllowed("GET");
    return errorResponse(404, EMNIFY_ERRORS.NotFound, `No resource at ${path}`);
  };

  const service: EmnifyService = {
    handler,
    credentials,
    get orders() {
      rows.share();
      return orders;
    },
    set orders(replaced: EmnifyOrder[]) {
      rows.share();
      orders = replaced;
    },
    get authCount() {
      return authCount;
    },
    expireTokens(expireOptions: EmnifyExpireOptions = {}) {
      const now = clock();
      for (const record of tokens.values()) {
        if (record.kind === "auth" || expireOptions.refreshTokens) record.expiresAt = Math.min(record.expiresAt, now);
      }
    },
  };
  return service;
}

/**
 * Starts the emnify emulator on `options.host`/`options.port` (default
 * 127.0.0.1, a free port). Paths: `POST /api/v1/authenticate`,
 * `GET /api/v1/shop/order`, `GET /api/v1/shop/order/{id}`.
 */
export async function startEmnifyEmulator(options: EmnifyEmulatorOptions = {}): Promise<EmnifyEmulator> {
  const service = createEmnifyService(options);
  const server = await startEmulatorServer(service.handler, options);
  // The handle is the server object itself, so `requests`, `faults` and `close` stay live.
  return Object.defineProperties(server, {
    credentials: { value: service.credentials, enumerable: true },
    control: { value: emnifyOrderControl(() => service.orders) },
    orders: {
      enumerable: true,
      get: () => service.orders,
      set: (orders: EmnifyOrder[]) => {
        service.orders = orders;
      },
    },
    authCount: { enumerable: true, get: () => service.authCount },
    expireTokens: { value: (expireOptions?: EmnifyExpireOptions) => service.expireTokens(expireOptions) },
  }) as EmnifyEmulator;
}
