/**
 * The ActivePlatform emulator over real HTTP: auth, paging, every sort field,
 * every filter (incl. the local-date semantics of the date filters), get by id
 * and determinism. Expected results are computed here, independently of the
 * emulator's own query code, from its store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVEPLATFORM_DOCUMENT_PREFIXES,
  ACTIVEPLATFORM_ORDER_STATUSES,
  ACTIVEPLATFORM_ORDER_TYPES,
  type ActivePlatformOrder,
  generateActivePlatformData,
} from "../../emulators/activeplatform/activeplatform.data.ts";
import {
  ACTIVEPLATFORM_DEFAULT_PER_PAGE,
  ACTIVEPLATFORM_DEFAULT_TOKEN,
  ACTIVEPLATFORM_ORDERS_PATH,
  ACTIVEPLATFORM_SORT_FIELDS,
  type ActivePlatformEmulator,
  type ActivePlatformSortField,
  startActivePlatformEmulator,
} from "../../emulators/activeplatform/activeplatform.emulator.ts";
import { ACTIVEPLATFORM_OPENAPI } from "../../emulators/activeplatform/activeplatform.openapi.ts";

type Params = Record<string, string | number | undefined>;

interface Answer {
  status: number;
  text: string;
  body: unknown;
}

async function call(
  emulator: ActivePlatformEmulator,
  path: string,
  params: Params = {},
  token: string | null = emulator.apiToken,
): Promise<Answer> {
  const url = new URL(path, emulator.url);
  if (token !== null) url.searchParams.set("api_token", token);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, String(value));
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as unknown };
}

async function list(emulator: ActivePlatformEmulator, params: Params = {}): Promise<ActivePlatformOrder[]> {
  const answer = await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, params);
  expect(answer.status).toBe(200);
  expect(Array.isArray(answer.body)).toBe(true);
  return answer.body as ActivePlatformOrder[];
}

/** Pages like a client that only knows "a short page is the end". */
async function listAll(emulator: ActivePlatformEmulator, params: Params = {}, perPage = 100) {
  const all: ActivePlatformOrder[] = [];
  for (let page = 1; ; page++) {
    const rows = await list(emulator, { ...params, page, per_page: perPage });
    expect(rows.length).toBeLessThanOrEqual(perPage);
    all.push(...rows);
    if (rows.length < perPage) return all;
  }
}

const ids = (orders: readonly ActivePlatformOrder[]) => orders.map((o) => o.id);
const byId = (orders: readonly ActivePlatformOrder[]) => [...orders].sort((a, b) => a.id - b.id);
const utcDate = (timestamp: string) => new Date(Date.parse(timestamp)).toISOString().slice(0, 10);

/** The documented sort semantics, written independently of the emulator. */
function expectedSort(orders: readonly ActivePlatformOrder[], field: ActivePlatformSortField, reversed: boolean) {
  const value = (o: ActivePlatformOrder): number | string | null => {
    const v = o[field];
    if (v === null) return null;
    if (field === "created_at" || field === "updated_at") return new Date(v).getTime();
    if (field === "total") return Number(v);
    return v;
  };
  const ascending = [...orders].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === vb) return a.id - b.id;
    if (va === null) return 1;
    if (vb === null) return -1;
    return va < vb ? -1 : 1;
  });
  return reversed ? ascending.reverse() : ascending;
}

function expectErrorBody(answer: Answer, status: number) {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({ status, error: expect.any(String) });
}

let emulator: ActivePlatformEmulator;
let store: ActivePlatformOrder[];

beforeAll(async () => {
  emulator = await startActivePlatformEmulator();
  store = emulator.orders;
});

afterAll(async () => {
  await emulator.close();
});

describe("generated data", () => {
  it("is deterministic per seed and size, and the emulator serves exactly it", () => {
    expect(generateActivePlatformData()).toEqual(generateActivePlatformData({ seed: 1, size: 300 }));
    expect(generateActivePlatformData({ seed: 7, size: 50 })).toEqual(generateActivePlatformData({ seed: 7, size: 50 }));
    expect(generateActivePlatformData({ seed: 8, size: 50 })).not.toEqual(generateActivePlatformData({ seed: 7, size: 50 }));
    expect(store).toEqual(generateActivePlatformData({ seed: 1, size: 300 }).orders);
    expect(store).toHaveLength(300);
  });

  it("has every status, every type and documented document prefixes", () => {
    expect(new Set(store.map((o) => o.status))).toEqual(new Set(ACTIVEPLATFORM_ORDER_STATUSES));
    expect(new Set(store.map((o) => o.type))).toEqual(new Set(ACTIVEPLATFORM_ORDER_TYPES));
    for (const order of store) {
      expect(order.document_id).toMatch(new RegExp(`^${ACTIVEPLATFORM_DOCUMENT_PREFIXES[order.type]}\\d{6}$`));
    }
    expect(store.find((o) => o.type === "SalesOrder")?.document_id).toMatch(/^SO\d{6}$/);
    expect(store.find((o) => o.type === "RenewalOrder")?.document_id).toMatch(/^RN\d{6}$/);
    expect(new Set(store.map((o) => o.document_id)).size).toBe(store.length);
  });

  it("has well-formed, realistic fields", () => {
    const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;
    for (const order of store) {
      expect(order.created_at).toMatch(timestamp);
      expect(order.updated_at).toMatch(timestamp);
      expect(order.expiration_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.parse(order.updated_at)).toBeGreaterThanOrEqual(Date.parse(order.created_at));
      expect(order.updated_at.slice(23)).toBe(order.created_at.slice(23));
      expect(Number(order.total)).not.toBeNaN();
      const charged = order.charges.reduce((sum, c) => sum + Math.round(c.amount * 100), 0);
      expect(Math.round(Number(order.total) * 100)).toBe(charged);
      expect(order.items.length).toBeGreaterThan(0);
      for (const item of order.items) {
        expect(Object.keys(item).sort()).toEqual(["description", "id", "status", "target_id", "target_type", "type"]);
        expect(item.type).toMatch(/^ProvisioningItem::(New|Renew|Change|Switch|Prolong)$/);
      }
    }
    expect(new Set(store.map((o) => o.created_at.slice(23)))).toEqual(new Set(["+03:00", "+00:00"]));
    expect(store.some((o) => typeof o.total === "string")).toBe(true);
    expect(store.some((o) => typeof o.total === "number")).toBe(true);
    expect(store.filter((o) => o.promo_code !== null).length).toBeGreaterThan(0);
    expect(store.filter((o) => o.promo_code === null).length).toBeGreaterThan(store.length / 2);
    expect(store.some((o) => o.payment_id === null)).toBe(true);
    expect(store.some((o) => o.payment_id !== null)).toBe(true);
    const accounts = new Set(store.map((o) => o.account_id));
    expect(accounts.size).toBeLessThan(store.length / 3);
  });

  it("has orders sharing one creation instant, printed differently", () => {
    const byInstant = new Map<number, ActivePlatformOrder[]>();
    for (const o of store) byInstant.set(Date.parse(o.created_at), [...(byInstant.get(Date.parse(o.created_at)) ?? []), o]);
    const groups = [...byInstant.values()].filter((g) => g.length > 1);
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.some((g) => new Set(g.map((o) => o.created_at)).size > 1)).toBe(true);
  });

  it("covers every status and type from size 6 on", () => {
    for (const size of [6, 7, 10, 25]) {
      for (const seed of [1, 2, 3]) {
        const { orders } = generateActivePlatformData({ seed, size });
        expect(new Set(orders.map((o) => o.status)).size).toBe(ACTIVEPLATFORM_ORDER_STATUSES.length);
        expect(new Set(orders.map((o) => o.type)).size).toBe(ACTIVEPLATFORM_ORDER_TYPES.length);
      }
    }
  });
});

describe("auth", () => {
  it("refuses a missing or wrong api_token with 403 (the status later versions document) and accepts the right one", async () => {
    expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, {}, null), 403);
    expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, {}, "nope"), 403);
    expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, {}, ""), 403);
    expectErrorBody(await call(emulator, `/api/vendor/v1/orders/${store[0]!.id}.json`, {}, null), 403);
    expect(emulator.apiToken).toBe(ACTIVEPLATFORM_DEFAULT_TOKEN);
    expect((await call(emulator, ACTIVEPLATFORM_ORDERS_PATH)).status).toBe(200);
  });

  it("checks the token before the parameters", async () => {
    expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, { page: "x" }, "nope"), 403);
  });

  it("never echoes a token in an error body", async () => {
    const secret = "tok-SECRET-31415";
    const wrong = "tok-WRONG-27182";
    const own = await startActivePlatformEmulator({ apiToken: secret, size: 20 });
    try {
      const answers = [
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, {}, wrong),
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, {}, null),
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, { page: secret }, wrong),
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, { page: secret }),
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, { "sorting[field]": secret }),
        await call(own, ACTIVEPLATFORM_ORDERS_PATH, { "filters[created_at]": secret }),
        await call(own, "/api/vendor/v1/orders/1.json"),
        await call(own, `/api/vendor/v1/orders/${secret}.json`),
        await call(own, "/api/vendor/v1/nothing.json"),
      ];
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 422, 422, 422, 404, 404, 404]);
      for (const answer of answers) {
        expect(answer.text).not.toContain(secret);
        expect(answer.text).not.toContain(wrong);
        expect(answer.text).not.toContain("SECRET");
      }
      expect((await call(own, ACTIVEPLATFORM_ORDERS_PATH)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe("GET /api/vendor/v1/orders.json paging", () => {
  it("answers a bare array of the first 25 orders by id by default", async () => {
    const answer = await call(emulator, ACTIVEPLATFORM_ORDERS_PATH);
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith("[")).toBe(true);
    expect(ids(answer.body as ActivePlatformOrder[])).toEqual(ids(byId(store).slice(0, ACTIVEPLATFORM_DEFAULT_PER_PAGE)));
  });

  it("pages to the end with no gap and no duplicate", async () => {
    for (const perPage of [1, 7, 40, 100]) {
      const all = await listAll(emulator, {}, perPage);
      expect(ids(all)).toEqual(ids(byId(store)));
    }
  });

  it("answers [] for the page after an exact multiple of per_page, and past the end", async () => {
    const own = await startActivePlatformEmulator({ size: 200 });
    try {
      for (let page = 1; page <= 4; page++) expect(await list(own, { page, per_page: 50 })).toHaveLength(50);
      expect(await list(own, { page: 5, per_page: 50 })).toEqual([]);
      expect(await list(own, { page: 3, per_page: 100 })).toEqual([]);
      expect(await list(own, { page: 999, per_page: 10 })).toEqual([]);
      const all = await listAll(own, {}, 50);
      expect(ids(all)).toEqual(ids(own.orders));
    } finally {
      await own.close();
    }
  });

  it("serves any per_page in full, so a short page is the end as the docs say", async () => {
    // The docs name no largest page: a client asking 250 of 300 gets 250, then the short last 50.
    expect(ids(await list(emulator, { per_page: 250 }))).toEqual(ids(byId(store).slice(0, 250)));
    expect(ids(await list(emulator, { per_page: 250, page: 2 }))).toEqual(ids(byId(store).slice(250)));
    expect(await list(emulator, { per_page: 250, page: 3 })).toEqual([]);
    expect(ids(await listAll(emulator, {}, 250))).toEqual(ids(byId(store)));
    expect(ids(await list(emulator, { per_page: 1_000_000 }))).toEqual(ids(byId(store)));
  });

  it("describes per_page and the token's refusal in its OpenAPI as it behaves", () => {
    const listing = ACTIVEPLATFORM_OPENAPI.paths["/api/vendor/v1/orders.json"].get;
    const perPage = listing.parameters.find((p) => p.name === "per_page");
    expect(perPage?.schema).toEqual({ type: "integer", minimum: 1, default: ACTIVEPLATFORM_DEFAULT_PER_PAGE });
    expect(ACTIVEPLATFORM_OPENAPI.info.description).not.toMatch(/lowered|clamp|maximum/i);
    for (const operation of [listing, ACTIVEPLATFORM_OPENAPI.paths["/api/vendor/v1/orders/{id}.json"].get]) {
      expect(Object.keys(operation.responses)).toContain("403");
      expect(Object.keys(operation.responses)).not.toContain("401");
    }
  });

  it("refuses bad page and per_page values with 422", async () => {
    for (const params of [
      { page: 0 },
      { page: "abc" },
      { page: "-1" },
      { page: "1.5" },
      { per_page: 0 },
      { per_page: "x" },
      { per_page: "2e3" },
    ]) {
      expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, params), 422);
    }
  });

  it("treats empty parameters as absent", async () => {
    expect(ids(await list(emulator, { page: "", per_page: "", "sorting[field]": "", "filters[status]": "" }))).toEqual(
      ids(byId(store).slice(0, ACTIVEPLATFORM_DEFAULT_PER_PAGE)),
    );
  });
});

describe("GET /api/vendor/v1/orders.json sorting", () => {
  for (const field of ACTIVEPLATFORM_SORT_FIELDS) {
    for (const reversed of [false, true]) {
      it(`sorts by ${field}${reversed ? " reversed" : ""}, ties by id in the same direction`, async () => {
        const all = await listAll(emulator, { "sorting[field]": field, "sorting[reversed]": String(reversed) });
        expect(ids(all)).toEqual(ids(expectedSort(store, field, reversed)));
      });
    }
  }

  it("compares timestamps as instants, not as strings", () => {
    const lexical = [...store].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
    expect(ids(lexical)).not.toEqual(ids(expectedSort(store, "created_at", false)));
  });

  it("compares total as a number even when it is a string", () => {
    const lexical = [...store].sort((a, b) => String(a.total).localeCompare(String(b.total)) || a.id - b.id);
    expect(ids(lexical)).not.toEqual(ids(expectedSort(store, "total", false)));
  });

  it("puts nulls last ascending and first descending", async () => {
    const ascending = await listAll(emulator, { "sorting[field]": "promo_code" });
    expect(ascending[0]!.promo_code).not.toBeNull();
    expect(ascending.at(-1)!.promo_code).toBeNull();
    const descending = await list(emulator, { "sorting[field]": "payment_id", "sorting[reversed]": "true" });
    expect(descending[0]!.payment_id).toBeNull();
  });

  it("sorts created_at ties by id, even across offsets", async () => {
    const all = await listAll(emulator, { "sorting[field]": "created_at" });
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      if (Date.parse(a.created_at) === Date.parse(b.created_at)) expect(a.id).toBeLessThan(b.id);
      else expect(Date.parse(a.created_at)).toBeLessThan(Date.parse(b.created_at));
    }
  });

  it("defaults to id, and reverses it alone", async () => {
    expect(ids(await list(emulator, { "sorting[reversed]": "true", per_page: 5 }))).toEqual(ids(byId(store).reverse().slice(0, 5)));
    expect(ids(await list(emulator, { "sorting[reversed]": "false", per_page: 5 }))).toEqual(ids(byId(store).slice(0, 5)));
  });

  it("refuses unknown fields, array fields and odd directions with 422", async () => {
    for (const params of [
      { "sorting[field]": "nope" },
      { "sorting[field]": "items" },
      { "sorting[field]": "charges" },
      { "sorting[field]": "CREATED_AT" },
      { "sorting[reversed]": "yes" },
      { "sorting[reversed]": "1" },
    ]) {
      expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, params), 422);
    }
  });
});

describe("GET /api/vendor/v1/orders.json filters", () => {
  it("filters by account_id", async () => {
    const counts = new Map<number, number>();
    for (const o of store) counts.set(o.account_id, (counts.get(o.account_id) ?? 0) + 1);
    const [accountId, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(count).toBeGreaterThan(1);
    const rows = await listAll(emulator, { "filters[account_id]": accountId });
    expect(ids(rows)).toEqual(ids(byId(store.filter((o) => o.account_id === accountId))));
    expect(await list(emulator, { "filters[account_id]": 1 })).toEqual([]);
  });

  it("filters by each type and each status, exactly", async () => {
    for (const type of ACTIVEPLATFORM_ORDER_TYPES) {
      const rows = await listAll(emulator, { "filters[type]": type });
      expect(rows.length).toBeGreaterThan(0);
      expect(ids(rows)).toEqual(ids(byId(store.filter((o) => o.type === type))));
    }
    for (const status of ACTIVEPLATFORM_ORDER_STATUSES) {
      const rows = await listAll(emulator, { "filters[status]": status });
      expect(rows.length).toBeGreaterThan(0);
      expect(ids(rows)).toEqual(ids(byId(store.filter((o) => o.status === status))));
    }
    expect(await list(emulator, { "filters[status]": "Completed" })).toEqual([]);
    expect(await list(emulator, { "filters[status]": "shipped" })).toEqual([]);
    expect(await list(emulator, { "filters[type]": "salesorder" })).toEqual([]);
  });

  it("combines filters with AND, then sorts and pages", async () => {
    const expected = expectedSort(
      store.filter((o) => o.type === "RenewalOrder" && o.status === "completed"),
      "created_at",
      true,
    );
    const rows = await listAll(
      emulator,
      { "filters[type]": "RenewalOrder", "filters[status]": "completed", "sorting[field]": "created_at", "sorting[reversed]": "true" },
      10,
    );
    expect(ids(rows)).toEqual(ids(expected));
  });

  it("matches created_at on the calendar date written in the timestamp's own offset", async () => {
    // Two orders of one renewal batch: the same instant, printed on different dates.
    const pair = store
      .flatMap((a) => store.map((b) => [a, b] as const))
      .find(([a, b]) => Date.parse(a.created_at) === Date.parse(b.created_at) && a.created_at.slice(0, 10) !== b.created_at.slice(0, 10));
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    for (const [order, sibling] of [pair!, [b, a] as const]) {
      const date = order.created_at.slice(0, 10);
      const rows = await listAll(emulator, { "filters[created_at]": date });
      expect(ids(rows)).toContain(order.id);
      expect(ids(rows)).not.toContain(sibling.id);
      expect(ids(rows)).toEqual(ids(byId(store.filter((o) => o.created_at.startsWith(date)))));
    }
  });

  it("does not match created_at on the UTC date when the local date differs", async () => {
    const shifted = store.find((o) => o.created_at.endsWith("+03:00") && o.created_at.slice(0, 10) !== utcDate(o.created_at));
    expect(shifted).toBeDefined();
    const local = await listAll(emulator, { "filters[created_at]": shifted!.created_at.slice(0, 10) });
    const utc = await listAll(emulator, { "filters[created_at]": utcDate(shifted!.created_at) });
    expect(ids(local)).toContain(shifted!.id);
    expect(ids(utc)).not.toContain(shifted!.id);
  });

  it("matches updated_at the same way", async () => {
    const shifted = store.find((o) => o.updated_at.endsWith("+03:00") && o.updated_at.slice(0, 10) !== utcDate(o.updated_at));
    expect(shifted).toBeDefined();
    const date = shifted!.updated_at.slice(0, 10);
    const rows = await listAll(emulator, { "filters[updated_at]": date });
    expect(ids(rows)).toEqual(ids(byId(store.filter((o) => o.updated_at.startsWith(date)))));
    expect(ids(await listAll(emulator, { "filters[updated_at]": utcDate(shifted!.updated_at) }))).not.toContain(shifted!.id);
    expect(await list(emulator, { "filters[updated_at]": "2001-01-01" })).toEqual([]);
  });

  it("refuses bad integers and dates with 422", async () => {
    for (const params of [
      { "filters[account_id]": "abc" },
      { "filters[account_id]": "-5" },
      { "filters[account_id]": "20000.5" },
      { "filters[created_at]": "2025-02-30" },
      { "filters[created_at]": "2025-1-1" },
      { "filters[created_at]": "2025-10-01T00:00:00" },
      { "filters[created_at]": "yesterday" },
      { "filters[updated_at]": "2025-13-01" },
    ]) {
      expectErrorBody(await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, params), 422);
    }
  });
});

describe("total", () => {
  it("is a JSON string on some orders and a number on others", async () => {
    const answer = await call(emulator, ACTIVEPLATFORM_ORDERS_PATH, { per_page: 100 });
    const rows = answer.body as ActivePlatformOrder[];
    expect(rows.some((o) => typeof o.total === "string")).toBe(true);
    expect(rows.some((o) => typeof o.total === "number")).toBe(true);
    expect(answer.text).toMatch(/"total":"\d+\.\d+"/);
    for (const o of rows) if (typeof o.total === "string") expect(o.total).toMatch(/^\d+\.\d+$/);
  });
});

describe("GET /api/vendor/v1/orders/{id}.json", () => {
  it("answers the order", async () => {
    for (const order of [store[0]!, store[150]!, store.at(-1)!]) {
      const answer = await call(emulator, `/api/vendor/v1/orders/${order.id}.json`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(order);
    }
  });

  it("answers 404 for an unknown or malformed id and an unknown route", async () => {
    expectErrorBody(await call(emulator, "/api/vendor/v1/orders/9999999.json"), 404);
    expectErrorBody(await call(emulator, "/api/vendor/v1/orders/abc.json"), 404);
    expectErrorBody(await call(emulator, `/api/vendor/v1/orders/${store[0]!.id}`), 404);
    expectErrorBody(await call(emulator, "/api/vendor/v1/orders"), 404);
    expectErrorBody(await call(emulator, "/api/vendor/v2/orders.json"), 404);
  });

  it("answers 404 to other methods", async () => {
    const url = new URL(ACTIVEPLATFORM_ORDERS_PATH, emulator.url);
    url.searchParams.set("api_token", emulator.apiToken);
    const response = await fetch(url, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });
});

describe("store", () => {
  it("serves changes made to the handle's orders", async () => {
    const own = await startActivePlatformEmulator({ size: 10 });
    try {
      const extra = { ...own.orders[0]!, id: 2_100_000, document_id: "SO999999" };
      own.orders.push(extra);
      expect((await call(own, "/api/vendor/v1/orders/2100000.json")).body).toEqual(extra);
      own.orders = own.orders.slice(0, 3);
      expect(ids(await list(own))).toEqual(ids(own.orders));
    } finally {
      await own.close();
    }
  });

  it("serves given orders instead of generated ones", async () => {
    const orders = generateActivePlatformData({ seed: 5, size: 12 }).orders;
    const own = await startActivePlatformEmulator({ orders });
    try {
      expect(await list(own, { per_page: 100 })).toEqual(orders);
    } finally {
      await own.close();
    }
  });
});
