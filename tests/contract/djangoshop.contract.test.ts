/**
 * The djangoshop connector against its emulator over HTTP: every parameter it
 * sends (status, status_in, customer, customer_in, the created/updated ranges,
 * search, ordering, limit/offset), paging to the end without gap or duplicate,
 * and the errors. The expected rows come from the emulator's own data, mapped
 * and filtered with the engine's rules: native pushdown must not change a result.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DJANGOSHOP_DEFAULT_TOKEN,
  type DjangoShopEmulator,
  startDjangoShopEmulator,
} from "../../emulators/djangoshop/djangoshop.emulator.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { djangoShopConfigSchema } from "../../src/providers/djangoshop/djangoshop.config.ts";
import type { DjangoShopConnector } from "../../src/providers/djangoshop/djangoshop.connector.ts";
import { djangoShopDefinition } from "../../src/providers/djangoshop/djangoshop.definition.ts";
import { type DjangoShopNative, djangoShopToOrder } from "../../src/providers/djangoshop/djangoshop.mapper.ts";
import { djangoShopOrderSchema } from "../../src/providers/djangoshop/djangoshop.schemas.ts";

let shop: DjangoShopEmulator;
let connector: DjangoShopConnector;
const opened: DjangoShopConnector[] = [];

function connect(emulator: DjangoShopEmulator, extra: Record<string, unknown> = {}): DjangoShopConnector {
  const entry = djangoShopConfigSchema.parse({
    id: "shop-dj",
    kind: "djangoshop",
    baseUrl: `${emulator.url}/api`,
    currency: "EUR",
    credentials: { token: DJANGOSHOP_DEFAULT_TOKEN },
    ...extra,
  });
  const created = djangoShopDefinition.create(entry, {}) as DjangoShopConnector;
  opened.push(created);
  return created;
}

beforeAll(async () => {
  shop = await startDjangoShopEmulator({ port: 0, seed: 7, size: 260 });
  connector = connect(shop);
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await shop?.close();
});

/** Every order of an emulator, mapped, filtered and sorted by the engine's own rules. */
function expected(emulator: DjangoShopEmulator, filter: OrderFilter, sort: SortKey, exponent = 2): string[] {
  const all: OrderRecord[] = emulator.orders.map((raw) =>
    djangoShopToOrder(djangoShopOrderSchema.parse(raw), {
      provider: "shop-dj",
      currency: "EUR",
      currencyExponent: exponent,
      orderAmounts: "minor",
      timeZone: "UTC",
    }),
  );
  return all
    .filter((o) => matchesFilter(o, filter))
    .sort(orderComparator([sort]))
    .map((o) => o.nativeId);
}

/** Reads a whole filtered sequence through plan + list in windows of `step`, applying the residual. */
async function readAll(
  c: DjangoShopConnector,
  filter: OrderFilter,
  sort: SortKey,
  step = 37,
): Promise<{ ids: string[]; calls: number; totals: Set<number | null> }> {
  const plan = c.plan(filter, sort);
  const call = standaloneCall();
  if (plan.empty) return { ids: [], calls: 0, totals: new Set() };
  expect(plan.sortNative).toBe(true);
  const ids: string[] = [];
  const totals = new Set<number | null>();
  for (let offset = 0; ; offset += step) {
    const result = await c.list({ filter: plan.native, sort, offset, limit: step }, call);
    totals.add(result.total);
    ids.push(...result.rows.filter((row) => matchesFilter(row, plan.residual)).map((row) => row.nativeId));
    if (result.end) {
      expect(result.rows.length).toBeLessThanOrEqual(step);
      break;
    }
    expect(result.rows).toHaveLength(step);
  }
  return { ids, calls: call.meter.calls, totals };
}

const DESC_CREATED: SortKey = { field: "CREATED_AT", direction: "DESC" };

describe("djangoshop connector: paging and ordering", () => {
  it("pages the whole default sequence to the end, no gap, no duplicate, with the native count", async () => {
    const { ids, totals } = await readAll(connector, {}, DESC_CREATED);
    expect(ids).toEqual(expected(shop, {}, DESC_CREATED));
    expect(new Set(ids).size).toBe(shop.orders.length);
    expect([...totals]).toEqual([shop.orders.length]);
  });

  it.each([
    { field: "CREATED_AT", direction: "ASC" },
    { field: "UPDATED_AT", direction: "DESC" },
    { field: "UPDATED_AT", direction: "ASC" },
    { field: "NUMBER", direction: "DESC" },
    { field: "NUMBER", direction: "ASC" },
  ] as SortKey[])("sorts natively by $field $direction in the global order, id tie-break included", async (sort) => {
    const { ids } = await readAll(connector, {}, sort, 100);
    expect(ids).toEqual(expected(shop, {}, sort));
  });

  it("sends the ordering with its id tie-break, a trailing slash and never meets a redirect", async () => {
    shop.requests.length = 0;
    await connector.list({ filter: {}, sort: { field: "UPDATED_AT", direction: "ASC" }, offset: 0, limit: 5 }, standaloneCall());
    const url = new URL(shop.requests.at(-1)?.url ?? "", shop.url);
    expect(url.pathname).toBe("/api/orders/");
    expect(url.searchParams.get("ordering")).toBe("updated_at,id");
  });

  it("reads a window larger than the shop's limit in parallel calls of 100", async () => {
    const call = standaloneCall();
    const result = await connector.list({ filter: {}, sort: DESC_CREATED, offset: 10, limit: 250 }, call);
    expect(result.rows.map((r) => r.nativeId)).toEqual(expected(shop, {}, DESC_CREATED).slice(10, 260));
    expect(call.meter.calls).toBe(3);
    expect(result).toMatchObject({ total: 260, end: true });
  });

  it("reads a further window only when the count says it exists", async () => {
    const customer = String(shop.orders.find((o) => o.customer_data)?.customer_data?.id);
    const call = standaloneCall();
    const result = await connector.list({ filter: { customerIds: [customer] }, sort: DESC_CREATED, offset: 0, limit: 101 }, call);
    expect(result.end).toBe(true);
    expect(call.meter.calls).toBe(1);
  });

  it("keeps reading when the shop's max_limit is smaller than ours", async () => {
    const small = await startDjangoShopEmulator({ port: 0, seed: 7, size: 260, maxLimit: 30 });
    try {
      const c = connect(small);
      const result = await c.list({ filter: {}, sort: DESC_CREATED, offset: 5, limit: 100 }, standaloneCall());
      expect(result.rows.map((r) => r.nativeId)).toEqual(expected(small, {}, DESC_CREATED).slice(5, 105));
      expect(result.end).toBe(false);
    } finally {
      await small.close();
    }
  });

  it("answers an offset past the end with no rows and end", async () => {
    const result = await connector.list({ filter: {}, sort: DESC_CREATED, offset: 1000, limit: 10 }, standaloneCall());
    expect(result).toEqual({ rows: [], total: 260, end: true });
  });
});

describe("djangoshop connector: filters", () => {
  const customerIds = () => [...new Set(shop.orders.flatMap((o) => (o.customer_data ? [String(o.customer_data.id)] : [])))];

  it("filters by one status (status) and by several (status_in)", async () => {
    shop.requests.length = 0;
    const one = await readAll(connector, { status: ["SHIPPED"] }, DESC_CREATED);
    expect(one.ids).toEqual(expected(shop, { status: ["SHIPPED"] }, DESC_CREATED));
    expect(one.ids.length).toBeGreaterThan(0);
    expect(shop.requests.at(-1)?.url).toContain("status=shipped");
    const many = await readAll(connector, { status: ["PENDING", "ON_HOLD", "REFUNDED"] }, DESC_CREATED);
    expect(many.ids).toEqual(expected(shop, { status: ["PENDING", "ON_HOLD", "REFUNDED"] }, DESC_CREATED));
    expect(shop.requests.at(-1)?.url).toContain("status_in=new%2Chold%2Crefunded");
  });

  it("filters by native status and payment status", async () => {
    const filters: OrderFilter[] = [
      { nativeStatus: ["deleted", "failed"] },
      { paymentStatus: ["PARTIALLY_PAID"] },
      { paymentStatus: ["REFUNDED"] },
    ];
    for (const filter of filters) {
      const { ids } = await readAll(connector, filter, DESC_CREATED);
      expect(ids).toEqual(expected(shop, filter, DESC_CREATED));
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it("gets the orders of many customers in one call (customer_in) and of one (customer)", async () => {
    const ids = customerIds().slice(0, 6);
    shop.requests.length = 0;
    const many = await readAll(connector, { customerIds: ids }, DESC_CREATED, 100);
    expect(many.ids).toEqual(expected(shop, { customerIds: ids }, DESC_CREATED));
    expect(many.calls).toBe(1);
    expect(new URL(shop.requests[0]?.url ?? "", shop.url).searchParams.get("customer_in")).toBe(ids.join(","));
    const single = await readAll(connector, { customerIds: [ids[0] as string] }, DESC_CREATED);
    expect(single.ids).toEqual(expected(shop, { customerIds: [ids[0] as string] }, DESC_CREATED));
  });

  it("applies created and updated ranges exactly, bounds included, offsets and microseconds too", async () => {
    const sorted = expected(shop, {}, { field: "CREATED_AT", direction: "ASC" });
    const byId = new Map(shop.orders.map((o) => [String(o.id), o]));
    // Bounds taken from real orders (some rendered with an offset, some with microseconds) must include them.
    const lowRaw = byId.get(sorted[40] as string);
    const highRaw = byId.get(sorted[180] as string);
    const parse = (text: string) =>
      djangoShopToOrder(djangoShopOrderSchema.parse({ id: 1, status: "new", created_at: text }), {
        provider: "x",
        currency: "EUR",
        currencyExponent: 2,
        orderAmounts: "minor",
        timeZone: "UTC",
      }).createdAt as Date;
    const from = parse(lowRaw?.created_at ?? "");
    const to = parse(highRaw?.created_at ?? "");
    const created: OrderFilter = { createdAt: { from, to } };
    const got = await readAll(connector, created, DESC_CREATED);
    expect(got.ids).toEqual(expected(shop, created, DESC_CREATED));
    expect(got.ids).toContain(String(lowRaw?.id));
    expect(got.ids).toContain(String(highRaw?.id));
    const updated: OrderFilter = { updatedAt: { from, to } };
    expect((await readAll(connector, updated, DESC_CREATED)).ids).toEqual(expected(shop, updated, DESC_CREATED));
    const open: OrderFilter = { updatedAt: { to }, createdAt: { from } };
    expect((await readAll(connector, open, DESC_CREATED)).ids).toEqual(expected(shop, open, DESC_CREATED));
  });

  it("searches natively and re-checks the residual", async () => {
    const name = shop.orders.find((o) => o.customer_data?.full_name)?.customer_data?.full_name.split(" ")[0] as string;
    const filter: OrderFilter = { search: name.toLowerCase() };
    shop.requests.length = 0;
    const { ids } = await readAll(connector, filter, DESC_CREATED);
    expect(ids).toEqual(expected(shop, filter, DESC_CREATED));
    expect(new URL(shop.requests[0]?.url ?? "", shop.url).searchParams.get("search")).toBe(name.toLowerCase());
  });

  it("finds a customer's orders by e-mail through the shop's search", async () => {
    const customer = shop.data.customers.find((c) => shop.orders.some((o) => o.customer_data?.id === c.id));
    const { ids } = await readAll(connector, { email: customer?.email.toUpperCase() ?? "" }, DESC_CREATED);
    const wanted = shop.orders.filter((o) => o.customer_data?.id === customer?.id).map((o) => String(o.id));
    expect([...ids].sort()).toEqual([...wanted].sort());
  });

  it("combines filters and the total range (residual)", async () => {
    const filter: OrderFilter = { status: ["COMPLETED", "SHIPPED"], total: { min: "50.00", max: "200" } };
    const { ids } = await readAll(connector, filter, { field: "NUMBER", direction: "ASC" });
    expect(ids).toEqual(expected(shop, filter, { field: "NUMBER", direction: "ASC" }));
    expect(ids.length).toBeGreaterThan(0);
  });

  it("converts minor units with the configured exponent (3)", async () => {
    const kwd = await startDjangoShopEmulator({ port: 0, seed: 7, size: 30, currencyExponent: 3 });
    try {
      const c = connect(kwd, { currency: "KWD", currencyExponent: 3 });
      const result = await c.list({ filter: {}, sort: DESC_CREATED, offset: 0, limit: 30 }, standaloneCall());
      for (const row of result.rows) {
        const raw = kwd.orders.find((o) => String(o.id) === row.nativeId);
        expect(row.total).toEqual({ amount: (Number(raw?.total) / 1000).toFixed(3), currency: "KWD" });
      }
    } finally {
      await kwd.close();
    }
  });

  it.each([
    ["JSON numbers (the excerpt's Number)", false],
    ["DRF's decimal strings", true],
  ])("reads decimal order amounts exactly as %s", async (_, coerceDecimalToString) => {
    const decimal = await startDjangoShopEmulator({ port: 0, seed: 7, size: 60, orderAmounts: "decimal", coerceDecimalToString });
    try {
      const c = connect(decimal, { orderAmounts: "decimal" });
      const result = await c.list({ filter: {}, sort: DESC_CREATED, offset: 0, limit: 60 }, standaloneCall());
      expect(result.rows).toHaveLength(60);
      // The store holds minor units: mapped as such they give the exact amounts the decimals must equal.
      const minor = new Map(
        decimal.orders.map((raw) => [
          String(raw.id),
          djangoShopToOrder(djangoShopOrderSchema.parse(raw), {
            provider: "shop-dj",
            currency: "EUR",
            currencyExponent: 2,
            orderAmounts: "minor",
            timeZone: "UTC",
          }),
        ]),
      );
      for (const row of result.rows) {
        const want = minor.get(row.nativeId);
        const native = row.native as DjangoShopNative;
        const wantNative = want?.native as DjangoShopNative;
        expect([row.total, row.subtotal, native.shippingCost, native.amountPaid, native.amountOutstanding]).toEqual([
          want?.total,
          want?.subtotal,
          wantNative.shippingCost,
          wantNative.amountPaid,
          wantNative.amountOutstanding,
        ]);
        expect(row.total?.amount).toMatch(/^\d+\.\d{2}$/);
        expect(native.payments.map((p) => p.amount)).toEqual(wantNative.payments.map((p) => p.amount));
        expect(native.shippingMethod?.price ?? null).toEqual(wantNative.shippingMethod?.price ?? null);
        expect(row.items).toEqual(want?.items);
      }
    } finally {
      await decimal.close();
    }
  });

  it("reads a shop whose TIME_ZONE has summer time: the same instants, ranges still exact", async () => {
    const zoned = await startDjangoShopEmulator({ port: 0, seed: 7, size: 260, timeZone: "Europe/Copenhagen" });
    try {
      expect(new Set(zoned.orders.map((o) => o.created_at.slice(-6)))).toEqual(new Set(["+01:00", "+02:00"]));
      const c = connect(zoned, { timeZone: "Europe/Copenhagen" });
      const call = standaloneCall();
      const [utcRows, zonedRows] = await Promise.all([
        connector.list({ filter: {}, sort: DESC_CREATED, offset: 0, limit: 260 }, call),
        c.list({ filter: {}, sort: DESC_CREATED, offset: 0, limit: 260 }, call),
      ]);
      const instants = (rows: Iterable<OrderRecord>) =>
        [...rows].map((o) => [o.nativeId, o.createdAt?.toISOString(), o.updatedAt?.toISOString()]);
      expect(instants(zonedRows.rows)).toEqual(instants(utcRows.rows));
      const sorted = expected(zoned, {}, { field: "CREATED_AT", direction: "ASC" });
      const at = (id: string | undefined) => [...zonedRows.rows].find((o) => o.nativeId === id)?.createdAt as Date;
      const created: OrderFilter = { createdAt: { from: at(sorted[40]), to: at(sorted[180]) } };
      const got = await readAll(c, created, DESC_CREATED);
      expect(got.ids).toEqual(expected(zoned, created, DESC_CREATED));
      expect(got.ids.length).toBeGreaterThanOrEqual(141);
    } finally {
      await zoned.close();
    }
  });
});

describe("djangoshop connector: details and errors", () => {
  it("gets orders by id; unknown and malformed ids are absent", async () => {
    const [a, b] = shop.orders;
    const mark = shop.requests.length;
    const found = await connector.getMany([String(a?.id), String(b?.id), "999999", "abc"], standaloneCall());
    const requests = shop.requests.slice(mark);
    expect([...found.keys()].sort()).toEqual([String(a?.id), String(b?.id)].sort());
    const order = found.get(String(a?.id)) as OrderRecord;
    expect(order).toMatchObject({ nativeId: String(a?.id), complete: true });
    // Ids close together come in one id-range list call; an id alone from its detail URL.
    const low = Math.min(Number(a?.id), Number(b?.id));
    const high = Math.max(Number(a?.id), Number(b?.id));
    expect(requests.filter((r) => r.url.includes(`id_min=${low}&id_max=${high}`))).toHaveLength(1);
    expect(requests.some((r) => r.url === "/api/orders/999999/")).toBe(true);
    expect(requests.some((r) => r.url === `/api/orders/${a?.id}/`)).toBe(false);
  });

  it("reads ids spread wider than one page as several ranges, each within the page size", async () => {
    const ids = shop.orders.map((o) => String(o.id));
    const mark = shop.requests.length;
    const found = await connector.getMany(ids, standaloneCall());
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    const ranges = shop.requests.slice(mark).filter((r) => r.url.includes("id_min="));
    expect(ranges.length).toBeGreaterThan(1);
    for (const request of ranges) {
      const params = new URL(request.url, "http://x").searchParams;
      expect(Number(params.get("id_max")) - Number(params.get("id_min")) + 1).toBeLessThanOrEqual(100);
    }
  });

  it("answers PROVIDER_ERROR for a bad token, without the token in the message", async () => {
    const bad = connect(shop, { credentials: { token: "wrong-token-value" } });
    const error = await bad.list({ filter: {}, sort: null, offset: 0, limit: 1 }, standaloneCall()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", provider: "shop-dj", status: 401 });
    expect((error as Error).message).toContain("rejected the configured credentials");
    expect((error as Error).message).not.toContain("wrong-token-value");
    await expect(bad.getMany(["1"], standaloneCall())).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
  });

  it("answers PROVIDER_ERROR for a non-staff token (403)", async () => {
    const staffless = await startDjangoShopEmulator({ port: 0, size: 5, nonStaffTokens: ["customer-token"] });
    try {
      const c = connect(staffless, { credentials: { token: "customer-token" } });
      await expect(c.list({ filter: {}, sort: null, offset: 0, limit: 1 }, standaloneCall())).rejects.toMatchObject({
        code: "PROVIDER_ERROR",
        status: 403,
      });
    } finally {
      await staffless.close();
    }
  });

  it("answers UPSTREAM_INVALID_RESPONSE for a malformed order, naming the provider", async () => {
    const broken = await startDjangoShopEmulator({ port: 0, size: 5 });
    try {
      const c = connect(broken);
      (broken.orders[0] as unknown as Record<string, unknown>).status = null;
      // In a list, the malformed row keeps its place as a placeholder carrying the error.
      const page = await c.list({ filter: {}, sort: { field: "CREATED_AT", direction: "DESC" }, offset: 0, limit: 10 }, standaloneCall());
      const placeholder = page.rows.find((row) => row.nativeId === String(broken.orders[0]?.id));
      expect(placeholder?.malformed).toMatchObject({ code: "UPSTREAM_INVALID_RESPONSE", provider: "shop-dj" });
      expect(page.rows.filter((row) => row.malformed)).toHaveLength(1);
      const found = await c.getMany([String(broken.orders[0]?.id)], standaloneCall());
      expect(found.get(String(broken.orders[0]?.id))).toBeInstanceOf(UpstreamError);
    } finally {
      await broken.close();
    }
  });
});
