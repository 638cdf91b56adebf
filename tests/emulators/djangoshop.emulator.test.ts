/**
 * The djangoshop emulator over real HTTP: DRF auth, the limit/offset envelope and its
 * links, every documented filter, search and ordering, the 400/404 bodies and the data
 * set's integer minor units. Expectations are computed here from the emulator's own
 * data with the documented rules, not with the emulator's code.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DJANGOSHOP_STATUSES,
  type DjangoShopData,
  type DjangoShopOrder,
  djangoWallTimeToEpochMs,
  generateDjangoShopData,
} from "../../emulators/djangoshop/djangoshop.data.ts";
import {
  DJANGOSHOP_DEFAULT_TOKEN,
  type DjangoShopEmulator,
  startDjangoShopEmulator,
} from "../../emulators/djangoshop/djangoshop.emulator.ts";

interface OpenApiDoc {
  info: { description: string };
  paths: Record<string, { get: { parameters: Array<{ name: string; description?: string; schema: Record<string, unknown> }> } }>;
  components: { schemas: { Order: { properties: Record<string, Record<string, unknown>> } } };
}

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: DjangoShopOrder[];
}

let emu: DjangoShopEmulator;

beforeAll(async () => {
  emu = await startDjangoShopEmulator({ host: "127.0.0.1", port: 0, nonStaffTokens: ["customer-token"] });
});

afterAll(async () => {
  await emu?.close();
});

/** One request; `token: null` sends no Authorization header. */
async function call(
  path: string,
  options: { token?: string | null; authorization?: string; method?: string; server?: DjangoShopEmulator } = {},
): Promise<{ res: Response; body: unknown }> {
  const server = options.server ?? emu;
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers["authorization"] = options.authorization;
  else if (options.token !== null) headers["authorization"] = `Token ${options.token ?? server.token}`;
  const res = await fetch(server.url + path, { headers, method: options.method ?? "GET", redirect: "manual" });
  const text = await res.text();
  const body = (res.headers.get("content-type") ?? "").startsWith("application/json") && text !== "" ? JSON.parse(text) : text;
  return { res, body };
}

async function page(query: string, server: DjangoShopEmulator = emu): Promise<Page> {
  const { res, body } = await call(`/api/orders/${query}`, { server });
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as Page;
}

/** Follows `next` to the end and returns every order id in the order served. */
async function allIds(query: Record<string, string> = {}, server: DjangoShopEmulator = emu): Promise<number[]> {
  const params = new URLSearchParams({ limit: "100", ...query });
  let url: string | null = `${server.url}/api/orders/?${params}`;
  const ids: number[] = [];
  let guard = 0;
  while (url !== null && guard++ < 100) {
    const res = await fetch(url, { headers: { authorization: `Token ${server.token}` } });
    const body = (await res.json()) as Page;
    expect(res.status, JSON.stringify(body)).toBe(200);
    ids.push(...body.results.map((o) => o.id));
    url = body.next;
  }
  return ids;
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const idsWhere = (predicate: (o: DjangoShopOrder) => boolean) => sorted(emu.orders.filter(predicate).map((o) => o.id));

/** Asserts that a filter returns exactly the orders of a predicate (and at least one, and not all, when asked). */
async function expectFilter(query: Record<string, string>, predicate: (o: DjangoShopOrder) => boolean, nonTrivial = true) {
  const expected = idsWhere(predicate);
  if (nonTrivial) {
    expect(expected.length, `${JSON.stringify(query)} should match some orders`).toBeGreaterThan(0);
    expect(expected.length, `${JSON.stringify(query)} should not match every order`).toBeLessThan(emu.orders.length);
  }
  expect(sorted(await allIds(query))).toEqual(expected);
}

/** Epoch microseconds of an API timestamp, computed independently of the emulator. */
function micros(timestamp: string): number {
  const fraction = /\.(\d{1,6})/.exec(timestamp)?.[1] ?? "";
  const ms = Date.parse(timestamp.replace(/\.\d+/, ""));
  return ms * 1000 + Number(fraction.padEnd(6, "0"));
}

const utcDate = (timestamp: string) => new Date(Math.floor(micros(timestamp) / 1000)).toISOString().slice(0, 10);

describe("authentication (DRF TokenAuthentication)", () => {
  it("answers 401 with the DRF body and WWW-Authenticate when no credentials are sent", async () => {
    const { res, body } = await call("/api/orders/", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Token");
    expect(body).toEqual({ detail: "Authentication credentials were not provided." });
  });

  it("answers 401 Invalid token for an unknown key", async () => {
    const { res, body } = await call("/api/orders/", { token: "nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Token");
    expect(body).toEqual({ detail: "Invalid token." });
  });

  it("treats another scheme as no credentials and reports malformed Token headers", async () => {
    expect((await call("/api/orders/", { authorization: `Bearer ${DJANGOSHOP_DEFAULT_TOKEN}` })).body).toEqual({
      detail: "Authentication credentials were not provided.",
    });
    const bare = await call("/api/orders/", { authorization: "Token" });
    expect(bare.res.status).toBe(401);
    expect(bare.body).toEqual({ detail: "Invalid token header. No credentials provided." });
    const spaced = await call("/api/orders/", { authorization: "Token a b" });
    expect(spaced.body).toEqual({ detail: "Invalid token header. Token string should not contain spaces." });
  });

  it("accepts the default token, with a case-insensitive keyword", async () => {
    expect(emu.token).toBe(DJANGOSHOP_DEFAULT_TOKEN);
    expect((await call("/api/orders/?limit=1", { authorization: `token ${DJANGOSHOP_DEFAULT_TOKEN}` })).res.status).toBe(200);
  });

  it("answers 403 to a valid non-staff token", async () => {
    const { res, body } = await call("/api/orders/", { token: "customer-token" });
    expect(res.status).toBe(403);
    expect(body).toEqual({ detail: "You do not have permission to perform this action." });
  });

  it("protects the detail route too", async () => {
    const id = emu.orders[0]!.id;
    const { res, body } = await call(`/api/orders/${id}/`, { token: null });
    expect(res.status).toBe(401);
    expect(body).toEqual({ detail: "Authentication credentials were not provided." });
    expect((await call(`/api/orders/${id}/`, { token: "wrong" })).body).toEqual({ detail: "Invalid token." });
  });

  it("uses a custom token when given one", async () => {
    const other = await startDjangoShopEmulator({ token: "s3cret", size: 5 });
    try {
      expect((await call("/api/orders/", { server: other, token: DJANGOSHOP_DEFAULT_TOKEN })).res.status).toBe(401);
      expect((await call("/api/orders/", { server: other })).res.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe("routing", () => {
  it("redirects a missing trailing slash with 301, keeping the query (Django APPEND_SLASH)", async () => {
    const list = await call("/api/orders?limit=5&status=new");
    expect(list.res.status).toBe(301);
    expect(list.res.headers.get("location")).toBe("/api/orders/?limit=5&status=new");
    const detail = await call("/api/orders/7", { token: null });
    expect(detail.res.status).toBe(301);
    expect(detail.res.headers.get("location")).toBe("/api/orders/7/");
  });

  it("is reachable through the redirect by a client that follows it", async () => {
    const res = await fetch(`${emu.url}/api/orders?limit=2`, { headers: { authorization: `Token ${emu.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Page).results).toHaveLength(2);
  });

  it("answers Django's HTML 404 for unknown paths", async () => {
    const { res, body } = await call("/api/customers/");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(String(body)).toContain("Not Found");
  });

  it("refuses writes with 405 and answers HEAD like GET", async () => {
    const post = await call("/api/orders/", { method: "POST" });
    expect(post.res.status).toBe(405);
    expect(post.body).toEqual({ detail: 'Method "POST" not allowed.' });
    expect(post.res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect((await call("/api/orders/", { method: "HEAD" })).res.status).toBe(200);
  });
});

describe("order detail", () => {
  it("returns the stored order", async () => {
    const order = emu.orders[17]!;
    const { res, body } = await call(`/api/orders/${order.id}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(body).toEqual(order);
  });

  it("answers 404 Not found for an unknown or non-numeric id", async () => {
    const unknown = await call("/api/orders/999999/");
    expect(unknown.res.status).toBe(404);
    expect(unknown.body).toEqual({ detail: "Not found." });
    expect((await call("/api/orders/abc/")).body).toEqual({ detail: "Not found." });
  });

  it("serves changes made to the store", async () => {
    const order = emu.orders[3]!;
    const before = order.notes;
    order.notes = "changed by a test";
    try {
      expect(((await call(`/api/orders/${order.id}/`)).body as DjangoShopOrder).notes).toBe("changed by a test");
    } finally {
      order.notes = before;
    }
  });
});

describe("envelope and paging (LimitOffsetPagination)", () => {
  it("wraps results in count/next/previous with absolute links from the Host header", async () => {
    const first = await page("");
    expect(first.count).toBe(emu.orders.length);
    expect(first.results).toHaveLength(20);
    expect(first.previous).toBeNull();
    expect(first.next).toBe(`${emu.url}/api/orders/?limit=20&offset=20`);
    // fetch may not set Host, so this request goes through node:http, as a proxy in front would send it.
    const proxied = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${emu.url}/api/orders/?limit=3`,
        { headers: { authorization: `Token ${emu.token}`, host: "shop.example:8443" } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect((JSON.parse(proxied) as Page).next).toBe("http://shop.example:8443/api/orders/?limit=3&offset=3");
  });

  it("keeps the other query parameters in next/previous, sorted and quote_plus-encoded like DRF", async () => {
    const p = await page("?status_in=new,completed,shipped&zeta=a b&limit=5&offset=10");
    expect(p.next).toBe(`${emu.url}/api/orders/?limit=5&offset=15&status_in=new%2Ccompleted%2Cshipped&zeta=a+b`);
    expect(p.previous).toBe(`${emu.url}/api/orders/?limit=5&offset=5&status_in=new%2Ccompleted%2Cshipped&zeta=a+b`);
    const second = await page("?limit=5&offset=5");
    expect(second.previous).toBe(`${emu.url}/api/orders/?limit=5`);
  });

  it("yields every order exactly once when following next to the end", async () => {
    for (const limit of ["7", "100"]) {
      const ids = await allIds({ limit });
      expect(ids).toHaveLength(emu.orders.length);
      expect(new Set(ids).size).toBe(emu.orders.length);
    }
    // The last page has no next link.
    const last = await page(`?limit=7&offset=${emu.orders.length - 3}`);
    expect(last.results).toHaveLength(3);
    expect(last.next).toBeNull();
  });

  it("falls back to the default limit on invalid values, caps at max_limit, and clamps bad offsets to 0", async () => {
    for (const bad of ["abc", "0", "-3", "2.5"]) {
      const p = await page(`?limit=${bad}`);
      expect(p.results, bad).toHaveLength(20);
      expect(p.next).toBe(`${emu.url}/api/orders/?limit=20&offset=20`);
    }
    expect((await page("?limit=1000")).results).toHaveLength(100);
    const badOffset = await page("?limit=2&offset=-5");
    expect(badOffset.previous).toBeNull();
    expect(badOffset.results.map((o) => o.id)).toEqual((await page("?limit=2")).results.map((o) => o.id));
  });

  it("describes limit and offset in /openapi.json as corrected, not refused (no minimum or maximum)", async () => {
    const { body } = await call("/openapi.json", { token: null });
    const parameters = (body as OpenApiDoc).paths["/api/orders/"]?.get.parameters ?? [];
    const limit = parameters.find((p) => p.name === "limit")!;
    const offset = parameters.find((p) => p.name === "offset")!;
    expect(limit.schema).toEqual({ type: "integer", default: 20 });
    expect(limit.description).toContain("cut to 100, not refused");
    expect(offset.schema).toEqual({ type: "integer", default: 0 });
    // What the description says is what the emulator does.
    expect((await page("?limit=101")).results).toHaveLength(100);
  });

  it("answers an empty page past the end, with a previous link", async () => {
    const p = await page("?limit=10&offset=5000");
    expect(p.results).toEqual([]);
    expect(p.count).toBe(emu.orders.length);
    expect(p.next).toBeNull();
    expect(p.previous).toBe(`${emu.url}/api/orders/?limit=10&offset=4990`);
  });

  it("uses the last value of a repeated parameter, as Django's QueryDict.get does", async () => {
    expect((await page("?limit=50&limit=3")).results).toHaveLength(3);
  });

  it("honours the defaultLimit and maxLimit options", async () => {
    const small = await startDjangoShopEmulator({ defaultLimit: 5, maxLimit: 8, size: 30 });
    try {
      expect((await page("", small)).results).toHaveLength(5);
      expect((await page("?limit=50", small)).results).toHaveLength(8);
    } finally {
      await small.close();
    }
  });
});

describe("filters", () => {
  it("status: one valid choice, and 400 with Django's message for an invalid one", async () => {
    for (const status of DJANGOSHOP_STATUSES) await expectFilter({ status }, (o) => o.status === status);
    const { res, body } = await call("/api/orders/?status=pending");
    expect(res.status).toBe(400);
    expect(body).toEqual({ status: ["Select a valid choice. pending is not one of the available choices."] });
  });

  it("status_in: a comma list; unknown values match nothing", async () => {
    await expectFilter({ status_in: "new,hold,refunded" }, (o) => ["new", "hold", "refunded"].includes(o.status));
    await expectFilter({ status_in: "shipped,nonsense" }, (o) => o.status === "shipped");
  });

  it("customer and customer_in", async () => {
    const counts = new Map<number, number>();
    for (const o of emu.orders) if (o.customer_data) counts.set(o.customer_data.id, (counts.get(o.customer_data.id) ?? 0) + 1);
    const [top, second] = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(counts.get(top!)).toBeGreaterThan(1); // repeat customers exist
    await expectFilter({ customer: String(top) }, (o) => o.customer_data?.id === top);
    await expectFilter({ customer_in: `${top},${second}` }, (o) => o.customer_data?.id === top || o.customer_data?.id === second);
    expect(await allIds({ customer: "987654" })).toEqual([]);
  });

  it("payment_method and payment_method_in", async () => {
    await expectFilter({ payment_method: "2" }, (o) => o.payment_method_data?.id === 2);
    await expectFilter({ payment_method_in: "1,5" }, (o) => o.payment_method_data?.id === 1 || o.payment_method_data?.id === 5);
  });

  it("shipping_method and shipping_method_in", async () => {
    await expectFilter({ shipping_method: "1" }, (o) => o.shipping_method_data?.id === 1);
    await expectFilter({ shipping_method_in: "2,3" }, (o) => [2, 3].includes(o.shipping_method_data?.id ?? -1));
  });

  it("billing_country, billing_state, billing_city and their _in forms, by id", async () => {
    const denmark = emu.data.countries.find((c) => c.code === "DK")!;
    const germany = emu.data.countries.find((c) => c.code === "DE")!;
    await expectFilter({ billing_country: String(denmark.id) }, (o) => o.billing_country_data?.id === denmark.id);
    await expectFilter(
      { billing_country_in: `${denmark.id},${germany.id}` },
      (o) => o.billing_country_data?.id === denmark.id || o.billing_country_data?.id === germany.id,
    );
    const [s1, s2] = emu.data.states;
    await expectFilter({ billing_state: String(s1!.id) }, (o) => o.billing_state_data?.id === s1!.id);
    await expectFilter({ billing_state_in: `${s1!.id},${s2!.id}` }, (o) => [s1!.id, s2!.id].includes(o.billing_state_data?.id ?? -1));
    const [c1, c2] = emu.data.cities;
    await expectFilter({ billing_city: String(c1!.id) }, (o) => o.billing_city_data?.id === c1!.id);
    await expectFilter({ billing_city_in: `${c1!.id},${c2!.id}` }, (o) => [c1!.id, c2!.id].includes(o.billing_city_data?.id ?? -1));
  });

  it("shipping_cost_min and shipping_cost_max, in minor units and inclusive", async () => {
    await expectFilter({ shipping_cost_min: "495" }, (o) => o.shipping_cost >= 495);
    await expectFilter({ shipping_cost_max: "495" }, (o) => o.shipping_cost <= 495);
    await expectFilter({ shipping_cost_min: "1", shipping_cost_max: "1000" }, (o) => o.shipping_cost >= 1 && o.shipping_cost <= 1000);
    // The docs' example value 10.00 is a decimal number: accepted, and compared in minor units.
    await expectFilter({ shipping_cost_min: "10.00" }, (o) => o.shipping_cost >= 10);
  });

  const HAS: ReadonlyArray<readonly [string, (o: DjangoShopOrder) => boolean]> = [
    ["has_customer", (o) => o.customer_data !== null],
    ["has_payment_method", (o) => o.payment_method_data !== null],
    ["has_shipping_method", (o) => o.shipping_method_data !== null],
    ["has_billing_country", (o) => o.billing_country_data !== null],
    ["has_billing_state", (o) => o.billing_state_data !== null],
    ["has_billing_city", (o) => o.billing_city_data !== null],
    ["has_billing_address", (o) => !!o.billing_address],
    ["has_billing_postal_code", (o) => !!o.billing_postal_code],
    ["has_billing_national_code", (o) => !!o.billing_national_code],
    ["has_billing_mobile_number", (o) => !!o.billing_mobile_number],
    ["has_billing_first_name", (o) => !!o.billing_first_name],
    ["has_billing_last_name", (o) => !!o.billing_last_name],
    ["has_notes", (o) => o.notes !== ""],
  ];

  it.each(HAS)("%s: true/false in every accepted spelling; null and empty both count as without", async (name, has) => {
    for (const yes of ["true", "True", "1"]) await expectFilter({ [name]: yes }, has);
    for (const no of ["false", "False", "0"]) await expectFilter({ [name]: no }, (o) => !has(o));
  });

  it.each(HAS)("%s: any other value leaves the filter out, as django-filter's BooleanWidget does", async (name) => {
    for (const junk of ["maybe", "yes", "2", "tru"]) {
      expect((await page(`?${name}=${junk}&limit=1`)).count, `${name}=${junk}`).toBe(emu.orders.length);
    }
    // The other filters still apply.
    await expectFilter({ [name]: "maybe", status: "completed" }, (o) => o.status === "completed");
  });

  it("the has_* string filters see both null and empty values in the data", () => {
    for (const field of ["billing_address", "billing_first_name", "billing_last_name", "billing_mobile_number"] as const) {
      expect(
        emu.orders.some((o) => o[field] === null),
        field,
      ).toBe(true);
      expect(
        emu.orders.some((o) => o[field] === ""),
        field,
      ).toBe(true);
    }
  });

  it("id_min and id_max, inclusive", async () => {
    const mid = emu.orders[100]!.id;
    await expectFilter({ id_min: String(mid) }, (o) => o.id >= mid);
    await expectFilter({ id_max: String(mid) }, (o) => o.id <= mid);
    await expectFilter({ id_min: String(mid), id_max: String(mid + 10) }, (o) => o.id >= mid && o.id <= mid + 10);
  });

  it("created_date and updated_date compare the UTC date", async () => {
    const day = utcDate(emu.orders[120]!.created_at);
    await expectFilter({ created_date: day }, (o) => utcDate(o.created_at) === day);
    const updatedDay = utcDate(emu.orders[50]!.updated_at);
    await expectFilter({ updated_date: updatedDay }, (o) => utcDate(o.updated_at) === updatedDay);
  });

  it("created_from/created_to with plain dates cover whole UTC days, inclusive", async () => {
    await expectFilter({ created_from: "2025-03-01" }, (o) => utcDate(o.created_at) >= "2025-03-01");
    await expectFilter({ created_to: "2025-03-31" }, (o) => utcDate(o.created_at) <= "2025-03-31");
    await expectFilter(
      { created_from: "2025-03-01", created_to: "2025-03-31" },
      (o) => utcDate(o.created_at) >= "2025-03-01" && utcDate(o.created_at) <= "2025-03-31",
    );
  });

  it("created_from/created_to with date-times compare instants, inclusive, offsets honoured", async () => {
    const tie = findTie();
    const instant = tie[0]!.created_at;
    await expectFilter({ created_from: instant, created_to: instant }, (o) => micros(o.created_at) === micros(instant), false);
    expect((await allIds({ created_from: instant, created_to: instant })).length).toBeGreaterThan(1);
    // The same instant written with another offset selects the same orders.
    const shifted = new Date(Math.floor(micros(instant) / 1000) + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    const at = micros(instant) - (micros(instant) % 1000);
    await expectFilter({ created_from: shifted }, (o) => micros(o.created_at) >= at);
  });

  it("updated_from/updated_to", async () => {
    await expectFilter({ updated_from: "2025-06-01T00:00:00Z" }, (o) => micros(o.updated_at) >= Date.UTC(2025, 5, 1) * 1000);
    await expectFilter({ updated_to: "2025-06-01" }, (o) => utcDate(o.updated_at) <= "2025-06-01");
    await expectFilter(
      { updated_from: "2025-01-01", updated_to: "2025-01-31T12:00:00" },
      (o) => utcDate(o.updated_at) >= "2025-01-01" && micros(o.updated_at) <= Date.UTC(2025, 0, 31, 12) * 1000,
    );
  });

  it("an unencoded + in an offset arrives as a space and is refused, as in Django", async () => {
    const { res, body } = await call("/api/orders/?created_from=2025-01-01T10:00:00+01:00");
    expect(res.status).toBe(400);
    expect(body).toEqual({ created_from: ["Enter a valid date/time."] });
  });

  it("reports every bad field at once with Django's messages", async () => {
    // has_notes=maybe is no error: an unreadable boolean leaves its filter out.
    const query =
      "?status=pending&customer=abc&payment_method_in=1,x&shipping_cost_min=ten&has_notes=maybe&id_max=1e&created_date=2025-13-01" +
      "&created_from=yesterday&updated_to=2025-02-30&billing_city=%20";
    const { res, body } = await call(`/api/orders/${query}`);
    expect(res.status).toBe(400);
    expect(body).toEqual({
      status: ["Select a valid choice. pending is not one of the available choices."],
      customer: ["Enter a number."],
      payment_method_in: ["Enter a number."],
      shipping_cost_min: ["Enter a number."],
      id_max: ["Enter a number."],
      created_date: ["Enter a valid date."],
      created_from: ["Enter a valid date/time."],
      updated_to: ["Enter a valid date/time."],
      billing_city: ["Enter a number."],
    });
  });

  it("ignores empty values and unknown parameters", async () => {
    expect((await page("?status=&customer=&has_notes=&frobnicate=1")).count).toBe(emu.orders.length);
  });
});

/** The search fields of the docs, read from the payload and the customer record. */
function haystack(data: DjangoShopData, o: DjangoShopOrder): string[] {
  const c = o.customer_data ? data.customers.find((x) => x.id === o.customer_data!.id) : undefined;
  return [
    String(o.id),
    o.key,
    o.customer_data ? String(o.customer_data.id) : "",
    c?.first_name ?? "",
    c?.last_name ?? "",
    c?.email ?? "",
    o.customer_data?.username ?? "",
    c?.mobile_number ?? "",
    o.notes,
    o.billing_country_data?.name ?? "",
    o.billing_state_data?.name ?? "",
    o.billing_city_data?.name ?? "",
    o.billing_first_name ?? "",
    o.billing_last_name ?? "",
    o.billing_mobile_number ?? "",
  ].map((s) => s.toLowerCase());
}

const searchMatches = (terms: string[]) => (o: DjangoShopOrder) =>
  terms.every((t) => haystack(emu.data, o).some((f) => f.includes(t.toLowerCase())));

describe("search (SearchFilter, icontains over the documented fields)", () => {
  it("matches a customer's e-mail, which is not in the payload", async () => {
    const customer = emu.data.customers.find((c) => emu.orders.filter((o) => o.customer_data?.id === c.id).length > 1)!;
    const term = customer.email.toUpperCase();
    await expectFilter({ search: term }, searchMatches([term]));
    const ids = await allIds({ search: term });
    for (const o of emu.orders.filter((x) => x.customer_data?.id === customer.id)) expect(ids).toContain(o.id);
  });

  it("is case-insensitive over place names", async () => {
    await expectFilter({ search: "KØBENHAVN" }, searchMatches(["københavn"]));
  });

  it("splits on whitespace and ANDs the words", async () => {
    const both = searchMatches(["anna", "hansen"]);
    const anna = idsWhere(searchMatches(["anna"]));
    const hansen = idsWhere(searchMatches(["hansen"]));
    expect(sorted(await allIds({ search: "anna   hansen" }))).toEqual(idsWhere(both));
    expect(idsWhere(both).length).toBeLessThan(Math.min(anna.length, hansen.length));
    // Unquoted commas separate terms too (DRF's search_smart_split).
    expect(sorted(await allIds({ search: "anna,hansen" }))).toEqual(idsWhere(both));
  });

  it("keeps a quoted phrase whole", async () => {
    await expectFilter({ search: '"leave the parcel"' }, searchMatches(["leave the parcel"]));
    // Unquoted, the same words may match in different fields and in any order.
    expect(idsWhere(searchMatches(["parcel", "leave"]))).toEqual(await allIds({ search: "parcel leave", ordering: "id" }));
  });

  it("finds an order by key, by an id fragment, by notes and by a mobile number", async () => {
    const order = emu.orders[42]!;
    expect(await allIds({ search: order.key })).toEqual([order.id]);
    await expectFilter({ search: "12" }, searchMatches(["12"]));
    await expectFilter({ search: "back door" }, searchMatches(["back", "door"]));
    const mobile = emu.orders.find((o) => o.billing_mobile_number)!.billing_mobile_number!;
    await expectFilter({ search: mobile }, searchMatches([mobile]), false);
    expect((await allIds({ search: mobile })).length).toBeGreaterThan(0);
  });

  it("does not look into fields outside the list (e.g. the postal code or the status)", async () => {
    expect(await allIds({ search: "completed" })).toEqual(idsWhere(searchMatches(["completed"])));
    expect(idsWhere(searchMatches(["completed"]))).toEqual([]);
  });
});

function findTie(): DjangoShopOrder[] {
  const groups = new Map<number, DjangoShopOrder[]>();
  for (const o of emu.orders) groups.set(micros(o.created_at), [...(groups.get(micros(o.created_at)) ?? []), o]);
  const tie = [...groups.values()].find((g) => g.length > 1);
  expect(tie).toBeDefined();
  return tie!;
}

type Key = (o: DjangoShopOrder) => number | string | null;
const customerOf = (o: DjangoShopOrder) => (o.customer_data ? emu.data.customers.find((c) => c.id === o.customer_data!.id) : undefined);
const KEYS: Record<string, Key> = {
  id: (o) => o.id,
  status: (o) => o.status,
  customer__id: (o) => o.customer_data?.id ?? null,
  customer__username: (o) => o.customer_data?.username ?? null,
  customer__first_name: (o) => customerOf(o)?.first_name ?? null,
  customer__last_name: (o) => customerOf(o)?.last_name ?? null,
  shipping_cost: (o) => o.shipping_cost,
  created_at: (o) => micros(o.created_at),
  updated_at: (o) => micros(o.updated_at),
};

/** Expected order: the given keys, NULL largest (PostgreSQL), then id ascending. */
function expectedOrder(ordering: string[]): number[] {
  const keys = ordering.map((t) => ({ key: KEYS[t.replace(/^-/, "")]!, dir: t.startsWith("-") ? -1 : 1 }));
  if (!ordering.some((t) => t.replace(/^-/, "") === "id")) keys.push({ key: KEYS["id"]!, dir: 1 });
  return [...emu.orders]
    .sort((a, b) => {
      for (const { key, dir } of keys) {
        const [x, y] = [key(a), key(b)];
        if (x === y) continue;
        if (x === null) return dir;
        if (y === null) return -dir;
        return (x < y ? -1 : 1) * dir;
      }
      return 0;
    })
    .map((o) => o.id);
}

describe("ordering (OrderingFilter)", () => {
  it("defaults to -created_at then -id, so equal created_at values come highest id first", async () => {
    const ids = await allIds();
    expect(ids).toEqual(expectedOrder(["-created_at", "-id"]));
    const tie = findTie().map((o) => o.id);
    const positions = tie.map((id) => ids.indexOf(id));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it.each([
    ["id"],
    ["-id"],
    ["status,-shipping_cost"],
    ["-status,customer__id"],
    ["customer__username,-created_at"],
    ["customer__last_name,customer__first_name"],
    ["-customer__first_name"],
    ["shipping_cost"],
    ["created_at"],
    ["-updated_at"],
  ])("orders by %s (ties by id ascending, NULL customers last ascending)", async (ordering) => {
    expect(await allIds({ ordering })).toEqual(expectedOrder(ordering.split(",")));
  });

  it("compares created_at as instants, not as text (offsets differ across summer time)", async () => {
    const ids = await allIds({ ordering: "created_at" });
    const values = ids.map((id) => micros(emu.orders.find((o) => o.id === id)!.created_at));
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it("ignores invalid fields silently, keeping the valid ones", async () => {
    expect(await allIds({ ordering: "bogus,-total" })).toEqual(expectedOrder(["-created_at", "-id"]));
    expect(await allIds({ ordering: "nope, -shipping_cost ,--id" })).toEqual(expectedOrder(["-shipping_cost"]));
  });

  it("combines with filters and paging", async () => {
    const ids = await allIds({ ordering: "-shipping_cost,id", status: "completed", limit: "9" });
    expect(ids).toEqual(
      expectedOrder(["-shipping_cost", "id"]).filter((id) => emu.orders.find((o) => o.id === id)!.status === "completed"),
    );
  });
});

describe("data set", () => {
  const data = generateDjangoShopData();

  it("has every status, every nullable object null somewhere, repeat customers and tied created_at", () => {
    expect(new Set(data.orders.map((o) => o.status))).toEqual(new Set(DJANGOSHOP_STATUSES));
    for (const field of [
      "customer_data",
      "payment_method_data",
      "shipping_method_data",
      "billing_country_data",
      "billing_state_data",
      "billing_city_data",
    ] as const) {
      expect(data.orders.some((o) => o[field] === null)).toBe(true);
      expect(data.orders.some((o) => o[field] !== null)).toBe(true);
    }
    expect(data.orders.some((o) => o.notes === "")).toBe(true);
    expect(new Set(data.orders.map((o) => o.key)).size).toBe(data.orders.length);
    expect(new Set(data.orders.map((o) => o.created_at)).size).toBeLessThan(data.orders.length);
  });

  const consistent = (d: DjangoShopData) => {
    for (const o of d.orders) {
      const amounts = [
        o.shipping_cost,
        o.items_subtotal,
        o.items_discount,
        o.subtotal,
        o.total_discount,
        o.total,
        o.amount_paid,
        o.amount_outstanding,
      ];
      for (const item of o.items) {
        amounts.push(item.unit_price, item.unit_discount, item.subtotal, item.discount, item.total, item.product_data.price);
        expect(item.subtotal).toBe(item.unit_price * item.quantity);
        expect(item.discount).toBe(item.unit_discount * item.quantity);
        expect(item.total).toBe(item.subtotal - item.discount);
      }
      for (const p of o.payments) amounts.push(p.amount);
      for (const a of amounts) expect(Number.isInteger(a), `order ${o.id}: ${a}`).toBe(true);
      expect(o.count).toBe(o.items.length);
      expect(o.quantity).toBe(o.items.reduce((s, i) => s + i.quantity, 0));
      expect(o.items_subtotal).toBe(o.items.reduce((s, i) => s + i.subtotal, 0));
      expect(o.items_discount).toBe(o.items.reduce((s, i) => s + i.discount, 0));
      expect(o.subtotal).toBe(o.items_subtotal - o.items_discount);
      expect(o.total_discount).toBe(o.items_discount);
      expect(o.total).toBe(o.subtotal + o.shipping_cost);
      expect(o.amount_paid).toBe(o.payments.reduce((s, p) => s + p.amount, 0));
      expect(o.amount_outstanding).toBe(o.total - o.amount_paid);
      expect(o.is_paid).toBe(o.amount_paid >= o.total);
    }
  };

  it("keeps every amount an integer in minor units, with consistent sums", () => {
    consistent(data);
    expect(data.orders.some((o) => o.is_paid) && data.orders.some((o) => !o.is_paid)).toBe(true);
    expect(data.orders.some((o) => o.amount_paid > 0 && !o.is_paid)).toBe(true);
  });

  it("scales amounts with currencyExponent 0 and 3, and nothing else changes", async () => {
    const zero = await startDjangoShopEmulator({ currencyExponent: 0 });
    const three = await startDjangoShopEmulator({ currencyExponent: 3 });
    try {
      for (const d of [zero.data, three.data]) consistent(d);
      expect(zero.data.currencyExponent).toBe(0);
      expect(three.data.currencyExponent).toBe(3);
      const id = data.orders[10]!.id;
      const [o0, o3] = [
        (await call(`/api/orders/${id}/`, { server: zero })).body,
        (await call(`/api/orders/${id}/`, { server: three })).body,
      ] as [DjangoShopOrder, DjangoShopOrder];
      const o2 = data.orders[10]!;
      expect(o3.items.map((i) => i.unit_price)).toEqual(o2.items.map((i) => i.unit_price * 10));
      expect(o0.items.map((i) => i.unit_price)).toEqual(o2.items.map((i) => Math.round(i.unit_price / 100)));
      expect(o3.shipping_cost).toBe(o2.shipping_cost * 10);
      expect([o0.key, o0.status, o0.created_at]).toEqual([o2.key, o2.status, o2.created_at]);
      expect(three.data.orders.map((o) => o.payments.length)).toEqual(data.orders.map((o) => o.payments.length));
    } finally {
      await zero.close();
      await three.close();
    }
  });

  it("is deterministic per seed", async () => {
    expect(generateDjangoShopData()).toEqual(data);
    expect(generateDjangoShopData({ seed: 2 })).not.toEqual(data);
    expect(generateDjangoShopData({ size: 40 }).orders).toHaveLength(40);
    const again = await startDjangoShopEmulator();
    try {
      expect((await page("?limit=50", again)).results).toEqual((await page("?limit=50")).results);
    } finally {
      await again.close();
    }
  });
});

/** Every timestamp an order carries: its own, its items' and its payments'. */
function timestamps(o: DjangoShopOrder): string[] {
  return [o.created_at, o.updated_at, ...o.items.flatMap((i) => [i.created_at, i.updated_at]), ...o.payments.map((p) => p.created_at)];
}

/** The offset a zone has at an instant, as `+02:00`, asked of Intl rather than of the emulator. */
function zoneOffsetText(timeZone: string, epochMs: number): string {
  const name = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(epochMs))
    .find((p) => p.type === "timeZoneName")!.value;
  return name === "GMT" ? "+00:00" : name.slice(3);
}

describe("time zone (DRF renders every datetime in the one current time zone)", () => {
  it("reads a naive time as Django's make_aware does (fold=0): the earlier of a doubled hour, the old offset in a skipped one", () => {
    const instant = (wall: string) => new Date(djangoWallTimeToEpochMs(Date.parse(`${wall}Z`), "Europe/Copenhagen")).toISOString();
    // 26 October 2025: 03:00 CEST became 02:00 CET, so 02:30 happened twice.
    expect(instant("2025-10-26T02:30:00")).toBe("2025-10-26T00:30:00.000Z");
    expect(instant("2025-10-26T03:30:00")).toBe("2025-10-26T02:30:00.000Z");
    // 30 March 2025: 02:00 CET became 03:00 CEST, so 02:30 never happened; read with +01:00.
    expect(instant("2025-03-30T02:30:00")).toBe("2025-03-30T01:30:00.000Z");
    expect(instant("2025-03-30T03:30:00")).toBe("2025-03-30T01:30:00.000Z");
    expect(instant("2025-07-01T12:00:00")).toBe("2025-07-01T10:00:00.000Z");
  });

  it("renders every timestamp of an answer in UTC with Z by default", async () => {
    const all = (await page("?limit=100")).results.concat((await page("?limit=100&offset=100")).results);
    const texts = all.flatMap(timestamps);
    expect(texts.length).toBeGreaterThan(400);
    for (const text of texts) expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/);
  });

  describe("with timeZone Europe/Copenhagen", () => {
    const zone = "Europe/Copenhagen";
    let cph: DjangoShopEmulator;
    beforeAll(async () => {
      cph = await startDjangoShopEmulator({ timeZone: zone, size: 300 });
    });
    afterAll(async () => {
      await cph?.close();
    });

    it("renders each instant with the zone's offset at that instant, and nothing else", async () => {
      const served = (await call("/api/orders/?limit=100", { server: cph })).body as Page;
      const texts = cph.orders.flatMap(timestamps);
      const offsets = new Set<string>();
      for (const text of [...texts, ...served.results.flatMap(timestamps)]) {
        const offset = text.slice(-6);
        expect(offset, text).toBe(zoneOffsetText(zone, Math.floor(micros(text) / 1000)));
        offsets.add(offset);
      }
      // Winter and summer time both occur over the 420 days of history.
      expect([...offsets].sort()).toEqual(["+01:00", "+02:00"]);
    });

    it("keeps the instants of the same seed in UTC", () => {
      expect(cph.orders.map((o) => micros(o.created_at))).toEqual(emu.orders.map((o) => micros(o.created_at)));
      expect(cph.orders.map((o) => micros(o.updated_at))).toEqual(emu.orders.map((o) => micros(o.updated_at)));
    });

    it("reads created_date, plain dates and naive date-times in the zone", async () => {
      const localDate = (o: DjangoShopOrder) => o.created_at.slice(0, 10);
      const byQuery = async (query: Record<string, string>) => sorted(await allIds(query, cph));
      const where = (predicate: (o: DjangoShopOrder) => boolean) => sorted(cph.orders.filter(predicate).map((o) => o.id));
      // An order created late in the UTC evening belongs to the next local day.
      const late = cph.orders.find((o) => utcDate(o.created_at) !== localDate(o))!;
      expect(late).toBeDefined();
      expect(await byQuery({ created_date: localDate(late) })).toEqual(where((o) => localDate(o) === localDate(late)));
      expect(await byQuery({ created_to: "2025-03-31" })).toEqual(where((o) => localDate(o) <= "2025-03-31"));
      // 2025-07-01T00:00:00 in Copenhagen (summer time) is 2025-06-30T22:00:00Z.
      const from = Date.UTC(2025, 5, 30, 22) * 1000;
      expect(await byQuery({ created_from: "2025-07-01T00:00:00" })).toEqual(where((o) => micros(o.created_at) >= from));
    });

    it("refuses a zone Intl does not know", async () => {
      await expect(startDjangoShopEmulator({ timeZone: "Mars/Olympus_Mons" })).rejects.toThrow(RangeError);
    });
  });
});

describe("order amounts as decimals (orderAmounts: decimal)", () => {
  const ORDER_AMOUNTS = [
    "shipping_cost",
    "items_subtotal",
    "items_discount",
    "subtotal",
    "total_discount",
    "total",
    "amount_paid",
    "amount_outstanding",
  ] as const;
  /** Minor units as decimal text with `places` places, by string slicing. */
  const decimalText = (minor: number, places: number) => {
    const digits = String(Math.abs(minor)).padStart(places + 1, "0");
    const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    return minor < 0 ? `-${text}` : text;
  };
  let numbers: DjangoShopEmulator;
  let strings: DjangoShopEmulator;
  beforeAll(async () => {
    numbers = await startDjangoShopEmulator({ size: 60, orderAmounts: "decimal" });
    strings = await startDjangoShopEmulator({ size: 60, orderAmounts: "decimal", coerceDecimalToString: true });
  });
  afterAll(async () => {
    await numbers?.close();
    await strings?.close();
  });

  it("renders order-level amounts, payments and shipping prices in major units; items stay minor integers", async () => {
    const text = await (
      await fetch(`${numbers.url}/api/orders/?limit=60`, { headers: { authorization: `Token ${numbers.token}` } })
    ).text();
    const served = (JSON.parse(text) as Page).results as unknown as Array<Record<string, unknown> & DjangoShopOrder>;
    const asStrings = (await call("/api/orders/?limit=60", { server: strings })).body as { results: Array<Record<string, unknown>> };
    const stored = new Map(numbers.orders.map((o) => [o.id, o]));
    expect(served).toHaveLength(60);
    for (const [index, o] of served.entries()) {
      const minor = stored.get(o.id)!;
      const s = asStrings.results[index]!;
      for (const field of ORDER_AMOUNTS) {
        expect(o[field], field).toBe(Number(decimalText(minor[field], 2)));
        expect(s[field], field).toBe(decimalText(minor[field], 2));
      }
      expect(o.payments.map((p) => p.amount)).toEqual(minor.payments.map((p) => Number(decimalText(p.amount, 2))));
      expect((s["payments"] as Array<{ amount: unknown }>).map((p) => p.amount)).toEqual(
        minor.payments.map((p) => decimalText(p.amount, 2)),
      );
      if (minor.shipping_method_data) expect(o.shipping_method_data?.price).toBe(Number(decimalText(minor.shipping_method_data.price, 2)));
      // The excerpt: item prices are integers in the smallest currency unit, whatever the order level does.
      expect(o.items).toEqual(minor.items);
    }
    // A DecimalField with two places: "19.90", never a float artefact like 19.899999.
    expect(asStrings.results.some((o) => /^\d+\.\d0$/.test(String(o["total"])))).toBe(true);
  });

  it("uses the currency's places: none at exponent 0, three at exponent 3", async () => {
    const yen = await startDjangoShopEmulator({ size: 10, currencyExponent: 0, orderAmounts: "decimal", coerceDecimalToString: true });
    const dinar = await startDjangoShopEmulator({ size: 10, currencyExponent: 3, orderAmounts: "decimal", coerceDecimalToString: true });
    try {
      const [y, d] = [yen.orders[3]!, dinar.orders[3]!];
      const servedY = (await call(`/api/orders/${y.id}/`, { server: yen })).body as Record<string, unknown>;
      const servedD = (await call(`/api/orders/${d.id}/`, { server: dinar })).body as Record<string, unknown>;
      expect(servedY["total"]).toBe(String(y.total));
      expect(servedD["total"]).toBe(decimalText(d.total, 3));
      expect(servedD["total"]).toMatch(/^\d+\.\d{3}$/);
    } finally {
      await yen.close();
      await dinar.close();
    }
  });

  it("compares shipping_cost_min/max exactly in major units, as a DecimalField column does", async () => {
    const idsOf = async (query: Record<string, string>) => sorted(await allIds(query, numbers));
    const where = (predicate: (o: DjangoShopOrder) => boolean) => sorted(numbers.orders.filter(predicate).map((o) => o.id));
    expect(numbers.orders.some((o) => o.shipping_cost === 495)).toBe(true);
    expect(await idsOf({ shipping_cost_min: "4.95" })).toEqual(where((o) => o.shipping_cost >= 495));
    expect(await idsOf({ shipping_cost_max: "4.95" })).toEqual(where((o) => o.shipping_cost <= 495));
    // 4.949 is below 4.95: no truncation to whole minor units here.
    expect(await idsOf({ shipping_cost_max: "4.949" })).toEqual(where((o) => o.shipping_cost < 495));
    expect(await idsOf({ shipping_cost_min: "1e1" })).toEqual(where((o) => o.shipping_cost >= 1000));
    const { res, body } = await call("/api/orders/?shipping_cost_min=ten", { server: numbers });
    expect(res.status).toBe(400);
    expect(body).toEqual({ shipping_cost_min: ["Enter a number."] });
  });

  it("describes the amount form in /openapi.json", async () => {
    const docOf = async (server: DjangoShopEmulator) => (await call("/openapi.json", { server, token: null })).body as OpenApiDoc;
    expect((await docOf(emu)).components.schemas.Order.properties["total"]).toMatchObject({ type: "integer" });
    expect((await docOf(numbers)).components.schemas.Order.properties["total"]).toMatchObject({ type: "number" });
    expect((await docOf(strings)).components.schemas.Order.properties["total"]).toMatchObject({ type: "string", format: "decimal" });
  });
});
