/**
 * The ActivePlatform connector against its emulator over real HTTP: every
 * parameter, paging to the end without gap or duplicate (also when the data is
 * an exact multiple of the page size), errors, and the token never leaking.
 * Expected values come from the emulator's own store, never hard-coded ids.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACTIVEPLATFORM_ORDER_STATUSES,
  type ActivePlatformOrder,
  generateActivePlatformData,
} from "../../emulators/activeplatform/activeplatform.data.ts";
import { type ActivePlatformEmulator, startActivePlatformEmulator } from "../../emulators/activeplatform/activeplatform.emulator.ts";
import { activePlatformConfigSchema } from "../../src/providers/activeplatform/activeplatform.config.ts";
import { ActivePlatformConnector } from "../../src/providers/activeplatform/activeplatform.connector.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { toDecimal } from "../../src/providers/core/decimal.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";

const TOKEN = "contract-token-Zq8x71";
const OFFSETS = ["+03:00", "+00:00"];

let emulator: ActivePlatformEmulator;
let connector: ActivePlatformConnector;
const connectors: ActivePlatformConnector[] = [];

function connectorFor(baseUrl: string, options: { apiToken?: string; offsets?: string[] | null; maxPerPage?: number } = {}) {
  const created = new ActivePlatformConnector(
    activePlatformConfigSchema.parse({
      id: "billing",
      kind: "activeplatform",
      baseUrl,
      currency: "RUB",
      timeoutMs: 2000,
      credentials: { apiToken: options.apiToken ?? TOKEN },
      ...(options.offsets === null ? {} : { accountUtcOffsets: options.offsets ?? OFFSETS }),
      ...(options.maxPerPage ? { maxPerPage: options.maxPerPage } : {}),
    }),
  );
  connectors.push(created);
  return created;
}

const ids = (orders: ReadonlyArray<ActivePlatformOrder | OrderRecord>) => orders.map((o) => ("nativeId" in o ? o.nativeId : String(o.id)));
const instant = (text: string) => Date.parse(text);
const amount = (order: ActivePlatformOrder) => Number(order.total);

/** The store sorted as the provider documents it: by the key, ties by id in the same direction. */
function sortedStore(store: readonly ActivePlatformOrder[], sort: SortKey | null): ActivePlatformOrder[] {
  const key = (o: ActivePlatformOrder): number | string => {
    switch (sort?.field) {
      case "CREATED_AT":
        return instant(o.created_at);
      case "UPDATED_AT":
        return instant(o.updated_at);
      case "TOTAL":
        return amount(o);
      case "NUMBER":
        return o.document_id;
      default:
        return o.id;
    }
  };
  const direction = sort?.direction === "DESC" ? -1 : 1;
  return [...store].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return direction * ((x < y ? -1 : x > y ? 1 : 0) || a.id - b.id);
  });
}

/** Every order of a filter through plan + list, in windows of `window` rows, the residual applied as the engine does. */
async function readAll(target: ActivePlatformConnector, filter: OrderFilter, sort: SortKey, window = 100): Promise<OrderRecord[]> {
  const plan = target.plan(filter, sort);
  if (plan.empty) return [];
  const rows: OrderRecord[] = [];
  for (let offset = 0; ; offset += window) {
    const result = await target.list({ filter: plan.native, sort: plan.sortNative ? sort : null, offset, limit: window }, standaloneCall());
    expect(result.total).toBeNull();
    rows.push(...result.rows.filter((row) => matchesFilter(row, plan.residual)));
    if (result.end) return rows;
    expect(result.rows).toHaveLength(window);
  }
}

/** URLs the emulator received since `from`, decoded (form encoding: `+` is a space). */
const requestsSince = (from: number) => emulator.requests.slice(from).map((r) => decodeURIComponent(r.url.replace(/\+/g, " ")));

beforeAll(async () => {
  emulator = await startActivePlatformEmulator({ host: "127.0.0.1", port: 0, apiToken: TOKEN });
  connector = connectorFor(emulator.url);
});

afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await emulator?.close();
});

describe("ActivePlatform connector: sorting and paging", () => {
  const sorts: SortKey[] = (["CREATED_AT", "UPDATED_AT", "TOTAL", "NUMBER"] as const).flatMap((field) =>
    (["ASC", "DESC"] as const).map((direction) => ({ field, direction })),
  );

  it.each(sorts)("reads every order sorted by $field $direction, in the engine's global order", async (sort) => {
    const before = emulator.requests.length;
    const got = await readAll(connector, {}, sort, 37);
    expect(ids(got)).toEqual(ids(sortedStore(emulator.orders, sort)));
    // The native order is the engine's global order, tie-break by native id included.
    expect(ids([...got].sort(orderComparator([sort])))).toEqual(ids(got));
    const native = { CREATED_AT: "created_at", UPDATED_AT: "updated_at", TOTAL: "total", NUMBER: "document_id" }[sort.field];
    for (const url of requestsSince(before)) {
      expect(url).toContain(`sorting[field]=${native}`);
      expect(url).toContain(`sorting[reversed]=${sort.direction === "DESC"}`);
    }
  });

  it("has orders that share a creation instant, so the tie-break is exercised", () => {
    const instants = emulator.orders.map((o) => instant(o.created_at));
    expect(new Set(instants).size).toBeLessThan(instants.length);
  });

  it("reads the provider's own order when no sort is given", async () => {
    const result = await connector.list({ filter: {}, sort: null, offset: 0, limit: 100 }, standaloneCall());
    expect(ids(result.rows)).toEqual(ids(emulator.orders.slice(0, 100)));
    expect(requestsSince(emulator.requests.length - 1)[0]).not.toContain("sorting");
  });

  it.each([
    [0, 1],
    [0, 100],
    [95, 10],
    [150, 130],
    [299, 5],
    [300, 10],
    [350, 10],
  ])("reads the window at offset %i of %i rows exactly, with per_page never above 100", async (offset, limit) => {
    const sort: SortKey = { field: "CREATED_AT", direction: "DESC" };
    const before = emulator.requests.length;
    const result = await connector.list({ filter: {}, sort, offset, limit }, standaloneCall());
    const expected = sortedStore(emulator.orders, sort).slice(offset, offset + limit);
    expect(ids(result.rows)).toEqual(ids(expected));
    expect(result.end).toBe(offset + limit >= emulator.orders.length);
    for (const url of requestsSince(before))
      expect(Number(new URLSearchParams(url.split("?")[1]).get("per_page"))).toBeLessThanOrEqual(100);
  });

  it("pages to the end when the data is an exact multiple of the page size: the full last page is followed by []", async () => {
    const exact = await startActivePlatformEmulator({ host: "127.0.0.1", port: 0, apiToken: TOKEN, size: 200 });
    try {
      const target = connectorFor(exact.url);
      const sort: SortKey = { field: "NUMBER", direction: "ASC" };
      const first = await target.list({ filter: {}, sort, offset: 0, limit: 100 }, standaloneCall());
      const second = await target.list({ filter: {}, sort, offset: 100, limit: 100 }, standaloneCall());
      const third = await target.list({ filter: {}, sort, offset: 200, limit: 100 }, standaloneCall());
      expect([first.end, second.end, third.end]).toEqual([false, false, true]);
      expect(third.rows).toEqual([]);
      const all = [...first.rows, ...second.rows];
      expect(new Set(ids(all)).size).toBe(200);
      expect(ids(all)).toEqual(ids(sortedStore(exact.orders, sort)));
      for (const window of [25, 40, 50, 100]) expect(ids(await readAll(target, {}, sort, window))).toEqual(ids(all));
    } finally {
      await exact.close();
    }
  });

  it("respects a lower per_page limit of the installation", async () => {
    const target = connectorFor(emulator.url, { maxPerPage: 30 });
    expect(target.maxPageSize).toBe(30);
    const sort: SortKey = { field: "TOTAL", direction: "DESC" };
    const before = emulator.requests.length;
    const result = await target.list({ filter: {}, sort, offset: 10, limit: 50 }, standaloneCall());
    expect(ids(result.rows)).toEqual(ids(sortedStore(emulator.orders, sort).slice(10, 60)));
    expect(requestsSince(before).every((url) => Number(new URLSearchParams(url.split("?")[1]).get("per_page")) <= 30)).toBe(true);
  });

  describe("against an installation that silently lowers per_page to 40", () => {
    const CAP = 40;
    let capped: Server;
    let cappedUrl: string;
    beforeAll(async () => {
      // Kaminari's max_per_page: not in the docs, but an installation may configure it.
      capped = createServer((req, res) => {
        const url = new URL(req.url ?? "/", emulator.url);
        if (Number(url.searchParams.get("per_page")) > CAP) url.searchParams.set("per_page", String(CAP));
        void fetch(url).then(async (answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(await answer.text());
        });
      });
      await new Promise<void>((resolve) => capped.listen(0, "127.0.0.1", resolve));
      cappedUrl = `http://127.0.0.1:${(capped.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => capped.close(() => resolve())));

    it("refuses a short page followed by rows instead of reading it as the end", async () => {
      const sort: SortKey = { field: "CREATED_AT", direction: "DESC" };
      const error = await connectorFor(cappedUrl)
        .list({ filter: {}, sort, offset: 0, limit: 150 }, standaloneCall())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code: "UPSTREAM_INVALID_RESPONSE", provider: "billing" });
      expect((error as UpstreamError).message).toContain("maxPerPage");
    });

    it("reads it exactly once maxPerPage is its cap", async () => {
      const sort: SortKey = { field: "CREATED_AT", direction: "DESC" };
      const result = await connectorFor(cappedUrl, { maxPerPage: CAP }).list({ filter: {}, sort, offset: 0, limit: 150 }, standaloneCall());
      expect(ids(result.rows)).toEqual(ids(sortedStore(emulator.orders, sort).slice(0, 150)));
      expect(result.end).toBe(false);
    });
  });

  it("maps totals sent as strings and as numbers to the same exact decimals", async () => {
    const rows = await readAll(connector, {}, { field: "TOTAL", direction: "ASC" });
    const byId = new Map(emulator.orders.map((o) => [String(o.id), o]));
    expect(emulator.orders.some((o) => typeof o.total === "string")).toBe(true);
    expect(emulator.orders.some((o) => typeof o.total === "number")).toBe(true);
    for (const row of rows) expect(row.total).toEqual({ amount: toDecimal(byId.get(row.nativeId)?.total), currency: "RUB" });
  });
});

describe("ActivePlatform connector: filters", () => {
  const sort: SortKey = { field: "CREATED_AT", direction: "DESC" };
  const expectedFor = (predicate: (o: ActivePlatformOrder) => boolean) => sortedStore(emulator.orders.filter(predicate), sort);

  it.each(ACTIVEPLATFORM_ORDER_STATUSES)("sends native status %s as filters[status]", async (code) => {
    const expected = expectedFor((o) => o.status === code);
    expect(expected.length).toBeGreaterThan(0);
    const before = emulator.requests.length;
    expect(ids(await readAll(connector, { nativeStatus: [code] }, sort))).toEqual(ids(expected));
    expect(requestsSince(before).every((url) => url.includes(`filters[status]=${code}`))).toBe(true);
  });

  it("pushes a canonical status with one code down, and filters several codes here", async () => {
    let before = emulator.requests.length;
    expect(ids(await readAll(connector, { status: ["PENDING"] }, sort))).toEqual(
      ids(expectedFor((o) => o.status === "waiting for payment")),
    );
    expect(requestsSince(before).every((url) => url.includes("filters[status]=waiting for payment"))).toBe(true);
    before = emulator.requests.length;
    const processing = expectedFor((o) => o.status === "provisioning" || o.status === "waiting for provisioning");
    expect(ids(await readAll(connector, { status: ["PROCESSING"] }, sort))).toEqual(ids(processing));
    expect(requestsSince(before).some((url) => url.includes("filters[status]"))).toBe(false);
  });

  it("sends one account as filters[account_id], and filters several here", async () => {
    const [a, b] = [...new Set(emulator.orders.map((o) => o.account_id))];
    let before = emulator.requests.length;
    const one = await readAll(connector, { customerIds: [String(a)] }, sort);
    expect(ids(one)).toEqual(ids(expectedFor((o) => o.account_id === a)));
    expect(one.every((row) => row.customer?.nativeId === String(a))).toBe(true);
    expect(requestsSince(before).every((url) => url.includes(`filters[account_id]=${a}`))).toBe(true);
    before = emulator.requests.length;
    const two = await readAll(connector, { customerIds: [String(a), String(b)] }, sort);
    expect(ids(two)).toEqual(ids(expectedFor((o) => o.account_id === a || o.account_id === b)));
    expect(requestsSince(before).some((url) => url.includes("filters[account_id]"))).toBe(false);
  });

  it("combines a status and an account natively", async () => {
    const sample = emulator.orders.find((o) => o.status === "completed")!;
    const got = await readAll(connector, { nativeStatus: ["completed"], customerIds: [String(sample.account_id)] }, sort);
    expect(ids(got)).toEqual(ids(expectedFor((o) => o.status === "completed" && o.account_id === sample.account_id)));
  });

  it.each(["createdAt", "updatedAt"] as const)("pushes a %s range within one local date down and keeps the exact range", async (field) => {
    const raw = field === "createdAt" ? "created_at" : "updated_at";
    // A busy UTC day, cut to the hours that are the same date in +00:00 and +03:00.
    const inWindow = (o: ActivePlatformOrder, day: string) =>
      instant(o[raw]) >= Date.parse(`${day}T02:00:00Z`) && instant(o[raw]) <= Date.parse(`${day}T20:30:00Z`);
    const days = [...new Set(emulator.orders.map((o) => new Date(instant(o[raw])).toISOString().slice(0, 10)))];
    const day = days.sort(
      (a, b) => emulator.orders.filter((o) => inWindow(o, b)).length - emulator.orders.filter((o) => inWindow(o, a)).length,
    )[0]!;
    const range = { from: new Date(`${day}T02:00:00Z`), to: new Date(`${day}T20:30:00Z`) };
    const expected = expectedFor((o) => inWindow(o, day));
    expect(expected.length).toBeGreaterThan(1);
    const before = emulator.requests.length;
    const got = await readAll(connector, { [field]: range }, sort);
    expect(ids(got)).toEqual(ids(expected));
    expect(requestsSince(before).every((url) => url.includes(`filters[${raw}]=${day}`))).toBe(true);
    // Without the offsets the same query is answered by ordergraph alone.
    const plain = connectorFor(emulator.url, { offsets: null });
    const beforePlain = emulator.requests.length;
    expect(ids(await readAll(plain, { [field]: range }, sort))).toEqual(ids(expected));
    expect(requestsSince(beforePlain).some((url) => url.includes("filters["))).toBe(false);
  });

  it("finds both orders of one nightly batch although their printed dates differ", async () => {
    const counts = new Map<number, ActivePlatformOrder[]>();
    for (const o of emulator.orders) counts.set(instant(o.created_at), [...(counts.get(instant(o.created_at)) ?? []), o]);
    const batch = [...counts.values()].find((group) => new Set(group.map((o) => o.created_at.slice(0, 10))).size > 1);
    expect(batch).toBeDefined();
    const at = instant(batch![0]!.created_at);
    const range = { from: new Date(at - 60_000), to: new Date(at + 60_000) };
    const got = await readAll(connector, { createdAt: range }, sort);
    expect(ids(got)).toEqual(ids(expectedFor((o) => Math.abs(instant(o.created_at) - at) <= 60_000)));
    expect(ids(got)).toEqual(expect.arrayContaining(ids(batch!)));
  });

  it("stays exact against an installation that reads filters[created_at] as the UTC date", async () => {
    // The docs do not say which calendar day the date filter reads. Here every account prints +03:00 but the
    // filter takes the UTC date: a Moscow day must not be pushed down, as its first three hours are the UTC day before.
    const moscow = generateActivePlatformData({ seed: 1, size: 300 }).orders.filter((o) => o.created_at.endsWith("+03:00"));
    const own = await startActivePlatformEmulator({ host: "127.0.0.1", port: 0, apiToken: TOKEN, orders: moscow });
    const utcReading = createServer((req, res) => {
      const url = new URL(req.url ?? "/", own.url);
      const date = url.searchParams.get("filters[created_at]");
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Number(url.searchParams.get("per_page") ?? 25);
      url.searchParams.delete("filters[created_at]");
      url.searchParams.set("page", "1");
      url.searchParams.set("per_page", "1000000");
      void fetch(url).then(async (answer) => {
        const rows = ((await answer.json()) as ActivePlatformOrder[]).filter(
          (o) => date === null || new Date(instant(o.created_at)).toISOString().slice(0, 10) === date,
        );
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(rows.slice((page - 1) * perPage, page * perPage)));
      });
    });
    await new Promise<void>((resolve) => utcReading.listen(0, "127.0.0.1", resolve));
    try {
      // A Moscow day whose nightly batch (00:00:05 local, 21:00:05Z the day before) has orders.
      const day = moscow.find((o) => o.created_at.slice(11, 19) === "00:00:05")!.created_at.slice(0, 10);
      const range = { from: new Date(`${day}T00:00:00+03:00`), to: new Date(`${day}T23:59:59.999+03:00`) };
      const expected = sortedStore(
        moscow.filter((o) => instant(o.created_at) >= range.from.getTime() && instant(o.created_at) <= range.to.getTime()),
        sort,
      );
      expect(expected.some((o) => new Date(instant(o.created_at)).toISOString().slice(0, 10) !== day)).toBe(true);
      const target = connectorFor(`http://127.0.0.1:${(utcReading.address() as AddressInfo).port}`, { offsets: ["+03:00"] });
      expect(ids(await readAll(target, { createdAt: range }, sort))).toEqual(ids(expected));
    } finally {
      await new Promise<void>((resolve) => utcReading.close(() => resolve()));
      await own.close();
    }
  });

  it("answers nothing without a call for filters that cannot match", async () => {
    for (const filter of [
      { email: "x@example.com" },
      { vendorReference: "R1" },
      { status: ["SHIPPED" as const] },
      { customerIds: ["abc"] },
    ]) {
      expect(connector.plan(filter, sort).empty).toBe(true);
    }
  });
});

describe("ActivePlatform connector: single orders", () => {
  it("reads complete orders by id, equal to the list rows", async () => {
    const wanted = emulator.orders.slice(0, 12).map((o) => String(o.id));
    const found = await connector.getMany([...wanted, "999999999", "not-an-id"], standaloneCall());
    expect([...found.keys()].sort()).toEqual([...wanted].sort());
    const listed = await connector.list({ filter: {}, sort: null, offset: 0, limit: 12 }, standaloneCall());
    for (const row of listed.rows) expect(found.get(row.nativeId)).toEqual(row);
  });

  it("treats 404 as absent", async () => {
    const before = emulator.requests.length;
    const found = await connector.getMany(["1999999"], standaloneCall());
    expect(found.size).toBe(0);
    expect(emulator.requests.length).toBe(before + 1);
  });
});

describe("ActivePlatform connector: errors never carry the token", () => {
  async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  const assertClean = (error: UpstreamError, token: string) => {
    const text = `${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`;
    expect(text).not.toContain(token);
  };

  it("answers a bad token with PROVIDER_ERROR naming the credentials", async () => {
    const wrong = "wrong-token-Pw93kd";
    const bad = connectorFor(emulator.url, { apiToken: wrong });
    const listError = await failure(bad.list({ filter: {}, sort: null, offset: 0, limit: 10 }, standaloneCall()));
    expect(listError).toMatchObject({ code: "PROVIDER_ERROR", provider: "billing", status: 403 });
    expect(listError.message).toContain("rejected the configured credentials");
    assertClean(listError, wrong);
    const getError = await failure(bad.getMany([String(emulator.orders[0]!.id)], standaloneCall()));
    expect(getError).toMatchObject({ code: "PROVIDER_ERROR", status: 403 });
    expect(getError.message).toContain("rejected the configured credentials");
    assertClean(getError, wrong);
  });

  it("answers an unreachable provider with PROVIDER_UNAVAILABLE", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const down = connectorFor(`http://127.0.0.1:${closed}`);
    const error = await failure(down.list({ filter: {}, sort: null, offset: 0, limit: 10 }, standaloneCall()));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    assertClean(error, TOKEN);
  });

  describe("against a misbehaving server that echoes the URL", () => {
    let server: Server;
    let url: string;
    let answer: { status: number; body: string } = { status: 200, body: "[]" };
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(answer.body.replace("$URL", req.url ?? ""));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each([
      [422, "PROVIDER_ERROR"],
      [500, "PROVIDER_UNAVAILABLE"],
      [503, "PROVIDER_UNAVAILABLE"],
      [429, "PROVIDER_RATE_LIMITED"],
      [403, "PROVIDER_ERROR"],
    ])("maps HTTP %i to %s without quoting the body", async (status, code) => {
      answer = { status, body: JSON.stringify({ status, error: "bad request to $URL" }) };
      const error = await failure(connectorFor(url).list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall()));
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
      assertClean(error, TOKEN);
    });

    it.each([
      [401, { status: 401, error: "Unauthorized" }],
      [403, { status: 403, error: "Forbidden" }],
      [422, { status: 422, error: "Invalid api_token" }],
      [422, { status: 422, message: "API token is not valid" }],
      [422, { errors: { api_token: ["is invalid"] } }],
    ])("answers HTTP %i %j as rejected credentials", async (status, body) => {
      answer = { status, body: JSON.stringify(body) };
      const target = connectorFor(url);
      for (const attempt of [
        () => target.list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall()),
        () => target.getMany(["5"], standaloneCall()),
      ]) {
        const error = await failure(attempt());
        expect(error).toMatchObject({ code: "PROVIDER_ERROR", provider: "billing", status });
        expect(error.message).toContain("rejected the configured credentials");
      }
    });

    it("does not blame the token for a 422 that only echoes the URL", async () => {
      answer = { status: 422, body: JSON.stringify({ status: 422, error: "per_page must be a positive integer: $URL" }) };
      const error = await failure(connectorFor(url).list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall()));
      expect(error.message).toContain("refused the request's parameters");
      assertClean(error, TOKEN);
    });

    it.each([
      ["an object instead of an array", JSON.stringify({ orders: [], url: "$URL" })],
      ["a body that is not JSON", "<html>$URL</html>"],
    ])("answers %s with UPSTREAM_INVALID_RESPONSE", async (_what, body) => {
      answer = { status: 200, body };
      const error = await failure(connectorFor(url).list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall()));
      expect(error.code).toBe("UPSTREAM_INVALID_RESPONSE");
      assertClean(error, TOKEN);
    });

    it("keeps an order without id in a list as a malformed placeholder: its page still answers", async () => {
      answer = { status: 200, body: JSON.stringify([{ status: "completed", created_at: "2025-01-01T00:00:00+00:00", note: "$URL" }]) };
      const page = await connectorFor(url).list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall());
      expect(page.rows).toHaveLength(1);
      const malformed = page.rows[0]?.malformed as UpstreamError;
      expect(malformed.code).toBe("UPSTREAM_INVALID_RESPONSE");
      assertClean(malformed, TOKEN);
    });

    it("maps one malformed single order to an Error for that order only", async () => {
      answer = { status: 200, body: JSON.stringify({ id: 5, status: "completed", created_at: "never" }) };
      const found = await connectorFor(url).getMany(["5"], standaloneCall());
      const entry = found.get("5");
      expect(entry).toBeInstanceOf(UpstreamError);
      expect((entry as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
    });

    it("refuses a page longer than asked for", async () => {
      answer = { status: 200, body: JSON.stringify(emulator.orders.slice(0, 6)) };
      const error = await failure(connectorFor(url).list({ filter: {}, sort: null, offset: 0, limit: 5 }, standaloneCall()));
      expect(error.code).toBe("UPSTREAM_INVALID_RESPONSE");
    });
  });
});
