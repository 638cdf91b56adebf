/**
 * Query limits over HTTP: depth, aliases, directives and tokens refused at
 * validation, the cost estimate (page sizes multiply) refused once the
 * variables are known, all as QUERY_TOO_COMPLEX with the numbers and before
 * any upstream call; `extensions.cost` on answers; no field suggestions in
 * production.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { CALL_COST, LIST_ESTIMATE } from "../../src/server/query-cost.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

// Refusals are request errors: 4xx for a client that accepts the spec's media type (a client that accepts only
// application/json gets them with 200, see tests/e2e/response-status.e2e.test.ts).
const GRAPHQL_RESPONSE = "application/graphql-response+json";

const LIMITS = { maxDepth: 6, maxAliases: 3, maxDirectives: 3, maxTokens: 200, maxCost: 1000 };
const DEFAULT_PAGE_SIZE = 20;
/** The default engine.scanLimit. */
const SCAN_LIMIT = 10_000;

let emulator: CsCartEmulator;
let server: TestServer;
let production: TestServer;

interface Answer {
  status: number;
  body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    extensions?: {
      cost?: { requested: number; maximum: number; fields: number; upstreamCalls: number };
      upstream?: { calls: number };
    } & Record<string, unknown>;
  };
}

async function post(target: TestServer, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<Answer> {
  const response = await fetch(`${target.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: GRAPHQL_RESPONSE, authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const start = (server: Record<string, unknown>) =>
  startTestServer({
    // No `definitions`: every registered kind, so the schema has each one's order type (the fragments below name two).
    providers: [csCartEntry(emulator)],
    engine: { defaultPageSize: DEFAULT_PAGE_SIZE },
    server,
  });

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 30 });
  server = await start({ limits: LIMITS });
  production = await start({ limits: LIMITS, production: true });
});

afterAll(async () => {
  await server?.close();
  await production?.close();
  await emulator?.close();
});

/** Runs a query that must be refused, and checks no upstream call was made for it. */
async function refused(query: string, variables?: Record<string, unknown>) {
  const mark = emulator.requests.length;
  const answer = await post(server, query, variables);
  expect(emulator.requests.length).toBe(mark);
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  const error = answer.body.errors?.[0];
  expect(error?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
  // Apollo's HTTP hint is for the status line, never for the client.
  expect(error?.extensions).not.toHaveProperty("http");
  return error as { message: string; extensions: Record<string, unknown> };
}

describe("validation limits (graphql-armor and the parser)", () => {
  it("refuses a query deeper than maxDepth, with the depth found", async () => {
    const error = await refused("{ orders(first: 1) { nodes { customer { orders(first: 1) { nodes { customer { id } } } } } } }");
    expect(error.extensions).toEqual({ code: "QUERY_TOO_COMPLEX", rule: "maxDepth", limit: 6, actual: 7 });
    expect(error.message).toContain("7");
    expect(error.message).toContain("6");
  });

  it("does not count an inline fragment as a level", async () => {
    // Six fields deep; a seventh level if `... on CsCartOrder` counted.
    const answer = await post(
      server,
      "{ orders(first: 1) { nodes { ... on CsCartOrder { customer { orders(first: 1) { nodes { id } } } } } } }",
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.status).toBe(200);
  });

  it("refuses more aliases than maxAliases", async () => {
    const error = await refused("{ a: providers { id } b: providers { id } c: providers { id } d: providers { id } }");
    expect(error.extensions).toEqual({ code: "QUERY_TOO_COMPLEX", rule: "maxAliases", limit: 3, actual: 4 });
  });

  it("refuses more directives than maxDirectives", async () => {
    const error = await refused(
      "query ($y: Boolean = true) { providers { id @include(if: $y) name @include(if: $y) kind @include(if: $y) capabilities @include(if: $y) { writes { operation } } } }",
    );
    expect(error.extensions).toEqual({ code: "QUERY_TOO_COMPLEX", rule: "maxDirectives", limit: 3, actual: 4 });
  });

  it("refuses a document of more than maxTokens tokens", async () => {
    const fields = Array.from({ length: 250 }, () => "id").join(" ");
    const error = await refused(`{ providers { ${fields} } }`);
    expect(error.extensions).toEqual({ code: "QUERY_TOO_COMPLEX", rule: "maxTokens", limit: 200 });
  });

  it("answers a query within every limit", async () => {
    const answer = await post(server, "{ a: providers { id } b: providers { name } }");
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });
});

describe("cost", () => {
  // nodes { id items { sku } }: nodes 1 + (id 1 + items (1 + LIST_ESTIMATE x sku 1)).
  const perOrder = 1 + 1 + (1 + LIST_ESTIMATE);
  const query = "query ($n: Int) { orders(first: $n) { nodes { id items { sku } } } }";
  /** CS-Cart's list rows have no items: one list call for the page (n + 1 rows), and one details call per order. */
  const itemCalls = (n: number) => 1 + n;
  const priced = (fields: number, upstreamCalls: number) => ({
    requested: fields + CALL_COST * upstreamCalls,
    maximum: LIMITS.maxCost,
    fields,
    upstreamCalls,
  });

  // Deliberately changed by issue 23: the cost now prices upstream calls too.
  it("multiplies by the page size from the variables and refuses above maxCost, before any upstream call", async () => {
    const error = await refused(query, { n: 200 });
    const cost = 1 + 200 * perOrder + CALL_COST * itemCalls(200);
    expect(error.extensions).toEqual({
      code: "QUERY_TOO_COMPLEX",
      rule: "maxCost",
      cost,
      maxCost: LIMITS.maxCost,
      upstreamCalls: itemCalls(200),
    });
    expect(error.message).toContain(String(cost));
  });

  it("reports the estimate in extensions.cost of an answer, and makes no more calls than it", async () => {
    const answer = await post(server, query, { n: 10 });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.extensions?.cost).toEqual(priced(1 + 10 * perOrder, itemCalls(10)));
    expect(answer.body.extensions?.upstream?.calls).toBeLessThanOrEqual(itemCalls(10));
  });

  it("uses engine.defaultPageSize for a connection without first or last", async () => {
    const answer = await post(server, "{ orders { nodes { id items { sku } } } }");
    expect(answer.body.extensions?.cost).toEqual(priced(1 + DEFAULT_PAGE_SIZE * perOrder, itemCalls(DEFAULT_PAGE_SIZE)));
  });

  it("multiplies nested connections", async () => {
    // Inner orders: 1 + 5 x (nodes 1 + id 1) = 11; outer: 1 + 5 x (nodes 1 + customer (1 + 11)) = 66.
    // Calls: the list, a page per customer (one call each where read alone), and one read of the five
    // customers together, which may scan up to engine.scanLimit rows in pages of 250.
    const answer = await post(server, "{ orders(first: 5) { nodes { customer { orders(first: 5) { nodes { id } } } } } }");
    expect(answer.body.extensions?.cost).toEqual(priced(66, 1 + 5 + SCAN_LIMIT / 250));
    const error = await refused("{ orders(first: 50) { nodes { customer { orders(first: 50) { nodes { id number } } } } } }");
    expect(error.extensions.cost).toBe(1 + 50 * (1 + 1 + 1 + 50 * (1 + 2)) + CALL_COST * (error.extensions.upstreamCalls as number));
  });

  it("multiplies nodes(ids) by the number of ids, and an id that names nothing costs no call", async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => `nope-${i}`);
    const error = await refused("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids });
    expect(error.extensions.cost).toBe(1 + 1200 * 1);
    expect(error.extensions.upstreamCalls).toBe(0);
  });

  it("counts fragments for different order types as the dearest one, not their sum", async () => {
    const answer = await post(
      server,
      "{ orders(first: 10) { nodes { id ... on CsCartOrder { number status } ... on IterasOrder { number status nativeId } } } }",
    );
    // nodes: 1 + (id 1 + max(2, 3)) = 5; orders: 1 + 10 x 5. Every field is in CS-Cart's list rows: one call.
    expect(answer.body.extensions?.cost).toEqual(priced(51, 1));
  });

  // Deliberately changed by issue 23: introspection was free; it is priced at the size of its answer.
  it("prices introspection by what it answers, and __typename nothing", async () => {
    const answer = await post(server, "{ __typename __schema { queryType { name } } }");
    expect(answer.body.extensions?.cost).toEqual(priced(3, 0));
    const types = await post(server, "{ __schema { types { name } } }");
    const count = (types.body.data as { __schema: { types: unknown[] } }).__schema.types.length;
    expect(types.body.extensions?.cost).toEqual(priced(1 + 1 + count, 0));
  });
});

describe("operation resolution", () => {
  /** Refused as the client's mistake, before any upstream call and without any cost estimate. */
  async function unresolved(query: string, operationName: string | undefined, message: RegExp, code = "OPERATION_RESOLUTION_FAILURE") {
    const mark = emulator.requests.length;
    const answer = await post(server, query, undefined, operationName);
    expect(emulator.requests.length).toBe(mark);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(answer.body.errors?.[0]?.message).toMatch(message);
    expect(answer.body.extensions?.cost).toBeUndefined();
  }

  it("refuses an operationName the document does not hold, rather than running its only operation", async () => {
    // Above maxCost: were it run under another name, it would also have escaped the cost limit.
    await unresolved("query Big { orders(first: 200) { nodes { id items { sku } } } }", "Small", /Unknown operation named "Small"/);
  });

  it("never applies a mutation run under a name the document does not hold", async () => {
    const order = emulator.orders[0]!;
    const before = order.status;
    const id = encodeGlobalId("Order", "shop-cscart", order.order_id);
    const mutation = `mutation Write { updateOrderStatus(input: { orderId: "${id}", nativeStatus: "${before === "C" ? "P" : "C"}" }) { userErrors { code } } }`;
    await unresolved(mutation, "Other", /Unknown operation named "Other"/);
    expect(emulator.requests.some((r) => r.method === "PUT")).toBe(false);
    expect(order.status).toBe(before);
  });

  it("takes an empty operationName as a name, which no operation has", async () => {
    await unresolved("{ providers { id } }", "", /Unknown operation named ""/);
  });

  it("refuses a document of several operations without an operationName", async () => {
    await unresolved("query A { providers { id } } query B { providers { name } }", undefined, /operation name/i);
  });

  it("refuses a subscription as unsupported input, not as an internal error", async () => {
    await unresolved("subscription { orders { totalCount } }", undefined, /subscription/i, "NOT_SUPPORTED");
  });

  it("runs the named operation of several", async () => {
    const answer = await post(server, "query A { providers { id } } query B { providers { name } }", undefined, "B");
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ providers: [{ name: expect.any(String) }] });
  });
});

describe("field suggestions", () => {
  it("are given outside production", async () => {
    const answer = await post(server, "{ ordrs(first: 1) { totalCount } }");
    expect(answer.body.errors?.[0]?.message).toMatch(/Did you mean "orders"/);
  });

  it("are removed in production, from validation and from variable errors", async () => {
    const field = await post(production, "{ ordrs(first: 1) { totalCount } }");
    expect(field.status).toBe(400);
    expect(field.body.errors?.[0]?.message).toBe('Cannot query field "ordrs" on type "Query".');
    expect(field.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const variable = await post(production, "query ($s: [OrderStatus!]) { orders(first: 1, filter: { status: $s }) { totalCount } }", {
      s: ["SHIPED"],
    });
    const message = variable.body.errors?.[0]?.message ?? "";
    expect(message).toContain("SHIPED");
    expect(message).not.toMatch(/Did you mean|SHIPPED/);
  });
});
