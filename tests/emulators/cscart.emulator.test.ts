/**
 * The CS-Cart emulator over real HTTP: what a connector will see. Expected
 * values are computed from the emulator's live store (`emulator.orders`), so
 * the tests check behaviour against the data rather than hard-coded ids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_STATUSES, type CsCartOrder, generateCsCartData } from "../../emulators/cscart/cscart.data.ts";
import {
  CSCART_DEFAULT_CREDENTIALS,
  CSCART_LIST_FIELDS,
  type CsCartEmulator,
  startCsCartEmulator,
} from "../../emulators/cscart/cscart.emulator.ts";
import { DATA_EPOCH } from "../../emulators/shared/emulator-http.ts";

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface ListBody {
  orders: Array<Record<string, unknown>>;
  params: Record<string, unknown>;
}

const basic = (email: string, key: string) => `Basic ${Buffer.from(`${email}:${key}`).toString("base64")}`;
const AUTH = basic(CSCART_DEFAULT_CREDENTIALS.email, CSCART_DEFAULT_CREDENTIALS.apiKey);

async function call(base: string, method: string, path: string, init: { auth?: string | null; body?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? AUTH : init.auth;
  if (auth !== null) headers["authorization"] = auth;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

const n = (value: unknown): number => Number(value);
const visible = (orders: CsCartOrder[]) => orders.filter((o) => o.status !== "N");
/** The default list order: newest first, ties by order_id descending. */
const byDateDesc = (a: CsCartOrder, b: CsCartOrder) => n(b.timestamp) - n(a.timestamp) || n(b.order_id) - n(a.order_id);

/** The part of JSON Schema that the OpenAPI's request-body fields use. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  description?: string;
}

const SCHEMA_KEYWORDS = new Set(["$ref", "type", "enum", "oneOf", "anyOf", "description"]);

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "null") return value === null;
  if (type === "array") return Array.isArray(value);
  if (type === "object") return value !== null && typeof value === "object" && !Array.isArray(value);
  return typeof value === type;
}

/**
 * Whether `value` is valid for `schema`. A keyword this does not know fails
 * the test, so a richer schema cannot pass unchecked.
 */
function fits(schemas: Record<string, Schema>, schema: Schema, value: unknown): boolean {
  for (const key of Object.keys(schema)) expect(SCHEMA_KEYWORDS, `unsupported keyword ${key}`).toContain(key);
  if (schema.$ref) return fits(schemas, schemas[schema.$ref.replace("#/components/schemas/", "")]!, value);
  if (schema.oneOf && schema.oneOf.filter((branch) => fits(schemas, branch, value)).length !== 1) return false;
  if (schema.anyOf && !schema.anyOf.some((branch) => fits(schemas, branch, value))) return false;
  if (schema.enum && !schema.enum.some((allowed) => Object.is(allowed, value))) return false;
  if (schema.type && ![schema.type].flat().some((type) => hasType(value, type))) return false;
  return true;
}

describe("CS-Cart emulator: reading", () => {
  let emulator: CsCartEmulator;
  const get = (path: string, auth?: string | null) => call(emulator.url, "GET", path, { auth });
  const list = async (query: string) => {
    const answer = await get(`/api/orders${query}`);
    expect(answer.status).toBe(200);
    return answer.body as ListBody;
  };
  /** Every order of a query, walking the pages. */
  const listAll = async (query: string, perPage = 50) => {
    const rows: Array<Record<string, unknown>> = [];
    for (let page = 1; ; page++) {
      const body = await list(`${query}${query ? "&" : "?"}items_per_page=${perPage}&page=${page}`);
      rows.push(...body.orders);
      if (body.orders.length < perPage) return rows;
    }
  };

  beforeAll(async () => {
    emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  describe("auth", () => {
    it("answers 401 with the Basic challenge and CS-Cart's error body without credentials", async () => {
      const answer = await get("/api/orders", null);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe('Basic realm="User email/API key"');
      expect(answer.body).toEqual({ message: "Unauthorized", status: 401 });
    });

    it("refuses a wrong API key, a wrong e-mail and a non-Basic scheme", async () => {
      for (const auth of [
        basic(CSCART_DEFAULT_CREDENTIALS.email, "nope"),
        basic("someone@example.com", "demo-cscart-api-key"),
        "Bearer x",
      ]) {
        const answer = await get("/api/orders", auth);
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ message: "Unauthorized", status: 401 });
      }
    });

    it("protects details, search and writes too", async () => {
      const id = emulator.orders[0]!.order_id;
      expect((await get(`/api/orders/${id}`, null)).status).toBe(401);
      expect((await get("/api/orders/search/?vendor_ref=x", null)).status).toBe(401);
      expect((await call(emulator.url, "PUT", `/api/orders/${id}`, { auth: null, body: '{"status":"C"}' })).status).toBe(401);
    });

    it("accepts the admin e-mail and API key (e-mail case-insensitively)", async () => {
      expect((await get("/api/orders")).status).toBe(200);
      expect((await get("/api/orders", basic("ADMIN@example.com", CSCART_DEFAULT_CREDENTIALS.apiKey))).status).toBe(200);
      expect(emulator.credentials).toEqual(CSCART_DEFAULT_CREDENTIALS);
    });
  });

  describe("list", () => {
    it("defaults to page 1, 10 per page, newest first, and echoes the processed params", async () => {
      const body = await list("");
      const expected = visible(emulator.orders).sort(byDateDesc).slice(0, 10);
      expect(body.orders.map((o) => o["order_id"])).toEqual(expected.map((o) => o.order_id));
      expect(body.params).toMatchObject({
        page: 1,
        items_per_page: 10,
        sort_by: "date",
        sort_order: "desc",
        total_items: String(visible(emulator.orders).length),
      });
    });

    it("answers only the list fields, with the stored values", async () => {
      const body = await list("?items_per_page=25");
      for (const row of body.orders) {
        expect(Object.keys(row)).toEqual([...CSCART_LIST_FIELDS]);
        const stored = emulator.orders.find((o) => o.order_id === row["order_id"])!;
        for (const field of CSCART_LIST_FIELDS) expect(row[field]).toEqual(stored[field]);
      }
    });

    it("sends most numbers as strings and a few as JSON numbers", async () => {
      const rows = await listAll("?status[]=C&status[]=P&status[]=O", 100);
      const totals = rows.map((r) => typeof r["total"]);
      expect(totals.filter((t) => t === "string").length).toBeGreaterThan(totals.filter((t) => t === "number").length);
      expect(totals).toContain("number");
      expect(rows.every((r) => typeof r["order_id"] === "string")).toBe(true);
    });

    it("pages to the end without gaps or duplicates, ties broken by order_id", async () => {
      const rows = await listAll("", 37);
      const expected = visible(emulator.orders).sort(byDateDesc);
      expect(rows.map((r) => r["order_id"])).toEqual(expected.map((o) => o.order_id));
      expect(new Set(rows.map((r) => r["order_id"])).size).toBe(rows.length);
      // The data really has ties, so the tie-break was exercised.
      const stamps = rows.map((r) => n(r["timestamp"]));
      expect(new Set(stamps).size).toBeLessThan(stamps.length);
    });

    it("answers 200 with no orders past the last page", async () => {
      const body = await list("?page=9999");
      expect(body.orders).toEqual([]);
      expect(body.params["total_items"]).toBe(String(visible(emulator.orders).length));
    });

    it("sorts by every supported field in both directions, ties by order_id", async () => {
      const collator = new Intl.Collator("en", { sensitivity: "base" });
      const keys: Record<string, (o: Record<string, unknown>) => number | string> = {
        order_id: (o) => n(o["order_id"]),
        status: (o) => String(o["status"]),
        total: (o) => n(o["total"]),
        date: (o) => n(o["timestamp"]),
        email: (o) => String(o["email"]),
      };
      const compare = (x: number | string, y: number | string) =>
        typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
      for (const [sortBy, key] of Object.entries(keys)) {
        for (const order of ["asc", "desc"] as const) {
          const body = await list(`?sort_by=${sortBy}&sort_order=${order}&items_per_page=120`);
          expect(body.params).toMatchObject({ sort_by: sortBy, sort_order: order, sort_order_rev: order === "asc" ? "desc" : "asc" });
          expect(body.orders.length).toBe(120);
          const sign = order === "asc" ? 1 : -1;
          let ties = 0;
          for (let i = 1; i < body.orders.length; i++) {
            const a = body.orders[i - 1]!;
            const b = body.orders[i]!;
            const cmp = compare(key(b), key(a));
            if (cmp === 0) {
              ties++;
              expect(sign * (n(b["order_id"]) - n(a["order_id"]))).toBeGreaterThan(0);
            } else {
              expect(sign * cmp).toBeGreaterThan(0);
            }
          }
          // Status has only a few values, so its page is mostly ties: the tie-break is what is tested there.
          if (sortBy === "status") expect(ties).toBeGreaterThan(50);
        }
      }
    });

    it("sorts by customer as lastname, then firstname", async () => {
      const body = await list("?sort_by=customer&sort_order=asc&items_per_page=400");
      const collator = new Intl.Collator("en", { sensitivity: "base" });
      for (let i = 1; i < body.orders.length; i++) {
        const a = body.orders[i - 1]!;
        const b = body.orders[i]!;
        const cmp =
          collator.compare(String(a["lastname"]), String(b["lastname"])) ||
          collator.compare(String(a["firstname"]), String(b["firstname"]));
        expect(cmp).toBeLessThanOrEqual(0);
      }
      expect(new Set(body.orders.map((o) => o["lastname"])).size).toBeGreaterThan(5);
    });

    it("falls back to date for an unknown sort_by and to desc for an unknown sort_order", async () => {
      const body = await list("?sort_by=updated_at&sort_order=sideways");
      expect(body.params).toMatchObject({ sort_by: "date", sort_order: "desc" });
      const expected = visible(emulator.orders).sort(byDateDesc).slice(0, 10);
      expect(body.orders.map((o) => o["order_id"])).toEqual(expected.map((o) => o.order_id));
    });

    it("filters by one status and echoes it", async () => {
      const rows = await listAll("?status=P");
      expect(rows.length).toBe(emulator.orders.filter((o) => o.status === "P").length);
      expect(rows.every((r) => r["status"] === "P")).toBe(true);
      const body = await list("?status=P");
      expect(body.params["status"]).toBe("P");
    });

    it("filters by several statuses as status[]=", async () => {
      const expected = emulator.orders.filter((o) => o.status === "P" || o.status === "C").length;
      const asArray = await listAll("?status[]=P&status[]=C");
      expect(asArray.length).toBe(expected);
      expect(asArray.every((r) => r["status"] === "P" || r["status"] === "C")).toBe(true);
      expect((await list("?status[]=P&status[]=C")).params["status"]).toEqual(["P", "C"]);
    });

    it("matches nothing for a status code no order has, rather than refusing it (a store may define its own)", async () => {
      const answer = await get("/api/orders?status=X");
      expect(answer.status).toBe(200);
      expect((answer.body as ListBody).orders).toEqual([]);
      const mixed = await listAll("?status[]=P&status[]=q");
      expect(mixed.length).toBe(emulator.orders.filter((o) => o.status === "P").length);
    });

    it("takes a comma in status or user_id as part of one value, never as a list", async () => {
      // CS-Cart's fn_get_orders passes the value whole to `IN (...)`; the docs describe no comma lists.
      const [first, second] = [...new Set(visible(emulator.orders).map((o) => n(o.user_id)))].filter((id) => id > 0);
      // A status is a code: "P,C" is one, which no order has.
      for (const query of ["?status=P,C", "?status=P%2CC", "?status[]=P,C"]) {
        const answer = await get(`/api/orders${query}`);
        expect(answer.status, query).toBe(200);
        expect((answer.body as ListBody).orders, query).toEqual([]);
      }
      // A customer id is an integer: "12,34" is not one.
      for (const query of [`?user_id=${first},${second}`, `?user_id[]=${first},${second}`]) {
        const answer = await get(`/api/orders${query}`);
        expect(answer.status, query).toBe(400);
      }
    });

    it("keeps only the last value of a repeated plain status=, as PHP does", async () => {
      const rows = await listAll("?status=P&status=C");
      expect(rows.length).toBe(emulator.orders.filter((o) => o.status === "C").length);
      expect(rows.every((r) => r["status"] === "C")).toBe(true);
    });

    it("hides incomplete (N) orders unless N is asked for", async () => {
      const incomplete = emulator.orders.filter((o) => o.status === "N");
      expect(incomplete.length).toBeGreaterThan(0);
      const all = await listAll("", 100);
      expect(all.some((r) => r["status"] === "N")).toBe(false);
      const onlyN = await listAll("?status=N");
      expect(onlyN.map((r) => r["order_id"]).sort()).toEqual(incomplete.map((o) => o.order_id).sort());
      const mixed = await listAll("?status[]=N&status[]=O");
      expect(mixed.length).toBe(incomplete.length + emulator.orders.filter((o) => o.status === "O").length);
      const withFlag = await listAll("?include_incompleted=Y", 100);
      expect(withFlag.length).toBe(emulator.orders.length);
    });

    it("filters by user_id: a repeat customer's orders", async () => {
      const counts = new Map<number, number>();
      for (const o of visible(emulator.orders)) counts.set(n(o.user_id), (counts.get(n(o.user_id)) ?? 0) + 1);
      const [userId, count] = [...counts].filter(([id]) => id > 0).sort((a, b) => b[1] - a[1])[0]!;
      expect(count).toBeGreaterThan(2);
      const rows = await listAll(`?user_id=${userId}`);
      expect(rows.length).toBe(count);
      expect(rows.every((r) => n(r["user_id"]) === userId)).toBe(true);
    });

    it("ignores user_id=0 like PHP's empty(), so guests cannot be filtered that way", async () => {
      const body = await list("?user_id=0");
      expect(body.params["total_items"]).toBe(String(visible(emulator.orders).length));
    });

    it("filters by e-mail as a case-insensitive substring (LIKE %value%)", async () => {
      const target = visible(emulator.orders).find((o) => n(o.user_id) > 0)!;
      const rows = await listAll(`?email=${encodeURIComponent(target.email.toUpperCase())}`);
      const expected = visible(emulator.orders).filter((o) => o.email.toLowerCase().includes(target.email.toLowerCase()));
      expect(rows.map((r) => r["order_id"]).sort()).toEqual(expected.map((o) => o.order_id).sort());
      const domain = await listAll("?email=example.net", 100);
      expect(domain.length).toBe(visible(emulator.orders).filter((o) => o.email.includes("example.net")).length);
      expect(domain.length).toBeGreaterThan(0);
    });

    it("filters by invoice_id", async () => {
      const target = emulator.orders.find((o) => o.invoice_id !== null && o.status !== "N")!;
      const body = await list(`?invoice_id=${target.invoice_id}`);
      expect(body.orders.map((o) => o["order_id"])).toEqual([target.order_id]);
      expect(body.orders[0]!["invoice_id"]).toBe(target.invoice_id);
    });

    it("filters by updated_at_from/updated_at_to as unix timestamps, both ends inclusive", async () => {
      const stamps = visible(emulator.orders)
        .map((o) => n(o.updated_at))
        .sort((a, b) => a - b);
      const from = stamps[100]!;
      const to = stamps[200]!;
      const rows = await listAll(`?updated_at_from=${from}&updated_at_to=${to}`);
      const expected = visible(emulator.orders).filter((o) => n(o.updated_at) >= from && n(o.updated_at) <= to);
      expect(rows.map((r) => r["order_id"]).sort()).toEqual(expected.map((o) => o.order_id).sort());
      expect(rows.length).toBeGreaterThanOrEqual(101);
    });

    it("reads YYYY-MM-DD dates as whole UTC days", async () => {
      const day = "2024-03-15";
      const start = Date.UTC(2024, 2, 15) / 1000;
      const rows = await listAll(`?updated_at_from=2024-01-01&updated_at_to=${day}`);
      const expected = visible(emulator.orders).filter(
        (o) => n(o.updated_at) >= Date.UTC(2024, 0, 1) / 1000 && n(o.updated_at) <= start + 86_399,
      );
      expect(rows.map((r) => r["order_id"]).sort()).toEqual(expected.map((o) => o.order_id).sort());
      expect(rows.length).toBeGreaterThan(0);
    });

    it("combines filters", async () => {
      const rows = await listAll("?status=C&email=example.com&sort_by=total&sort_order=asc");
      const expected = emulator.orders.filter((o) => o.status === "C" && o.email.includes("example.com"));
      expect(rows.length).toBe(expected.length);
    });

    it("answers 400 with the error body for bad values", async () => {
      for (const query of [
        "?items_per_page=0",
        "?items_per_page=abc",
        "?items_per_page=-5",
        "?page=0",
        "?user_id=abc",
        "?invoice_id=1.5",
        "?updated_at_from=yesterday",
        "?updated_at_to=2024-02-30",
      ]) {
        const answer = await get(`/api/orders${query}`);
        expect(answer.status, query).toBe(400);
        const body = answer.body as { message: string; status: number };
        expect(body.status).toBe(400);
        expect(body.message).toMatch(/^Bad Request: /);
      }
    });
  });

  describe("details", () => {
    it("answers the stored order with products keyed by item id", async () => {
      const stored = emulator.orders[42]!;
      const answer = await get(`/api/orders/${stored.order_id}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(stored);
      const body = answer.body as Record<string, unknown>;
      const products = body["products"] as Record<string, Record<string, unknown>>;
      expect(Array.isArray(products)).toBe(false);
      expect(Object.keys(products).length).toBeGreaterThan(0);
      for (const [key, product] of Object.entries(products)) {
        expect(product["item_id"]).toBe(key);
        for (const field of ["product_id", "product_code", "price", "amount", "product", "extra"]) expect(product).toHaveProperty(field);
      }
      for (const field of [
        "s_address",
        "s_city",
        "s_country",
        "s_zipcode",
        "b_address",
        "b_city",
        "b_country",
        "b_zipcode",
        "b_country_descr",
      ]) {
        expect(typeof body[field]).toBe("string");
      }
      expect(body).toHaveProperty("vendor_ref");
      expect(body).toHaveProperty("updated_at");
    });

    it("accepts a trailing slash", async () => {
      const stored = emulator.orders[3]!;
      expect((await get(`/api/orders/${stored.order_id}/`)).body).toEqual(stored);
    });

    it("answers 404 for an unknown or non-numeric id", async () => {
      for (const id of ["999999", "abc", "12ab"]) {
        const answer = await get(`/api/orders/${id}`);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ message: "Not Found", status: 404 });
      }
    });

    it("answers 404 for unknown paths and 405 for methods the emulator does not offer", async () => {
      expect((await get("/api/products")).status).toBe(404);
      expect((await get("/orders")).status).toBe(404);
      const id = emulator.orders[0]!.order_id;
      const answer = await call(emulator.url, "DELETE", `/api/orders/${id}`);
      expect(answer.status).toBe(405);
      expect(answer.body).toEqual({ message: "Method Not Allowed", status: 405 });
    });
  });
});

describe("CS-Cart emulator: writing", () => {
  let emulator: CsCartEmulator;
  const fixedNow = Date.UTC(2025, 10, 15, 9, 30, 0);
  const put = (id: string, body: string) => call(emulator.url, "PUT", `/api/orders/${id}`, { body });
  const get = (path: string) => call(emulator.url, "GET", path);
  const pick = (predicate: (o: CsCartOrder) => boolean) => emulator.orders.find(predicate)!;

  beforeAll(async () => {
    emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, seed: 5, size: 120, clock: () => fixedNow });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("changes the status without an e-mail by default and bumps updated_at", async () => {
    const order = pick((o) => o.status === "O");
    const before = n(order.updated_at);
    const sent = emulator.outbox.length;
    const answer = await put(order.order_id, JSON.stringify({ status: "P", notify_user: "0" }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ order_id: order.order_id });
    const details = (await get(`/api/orders/${order.order_id}`)).body as Record<string, unknown>;
    expect(details["status"]).toBe("P");
    expect(n(details["updated_at"])).toBe(fixedNow / 1000);
    expect(n(details["updated_at"])).toBeGreaterThan(before);
    expect(emulator.outbox.slice(sent)).toEqual([]);
    // The change is visible to the updated_at filter (with whatever else was written at this clock).
    const listed = (await get(`/api/orders?updated_at_from=${fixedNow / 1000}`)).body as ListBody;
    expect(listed.orders.map((o) => o["order_id"])).toContain(order.order_id);
    const written = emulator.orders.filter((o) => n(o.updated_at) >= fixedNow / 1000).map((o) => o.order_id);
    expect(listed.orders.map((o) => o["order_id"]).sort()).toEqual(written.sort());
  });

  it("e-mails the customer when notify_user is 1 and the status changed", async () => {
    const order = pick((o) => o.status === "P" && o.email !== "");
    const sent = emulator.outbox.length;
    const answer = await put(order.order_id, JSON.stringify({ status: "C", notify_user: "1" }));
    expect(answer.status).toBe(200);
    expect(emulator.outbox.slice(sent)).toEqual([
      { orderId: n(order.order_id), to: order.email, status: "C", at: new Date(fixedNow).toISOString() },
    ]);
    // Numeric 1 works too; an unchanged status sends nothing.
    await put(order.order_id, JSON.stringify({ status: "C", notify_user: 1 }));
    expect(emulator.outbox.length).toBe(sent + 1);
  });

  it('accepts exactly the notify_user values its OpenAPI describes, the docs\' "1" and "0" among them', async () => {
    const doc = (await get("/openapi.json")).body as { components: { schemas: Record<string, Schema> } };
    const { schemas } = doc.components;
    const schema = schemas["OrderUpdate"] as { properties: Record<string, Schema> };
    const notify = schema.properties["notify_user"]!;
    expect(fits(schemas, notify, "1")).toBe(true);
    expect(fits(schemas, notify, "0")).toBe(true);
    const order = pick((o) => o.status === "D");
    let status = order.status;
    for (const value of ["0", "1", 0, 1, true, false, "", null, "yes", "true", "2", 2, -1, 1.5, [1], {}]) {
      const next = status === "D" ? "I" : "D";
      const answer = await put(order.order_id, JSON.stringify({ status: next, notify_user: value }));
      expect(answer.status, JSON.stringify(value)).toBe(fits(schemas, notify, value) ? 200 : 400);
      if (answer.status === 200) status = next;
      expect(order.status).toBe(status);
    }
  });

  it("refuses status N, an unknown letter and a bad notify_user, leaving the order unchanged", async () => {
    const order = pick((o) => o.status === "B");
    const snapshot = structuredClone(order);
    for (const body of [{ status: "N" }, { status: "Z" }, { status: "p" }, { status: 5 }, { status: "C", notify_user: "yes" }]) {
      const answer = await put(order.order_id, JSON.stringify(body));
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body as { message: string }).message).toMatch(/^Bad Request: /);
    }
    expect((await put(order.order_id, JSON.stringify({ status: "N" }))).body).toEqual({
      message: "Bad Request: status N (Incomplete) cannot be set by an administrator",
      status: 400,
    });
    expect(order).toEqual(snapshot);
  });

  it("answers 404 for an unknown order and 400 for invalid JSON", async () => {
    expect(await put("999999", '{"status":"C"}')).toMatchObject({ status: 404, body: { message: "Not Found", status: 404 } });
    const order = emulator.orders[0]!;
    for (const body of ["{status:", "[1,2]", '"P"']) {
      const answer = await put(order.order_id, body);
      expect(answer.status).toBe(400);
      expect((answer.body as { status: number }).status).toBe(400);
    }
  });

  it("sets a vendor_ref that the search then finds, as a bare array of detailed orders", async () => {
    const order = pick((o) => o.vendor_ref === "");
    const answer = await put(order.order_id, JSON.stringify({ vendor_ref: "ABC1234" }));
    expect(answer).toMatchObject({ status: 200, body: { order_id: order.order_id } });
    const found = await get("/api/orders/search/?vendor_ref=ABC1234");
    expect(found.status).toBe(200);
    expect(found.body).toEqual([order]);
    expect((found.body as CsCartOrder[])[0]!.vendor_ref).toBe("ABC1234");
    expect(n(order.updated_at)).toBe(fixedNow / 1000);
    // Without the trailing slash too.
    expect((await get("/api/orders/search?vendor_ref=ABC1234")).body).toEqual([order]);
  });

  it("finds every order sharing a reference, and matches exactly", async () => {
    const shared = emulator.orders.filter((o) => o.vendor_ref === "PO-SPLIT-0001");
    expect(shared.length).toBe(2);
    const found = await get("/api/orders/search/?vendor_ref=PO-SPLIT-0001");
    expect((found.body as CsCartOrder[]).map((o) => o.order_id)).toEqual(shared.map((o) => o.order_id));
    expect((await get("/api/orders/search/?vendor_ref=PO-SPLIT")).status).toBe(404);
  });

  it("answers 404 with the add-on's message when nothing matches, and 400 without vendor_ref", async () => {
    expect(await get("/api/orders/search/?vendor_ref=NOPE-0000")).toMatchObject({
      status: 404,
      body: { message: "Your search did not return any results", status: 404 },
    });
    for (const path of ["/api/orders/search/", "/api/orders/search/?vendor_ref=", "/api/orders/search/?vendor_ref[]=a"]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(400);
      expect((answer.body as { status: number }).status).toBe(400);
    }
  });

  it("skips a vendor_ref that is not a string (object, array, number, null) and applies the rest of the body", async () => {
    // The add-on's docs: objects or arrays "will not be added to the order", which is no refusal.
    const order = pick((o) => o.vendor_ref === "" && o.status === "C");
    const before = order.updated_at;
    for (const vendorRef of [{ id: "X" }, ["X", "Y"], 1234, null]) {
      const answer = await put(order.order_id, JSON.stringify({ vendor_ref: vendorRef }));
      expect(answer, JSON.stringify(vendorRef)).toMatchObject({ status: 200, body: { order_id: order.order_id } });
      expect(order.vendor_ref).toBe("");
    }
    expect(order.updated_at).toBe(before);
    expect((await get("/api/orders/search/?vendor_ref=X")).status).toBe(404);
    const answer = await put(order.order_id, JSON.stringify({ vendor_ref: ["X"], status: "H" }));
    expect(answer).toMatchObject({ status: 200, body: { order_id: order.order_id } });
    expect(order.status).toBe("H");
    expect(order.vendor_ref).toBe("");
  });

  it("clears a vendor_ref with an empty string", async () => {
    const order = pick((o) => o.vendor_ref !== "" && o.vendor_ref !== "PO-SPLIT-0001" && o.vendor_ref !== "ABC1234");
    const ref = order.vendor_ref;
    expect((await put(order.order_id, JSON.stringify({ vendor_ref: "" }))).status).toBe(200);
    expect(order.vendor_ref).toBe("");
    expect((await get(`/api/orders/search/?vendor_ref=${encodeURIComponent(ref)}`)).status).toBe(404);
  });
});

describe("CS-Cart data", () => {
  const { orders, users } = generateCsCartData();

  it("is deterministic: the same seed gives the same data, another seed other data", () => {
    expect(generateCsCartData({ seed: 1, size: 400 })).toEqual({ orders, users });
    expect(generateCsCartData({ seed: 2 }).orders).not.toEqual(orders);
    expect(generateCsCartData({ seed: 9, size: 30 }).orders.length).toBe(30);
  });

  it("has several hundred orders in every status, repeat customers and guests", () => {
    expect(orders.length).toBe(400);
    for (const status of CSCART_STATUSES)
      expect(
        orders.some((o) => o.status === status),
        status,
      ).toBe(true);
    expect(new Set(generateCsCartData({ seed: 3, size: 11 }).orders.map((o) => o.status)).size).toBe(11);
    const perUser = new Map<number, number>();
    for (const o of orders) perUser.set(n(o.user_id), (perUser.get(n(o.user_id)) ?? 0) + 1);
    expect([...perUser].filter(([id, count]) => id > 0 && count >= 3).length).toBeGreaterThan(10);
    expect(perUser.get(0) ?? 0).toBeGreaterThan(20);
    expect(users.length).toBeGreaterThan(0);
  });

  it("keeps ids unique and ascending, with shared timestamps and times within three years before the epoch", () => {
    const ids = orders.map((o) => n(o.order_id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const stamps = orders.map((o) => n(o.timestamp));
    expect(stamps.length - new Set(stamps).size).toBeGreaterThanOrEqual(5);
    const epoch = DATA_EPOCH / 1000;
    for (const o of orders) {
      expect(n(o.timestamp)).toBeLessThanOrEqual(epoch);
      expect(n(o.timestamp)).toBeGreaterThan(epoch - 3.1 * 365 * 86_400);
      expect(n(o.updated_at)).toBeGreaterThanOrEqual(n(o.timestamp));
      expect(n(o.updated_at)).toBeLessThanOrEqual(epoch);
    }
  });

  it("has totals consistent with the products, to the cent", () => {
    const cents = (v: string | number) => Math.round(Number(v) * 100);
    for (const o of orders) {
      const products = Object.values(o.products);
      expect(products.length).toBeGreaterThan(0);
      const subtotal = products.reduce((sum, p) => sum + cents(p.price) * Number(p.amount), 0);
      expect(cents(o.subtotal)).toBe(subtotal);
      const addedTax = Array.isArray(o.taxes)
        ? 0
        : Object.values(o.taxes).reduce((sum, t) => sum + (t.price_includes_tax === "N" ? cents(t.tax_subtotal) : 0), 0);
      expect(cents(o.total)).toBe(subtotal - cents(o.subtotal_discount) + cents(o.shipping_cost) + cents(o.payment_surcharge) + addedTax);
      for (const field of ["subtotal", "discount", "subtotal_discount", "shipping_cost", "payment_surcharge"] as const) {
        expect(o[field]).toMatch(/^\d+\.\d{2}$/);
      }
      if (typeof o.total === "string") expect(o.total).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it("fills the detail fields realistically", () => {
    expect(orders.some((o) => o.invoice_id !== null)).toBe(true);
    expect(orders.some((o) => o.credit_memo_id !== null)).toBe(true);
    expect(orders.some((o) => o.issuer_id !== null)).toBe(true);
    expect(orders.some((o) => o.notes !== "")).toBe(true);
    expect(orders.some((o) => o.details !== "")).toBe(true);
    expect(orders.some((o) => o.need_shipping === false && o.shipping.length === 0)).toBe(true);
    expect(orders.some((o) => !Array.isArray(o.promotions))).toBe(true);
    expect(new Set(orders.map((o) => o.lang_code)).size).toBeGreaterThan(3);
    expect(new Set(orders.map((o) => String(o.company_id))).size).toBeGreaterThan(1);
    expect(orders.some((o) => typeof o.total === "number")).toBe(true);
    expect(orders.some((o) => o.s_city !== o.b_city)).toBe(true);
    for (const o of orders) {
      expect(o.payment_method.payment_id).toBe(o.payment_id);
      expect(o.email).toMatch(/^[a-z0-9.]+@[a-z.]+$/);
    }
  });
});
