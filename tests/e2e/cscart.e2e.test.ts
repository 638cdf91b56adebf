/**
 * CS-Cart end to end: GraphQL over real HTTP against the emulator. Expected
 * orders and upstream call counts come from the emulator's store and request log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CsCartOrder } from "../../emulators/cscart/cscart.data.ts";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import {
  NodeByIdDocument,
  OrderByIdDocument,
  type OrderFilter,
  OrderNodesDocument,
  OrdersCountDocument,
  OrdersPageDocument,
  type OrdersPageQuery,
  OrdersPiiDocument,
  OrdersWithItemsDocument,
  ProvidersListDocument,
} from "../../src/generated/client/graphql.ts";
import { decodeGlobalId, encodeGlobalId } from "../../src/graph/global-id.ts";
import { compareDecimal, toDecimal } from "../../src/providers/core/decimal.ts";
import { CSCART_CAPABILITIES } from "../../src/providers/cscart/cscart.connector.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { csCartStatus } from "../../src/providers/cscart/cscart.status.ts";
import { ADMIN_KEY, type RawResult, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const PROVIDER = "shop-cscart";
const n = (value: unknown): number => Number(value);
const byDateDesc = (a: CsCartOrder, b: CsCartOrder) => n(b.timestamp) - n(a.timestamp) || n(b.order_id) - n(a.order_id);

let emulator: CsCartEmulator;
let server: TestServer;

/** The non-N orders, newest first, ties by order_id descending: the API's default order. */
const visible = () => emulator.orders.filter((o) => o.status !== "N").sort(byDateDesc);
const orderId = (nativeId: string | number) => encodeGlobalId("Order", PROVIDER, String(nativeId));
/** Requests the emulator received since a mark. */
const since = (mark: number) => emulator.requests.slice(mark);

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0 });
  server = await startTestServer({
    definitions: [csCartDefinition],
    providers: [
      {
        id: PROVIDER,
        kind: "cscart",
        baseUrl: `${emulator.url}/api`,
        currency: "EUR",
        timeZone: "Europe/Berlin",
        credentials: { ...CSCART_DEFAULT_CREDENTIALS },
      },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** Pages forward through a query and returns the native ids in order. */
async function pageForward(filter: OrderFilter | undefined, size: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const result: RawResult<OrdersPageQuery> = await server.run(OrdersPageDocument, { first: size, after, filter });
    expect(result.errors).toBeUndefined();
    const page: OrdersPageQuery["orders"] = result.data!.orders;
    seen.push(...page.edges.map((e) => e.node.nativeId));
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!page.pageInfo.hasNextPage) return seen;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor;
  }
  throw new Error("too many pages");
}

describe("CS-Cart e2e: lists and paging", () => {
  it("lists the newest orders with their fields", async () => {
    const result = await server.run(OrdersPageDocument, { first: 10 });
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const expected = visible().slice(0, 10);
    const nodes = result.data!.orders.edges.map((e) => e.node);
    expect(nodes.map((o) => o.nativeId)).toEqual(expected.map((o) => String(o.order_id)));
    nodes.forEach((node, i) => {
      const raw = expected[i] as CsCartOrder;
      expect(node.provider.id).toBe(PROVIDER);
      expect(node.number).toBe(String(raw.order_id));
      expect(node.status).toBe(csCartStatus(raw.status).status);
      expect(node.nativeStatus.code).toBe(raw.status);
      expect(node.createdAt).toBe(new Date(n(raw.timestamp) * 1000).toISOString());
      expect(node.total).toEqual({ amount: toDecimal(raw.total), currency: "EUR" });
      expect(decodeGlobalId(node.id)).toEqual({ type: "Order", provider: PROVIDER, nativeId: String(raw.order_id) });
    });
  });

  it("pages forward through every order exactly once, in the emulator's order", async () => {
    expect(await pageForward(undefined, 50)).toEqual(visible().map((o) => String(o.order_id)));
  });

  it("pages backward with last/before through the same set, page by page from the end", async () => {
    const pages: string[][] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const result: RawResult<OrdersPageQuery> = await server.run(OrdersPageDocument, { last: 45, before });
      expect(result.errors).toBeUndefined();
      const page: OrdersPageQuery["orders"] = result.data!.orders;
      pages.push(page.edges.map((e) => e.node.nativeId));
      expect(page.pageInfo.hasNextPage).toBe(before !== null);
      if (!page.pageInfo.hasPreviousPage) break;
      expect(page.edges).toHaveLength(45);
      before = page.pageInfo.startCursor;
    }
    const all = visible().map((o) => String(o.order_id));
    expect(pages[0]).toEqual(all.slice(-45));
    expect(pages.reverse().flat()).toEqual(all);
  });

  it("answers totalCount from CS-Cart's own count", async () => {
    const result = await server.run(OrdersCountDocument, {});
    expect(result.data!.orders.totalCount).toBe(visible().length);
    const completed = await server.run(OrdersCountDocument, { filter: { status: ["COMPLETED"] } });
    expect(completed.data!.orders.totalCount).toBe(emulator.orders.filter((o) => o.status === "C").length);
  });
});

describe("CS-Cart e2e: filters", () => {
  const expectIds = async (filter: OrderFilter, expected: CsCartOrder[]) => {
    expect(expected.length).toBeGreaterThan(0);
    expect(await pageForward(filter, 100)).toEqual(expected.map((o) => String(o.order_id)));
  };

  it("filters by status, DRAFT included only when asked", async () => {
    await expectIds(
      { status: ["CANCELLED", "DECLINED"] },
      visible().filter((o) => o.status === "I" || o.status === "D"),
    );
    await expectIds({ status: ["DRAFT"] }, emulator.orders.filter((o) => o.status === "N").sort(byDateDesc));
    await expectIds(
      { nativeStatus: ["E"] },
      visible().filter((o) => o.status === "E"),
    );
  });

  it("filters by a createdAt range (applied here, inclusive)", async () => {
    const all = visible();
    const to = new Date(n(all[40]?.timestamp) * 1000);
    const from = new Date(n(all[120]?.timestamp) * 1000);
    await expectIds(
      { createdAt: { from: from.toISOString(), to: to.toISOString() } },
      all.filter((o) => n(o.timestamp) * 1000 >= from.getTime() && n(o.timestamp) * 1000 <= to.getTime()),
    );
  });

  it("filters by a total range, exactly", async () => {
    const min = "50.00";
    const max = "120.00";
    await expectIds(
      { total: { min, max } },
      visible().filter((o) => {
        const amount = toDecimal(o.total) as string;
        return compareDecimal(amount, min) >= 0 && compareDecimal(amount, max) <= 0;
      }),
    );
  });

  it("searches order numbers and customer names", async () => {
    const target = visible().find((o) => n(o.user_id) > 0 && o.lastname !== "") as CsCartOrder;
    await expectIds(
      { search: String(target.order_id) },
      visible().filter((o) => String(o.order_id).includes(String(target.order_id))),
    );
    const name = target.lastname.toLowerCase();
    const result = await pageForward({ search: target.lastname.toUpperCase() }, 100);
    expect(result).toContain(String(target.order_id));
    const expected = visible().filter((o) =>
      [String(o.order_id), o.email, n(o.user_id) > 0 ? `${o.firstname} ${o.lastname}` : ""].join("\n").toLowerCase().includes(name),
    );
    expect(result).toEqual(expected.map((o) => String(o.order_id)));
  });

  it("refuses an old cursor with a changed filter", async () => {
    const first = await server.run(OrdersPageDocument, { first: 5, filter: { status: ["COMPLETED"] } });
    const cursor = first.data!.orders.pageInfo.endCursor;
    const result = await server.run(OrdersPageDocument, { first: 5, after: cursor, filter: { status: ["PROCESSING"] } });
    expect(result.errors?.[0]?.extensions?.["code"]).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(/different filter/);
  });

  it("refuses first: 251", async () => {
    const mark = emulator.requests.length;
    const result = await server.run(OrdersPageDocument, { first: 251 });
    expect(result.errors?.[0]?.extensions?.["code"]).toBe("BAD_USER_INPUT");
    expect(since(mark)).toHaveLength(0);
  });

  it("answers NOT_SUPPORTED naming the provider for a sort by UPDATED_AT", async () => {
    const result = await server.run(OrdersPageDocument, { first: 5, sort: [{ field: "UPDATED_AT", direction: "DESC" }] });
    const error = result.errors?.[0];
    expect(error?.extensions?.["code"]).toBe("NOT_SUPPORTED");
    expect(error?.extensions?.["provider"]).toBe(PROVIDER);
    expect(error?.message).toContain(PROVIDER);
  });
});

describe("CS-Cart e2e: upstream calls", () => {
  it("costs exactly 1 call for a page of 50 without items", async () => {
    const mark = emulator.requests.length;
    const result = await server.run(OrdersPageDocument, { first: 50 });
    expect(result.data!.orders.edges).toHaveLength(50);
    expect(result.extensions.upstream?.calls).toBe(1);
    expect(result.extensions.upstream?.providers[PROVIDER]?.calls).toBe(1);
    expect(since(mark)).toHaveLength(1);
  });

  it("costs 1 list call plus one detail call per order for items", async () => {
    const mark = emulator.requests.length;
    const result = await server.run(OrdersWithItemsDocument, { first: 50 });
    expect(result.errors).toBeUndefined();
    const requests = since(mark);
    const details = requests.filter((r) => /\/api\/orders\/\d+/.test(r.url));
    expect(requests.length - details.length).toBe(1);
    // Every seeded order has products, so each of the 50 needs its details once, and only once.
    expect(details).toHaveLength(50);
    expect(new Set(details.map((r) => r.url)).size).toBe(50);
    expect(result.extensions.upstream?.calls).toBe(requests.length);
    expect(result.extensions.upstream?.calls).toBeLessThanOrEqual(51);
    const nodes = result.data!.orders.nodes;
    nodes.forEach((node, i) => {
      const raw = visible()[i] as CsCartOrder;
      expect(decodeGlobalId(node.id)?.nativeId).toBe(String(raw.order_id));
      expect(node.items).toHaveLength(Object.keys(raw.products).length);
      expect(node.items.every((item) => item.unitPrice?.currency === "EUR")).toBe(true);
    });
  });
});

describe("CS-Cart e2e: by id", () => {
  it("reads order(id) with details, addresses and CS-Cart's own fields", async () => {
    const raw = visible().find((o) => n(o.user_id) > 0 && o.b_address !== "") as CsCartOrder;
    const result = await server.run(OrderByIdDocument, { id: orderId(raw.order_id) });
    expect(result.errors).toBeUndefined();
    const order = result.data!.order!;
    expect(order).toMatchObject({
      __typename: "CsCartOrder",
      nativeId: String(raw.order_id),
      email: raw.email,
      updatedAt: new Date(n(raw.updated_at) * 1000).toISOString(),
      subtotal: { amount: toDecimal(raw.subtotal), currency: "EUR" },
      userId: String(raw.user_id),
      firstName: raw.firstname,
    });
    expect(order.customer?.id).toBe(encodeGlobalId("Customer", PROVIDER, String(raw.user_id)));
    expect(order.billingAddress?.city).toBe(raw.b_city);
    expect(order.billingAddress?.formatted).toContain(raw.b_address);
    expect(order.items.map((i) => i.nativeId).sort()).toEqual(Object.keys(raw.products).sort());
  });

  it("answers null for an unknown or malformed order id", async () => {
    const mark = emulator.requests.length;
    expect((await server.run(OrderByIdDocument, { id: orderId("999999999") })).data?.order).toBeNull();
    expect((await server.run(OrderByIdDocument, { id: orderId("../orders") })).data?.order).toBeNull();
    expect((await server.run(OrderByIdDocument, { id: "garbage" })).data?.order).toBeNull();
    // Only the well-formed id reached CS-Cart.
    expect(since(mark)).toHaveLength(1);
  });

  it("resolves node(id) for orders and customers", async () => {
    const raw = visible().find((o) => n(o.user_id) > 0) as CsCartOrder;
    const order = await server.run(NodeByIdDocument, { id: orderId(raw.order_id) });
    expect(order.data?.node).toMatchObject({ __typename: "CsCartOrder", nativeId: String(raw.order_id) });
    const customer = await server.run(NodeByIdDocument, { id: encodeGlobalId("Customer", PROVIDER, String(raw.user_id)) });
    expect(customer.data?.node).toMatchObject({ __typename: "Customer", nativeId: String(raw.user_id) });
  });

  it("resolves nodes(ids) in order, with null for unknown ids, batched", async () => {
    const some = visible().slice(3, 6);
    const ids = [orderId(some[0]!.order_id), orderId("999999999"), orderId(some[1]!.order_id), "nope", orderId(some[2]!.order_id)];
    const mark = emulator.requests.length;
    const result = await server.run(OrderNodesDocument, { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes.map((node) => (node && "nativeId" in node ? node.nativeId : null))).toEqual([
      String(some[0]!.order_id),
      null,
      String(some[1]!.order_id),
      null,
      String(some[2]!.order_id),
    ]);
    expect(since(mark)).toHaveLength(4);
  });
});

describe("CS-Cart e2e: access", () => {
  it.each([
    ["no key", undefined],
    ["a wrong key", "Bearer not-a-configured-key-123456"],
  ])("answers 401 UNAUTHENTICATED with %s", async (_why, authorization) => {
    const mark = emulator.requests.length;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization) headers["authorization"] = authorization;
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: "{ orders(first: 1) { totalCount } }" }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }>; data?: unknown };
    expect(body.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect(body.data).toBeUndefined();
    expect(since(mark)).toHaveLength(0);
  });

  it("hides personal data from a client without pii:read, naming each field", async () => {
    const result = await server.run(OrdersPiiDocument, { first: 3 }, READER_KEY);
    const nodes = result.data!.orders.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.email).toBeNull();
      expect(node.billingAddress).toBeNull();
      expect(node.customer?.name ?? null).toBeNull();
      if (node.__typename !== "CsCartOrder") throw new Error(`expected a CsCartOrder, got ${node.__typename}`);
      expect([node.firstName, node.notes, node.adminNotes, node.paymentInfo]).toEqual([null, null, null, null]);
    }
    const errors = result.errors ?? [];
    expect(errors.every((e) => e.extensions?.["code"] === "FORBIDDEN")).toBe(true);
    const fields = new Set(errors.map((e) => e.extensions?.["field"]));
    expect(fields).toEqual(
      new Set([
        "CsCartOrder.email",
        "CsCartOrder.billingAddress",
        "CsCartOrder.firstName",
        "CsCartOrder.notes",
        "CsCartOrder.adminNotes",
        "CsCartOrder.paymentInfo",
        "Customer.name",
      ]),
    );
    expect(errors.some((e) => e.message.includes("pii:read"))).toBe(true);
  });

  it("shows personal data to a client with pii:read", async () => {
    const result = await server.run(OrdersPiiDocument, { first: 60 }, ADMIN_KEY);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.orders.nodes;
    const text = (value: string) => value.trim() || null;
    for (const node of nodes) {
      const raw = emulator.orders.find((o) => o.order_id === node.nativeId) as CsCartOrder;
      expect(node).toMatchObject({
        email: raw.email,
        firstName: raw.firstname,
        notes: text(raw.notes),
        adminNotes: text(raw.details),
        paymentInfo: raw.payment_info,
        customer: raw.user_id === "0" ? null : { name: `${raw.firstname} ${raw.lastname}` },
      });
    }
    // The set has free texts and registered customers, so the check above saw them shown.
    expect(nodes.some((n) => n.__typename === "CsCartOrder" && n.notes !== null)).toBe(true);
    expect(nodes.some((n) => n.customer?.name)).toBe(true);
  });
});

describe("CS-Cart e2e: provider", () => {
  it("lists the capability table", async () => {
    const result = await server.run(ProvidersListDocument, {});
    expect(result.errors).toBeUndefined();
    const provider = result.data!.providers.find((p) => p.id === PROVIDER)!;
    expect(provider.kind).toBe("CSCART");
    expect(provider.capabilities.count).toBe(CSCART_CAPABILITIES.count);
    expect(provider.capabilities.filters).toEqual(
      CSCART_CAPABILITIES.filters.map(({ field, operator, native }) => ({ field, operator, native })),
    );
    expect(provider.capabilities.sorts).toEqual(CSCART_CAPABILITIES.sorts);
    expect(provider.capabilities.writes).toEqual(CSCART_CAPABILITIES.writes);
    expect(provider.capabilities.sorts.find((s) => s.field === "UPDATED_AT")).toEqual({
      field: "UPDATED_AT",
      supported: false,
      native: false,
    });
    expect(provider.capabilities.filters).toContainEqual({ field: "CUSTOMER_ID", operator: "IN", native: true });
    expect(provider.capabilities.filters).toContainEqual({ field: "TOTAL", operator: "GTE", native: false });
  });
});
