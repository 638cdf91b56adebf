/**
 * The emnify connector against its emulator over HTTP: every pushed-down
 * filter and native sort compared with the emulator's store (expected results
 * computed here, independently), paging to the end without gaps or repeats,
 * the token life cycle under concurrency, and the error paths.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EmnifyOrder } from "../../emulators/emnify/emnify.data.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, type EmnifyEmulator, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { ProviderInputError } from "../../src/providers/core/provider-input-error.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { emnifyConfigSchema } from "../../src/providers/emnify/emnify.config.ts";
import type { EmnifyConnector } from "../../src/providers/emnify/emnify.connector.ts";
import { emnifyDefinition } from "../../src/providers/emnify/emnify.definition.ts";

const APP = { applicationToken: EMNIFY_DEFAULT_CREDENTIALS.applicationToken };
const USER = { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password };

/**
 * A budget far above emnify's default (20 calls per 75 s window): these tests read the emulator hundreds of times
 * at once, and the budget has tests of its own (provider-budget.test.ts, budgets.e2e.test.ts).
 */
const TEST_BUDGET = { rateLimit: { calls: 100_000, perMs: 60_000 } };

function connect(emulator: EmnifyEmulator, credentials: Record<string, string> = APP): EmnifyConnector {
  const entry = emnifyConfigSchema.parse({
    id: "sims",
    kind: "emnify",
    baseUrl: emulator.url,
    currency: "EUR",
    credentials,
    resilience: TEST_BUDGET,
  });
  return emnifyDefinition.create(entry, {}) as EmnifyConnector;
}

const submitMs = (o: EmnifyOrder) => (o.submit_date === null ? null : Date.parse(o.submit_date));

/** The expected sequence, computed from the store: nulls smallest, ties by id in the key's direction. */
function expected(store: readonly EmnifyOrder[], keep: (o: EmnifyOrder) => boolean, sort: SortKey): string[] {
  const value = (o: EmnifyOrder): number | null => (sort.field === "CREATED_AT" ? submitMs(o) : sort.field === "TOTAL" ? o.total : o.id);
  const sign = sort.direction === "ASC" ? 1 : -1;
  return store
    .filter(keep)
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const c = va === vb ? 0 : va === null ? -1 : vb === null ? 1 : va - vb;
      return sign * (c !== 0 ? c : a.id - b.id);
    })
    .map((o) => String(o.id));
}

/** Reads the whole native sequence in windows of `size`, as the engine does. */
async function readAll(connector: EmnifyConnector, filter: OrderFilter, sort: SortKey | null, size: number) {
  const ids: string[] = [];
  let total: number | null = null;
  for (let offset = 0; offset < 10_000; offset += size) {
    const result = await connector.list({ filter, sort, offset, limit: size }, standaloneCall());
    ids.push(...result.rows.map((row) => row.nativeId));
    total = result.total;
    if (result.end) return { ids, total };
  }
  throw new Error("never ended");
}

const listRequests = (emulator: EmnifyEmulator) => emulator.requests.filter((r) => r.url.startsWith("/api/v1/shop/order?"));
const authRequests = (emulator: EmnifyEmulator) => emulator.requests.filter((r) => r.url.startsWith("/api/v1/authenticate"));

describe("emnify connector: filters, sorts, paging", () => {
  let emulator: EmnifyEmulator;
  let connector: EmnifyConnector;
  beforeAll(async () => {
    emulator = await startEmnifyEmulator({ port: 0, seed: 7, size: 300 });
    connector = connect(emulator);
  });
  afterAll(async () => {
    await connector.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.requests.length = 0;
  });

  const newest: SortKey = { field: "CREATED_AT", direction: "DESC" };

  it.each([
    ["CREATED_AT", "DESC", 37],
    ["CREATED_AT", "ASC", 50],
    ["TOTAL", "DESC", 64],
    ["TOTAL", "ASC", 250],
    ["NUMBER", "ASC", 41],
    ["NUMBER", "DESC", 100],
  ] as const)("pages %s %s to the end in windows of %i with no gap or repeat", async (field, direction, size) => {
    const sort = { field, direction } as SortKey;
    const { ids, total } = await readAll(connector, {}, sort, size);
    expect(ids).toEqual(expected(emulator.orders, () => true, sort));
    expect(new Set(ids).size).toBe(emulator.orders.length);
    expect(total).toBe(emulator.orders.length);
  });

  it("reads in a stable order when any order will do", async () => {
    const { ids } = await readAll(connector, {}, null, 250);
    expect(ids).toEqual(emulator.orders.map((o) => String(o.id)).sort((a, b) => Number(a) - Number(b)));
  });

  it("returns exactly the window, short at the end, empty past it", async () => {
    const all = expected(emulator.orders, () => true, newest);
    const middle = await connector.list({ filter: {}, sort: newest, offset: 95, limit: 30 }, standaloneCall());
    expect(middle.rows.map((r) => r.nativeId)).toEqual(all.slice(95, 125));
    expect(middle.end).toBe(false);
    const tail = await connector.list({ filter: {}, sort: newest, offset: 290, limit: 50 }, standaloneCall());
    expect(tail.rows.map((r) => r.nativeId)).toEqual(all.slice(290));
    expect(tail.end).toBe(true);
    // emnify answers a page past the end with the last page: none of its rows may come back.
    const past = await connector.list({ filter: {}, sort: newest, offset: 400, limit: 50 }, standaloneCall());
    expect(past).toEqual({ rows: [], total: 300, end: true });
  });

  it("never requests a page past X-pages in a window of several pages", async () => {
    const filter = connector.plan({ status: ["DELIVERED"] }, newest).native;
    const count = emulator.orders.filter((o) => o.status?.id === 3).length;
    expect(count).toBeLessThan(250);
    const result = await connector.list({ filter, sort: newest, offset: 100, limit: 250 }, standaloneCall());
    expect(result.rows.map((r) => r.nativeId)).toEqual(expected(emulator.orders, (o) => o.status?.id === 3, newest).slice(100));
    expect(result.end).toBe(true);
    const pages = listRequests(emulator).map((r) => new URL(r.url, "http://x").searchParams.get("page"));
    expect(pages).toEqual(["1"]);
  });

  const cases: Array<[string, OrderFilter, (o: EmnifyOrder) => boolean]> = [
    ["one status", { status: ["PENDING"] }, (o) => o.status?.id === 1],
    ["a contiguous status set", { status: ["SHIPPED", "DELIVERED"] }, (o) => o.status?.id === 2 || o.status?.id === 3],
    ["a status set with gaps", { status: ["DRAFT", "CANCELLED", "SHIPPED"] }, (o) => [0, 2, 4].includes(o.status?.id ?? -1)],
    ["native status codes", { nativeStatus: ["4", "0"] }, (o) => [0, 4].includes(o.status?.id ?? -1)],
    ["paid", { paymentStatus: ["PAID"] }, (o) => o.paid === true],
    ["unpaid", { paymentStatus: ["UNPAID"] }, (o) => o.paid === false],
    [
      "a created range to the millisecond",
      { createdAt: { from: new Date("2024-03-01T00:00:00.000Z"), to: new Date("2024-09-30T23:59:59.999Z") } },
      (o) =>
        submitMs(o) !== null &&
        (submitMs(o) as number) >= Date.parse("2024-03-01") &&
        (submitMs(o) as number) <= Date.parse("2024-09-30T23:59:59.999Z"),
    ],
    [
      "everything together",
      { status: ["DELIVERED", "CANCELLED"], paymentStatus: ["PAID"], createdAt: { from: new Date("2024-01-01T00:00:00Z") } },
      (o) => [3, 4].includes(o.status?.id ?? -1) && o.paid === true && (submitMs(o) ?? 0) >= Date.parse("2024-01-01"),
    ],
  ];

  it.each(cases)("pushes %s down into q", async (_name, filter, keep) => {
    const plan = connector.plan(filter, newest);
    expect(plan.residual).toEqual({});
    expect(plan.empty).toBe(false);
    const { ids, total } = await readAll(connector, plan.native, newest, 40);
    const want = expected(emulator.orders, keep, newest);
    expect(want.length).toBeGreaterThan(0);
    expect(ids).toEqual(want);
    // The count is the emulator's, i.e. the filter ran there, not here.
    expect(total).toBe(want.length);
    const sent = listRequests(emulator).map((r) => new URL(r.url, "http://x").searchParams.get("q"));
    expect(sent.every((q) => q !== null && q.length > 0)).toBe(true);
  });

  it("pins the exact instant of a tie at both ends of a range", async () => {
    const tie = emulator.orders.find((o, i) => i > 0 && o.submit_date !== null && o.submit_date === emulator.orders[i - 1]?.submit_date);
    expect(tie).toBeDefined();
    const at = new Date(tie?.submit_date as string);
    const plan = connector.plan({ createdAt: { from: at, to: at } }, newest);
    const { ids } = await readAll(connector, plan.native, newest, 10);
    expect(ids).toEqual(expected(emulator.orders, (o) => o.submit_date === tie?.submit_date, newest));
    expect(ids.length).toBeGreaterThan(1);
  });

  it("refuses a date emnify cannot read before any call", async () => {
    const filter = connector.plan({ createdAt: { from: new Date(8.64e15) } }, newest).native;
    const error = await connector.list({ filter, sort: newest, offset: 0, limit: 10 }, standaloneCall()).catch((e: unknown) => e);
    // The client's input, not an emnify failure: BAD_USER_INPUT naming the argument, never a partial page.
    expect(error).toBeInstanceOf(ProviderInputError);
    expect(error).not.toBeInstanceOf(UpstreamError);
    expect((error as ProviderInputError).argument).toBe("filter.createdAt");
    expect(listRequests(emulator)).toHaveLength(0);
  });

  it("reads single orders, equal to their list rows; unknown ids are absent", async () => {
    const some = emulator.orders.slice(0, 5).map((o) => String(o.id));
    const found = await connector.getMany([...some, "999999", "abc", "01"], standaloneCall());
    expect([...found.keys()].sort()).toEqual([...some].sort());
    const listed = await connector.list({ filter: {}, sort: { field: "NUMBER", direction: "ASC" }, offset: 0, limit: 5 }, standaloneCall());
    for (const row of listed.rows) expect(found.get(row.nativeId)).toEqual(row);
    // Only the well-formed ids reached emnify: the five close ones in one id-range list call,
    // the far one alone from its own URL.
    const ranged = emulator.requests.filter((r) => /[?&]q=id%3E%3D\d+%2Cid%3C%3D\d+/.test(r.url));
    expect(ranged).toHaveLength(1);
    expect(emulator.requests.filter((r) => /^\/api\/v1\/shop\/order\/[^?]/.test(r.url)).map((r) => r.url)).toEqual([
      "/api/v1/shop/order/999999",
    ]);
  });
});

describe("emnify connector: an account whose per_page maximum is below the connector's", () => {
  let emulator: EmnifyEmulator;
  let connector: EmnifyConnector;
  beforeAll(async () => {
    // emnify lowers a too big per_page to a maximum it does not publish: here 100, below the connector's 250.
    emulator = await startEmnifyEmulator({ port: 0, seed: 7, size: 300, maxPerPage: 100 });
    connector = connect(emulator);
  });
  afterAll(async () => {
    await connector.close();
    await emulator.close();
  });

  const byId: SortKey = { field: "NUMBER", direction: "ASC" };

  it("returns exactly the asked window, and asks no more than the maximum once it has seen it", async () => {
    const all = expected(emulator.orders, () => true, byId);
    const first = await connector.list({ filter: {}, sort: byId, offset: 0, limit: 250 }, standaloneCall());
    expect(first.rows.map((r) => r.nativeId)).toEqual(all.slice(0, 250));
    emulator.requests.length = 0;
    const second = await connector.list({ filter: {}, sort: byId, offset: 250, limit: 250 }, standaloneCall());
    expect(second.rows.map((r) => r.nativeId)).toEqual(all.slice(250));
    expect(second.end).toBe(true);
    const asked = listRequests(emulator).map((r) => Number(new URL(r.url, emulator.url).searchParams.get("per_page")));
    expect(asked.length).toBeGreaterThan(0);
    for (const perPage of asked) expect(perPage).toBeLessThanOrEqual(100);
  });

  it("pages to the end in windows of 250 with no gap or repeat", async () => {
    const sort: SortKey = { field: "TOTAL", direction: "DESC" };
    const { ids, total } = await readAll(connector, {}, sort, 250);
    expect(ids).toEqual(expected(emulator.orders, () => true, sort));
    expect(total).toBe(300);
  });

  it("finds every id of an id range wider than the maximum", async () => {
    const fresh = connect(emulator);
    try {
      const low = Math.min(...emulator.orders.map((o) => o.id));
      // One range of the connector (a span of at most 250 ids) holding more orders than one lowered page.
      const ids = emulator.orders.filter((o) => o.id < low + 250).map((o) => String(o.id));
      expect(ids.length).toBeGreaterThan(100);
      const found = await fresh.getMany(ids, standaloneCall());
      expect([...found.keys()].sort()).toEqual([...ids].sort());
    } finally {
      await fresh.close();
    }
  });

  it("reads a range in at most span / maximum pages when the answers carry no X-page or X-pages", async () => {
    // A proxy that drops the page headers: emnify answers a page past the end with the last page,
    // so only the page count the range allows can end the reading.
    const proxy: Server = createServer((req, res) => {
      const upstream = httpRequest(`${emulator.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const headers = { ...answer.headers };
        delete headers["x-page"];
        delete headers["x-pages"];
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const fresh = emnifyDefinition.create(
      emnifyConfigSchema.parse({ id: "sims", kind: "emnify", baseUrl: url, currency: "EUR", credentials: APP, resilience: TEST_BUDGET }),
      {},
    ) as EmnifyConnector;
    try {
      const low = Math.min(...emulator.orders.map((o) => o.id));
      const ids = emulator.orders.filter((o) => o.id < low + 250).map((o) => String(o.id));
      emulator.requests.length = 0;
      const found = await fresh.getMany(ids, standaloneCall());
      expect([...found.keys()].sort()).toEqual([...ids].sort());
      // 250 ids at 100 a page: three pages at most.
      expect(listRequests(emulator).length).toBeLessThanOrEqual(3);
    } finally {
      await fresh.close();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

describe("emnify connector: session tokens", () => {
  let emulator: EmnifyEmulator;
  let now = Date.parse("2025-01-01T00:00:00Z");
  beforeAll(async () => {
    emulator = await startEmnifyEmulator({ port: 0, seed: 2, size: 40, tokenTtlMs: 60_000, clock: () => now });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.requests.length = 0;
  });

  const window = { filter: {}, sort: { field: "NUMBER", direction: "ASC" } as SortKey, offset: 0, limit: 5 };

  it("logs in once for many concurrent first calls", async () => {
    const connector = connect(emulator);
    const before = emulator.authCount;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => connector.list({ ...window, offset: i }, standaloneCall())));
    expect(results.every((r) => r.rows.length === 5)).toBe(true);
    expect(emulator.authCount - before).toBe(1);
    await connector.close();
  });

  it("renews an expired application token once for many concurrent calls", async () => {
    const connector = connect(emulator);
    await connector.list(window, standaloneCall());
    const before = emulator.authCount;
    now += 61_000; // past the token's lifetime
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => connector.list({ ...window, offset: i }, standaloneCall())));
    expect(results.every((r) => r.rows.length === 5)).toBe(true);
    expect(emulator.authCount - before).toBe(1);
    expect(authRequests(emulator)).toHaveLength(2);
    await connector.close();
  });

  it("uses the refresh token of a username login, and logs in again when it is refused too", async () => {
    const connector = connect(emulator, USER);
    await connector.list(window, standaloneCall());
    const ids = emulator.orders.slice(0, 8).map((o) => String(o.id));
    let before = emulator.authCount;
    emulator.requests.length = 0;
    emulator.expireTokens();
    const found = await Promise.all(ids.map((id) => connector.getMany([id], standaloneCall())));
    expect(found.every((map) => map.size === 1)).toBe(true);
    // One refresh-token call serves every waiting call.
    expect(emulator.authCount - before).toBe(1);
    expect(authRequests(emulator)).toHaveLength(1);

    before = emulator.authCount;
    emulator.requests.length = 0;
    emulator.expireTokens({ refreshTokens: true });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => connector.list({ ...window, offset: i }, standaloneCall())));
    expect(results.every((r) => r.rows.length === 5)).toBe(true);
    // The refused refresh (401) and one new login.
    expect(emulator.authCount - before).toBe(1);
    expect(authRequests(emulator)).toHaveLength(2);
    await connector.close();
  });

  it("answers PROVIDER_ERROR for rejected credentials, without the secret", async () => {
    const wrong: Array<Record<string, string>> = [
      { applicationToken: "wrong-app-token-secret" },
      { username: USER.username, password: "wrong-password-secret" },
    ];
    for (const credentials of wrong) {
      const connector = connect(emulator, credentials);
      const error = await connector.list(window, standaloneCall()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe("PROVIDER_ERROR");
      expect((error as UpstreamError).provider).toBe("sims");
      expect((error as UpstreamError).message).toContain("rejected the configured credentials");
      expect((error as UpstreamError).message).not.toMatch(/secret/);
      await connector.close();
    }
  });

  it("tries a failed login again on the next call", async () => {
    const broken = connect(emulator, { applicationToken: "nope-nope" });
    await expect(broken.list(window, standaloneCall())).rejects.toThrow(UpstreamError);
    await expect(broken.list(window, standaloneCall())).rejects.toThrow(UpstreamError);
    expect(authRequests(emulator)).toHaveLength(2);
    await broken.close();
  });
});

describe("emnify connector: upstream faults", () => {
  let emulator: EmnifyEmulator;
  beforeAll(async () => {
    emulator = await startEmnifyEmulator({ port: 0, seed: 4, size: 20, rateLimit: { max: 3, windowMs: 600_000 } });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("names malformed orders as UPSTREAM_INVALID_RESPONSE and 429 as PROVIDER_RATE_LIMITED", async () => {
    const connector = connect(emulator);
    const [first, ...rest] = emulator.orders;
    emulator.orders = [{ ...(first as EmnifyOrder), paid: "yes" as unknown as boolean }, ...rest];
    const window = { filter: {}, sort: null, offset: 0, limit: 5 };
    // In a list, the malformed row keeps its place as a placeholder carrying the error.
    const listed = await connector.list(window, standaloneCall());
    const placeholder = listed.rows.find((row) => row.nativeId === String(first?.id));
    expect(placeholder?.malformed).toMatchObject({ code: "UPSTREAM_INVALID_RESPONSE", provider: connector.id });
    const single = await connector.getMany([String(first?.id)], standaloneCall());
    expect(single.get(String(first?.id))).toBeInstanceOf(UpstreamError);
    const limited = await connector.list(window, standaloneCall()).catch((e: unknown) => e);
    expect((limited as UpstreamError).code).toBe("PROVIDER_RATE_LIMITED");
    await connector.close();
  });
});

describe("emnify connector: a malformed order read by id range", () => {
  let emulator: EmnifyEmulator;
  beforeAll(async () => {
    emulator = await startEmnifyEmulator({ port: 0, seed: 5, size: 20 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("is an error for that order, and its neighbours in the range are orders", async () => {
    const connector = connect(emulator);
    const [first, second, third, ...rest] = [...emulator.orders].sort((a, b) => a.id - b.id);
    emulator.orders = [
      first as EmnifyOrder,
      { ...(second as EmnifyOrder), paid: "yes" as unknown as boolean },
      third as EmnifyOrder,
      ...rest,
    ];
    const ids = [first, second, third].map((order) => String(order?.id));
    const found = await connector.getMany(ids, standaloneCall());
    expect(found.get(ids[0] as string)).toMatchObject({ nativeId: ids[0] });
    expect(found.get(ids[2] as string)).toMatchObject({ nativeId: ids[2] });
    const bad = found.get(ids[1] as string);
    expect(bad).toBeInstanceOf(UpstreamError);
    expect(bad).toMatchObject({ code: "UPSTREAM_INVALID_RESPONSE", provider: connector.id });
    await connector.close();
  });
});

describe("emnify config entry", () => {
  const base = { id: "sims", kind: "emnify", baseUrl: "https://cdn.emnify.net" };

  it("takes an application token or a user login", () => {
    expect(emnifyConfigSchema.safeParse({ ...base, credentials: APP }).success).toBe(true);
    expect(emnifyConfigSchema.safeParse({ ...base, credentials: USER }).success).toBe(true);
  });

  it.each([{}, { username: "a@b.example" }, { ...APP, ...USER }, { token: "x" }])(
    "refuses credentials %j, naming the key",
    (credentials) => {
      const parsed = emnifyConfigSchema.safeParse({ ...base, credentials });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(["credentials"]);
      expect(parsed.error?.issues[0]?.message).toBe("give either { applicationToken } or { username, password }");
    },
  );

  it("names the inner key when one kind of credentials is recognisable but wrong", () => {
    const parsed = emnifyConfigSchema.safeParse({ ...base, credentials: { applicationToken: "" } });
    expect(parsed.error?.issues[0]?.path).toEqual(["credentials", "applicationToken"]);
  });
});
