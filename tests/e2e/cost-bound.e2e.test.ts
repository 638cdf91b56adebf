/**
 * The cost estimate bounds the upstream calls: for query shapes that make
 * providers work in every way ordergraph knows (merged pages, details of
 * partial list rows, orders and customers by id, federation references,
 * customers with their orders, filters a provider cannot apply, sorts it
 * cannot do, pages read from the end or from a cursor, counts, aliases,
 * writes), the calls made (`extensions.upstream.calls`) are never more than
 * the calls estimated before anything ran (`extensions.cost.upstreamCalls`).
 * Each operation runs on a fresh server, so no cache, shared read or session
 * of an earlier one spares it a call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { decodeGlobalId } from "../../src/graph/global-id.ts";
import { CALL_COST } from "../../src/server/query-cost.ts";
import { ADMIN_KEY, startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

const IT = "news-iteras";
const EM = "sims-emnify";
const CS = "shop-cscart";
const AP = "billing-activeplatform";
const DJ = "shop-djangoshop";
const LIMITED_KEY = "test-limited-key-0123456789";
/** A federation router's key: only a router client is served `_entities`. */
const ROUTER_KEY = "test-router-key-0123456789";

let emulators: StartedEmulator[];
/** Order and customer ids per provider, newest first. */
const orderIds = new Map<string, string[]>();
const customerIds = new Map<string, string[]>();

interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: {
    upstream?: { calls: number; providers: Record<string, { calls: number }> };
    cost?: { requested: number; maximum: number; fields: number; upstreamCalls: number };
  };
}

function start(): Promise<TestServer> {
  return startTestServer({
    providers: emulators.map((e) => testEntry(e)),
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      { name: "limited", key: LIMITED_KEY, scopes: ["orders:read"], providers: [CS, IT] },
      { name: "router", key: ROUTER_KEY, scopes: ["orders:read"], router: true, maxEntities: 1000 },
    ],
  });
}

async function post(server: TestServer, query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer;
}

beforeAll(async () => {
  emulators = await startEmulators({ size: 60 });
  const server = await start();
  try {
    const all = await post(server, "{ orders(first: 250) { nodes { id customer { id } } } }");
    const nodes = (all.data as { orders: { nodes: Array<{ id: string; customer: { id: string } | null }> } }).orders.nodes;
    for (const order of nodes) {
      const provider = decodeGlobalId(order.id)?.provider as string;
      orderIds.set(provider, [...(orderIds.get(provider) ?? []), order.id]);
      if (!order.customer) continue;
      const list = customerIds.get(provider) ?? [];
      if (!list.includes(order.customer.id)) list.push(order.customer.id);
      customerIds.set(provider, list);
    }
  } finally {
    await server.close();
  }
}, 60_000);

afterAll(async () => {
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** The cursor of the `index`-th edge of a page of 50 with the given arguments (read on the case's own server). */
async function edgeCursor(server: TestServer, args: string, index: number): Promise<string> {
  const page = await post(server, `{ orders(first: 50${args ? `, ${args}` : ""}) { edges { cursor } } }`);
  const edges = (page.data as { orders: { edges: Array<{ cursor: string }> } }).orders.edges;
  return (edges[index] as { cursor: string }).cursor;
}

const orders = (provider: string, n: number) => (orderIds.get(provider) ?? []).slice(0, n);
const customers = (provider: string, n: number) => (customerIds.get(provider) ?? []).slice(0, n);
const everywhere = <T>(pick: (provider: string) => T[]) => [IT, EM, CS, AP, DJ].flatMap(pick);

interface Case {
  name: string;
  query: string;
  variables?: () => Record<string, unknown>;
  key?: string;
  /** Run first on the same server: a page whose cursor the case pages on from. */
  before?: (server: TestServer) => Promise<Record<string, unknown>>;
}

const CASES: Case[] = [
  {
    name: "a merged page",
    query: "{ orders(first: 50) { nodes { id number status createdAt total { amount } } pageInfo { hasNextPage } } }",
  },
  {
    name: "a merged page of 250 with items and addresses (details of CS-Cart and Iteras rows)",
    query: "{ orders(first: 250) { nodes { id items { sku } billingAddress { formatted } } } }",
  },
  {
    name: "provider fields only the details carry",
    query:
      '{ orders(first: 40, providers: ["shop-cscart", "news-iteras"]) { nodes { ... on CsCartOrder { langCode discount { amount } } ... on IterasOrder { invoiceLines { description } } } } }',
  },
  { name: "a merged count", query: "{ orders(first: 5) { totalCount nodes { id } } }" },
  { name: "the last page", query: "{ orders(last: 30) { totalCount nodes { id } pageInfo { hasPreviousPage } } }" },
  {
    name: "the page after a cursor, with a filter and a count",
    query:
      "query ($after: String) { orders(first: 25, after: $after, filter: { status: [COMPLETED, PROCESSING, PENDING] }) { totalCount nodes { id } } }",
    before: async (server) => {
      const first = await post(
        server,
        "{ orders(first: 25, filter: { status: [COMPLETED, PROCESSING, PENDING] }) { pageInfo { endCursor } } }",
      );
      return { after: (first.data as { orders: { pageInfo: { endCursor: string } } }).orders.pageInfo.endCursor };
    },
  },
  {
    name: "the page after a cursor, oldest first (narrowed to the orders after its key where a provider filters on the time)",
    query:
      "query ($after: String) { orders(first: 30, after: $after, sort: [{ field: CREATED_AT, direction: ASC }]) { nodes { id } pageInfo { hasNextPage } } }",
    before: async (server) => ({ after: await edgeCursor(server, "sort: [{ field: CREATED_AT, direction: ASC }]", 29) }),
  },
  {
    name: "the page after a cursor, by total (found again around the last position)",
    query: "query ($after: String) { orders(first: 20, after: $after, sort: [{ field: TOTAL, direction: DESC }]) { nodes { id } } }",
    before: async (server) => ({ after: await edgeCursor(server, "sort: [{ field: TOTAL, direction: DESC }]", 19) }),
  },
  {
    name: "a page between two cursors (after with before), forward and backward",
    query:
      "query ($after: String, $before: String) { a: orders(first: 10, after: $after, before: $before) { nodes { id } } b: orders(last: 10, after: $after, before: $before) { nodes { id } } }",
    before: async (server) => ({ after: await edgeCursor(server, "", 4), before: await edgeCursor(server, "", 35) }),
  },
  {
    name: "a backward page before a cursor",
    query: "query ($before: String) { orders(last: 15, before: $before) { totalCount nodes { id } pageInfo { hasPreviousPage } } }",
    before: async (server) => ({ before: await edgeCursor(server, "", 40) }),
  },
  { name: "a text search no provider applies whole", query: '{ orders(first: 10, filter: { search: "a" }) { totalCount nodes { id } } }' },
  {
    name: "a total range (applied by ordergraph)",
    query: '{ orders(first: 20, filter: { total: { min: "10" } }) { nodes { id total { amount } } } }',
  },
  {
    name: "a created-at range",
    query:
      '{ orders(first: 20, filter: { createdAt: { from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" } }) { totalCount nodes { id } } }',
  },
  { name: "a sort by total", query: "{ orders(first: 30, sort: [{ field: TOTAL, direction: ASC }]) { nodes { id } } }" },
  {
    name: "two sort keys (a full read everywhere)",
    query:
      "{ orders(first: 30, sort: [{ field: TOTAL, direction: DESC }, { field: CREATED_AT, direction: ASC }]) { totalCount nodes { id } } }",
  },
  { name: "a sort by number, read backward", query: "{ orders(last: 10, sort: [{ field: NUMBER, direction: ASC }]) { nodes { id } } }" },
  {
    name: "orders by id across five providers",
    query: "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { items { sku } } } }",
    variables: () => ({ ids: everywhere((p) => orders(p, 20)) }),
  },
  {
    name: "one order, and one customer with orders",
    query:
      "query ($order: ID!, $customer: ID!) { order(id: $order) { id total { amount } } customer(id: $customer) { id orders(first: 5) { totalCount nodes { id } } } }",
    variables: () => ({ order: orders(CS, 1)[0], customer: customers(IT, 1)[0] }),
  },
  {
    name: "customers by id with their orders",
    query:
      "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id orders(first: 5) { totalCount nodes { id createdAt } pageInfo { hasNextPage } } } } }",
    variables: () => ({ ids: everywhere((p) => customers(p, 4)) }),
  },
  {
    name: "orders, their customers and each customer's orders",
    query: "{ orders(first: 30) { nodes { id customer { id orders(first: 3) { nodes { id items { sku } } } } } } }",
  },
  {
    name: "customers' orders from a cursor and from the end",
    query:
      'query ($customer: ID!) { customer(id: $customer) { a: orders(first: 2) { nodes { id } } b: orders(last: 2) { nodes { id } } c: orders(first: 3, filter: { search: "e" }) { nodes { id } } } }',
    variables: () => ({ customer: customers(EM, 1)[0] }),
  },
  {
    name: "federation references of orders and customers",
    query:
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id status } ... on CsCartOrder { items { sku } } ... on Customer { id orders(first: 2) { nodes { id } } } } }",
    variables: () => ({
      r: [
        ...everywhere((p) => orders(p, 10)).map((id) => ({ __typename: "Order", id })),
        ...orders(CS, 5).map((id) => ({ __typename: "CsCartOrder", id })),
        ...everywhere((p) => customers(p, 2)).map((id) => ({ __typename: "Customer", id })),
      ],
    }),
    key: ROUTER_KEY,
  },
  {
    name: "aliases of several shapes",
    query:
      '{ a: orders(first: 20, providers: ["shop-cscart"]) { nodes { items { sku } } } b: orders(first: 20, providers: ["sims-emnify", "shop-djangoshop"], filter: { search: "o" }) { nodes { id } } c: orders(first: 10, sort: [{ field: NUMBER, direction: DESC }]) { totalCount nodes { id } } }',
  },
  { name: "orders by vendor reference", query: '{ ordersByVendorReference(vendorReference: "no-such-reference") { id } }' },
  {
    name: "a client limited to two providers",
    query: "{ orders(first: 100) { totalCount nodes { id items { sku } customer { orders(first: 2) { nodes { id } } } } } }",
    key: LIMITED_KEY,
  },
  {
    name: "a vendor reference written and read back",
    query:
      'mutation ($id: ID!) { setOrderVendorReference(input: { orderId: $id, vendorReference: "cost-bound-test" }) { order { id vendorReference } userErrors { code } } }',
    variables: () => ({ id: orders(CS, 1)[0] }),
  },
  {
    name: "a status written, with the status before and the order after",
    query:
      'mutation ($id: ID!) { updateOrderStatus(input: { orderId: $id, nativeStatus: "P" }) { previousStatus { code } order { id status } userErrors { code } } }',
    variables: () => ({ id: orders(CS, 2)[1] }),
  },
];

describe("upstream calls never exceed the estimate", () => {
  for (const scenario of CASES) {
    it(scenario.name, async () => {
      const server = await start();
      try {
        const prepared = scenario.before ? await scenario.before(server) : {};
        const answer = await post(server, scenario.query, { ...scenario.variables?.(), ...prepared }, scenario.key);
        expect(answer.errors).toBeUndefined();
        const calls = answer.extensions?.upstream?.calls ?? Number.NaN;
        const cost = answer.extensions?.cost;
        expect(calls).toBeGreaterThan(0);
        expect(calls).toBeLessThanOrEqual(cost?.upstreamCalls ?? -1);
        expect(cost?.requested).toBe((cost?.fields ?? 0) + CALL_COST * (cost?.upstreamCalls ?? 0));
        expect(cost?.requested).toBeLessThanOrEqual(cost?.maximum ?? 0);
      } finally {
        await server.close();
      }
    });
  }
});
