/**
 * The Iteras connector against its emulator over real HTTP, with a small cap
 * (50) so the date-window splitting runs on every full read, and a busy day
 * (40 orders) that forces splits down to single days. Expected values come
 * from the emulator's own store (`emulator.orders`), never from hard-coded ids.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIterasInvoiceLines, type IterasOrder } from "../../emulators/iteras/iteras.data.ts";
import { ITERAS_DEFAULT_API_KEY, type IterasEmulator, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { ProviderInputError } from "../../src/providers/core/provider-input-error.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { iterasConfigSchema } from "../../src/providers/iteras/iteras.config.ts";
import { IterasConnector } from "../../src/providers/iteras/iteras.connector.ts";
import { type IterasNative, iterasToOrder } from "../../src/providers/iteras/iteras.mapper.ts";
import { iterasOrderSchema } from "../../src/providers/iteras/iteras.schemas.ts";
import { iterasStatus } from "../../src/providers/iteras/iteras.status.ts";

const CAP = 50;
const BUSY_DAY = "2024-06-15";
const BUSY_COUNT = 40;
const NEWEST_FIRST: SortKey = { field: "CREATED_AT", direction: "DESC" };

let emulator: IterasEmulator;
let connector: IterasConnector;

function connectorFor(options: { apiKey?: string; cap?: number; setCacheTtlMs?: number } = {}): IterasConnector {
  return new IterasConnector(
    iterasConfigSchema.parse({
      id: "news-iteras",
      kind: "iteras",
      baseUrl: `${emulator.url}/api`,
      currency: "DKK",
      credentials: { apiKey: options.apiKey ?? ITERAS_DEFAULT_API_KEY },
      cap: options.cap ?? CAP,
      setCacheTtlMs: options.setCacheTtlMs ?? 0,
    }),
  );
}

/** Every order of a filter through plan + list, residual applied as the engine does. */
async function readAll(c: IterasConnector, filter: OrderFilter, sort: SortKey = NEWEST_FIRST, window = 1000): Promise<OrderRecord[]> {
  const plan = c.plan(filter, sort);
  if (plan.empty) return [];
  const rows: OrderRecord[] = [];
  for (let offset = 0; ; offset += window) {
    const result = await c.list({ filter: plan.native, sort, offset, limit: window }, standaloneCall());
    rows.push(...result.rows.filter((row) => matchesFilter(row, plan.residual)));
    if (result.end) return rows;
    expect(result.rows).toHaveLength(window);
  }
}

/** Requests since a mark, as parsed URLs. */
const since = (mark: number) => emulator.requests.slice(mark).map((r) => new URL(r.url, "http://x"));
const day = (o: IterasOrder) => o.created.slice(0, 10);
const withId = () => emulator.orders.filter((o) => o.id !== undefined);

/** The orders one request's filters select (before the cap), as the emulator selects them. */
function selectedBy(url: URL): IterasOrder[] {
  const q = url.searchParams;
  const statuses = q.getAll("status");
  return emulator.orders.filter(
    (o) =>
      (!q.get("created_after") || day(o) >= (q.get("created_after") as string)) &&
      (!q.get("created_before") || day(o) <= (q.get("created_before") as string)) &&
      (statuses.length === 0 || statuses.includes(o.status)) &&
      (!q.get("customer") || o.customer === q.get("customer")),
  );
}

beforeAll(async () => {
  emulator = await startIterasEmulator({
    host: "127.0.0.1",
    port: 0,
    seed: 3,
    size: 300,
    cap: CAP,
    burst: { date: BUSY_DAY, count: BUSY_COUNT },
  });
  connector = connectorFor();
});

afterAll(async () => {
  await connector?.close();
  await emulator?.close();
});

describe("Iteras connector: the whole set through the cap", () => {
  it("reads every order exactly once, newest first, splitting windows until no answer is capped", async () => {
    const mark = emulator.requests.length;
    const rows = await readAll(connector, {});
    expect(rows).toHaveLength(emulator.orders.length);
    expect(new Set(rows.map((r) => r.nativeId)).size).toBe(rows.length);
    expect(
      rows
        .map((r) => r.number)
        .filter(Boolean)
        .sort(),
    ).toEqual(
      withId()
        .map((o) => String(o.id))
        .sort(),
    );
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.createdAt!.getTime()).toBeGreaterThanOrEqual(rows[i]!.createdAt!.getTime());
    const urls = since(mark);
    expect(urls.length).toBeGreaterThan(emulator.orders.length / CAP);
    // The answers under the cap (the leaves) hold every order exactly once.
    const leaves = urls.map(selectedBy).filter((selected) => selected.length < CAP);
    const counts = new Map<IterasOrder, number>();
    for (const selected of leaves) for (const o of selected) counts.set(o, (counts.get(o) ?? 0) + 1);
    expect(counts.size).toBe(emulator.orders.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The busy day was narrowed into a short window of its own.
    const busyLeaf = urls.find((u) => {
      const after = u.searchParams.get("created_after");
      const before = u.searchParams.get("created_before");
      return after !== null && before !== null && after <= BUSY_DAY && before >= BUSY_DAY && selectedBy(u).length < CAP;
    });
    expect(busyLeaf).toBeDefined();
    const span =
      (Date.parse(busyLeaf!.searchParams.get("created_before")!) - Date.parse(busyLeaf!.searchParams.get("created_after")!)) / 86_400_000;
    expect(span).toBeLessThan(60);
    for (const url of urls) {
      expect(url.pathname).toBe("/api/orders/");
      expect(url.search).not.toContain(ITERAS_DEFAULT_API_KEY);
      expect(url.searchParams.get("fields")).toBeNull();
    }
  });

  it("keeps every order of the set as the mapper maps its row alone (sharing strings changes no value)", async () => {
    const rows = await readAll(connector, {});
    const byNumber = new Map(rows.map((r) => [r.number, r]));
    const context = { provider: "news-iteras", currency: "DKK", timeZone: "Europe/Copenhagen" };
    let compared = 0;
    for (const order of withId()) {
      const row = JSON.parse(JSON.stringify(order)) as unknown;
      const expected = iterasToOrder(iterasOrderSchema.parse(row), context, { withInvoiceLines: false });
      expect(byNumber.get(String(order.id))).toEqual(expected);
      compared += 1;
    }
    // Nested records (items, addresses, products, custom fields) are part of what is compared.
    expect(rows.some((r) => r.items.length > 1 && (r.native as IterasNative).customFields.length > 0)).toBe(true);
    expect(compared).toBeGreaterThan(200);
  });

  it("serves windows, totals and end from the fetched set", async () => {
    const plan = connector.plan({}, { field: "NUMBER", direction: "ASC" });
    expect(plan.sortNative).toBe(true);
    const first = await connector.list(
      { filter: plan.native, sort: { field: "NUMBER", direction: "ASC" }, offset: 0, limit: 10 },
      standaloneCall(),
    );
    expect(first.total).toBe(emulator.orders.length);
    expect(first.end).toBe(false);
    const numbers = withId()
      .map((o) => o.id as number)
      .sort((a, b) => a - b);
    // Orders without a number sort first ascending (absent is the smallest).
    const idLess = emulator.orders.length - numbers.length;
    expect(idLess).toBeGreaterThan(0);
    expect(first.rows.slice(idLess).map((r) => r.number)).toEqual(numbers.slice(0, 10 - idLess).map(String));
    const last = await connector.list(
      { filter: plan.native, sort: { field: "NUMBER", direction: "ASC" }, offset: emulator.orders.length - 3, limit: 10 },
      standaloneCall(),
    );
    expect(last.rows.map((r) => r.number)).toEqual(numbers.slice(-3).map(String));
    expect(last.end).toBe(true);
  });

  it("gives orders without id stable synthetic ids", async () => {
    const rows = await readAll(connector, {});
    const synthetic = rows.filter((r) => r.number === null);
    expect(synthetic.length).toBe(emulator.orders.filter((o) => o.id === undefined).length);
    for (const row of synthetic) {
      expect(row.nativeId).toMatch(/^x-\d{14}-[0-9a-f]{12}$/);
      expect(connector.isValidNativeId(row.nativeId)).toBe(true);
    }
    const again = await readAll(connector, {});
    expect(
      again
        .filter((r) => r.number === null)
        .map((r) => r.nativeId)
        .sort(),
    ).toEqual(synthetic.map((r) => r.nativeId).sort());
  });

  it("sorts by total exactly", async () => {
    const rows = await readAll(connector, {}, { field: "TOTAL", direction: "DESC" }, 1000);
    const cents = rows.map((r) => Math.round(Number(r.total!.amount) * 100));
    for (let i = 1; i < cents.length; i++) expect(cents[i - 1]!).toBeGreaterThanOrEqual(cents[i]!);
  });

  it("serves every sort, either way, in the exact global order", async () => {
    // One fetched set serves every sort: a descending one is its ascending view read from the end.
    const cached = connectorFor({ setCacheTtlMs: 60_000 });
    try {
      const all = await readAll(cached, {}, { field: "CREATED_AT", direction: "ASC" });
      expect(all).toHaveLength(emulator.orders.length);
      for (const field of ["CREATED_AT", "NUMBER", "TOTAL"] as const) {
        for (const direction of ["ASC", "DESC"] as const) {
          const sort: SortKey = { field, direction };
          const expected = [...all].sort(orderComparator([sort])).map((r) => r.nativeId);
          // Odd windows, so that no page boundary lines up with another.
          expect((await readAll(cached, {}, sort, 77)).map((r) => r.nativeId)).toEqual(expected);
        }
      }
    } finally {
      await cached.close();
    }
  });
});

describe("Iteras connector: pushdown", () => {
  it("sends statuses as repeated status= params", async () => {
    const mark = emulator.requests.length;
    const rows = await readAll(connector, { status: ["PENDING", "AWAITING_APPROVAL"] });
    const expected = emulator.orders.filter((o) => ["PENDING", "AWAITING_APPROVAL"].includes(iterasStatus(o.status).status));
    expect(rows.map((r) => r.nativeStatus.code).sort()).toEqual(expected.map((o) => o.status).sort());
    const urls = since(mark);
    for (const url of urls) {
      expect(url.searchParams.getAll("status").sort()).toEqual([
        "awaiting",
        "awaitingapproval",
        "awaitingconfirmation",
        "awaitingemailconfirmation",
        "awaitingpaymentprocessor",
      ]);
    }
  });

  it("sends native statuses and payment statuses through the table", async () => {
    const mark = emulator.requests.length;
    const rows = await readAll(connector, { nativeStatus: ["denied", "approved"], paymentStatus: ["UNPAID"] });
    expect(rows.length).toBe(emulator.orders.filter((o) => o.status === "denied").length);
    for (const url of since(mark)) expect(url.searchParams.getAll("status")).toEqual(["denied"]);
    expect(connector.plan({ status: ["SHIPPED"] }, NEWEST_FIRST).empty).toBe(true);
  });

  it("filters here when an unknown status could match", async () => {
    const plan = connector.plan({ status: ["ON_HOLD"] }, NEWEST_FIRST);
    expect(plan.native.nativeStatus).toBeUndefined();
    expect(plan.residual.status).toEqual(["ON_HOLD"]);
    expect(await readAll(connector, { status: ["ON_HOLD"] })).toEqual([]);
  });

  it("sends one customer= per customer", async () => {
    const counts = new Map<string, number>();
    for (const o of emulator.orders) if (o.customer) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1);
    const [a, b] = [...counts].sort((x, y) => y[1] - x[1]).map(([id]) => id);
    const mark = emulator.requests.length;
    const rows = await readAll(connector, { customerIds: [a!, b!] });
    expect(rows.map((r) => r.number).sort()).toEqual(
      emulator.orders
        .filter((o) => o.customer === a || o.customer === b)
        .map((o) => (o.id === undefined ? null : String(o.id)))
        .sort(),
    );
    expect(rows.every((r) => r.customer && [a, b].includes(r.customer.nativeId))).toBe(true);
    expect(
      since(mark)
        .map((u) => u.searchParams.get("customer"))
        .sort(),
    ).toEqual([a, b].sort());
    expect(connector.plan({ customerIds: ["guest-1"] }, NEWEST_FIRST).empty).toBe(true);
  });

  it("sends created dates as whole local days and keeps the exact range", async () => {
    const from = new Date("2024-06-14T22:30:00Z"); // 2024-06-15 00:30 in Copenhagen
    const to = new Date("2024-06-30T12:00:00Z");
    const mark = emulator.requests.length;
    const rows = await readAll(connector, { createdAt: { from, to } });
    const urls = since(mark);
    expect(urls[0]!.searchParams.get("created_after")).toBe("2024-06-15");
    expect(urls[0]!.searchParams.get("created_before")).toBe("2024-06-30");
    for (const url of urls) {
      expect(url.searchParams.get("created_after")! >= "2024-06-15").toBe(true);
      expect(url.searchParams.get("created_before")! <= "2024-06-30").toBe(true);
    }
    const all = await readAll(connector, {});
    const expected = all.filter((r) => r.createdAt! >= from && r.createdAt! <= to);
    expect(rows.map((r) => r.nativeId)).toEqual(expected.map((r) => r.nativeId));
    expect(rows.length).toBeGreaterThan(BUSY_COUNT - 5);
  });

  it("matches nothing on update times and vendor references, which Iteras has not", () => {
    expect(connector.plan({ updatedAt: { from: new Date(0) } }, NEWEST_FIRST).empty).toBe(true);
    expect(connector.plan({ vendorReference: "X" }, NEWEST_FIRST).empty).toBe(true);
  });
});

describe("Iteras connector: orders by id", () => {
  it("reads complete orders with invoice lines, one order_id per call", async () => {
    // A fresh connector has listed nothing, so it knows no order's day.
    const fresh = connectorFor();
    const picked = withId().slice(10, 13);
    const ids = picked.map((o) => String(o.id));
    const mark = emulator.requests.length;
    const found = await fresh.getMany([...ids, "999999999"], standaloneCall());
    await fresh.close();
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    const urls = since(mark);
    expect(urls.map((u) => u.searchParams.get("order_id")).sort()).toEqual([...ids, "999999999"].sort());
    for (const url of urls) expect(url.searchParams.get("fields")).toBe("data,invoice_lines");
    for (const order of picked) {
      const record = found.get(String(order.id)) as OrderRecord<IterasNative>;
      expect(record.complete).toBe(true);
      const lines = buildIterasInvoiceLines(order);
      expect(record.native.invoiceLines).toHaveLength(lines.length);
      expect(record.native.invoiceLines?.map((l) => l.description)).toEqual(lines.map((l) => l.description));
      expect(record.native.invoiceLines?.map((l) => l.amount?.amount)).toEqual(lines.map((l) => l.amount.toFixed(2)));
    }
  });

  it("reads the details of listed orders of nearby days in windowed calls", async () => {
    const rows = await readAll(connector, {});
    const page = rows.filter((r) => r.number !== null).slice(0, 30);
    const mark = emulator.requests.length;
    const found = await connector.getMany(
      page.map((r) => r.nativeId),
      standaloneCall(),
    );
    expect([...found.keys()].sort()).toEqual(page.map((r) => r.nativeId).sort());
    for (const record of found.values()) expect((record as OrderRecord<IterasNative>).native.invoiceLines?.length).toBeGreaterThan(0);
    const urls = since(mark);
    expect(urls.length).toBeLessThan(page.length / 2);
    for (const url of urls) expect(url.searchParams.get("fields")).toBe("data,invoice_lines");
  });

  it("finds an order without id again by its day", async () => {
    const rows = await readAll(connector, {});
    const synthetic = rows.find((r) => r.number === null)!;
    const mark = emulator.requests.length;
    const found = await connector.getMany([synthetic.nativeId], standaloneCall());
    const record = found.get(synthetic.nativeId) as OrderRecord<IterasNative>;
    expect(record.createdAt).toEqual(synthetic.createdAt);
    expect(record.native.invoiceLines?.length).toBeGreaterThan(0);
    const url = since(mark)[0]!;
    expect(url.searchParams.get("created_after")).toBe(url.searchParams.get("created_before"));
    expect((await connector.getMany([synthetic.nativeId.replace(/-[0-9a-f]{12}$/, "-000000000000")], standaloneCall())).size).toBe(0);
  });

  it("validates native ids before any call", () => {
    expect(connector.isValidNativeId("83529")).toBe(true);
    expect(connector.isValidNativeId("0123")).toBe(false);
    expect(connector.isValidNativeId("1&order_id=2")).toBe(false);
    expect(connector.isValidNativeId("x-20250226042633-abc")).toBe(false);
  });
});

describe("Iteras connector: failures", () => {
  it("refuses to cut a day over the cap and names it", async () => {
    const small = connectorFor({ cap: 30 });
    emulator.cap = 30;
    try {
      const error = await readAll(small, {}).catch((e: unknown) => e);
      // The filter is the client's to narrow: a refused input, not an Iteras failure.
      expect(error).toBeInstanceOf(ProviderInputError);
      expect((error as ProviderInputError).argument).toBe("filter");
      expect((error as ProviderInputError).message).toContain(BUSY_DAY);
      // Other days still read fine.
      const other = await readAll(small, { createdAt: { from: new Date("2024-07-01T00:00:00Z"), to: new Date("2024-12-31T00:00:00Z") } });
      expect(other.length).toBeGreaterThan(0);
    } finally {
      emulator.cap = CAP;
      await small.close();
    }
  });

  it("answers PROVIDER_ERROR for a bad key, without the key", async () => {
    const bad = connectorFor({ apiKey: "wrong-key-123456" });
    try {
      const error = await bad.list({ filter: {}, sort: null, offset: 0, limit: 10 }, standaloneCall()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe("PROVIDER_ERROR");
      // Iteras answers a bad key with a 404, like an unknown order would be on other APIs.
      expect((error as UpstreamError).status).toBe(404);
      expect((error as UpstreamError).message).toContain("rejected the configured credentials (HTTP 404)");
      expect((error as UpstreamError).message).not.toContain("wrong-key");
    } finally {
      await bad.close();
    }
  });

  it("reads a bad key as a credentials error by id too, never as an order that is not there", async () => {
    const bad = connectorFor({ apiKey: "wrong-key-123456" });
    const id = String(withId()[0]!.id);
    try {
      const error = await bad.getMany([id], standaloneCall()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).message).toContain("rejected the configured credentials (HTTP 404)");
    } finally {
      await bad.close();
    }
  });

  it("answers UPSTREAM_INVALID_RESPONSE when the answer as a whole is not a list", async () => {
    emulator.faults = { wrongShape: { body: { orders: "none" } } };
    try {
      const error = await connector
        .list({ filter: {}, sort: NEWEST_FIRST, offset: 0, limit: 10 }, standaloneCall())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
      expect((error as UpstreamError).provider).toBe("news-iteras");
    } finally {
      emulator.faults = {};
    }
  });
});

/** Orders of early 2019 (before every seeded one), added to the store for one test. */
const JAN_2019 = { createdAt: { from: new Date("2018-12-31T00:00:00Z"), to: new Date("2019-01-04T00:00:00Z") } };
const orderOn = (id: number, created: string): IterasOrder => ({ ...(withId()[0] as IterasOrder), id, created });
const malformed = (fields: Record<string, unknown>) => fields as unknown as IterasOrder;

async function withOrders<T>(extra: IterasOrder[], run: () => Promise<T>): Promise<T> {
  const saved = emulator.orders;
  emulator.orders = [...saved, ...extra];
  try {
    return await run();
  } finally {
    emulator.orders = saved;
  }
}

/** A server that answers every request with one status and JSON body: the other answers the docs allow. */
async function answering(status: number, body: unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("Iteras connector: the other 40x answers the docs allow for a bad key", () => {
  async function failureOf(status: number, body: unknown): Promise<UpstreamError> {
    const stub = await answering(status, body);
    const c = new IterasConnector(
      iterasConfigSchema.parse({
        id: "news-iteras",
        kind: "iteras",
        baseUrl: `${stub.url}/api`,
        currency: "DKK",
        credentials: { apiKey: "wrong-key-123456" },
        setCacheTtlMs: 0,
      }),
    );
    try {
      const error = await c.list({ filter: {}, sort: null, offset: 0, limit: 10 }, standaloneCall()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    } finally {
      await c.close();
      await stub.close();
    }
  }

  it.each([
    [400, { error: "Invalid API key." }],
    [400, { detail: "Ugyldig API-nøgle." }],
    [404, { detail: "Wrong API key" }],
  ])("reads %i %j as rejected credentials", async (status, body) => {
    const error = await failureOf(status, body);
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).toContain(`rejected the configured credentials (HTTP ${status})`);
  });

  it("keeps a 400 about a parameter a plain provider error", async () => {
    const error = await failureOf(400, { error: 'Invalid value for "status": "x"' });
    expect(error.message).not.toContain("credentials");
    expect(error.message).toContain("HTTP 400");
  });

  it("names the key as a likely cause of a 404 that does not say why", async () => {
    const error = await failureOf(404, { error: "Not found." });
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.message).not.toContain("rejected");
    expect(error.message).toMatch(/HTTP 404.*API key.*base URL/);
  });
});

describe("Iteras connector: malformed orders", () => {
  it("keeps a malformed row as a placeholder that is an error for that order alone; the rest of the list answers", async () => {
    const extra = [
      orderOn(900_001, "2019-01-01T09:00:00"),
      // A status must be a non-empty text: both rows fail the order schema, the list does not.
      malformed({ id: 5, created: "2019-01-01T10:00:00", products: [], status: 42 }),
      malformed({ created: "2019-01-01T11:00:00", status: "" }),
    ];
    await withOrders(extra, async () => {
      const plan = connector.plan(JAN_2019, NEWEST_FIRST);
      const result = await connector.list({ filter: plan.native, sort: NEWEST_FIRST, offset: 0, limit: 10 }, standaloneCall());
      // Placeholders keep their places in the sequence: the total counts them.
      expect(result.total).toBe(3);
      expect(result.end).toBe(true);
      expect(result.rows.filter((r) => !r.malformed).map((r) => r.nativeId)).toEqual(["900001"]);
      const placeholders = result.rows.filter((r) => r.malformed);
      expect(placeholders.map((r) => r.nativeId).sort()).toEqual(["5", "malformed"]);
      for (const placeholder of placeholders) {
        expect(placeholder.malformed).toBeInstanceOf(UpstreamError);
        expect((placeholder.malformed as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
        expect((placeholder.malformed as UpstreamError).provider).toBe("news-iteras");
        // A placeholder matches no filter, so the engine never shows it as an order.
        expect(matchesFilter(placeholder, {})).toBe(false);
      }
      expect(placeholders.find((r) => r.nativeId === "5")?.malformed?.message).toContain("order 5");
      expect((await readAll(connector, JAN_2019)).map((r) => r.nativeId)).toEqual(["900001"]);
      // By id, the malformed order is an error, never a record.
      const found = await connector.getMany(["5", "900001"], standaloneCall());
      expect(found.get("5")).toBeInstanceOf(UpstreamError);
      expect((found.get("5") as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
      expect((found.get("900001") as OrderRecord).number).toBe("900001");
    });
  });

  it("reads a listed order that comes back malformed in a windowed detail read as an error for that order", async () => {
    const good = orderOn(900_001, "2019-01-01T09:00:00");
    const turning = orderOn(900_002, "2019-01-02T09:00:00");
    await withOrders([good, turning], async () => {
      // The list teaches the days of both orders, so their details come in one windowed call.
      expect((await readAll(connector, JAN_2019)).map((r) => r.nativeId).sort()).toEqual(["900001", "900002"]);
      (turning as { status: unknown }).status = 42;
      const mark = emulator.requests.length;
      const found = await connector.getMany(["900001", "900002"], standaloneCall());
      expect((found.get("900001") as OrderRecord<IterasNative>).native.invoiceLines).toBeDefined();
      expect(found.get("900002")).toBeInstanceOf(UpstreamError);
      expect((found.get("900002") as UpstreamError).message).toContain("order 900002");
      const urls = since(mark);
      expect(urls).toHaveLength(1);
      expect(urls[0]?.searchParams.get("order_id")).toBeNull();
    });
  });

  it("counts malformed rows toward the cap, so a window they fill is still split and read whole", async () => {
    const small = connectorFor({ cap: 3 });
    const extra = [
      orderOn(900_001, "2019-01-01T09:00:00"),
      malformed({ id: 900_002, created: "2019-01-02T09:00:00", status: 42 }),
      // Iteras filters by the text's date; the connector cannot read this time at all.
      malformed({ id: 900_003, created: "2019-01-03 at noon", status: 42 }),
      orderOn(900_004, "2019-01-03T09:00:00"),
    ];
    emulator.cap = 3;
    try {
      await withOrders(extra, async () => {
        const mark = emulator.requests.length;
        const plan = small.plan(JAN_2019, NEWEST_FIRST);
        const result = await small.list({ filter: plan.native, sort: NEWEST_FIRST, offset: 0, limit: 10 }, standaloneCall());
        expect(result.total).toBe(4);
        expect(result.rows.filter((r) => !r.malformed).map((r) => r.nativeId)).toEqual(["900004", "900001"]);
        expect(result.rows.filter((r) => r.malformed).map((r) => r.nativeId)).toEqual(["900003", "900002"]);
        // The first answer held the cap (two of its rows malformed): it was split, and no answer kept was capped.
        const urls = since(mark);
        expect(urls.length).toBeGreaterThan(1);
        expect(selectedBy(urls[0] as URL)).toHaveLength(4);
        for (const url of urls.slice(1)) expect(selectedBy(url).length).toBeLessThan(3);
      });
    } finally {
      emulator.cap = CAP;
      await small.close();
    }
  });
});

describe("Iteras connector: the set cache", () => {
  it("serves further pages of the same filter without a call", async () => {
    const cached = connectorFor({ setCacheTtlMs: 60_000 });
    try {
      const filter = { status: ["COMPLETED" as const] };
      const plan = cached.plan(filter, NEWEST_FIRST);
      const call = standaloneCall();
      const mark = emulator.requests.length;
      const first = await cached.list({ filter: plan.native, sort: NEWEST_FIRST, offset: 0, limit: 20 }, call);
      const calls = emulator.requests.length - mark;
      expect(calls).toBeGreaterThan(0);
      const second = await cached.list({ filter: plan.native, sort: NEWEST_FIRST, offset: 20, limit: 20 }, call);
      const byNumber = await cached.list({ filter: plan.native, sort: { field: "NUMBER", direction: "DESC" }, offset: 0, limit: 20 }, call);
      expect(emulator.requests.length - mark).toBe(calls);
      expect(call.meter.cached).toBe(2);
      expect(second.rows[0]?.nativeId).not.toBe(first.rows[0]?.nativeId);
      expect(byNumber.total).toBe(first.total);
      // Another filter is another set.
      await cached.list({ filter: {}, sort: NEWEST_FIRST, offset: 0, limit: 5 }, call);
      expect(emulator.requests.length - mark).toBeGreaterThan(calls);
    } finally {
      await cached.close();
    }
  });

  it("refetches after the TTL and never caches a failure", async () => {
    const cached = connectorFor({ setCacheTtlMs: 100 });
    try {
      const request = { filter: { nativeStatus: ["denied"] }, sort: NEWEST_FIRST, offset: 0, limit: 5 };
      const mark = emulator.requests.length;
      await cached.list(request, standaloneCall());
      const calls = emulator.requests.length - mark;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await cached.list(request, standaloneCall());
      expect(emulator.requests.length - mark).toBe(2 * calls);
      const key = emulator.apiKey;
      emulator.apiKey = "rotated-key-000";
      const failing = { ...request, filter: { nativeStatus: ["awaiting"] } };
      await expect(cached.list(failing, standaloneCall())).rejects.toBeInstanceOf(UpstreamError);
      emulator.apiKey = key;
      const ok = await cached.list(failing, standaloneCall());
      expect(ok.total).toBe(emulator.orders.filter((o) => o.status === "awaiting").length);
    } finally {
      await cached.close();
    }
  });
});

describe("Iteras connector: secrets and personal data", () => {
  it("never maps the password hash", async () => {
    const rows = await readAll(connector, {});
    const text = JSON.stringify(rows);
    const hashes = emulator.orders.map((o) => o.password).filter((p): p is string => p !== undefined);
    expect(hashes.length).toBeGreaterThan(10);
    for (const hash of hashes) expect(text).not.toContain(hash);
    const found = await connector.getMany(
      withId()
        .slice(0, 20)
        .map((o) => String(o.id)),
      standaloneCall(),
    );
    const details = JSON.stringify([...found.values()]);
    for (const hash of hashes) expect(details).not.toContain(hash);
  });
});
