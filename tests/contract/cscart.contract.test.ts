/**
 * The CS-Cart connector against its emulator over real HTTP. Expected values
 * come from the emulator's own store (`emulator.orders`), never from hard-coded ids.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CsCartOrder } from "../../emulators/cscart/cscart.data.ts";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { csCartConfigSchema } from "../../src/providers/cscart/cscart.config.ts";
import { CsCartConnector } from "../../src/providers/cscart/cscart.connector.ts";

const n = (value: unknown): number => Number(value);
const NEWEST_FIRST: SortKey = { field: "CREATED_AT", direction: "DESC" };
const byDateDesc = (a: CsCartOrder, b: CsCartOrder) => n(b.timestamp) - n(a.timestamp) || n(b.order_id) - n(a.order_id);
const ids = (orders: ReadonlyArray<CsCartOrder | OrderRecord>) => orders.map((o) => ("nativeId" in o ? o.nativeId : String(o.order_id)));

let emulator: CsCartEmulator;
let connector: CsCartConnector;

function connectorFor(apiKey: string): CsCartConnector {
  return new CsCartConnector(
    csCartConfigSchema.parse({
      id: "shop-cscart",
      kind: "cscart",
      baseUrl: `${emulator.url}/api`,
      currency: "EUR",
      credentials: { email: CSCART_DEFAULT_CREDENTIALS.email, apiKey },
    }),
  );
}

/** Every order of a filter through plan + list, windows of `window` rows, residual applied as the engine does. */
async function readAll(filter: OrderFilter, sort: SortKey = NEWEST_FIRST, window = 100): Promise<OrderRecord[]> {
  const plan = connector.plan(filter, sort);
  if (plan.empty) return [];
  const rows: OrderRecord[] = [];
  for (let offset = 0; ; offset += window) {
    const result = await connector.list({ filter: plan.native, sort, offset, limit: window }, standaloneCall());
    rows.push(...result.rows.filter((row) => matchesFilter(row, plan.residual)));
    if (result.end) return rows;
    expect(result.rows).toHaveLength(window);
  }
}

const visible = () => emulator.orders.filter((o) => o.status !== "N").sort(byDateDesc);

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0 });
  connector = connectorFor(CSCART_DEFAULT_CREDENTIALS.apiKey);
});

afterAll(async () => {
  await connector?.close();
  await emulator?.close();
});

describe("CS-Cart connector: status filters", () => {
  it("lists every order but N without a filter", async () => {
    expect(ids(await readAll({}))).toEqual(ids(visible()));
  });

  it.each(["C", "P", "O", "F", "D", "I", "G", "H", "B", "N", "E"])(
    "sends native status %s as status[] and gets exactly those",
    async (code) => {
      const expected = emulator.orders.filter((o) => o.status === code).sort(byDateDesc);
      expect(expected.length).toBeGreaterThan(0);
      const before = emulator.requests.length;
      const got = await readAll({ nativeStatus: [code] }, NEWEST_FIRST, 250);
      expect(ids(got)).toEqual(ids(expected));
      expect(emulator.requests.slice(before).every((r) => decodeURIComponent(r.url).includes(`status[]=${code}`))).toBe(true);
    },
  );

  it("maps canonical statuses to letters (PENDING is O and E), sent as status[] entries", async () => {
    const before = emulator.requests.length;
    const got = await readAll({ status: ["PENDING"] });
    expect(ids(got)).toEqual(ids(emulator.orders.filter((o) => o.status === "O" || o.status === "E").sort(byDateDesc)));
    // CS-Cart does not split a comma list (`status=O,E` is one unknown code): each letter is its own entry.
    const query = new URL(emulator.requests[before]?.url ?? "", "http://x").searchParams;
    expect(query.getAll("status[]")).toEqual(["O", "E"]);
    expect(query.has("status")).toBe(false);
  });

  it("shows N only when DRAFT or N is asked for", async () => {
    const drafts = emulator.orders.filter((o) => o.status === "N").sort(byDateDesc);
    expect(ids(await readAll({ status: ["DRAFT"] }))).toEqual(ids(drafts));
    // UNPAID covers N, O and E; without DRAFT asked for, N stays hidden.
    const unpaid = await readAll({ paymentStatus: ["UNPAID"] });
    expect(ids(unpaid)).toEqual(ids(emulator.orders.filter((o) => o.status === "O" || o.status === "E").sort(byDateDesc)));
    expect(connector.plan({ paymentStatus: ["UNPAID"], status: ["DRAFT"] }, NEWEST_FIRST).native.nativeStatus).toEqual(["N"]);
  });

  it("plans an impossible status as empty, without a call", () => {
    expect(connector.plan({ status: ["SHIPPED"] }, NEWEST_FIRST).empty).toBe(true);
    expect(connector.plan({ nativeStatus: ["waiting for payment"] }, NEWEST_FIRST).empty).toBe(true);
    expect(connector.plan({ status: ["COMPLETED"], nativeStatus: ["P"] }, NEWEST_FIRST).empty).toBe(true);
  });
});

describe("CS-Cart connector: other native filters", () => {
  it("filters customers natively with user_id[]", async () => {
    const counts = new Map<string, number>();
    for (const o of emulator.orders)
      if (n(o.user_id) > 0 && o.status !== "N") counts.set(String(o.user_id), (counts.get(String(o.user_id)) ?? 0) + 1);
    const chosen = [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([id]) => id);
    const before = emulator.requests.length;
    const got = await readAll({ customerIds: chosen });
    expect(ids(got)).toEqual(ids(visible().filter((o) => chosen.includes(String(o.user_id)))));
    expect(got.every((o) => o.customer !== null && chosen.includes(o.customer.nativeId))).toBe(true);
    const query = new URL(emulator.requests[before]?.url ?? "", "http://x").searchParams;
    expect(query.getAll("user_id[]")).toEqual(chosen);
    expect(query.has("user_id")).toBe(false);
  });

  it("never asks for guests (user_id 0) or malformed customer ids", () => {
    expect(connector.plan({ customerIds: ["0"] }, NEWEST_FIRST).empty).toBe(true);
    expect(connector.plan({ customerIds: ["abc", "-1"] }, NEWEST_FIRST).empty).toBe(true);
  });

  it("sends e-mail natively (a substring match) and keeps the exact match as residual", async () => {
    const plan = connector.plan({ email: "x@y.z" }, NEWEST_FIRST);
    expect(plan.native.email).toBe("x@y.z");
    expect(plan.residual.email).toBe("x@y.z");
    // An address that is a substring of another one shows the re-check matters.
    const emails = [...new Set(visible().map((o) => o.email.toLowerCase()))];
    const target =
      emails.find((e) => emails.some((other) => other !== e && other.includes(e))) ?? (visible()[0] as CsCartOrder).email.toLowerCase();
    const upper = target.toUpperCase();
    const got = await readAll({ email: upper });
    const expected = visible().filter((o) => o.email.toLowerCase() === target);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(got)).toEqual(ids(expected));
  });

  it("sends an e-mail domain as substring but the residual keeps only exact addresses", async () => {
    const domain = ((visible()[0] as CsCartOrder).email.split("@")[1] ?? "") as string;
    const plan = connector.plan({ email: domain }, NEWEST_FIRST);
    const native = await connector.list({ filter: plan.native, sort: NEWEST_FIRST, offset: 0, limit: 250 }, standaloneCall());
    expect(native.rows.length).toBeGreaterThan(0);
    expect(native.rows.filter((row) => matchesFilter(row, plan.residual))).toEqual([]);
  });

  it("filters updatedAt natively in unix seconds, both ends inclusive", async () => {
    const times = [...new Set(visible().map((o) => n(o.updated_at)))].sort((a, b) => a - b);
    const from = times[Math.floor(times.length * 0.4)] as number;
    const to = times[Math.floor(times.length * 0.6)] as number;
    // Sub-second edges: from is rounded up and to down, so the exact seconds stay in.
    const range = { from: new Date(from * 1000 - 400), to: new Date(to * 1000 + 999) };
    const before = emulator.requests.length;
    const got = await readAll({ updatedAt: range });
    const expected = visible().filter((o) => n(o.updated_at) >= from && n(o.updated_at) <= to);
    expect(expected.length).toBeGreaterThan(5);
    expect(ids(got)).toEqual(ids(expected));
    const url = emulator.requests[before]?.url ?? "";
    expect(url).toContain(`updated_at_from=${from}`);
    expect(url).toContain(`updated_at_to=${to}`);
  });

  it("finds a vendor reference with the add-on's search, including a shared one", async () => {
    const shared = emulator.orders.filter((o) => o.vendor_ref === "PO-SPLIT-0001");
    expect(shared).toHaveLength(2);
    const got = await readAll({ vendorReference: "PO-SPLIT-0001" });
    expect(ids(got)).toEqual(ids(shared.filter((o) => o.status !== "N").sort(byDateDesc)));
    expect(got.every((o) => o.complete && o.vendorReference === "PO-SPLIT-0001")).toBe(true);
    const one = emulator.orders.find((o) => o.vendor_ref !== "" && o.vendor_ref !== "PO-SPLIT-0001" && o.status !== "N") as CsCartOrder;
    expect(ids(await readAll({ vendorReference: one.vendor_ref }))).toEqual([String(one.order_id)]);
    // Other filters still apply to the search's answer.
    const otherStatus = one.status === "C" ? "P" : "C";
    expect(await readAll({ vendorReference: one.vendor_ref, nativeStatus: [otherStatus] })).toEqual([]);
  });

  it("answers an unknown vendor reference (CS-Cart's 404) as no orders", async () => {
    const before = emulator.requests.length;
    const result = await connector.list(
      { filter: { vendorReference: "NO-SUCH-REF" }, sort: NEWEST_FIRST, offset: 0, limit: 50 },
      standaloneCall(),
    );
    expect(result).toEqual({ rows: [], total: 0, end: true });
    expect(emulator.requests.length - before).toBe(1);
  });

  it("leaves createdAt, total and search to the residual", () => {
    const filter: OrderFilter = { createdAt: { from: new Date(0) }, total: { min: "1" }, search: "x" };
    const plan = connector.plan(filter, NEWEST_FIRST);
    expect(plan.native).toEqual({});
    expect(plan.residual).toEqual(filter);
  });
});

describe("CS-Cart connector: list windows", () => {
  it.each([
    [NEWEST_FIRST, 37],
    [{ field: "CREATED_AT", direction: "ASC" } as SortKey, 250],
    [{ field: "NUMBER", direction: "DESC" } as SortKey, 60],
    [{ field: "TOTAL", direction: "ASC" } as SortKey, 83],
  ])("pages %j in windows of %i to the end with no gap and no duplicate", async (sort, window) => {
    const direction = sort.direction === "ASC" ? 1 : -1;
    const key = (o: CsCartOrder) => (sort.field === "NUMBER" ? 0 : sort.field === "TOTAL" ? n(o.total) : n(o.timestamp));
    const expected = emulator.orders
      .filter((o) => o.status !== "N")
      .sort((a, b) => direction * (key(a) - key(b) || n(a.order_id) - n(b.order_id)));
    const plan = connector.plan({}, sort);
    expect(plan.sortNative).toBe(true);
    const seen: string[] = [];
    for (let offset = 0; ; offset += window) {
      const result = await connector.list({ filter: {}, sort, offset, limit: window }, standaloneCall());
      expect(result.total).toBe(expected.length);
      seen.push(...ids(result.rows));
      if (result.end) {
        expect(offset + result.rows.length).toBe(expected.length);
        break;
      }
      expect(result.rows).toHaveLength(window);
    }
    expect(seen).toEqual(ids(expected));
  });

  it("reads an unaligned window in one call", async () => {
    const before = emulator.requests.length;
    const result = await connector.list({ filter: {}, sort: NEWEST_FIRST, offset: 51, limit: 50 }, standaloneCall());
    expect(emulator.requests.length - before).toBe(1);
    expect(ids(result.rows)).toEqual(ids(visible().slice(51, 101)));
    expect(result.end).toBe(false);
  });

  it("maps list rows as partial orders with the configured currency", async () => {
    const result = await connector.list({ filter: {}, sort: NEWEST_FIRST, offset: 0, limit: 20 }, standaloneCall());
    const first = result.rows[0] as OrderRecord;
    const raw = visible()[0] as CsCartOrder;
    expect(first.complete).toBe(false);
    expect(first.total?.currency).toBe("EUR");
    expect(first.createdAt?.getTime()).toBe(n(raw.timestamp) * 1000);
    expect(first.nativeStatus.code).toBe(raw.status);
  });

  it("counts a call per page in the meter", async () => {
    const call = standaloneCall();
    await connector.list({ filter: {}, sort: NEWEST_FIRST, offset: 0, limit: 300 }, call);
    expect(call.meter.calls).toBe(2);
    expect(call.meter.providers["shop-cscart"]?.calls).toBe(2);
  });
});

describe("CS-Cart connector: getMany", () => {
  it("returns complete orders by id; unknown and malformed ids are absent", async () => {
    const some = visible().slice(0, 3);
    const wanted = [...ids(some), "999999999", "abc", "0"];
    const before = emulator.requests.length;
    const found = await connector.getMany(wanted, standaloneCall());
    expect([...found.keys()].sort()).toEqual(ids(some).sort());
    // Malformed ids never reach the provider.
    expect(emulator.requests.length - before).toBe(4);
    for (const raw of some) {
      const order = found.get(String(raw.order_id)) as OrderRecord;
      expect(order).not.toBeInstanceOf(Error);
      expect(order.complete).toBe(true);
      expect(order.updatedAt?.getTime()).toBe(n(raw.updated_at) * 1000);
      expect(order.items).toHaveLength(Object.keys(raw.products).length);
      expect(order.subtotal?.amount).toBe(raw.subtotal);
    }
  });

  it("checks native ids before any call", () => {
    expect(connector.isValidNativeId("1042")).toBe(true);
    for (const bad of ["", "0", "01", "12a", "1/2", "../orders", "1".repeat(20)]) expect(connector.isValidNativeId(bad)).toBe(false);
  });
});

describe("CS-Cart connector: credentials", () => {
  it("turns a 401 into PROVIDER_ERROR without the key in the message", async () => {
    const wrongKey = "wrong-but-secret-key-123";
    const wrong = connectorFor(wrongKey);
    try {
      const error = await wrong.list({ filter: {}, sort: NEWEST_FIRST, offset: 0, limit: 10 }, standaloneCall()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      const upstream = error as UpstreamError;
      expect(upstream.code).toBe("PROVIDER_ERROR");
      expect(upstream.provider).toBe("shop-cscart");
      expect(upstream.message).toMatch(/rejected the configured credentials/);
      expect(upstream.message).not.toContain(wrongKey);
      expect(upstream.message).not.toContain(Buffer.from(`${CSCART_DEFAULT_CREDENTIALS.email}:${wrongKey}`).toString("base64"));
      const detail = await wrong.getMany([String(visible()[0]?.order_id)], standaloneCall()).catch((e: unknown) => e);
      expect((detail as UpstreamError).code).toBe("PROVIDER_ERROR");
    } finally {
      await wrong.close();
    }
  });
});
