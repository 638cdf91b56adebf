/**
 * Upstream call counts of typical query shapes, asserted exactly per provider
 * (each scenario on a fresh server, so no cache or token from an earlier one
 * helps). The figures are the fewest calls each provider's API allows:
 * - Iteras answers a filtered set in one GET, but filters one customer a call;
 * - emnify needs one login per server, filters ids by range and has no
 *   customer filter (one read of the list is distributed per customer);
 * - CS-Cart filters many customers at once (user_id[]) but has no id filter:
 *   an order by id is one GET /orders/{id};
 * - ActivePlatform filters one account a call and has no id filter either;
 * - the Django shop filters many customers (customer_in) and an id range.
 * The answers are checked too: a batched page must be the page the unbatched
 * path gives, with cursors that page on through it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import {
  CustomerOrdersAfterDocument,
  CustomersWithOrdersDocument,
  MergedPageDocument,
  NodesSummaryDocument,
  OrdersPageDocument,
  OrdersWithCustomerOrdersDocument,
  OrdersWithCustomersDocument,
} from "../../src/generated/client/graphql.ts";
import { decodeGlobalId } from "../../src/graph/global-id.ts";
import { startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

const IT = "news-iteras";
const EM = "sims-emnify";
const CS = "shop-cscart";
const AP = "billing-activeplatform";
const DJ = "shop-djangoshop";

let emulators: StartedEmulator[];
let setup: TestServer;
/** Order ids per provider, newest first. */
const orderIds = new Map<string, string[]>();
/** Customer ids per provider, in order of first appearance. */
const customerIds = new Map<string, string[]>();

const providerOf = (id: string) => decodeGlobalId(id)?.provider as string;

/** Shared by every server here, as by replicas: a cursor from a fresh server pages on through `setup`. */
const server = { cursorSecret: "call-counts-cursor-secret-0123456789" };

beforeAll(async () => {
  emulators = await startEmulators({ size: 60 });
  setup = await startTestServer({ providers: emulators.map((e) => testEntry(e)), server });
  const all = await setup.run(OrdersWithCustomersDocument, { first: 250 });
  for (const order of all.data?.orders.nodes ?? []) {
    const provider = providerOf(order.id);
    orderIds.set(provider, [...(orderIds.get(provider) ?? []), order.id]);
    if (!order.customer) continue;
    const list = customerIds.get(provider) ?? [];
    if (!list.includes(order.customer.id)) list.push(order.customer.id);
    customerIds.set(provider, list);
  }
}, 60_000);

afterAll(async () => {
  await setup?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** Runs one document on a fresh server and answers its data and calls per provider. */
async function onFreshServer<T>(
  run: (server: TestServer) => Promise<{
    data: T | null | undefined;
    errors?: unknown;
    extensions: { upstream?: { providers: Record<string, { calls: number; cached: number }> } };
  }>,
) {
  const fresh = await startTestServer({ providers: emulators.map((e) => testEntry(e)), server });
  try {
    const result = await run(fresh);
    expect(result.errors).toBeUndefined();
    const calls: Record<string, number> = {};
    let cached = 0;
    for (const [id, figures] of Object.entries(result.extensions.upstream?.providers ?? {})) {
      calls[id] = figures.calls;
      cached += figures.cached;
    }
    return { data: result.data as T, calls, cached };
  } finally {
    await fresh.close();
  }
}

describe("upstream calls per query shape", () => {
  it("a merged page of 50 orders: one list call per provider (plus emnify's login)", async () => {
    const { data, calls, cached } = await onFreshServer((s) => s.run(MergedPageDocument, { first: 50 }));
    expect(data.orders.nodes).toHaveLength(50);
    expect(new Set(data.orders.nodes.map((o) => providerOf(o.id))).size).toBe(5);
    expect(calls).toEqual({ [IT]: 1, [EM]: 2, [CS]: 1, [AP]: 1, [DJ]: 1 });
    expect(cached).toBe(0);
  });

  it("50 orders with their customers: the customers come with the list rows, no extra call", async () => {
    const { data, calls } = await onFreshServer((s) => s.run(OrdersWithCustomersDocument, { first: 50 }));
    expect(data.orders.nodes.filter((o) => o.customer?.id).length).toBeGreaterThan(40);
    expect(calls).toEqual({ [IT]: 1, [EM]: 2, [CS]: 1, [AP]: 1, [DJ]: 1 });
  });

  it("20 customers by id with their orders: one read per provider where it filters many customers", async () => {
    const ids = [IT, EM, CS, AP, DJ].flatMap((p) => (customerIds.get(p) ?? []).slice(0, 4));
    expect(ids).toHaveLength(20);
    const { data, calls } = await onFreshServer((s) => s.run(CustomersWithOrdersDocument, { ids, first: 5 }));
    // Iteras and ActivePlatform filter one customer a call; the others read all four together.
    expect(calls).toEqual({ [IT]: 4, [EM]: 2, [CS]: 1, [AP]: 4, [DJ]: 1 });
    const customers = data.nodes.filter((n) => n !== null && "orders" in n);
    expect(customers).toHaveLength(20);

    // Each batched page is the page of the unbatched path, and its cursor pages on through it.
    for (const customer of customers) {
      if (!customer || !("orders" in customer)) continue;
      const direct = await setup.run(OrdersPageDocument, { first: 5, filter: { customerIds: [customer.id] } });
      expect(customer.orders.nodes.map((o) => o.id)).toEqual(direct.data?.orders.edges.map((e) => e.node.id));
      expect(customer.orders.pageInfo.hasNextPage).toBe(direct.data?.orders.pageInfo.hasNextPage);
      const rest = await setup.run(CustomerOrdersAfterDocument, { id: customer.id, first: 250, after: customer.orders.pageInfo.endCursor });
      expect(rest.errors).toBeUndefined();
      const all = await setup.run(OrdersPageDocument, { first: 250, filter: { customerIds: [customer.id] } });
      expect([...customer.orders.nodes.map((o) => o.id), ...(rest.data?.customer?.orders.nodes.map((o) => o.id) ?? [])]).toEqual(
        all.data?.orders.edges.map((e) => e.node.id),
      );
    }
  }, 60_000);

  it("20 orders, their customers and each customer's orders: the customers' pages are batched per provider", async () => {
    const { data, calls } = await onFreshServer((s) => s.run(OrdersWithCustomerOrdersDocument, { first: 20, perCustomer: 3 }));
    const byProvider = new Map<string, Set<string>>();
    for (const order of data.orders.nodes) {
      if (!order.customer) continue;
      const set = byProvider.get(providerOf(order.id)) ?? new Set<string>();
      set.add(order.customer.id);
      byProvider.set(providerOf(order.id), set);
      expect(order.customer.orders.nodes.length).toBeGreaterThan(0);
    }
    const customersAt = (p: string) => byProvider.get(p)?.size ?? 0;
    // The list, then one read for all customers (per customer at Iteras and ActivePlatform);
    // emnify's list of all orders is read once more for the customers (no customer filter).
    const expected = (p: string, perCustomer: boolean, login = 0) =>
      customersAt(p) === 0 ? 1 + login : 1 + login + (perCustomer ? customersAt(p) : 1);
    expect(calls).toEqual({
      [IT]: expected(IT, true),
      [EM]: expected(EM, false, 1),
      [CS]: expected(CS, false),
      [AP]: expected(AP, true),
      [DJ]: expected(DJ, false),
    });
  });

  it("nodes of 100 order ids across five providers: one round per provider, in the fewest calls its API allows", async () => {
    const ids = [IT, EM, CS, AP, DJ].flatMap((p) => (orderIds.get(p) ?? []).slice(0, 20));
    expect(ids).toHaveLength(100);
    const { data, calls } = await onFreshServer((s) => s.run(NodesSummaryDocument, { ids }));
    expect(data.nodes.map((n) => n?.id)).toEqual(ids);
    // emnify and the Django shop: one id-range call (emnify after its login); CS-Cart and
    // ActivePlatform have no id filter: one detail GET per order. Iteras takes one order_id a
    // call, and this server has not seen these orders' days yet (see the next test).
    expect(calls).toEqual({ [IT]: 20, [EM]: 2, [CS]: 20, [AP]: 20, [DJ]: 1 });
  });

  it("nodes of Iteras orders already seen in a list: one windowed call for all of them", async () => {
    const ids = (orderIds.get(IT) ?? []).slice(0, 20);
    const { data, calls } = await onFreshServer(async (s) => {
      await s.run(MergedPageDocument, { first: 250 });
      return s.run(NodesSummaryDocument, { ids });
    });
    expect(data.nodes.map((n) => n?.id)).toEqual(ids);
    expect(calls).toEqual({ [IT]: 1 });
  });
});
