/**
 * Filters over real HTTP against the five emulators (issue 23): a client
 * without pii:read cannot probe personal data through `email` or `search`,
 * on `orders` or on a customer's orders, and a control character in any
 * filter text is refused. Either refusal comes before anything is asked of a
 * provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { CustomerOrderCountDocument, type OrderFilter, OrdersCountDocument } from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

// Refusals are request errors: 4xx for a client that accepts the spec's media type (a client that accepts only
// application/json gets them with 200, see tests/e2e/response-status.e2e.test.ts).
const GRAPHQL_RESPONSE = "application/graphql-response+json";

let emulators: StartedEmulator[];
let server: TestServer;
/** A registered CS-Cart customer: their e-mail, last name and customer id. */
let person: { email: string; lastName: string; customerId: string };

beforeAll(async () => {
  emulators = await startEmulators({ size: 20 });
  server = await startTestServer({ providers: emulators.map((e) => testEntry(e)) });
  const cscart = emulators.find((e) => e.kind === "cscart")?.server as CsCartEmulator;
  const order = cscart.orders.find((o) => String(o.user_id) !== "0" && o.status !== "N");
  if (!order) throw new Error("the CS-Cart emulator has no registered customer's order");
  person = { email: order.email, lastName: order.lastname, customerId: encodeGlobalId("Customer", "shop-cscart", String(order.user_id)) };
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** The requests all emulators have received so far. */
const upstreamRequests = () => emulators.reduce((sum, e) => sum + e.server.requests.length, 0);

/** Posts a query as JSON, for queries and variables the typed documents cannot express. */
async function post(query: string, variables: Record<string, unknown>, key: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: GRAPHQL_RESPONSE, authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, ...body };
}

describe("filters that match personal data, for a client without pii:read", () => {
  it("e-mail probing on orders is FORBIDDEN, for a real address and an unknown one alike, and calls no provider", async () => {
    // With pii:read the count is an oracle: a real address matches, an unknown one does not.
    const real = await server.run(OrdersCountDocument, { filter: { email: person.email } }, ADMIN_KEY);
    const unknown = await server.run(OrdersCountDocument, { filter: { email: "nobody.here@example.com" } }, ADMIN_KEY);
    expect(real.errors).toBeUndefined();
    expect(real.data?.orders.totalCount).toBeGreaterThan(0);
    expect(unknown.data?.orders.totalCount).toBe(0);

    for (const email of [person.email, "nobody.here@example.com"]) {
      const before = upstreamRequests();
      const probe = await server.run(OrdersCountDocument, { filter: { email } }, READER_KEY);
      expect(probe.status).toBe(403);
      expect(probe.data ?? null).toBeNull();
      expect(probe.errors).toHaveLength(1);
      expect(probe.errors?.[0]?.extensions).toEqual({
        code: "FORBIDDEN",
        field: "Query.orders",
        argument: "filter.email",
        scope: "pii:read",
      });
      expect(probe.errors?.[0]?.message).toBe("Query.orders: filter.email matches personal data and needs the pii:read scope");
      expect(upstreamRequests()).toBe(before);
    }
  });

  it("a search (names, e-mails) is FORBIDDEN too, alone or with other filters and providers", async () => {
    const filters: OrderFilter[] = [
      { search: person.lastName },
      { search: person.email.slice(0, 3), customerIds: [person.customerId] },
      { status: ["COMPLETED"], search: "zz1" },
    ];
    for (const filter of filters) {
      const before = upstreamRequests();
      const probe = await server.run(OrdersCountDocument, { filter, providers: ["shop-cscart"] }, READER_KEY);
      expect(probe.errors?.[0]?.extensions, JSON.stringify(filter)).toMatchObject({ code: "FORBIDDEN", argument: "filter.search" });
      expect(upstreamRequests()).toBe(before);
    }
    const admin = await server.run(OrdersCountDocument, { filter: { search: person.lastName }, providers: ["shop-cscart"] }, ADMIN_KEY);
    expect(admin.data?.orders.totalCount).toBeGreaterThan(0);
  });

  it("on a customer's orders it is FORBIDDEN before the customer is read", async () => {
    for (const filter of [{ email: person.email }, { search: person.lastName }] as OrderFilter[]) {
      const before = upstreamRequests();
      const probe = await server.run(CustomerOrderCountDocument, { id: person.customerId, filter }, READER_KEY);
      expect(probe.status).toBe(403);
      expect(probe.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", field: "Customer.orders", scope: "pii:read" });
      expect(probe.errors?.[0]?.extensions?.["argument"]).toBe(`filter.${Object.keys(filter)[0]}`);
      expect(upstreamRequests()).toBe(before);
    }
    const admin = await server.run(CustomerOrderCountDocument, { id: person.customerId, filter: { email: person.email } }, ADMIN_KEY);
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.customer?.orders.totalCount).toBeGreaterThan(0);
    // The same customer's orders without a personal filter stay open to the reader.
    const plain = await server.run(CustomerOrderCountDocument, { id: person.customerId, filter: { status: ["COMPLETED"] } }, READER_KEY);
    expect(plain.errors).toBeUndefined();
    expect(plain.data?.customer?.id).toBe(person.customerId);
  });

  it("the script of the finding (25 aliased guesses a request, under an order's customer) is refused whole", async () => {
    const guesses = Array.from(
      { length: 25 },
      (_, i) =>
        `g${i}: orders(filter: { customerIds: ["${person.customerId}"], search: "${"abcdefghijklmnopqrstuvwxy"[i]}" }) { totalCount }`,
    );
    const nested = `orders(first: 1, providers: ["shop-cscart"]) { nodes { customer { orders(filter: { email: "${person.email}" }) { totalCount } } } }`;
    for (const query of [`{ ${guesses.join(" ")} }`, `{ ${nested} }`]) {
      const before = upstreamRequests();
      const probe = await post(query, {}, READER_KEY);
      expect(probe.status).toBe(403);
      expect(probe.data).toBeUndefined();
      expect(probe.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", scope: "pii:read" });
      expect(upstreamRequests()).toBe(before);
    }
  });
});

describe("control characters in filter texts", () => {
  const CASES: Array<[string, OrderFilter, string, string]> = [
    ["NUL in an e-mail", { email: "anna\u0000@example.com" }, "filter.email", "U+0000"],
    ["ESC in a search", { search: "zz\u001b[2J" }, "filter.search", "U+001B"],
    ["DEL in a vendor reference", { vendorReference: "PO-2025\u007f" }, "filter.vendorReference", "U+007F"],
    ["a C1 control in a native code", { nativeStatus: ["P", "C\u009b"] }, "filter.nativeStatus", "U+009B"],
    ["a tab in a customer id", { customerIds: ["Q3VzdG9tZXI\t"] }, "filter.customerIds", "U+0009"],
  ];

  for (const [what, filter, argument, found] of CASES) {
    it(`${what}: BAD_USER_INPUT naming ${argument}, on orders and on a customer's orders, with nothing sent upstream`, async () => {
      const before = upstreamRequests();
      const orders = await server.run(OrdersCountDocument, { filter }, ADMIN_KEY);
      expect(orders.status).toBe(400);
      expect(orders.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "Query.orders", argument });
      expect(orders.errors?.[0]?.message).toBe(`Query.orders: ${argument} must not contain control characters (found ${found})`);
      const customer = await server.run(CustomerOrderCountDocument, { id: person.customerId, filter }, ADMIN_KEY);
      expect(customer.status).toBe(400);
      expect(customer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "Customer.orders", argument });
      expect(upstreamRequests()).toBe(before);
    });
  }

  it("in a literal of the query text too (a GraphQL string escape)", async () => {
    const before = upstreamRequests();
    const answer = await post(`{ orders(first: 1, filter: { vendorReference: "PO\\u0000" }) { totalCount } }`, {}, ADMIN_KEY);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "filter.vendorReference" });
    expect(upstreamRequests()).toBe(before);
  });

  it("the same filters without the control character answer", async () => {
    const answer = await server.run(
      OrdersCountDocument,
      { filter: { vendorReference: "PO-2025", nativeStatus: ["P", "C"], search: "zz" } },
      ADMIN_KEY,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.orders.totalCount).toBe(0);
  });
});
