/**
 * Issue 23's hostile query shapes over HTTP, against a server with the
 * default limits: chains of doubled fragment spreads are answered at once or
 * refused, while /healthz answers; a page's item reads are priced, and 30
 * aliases of a large one refused; 2,000 federation representations are
 * refused (a router client may be allowed more); introspection is priced at
 * the size of its answer. Every refusal comes before any upstream call.
 */
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { CALL_COST, LIST_ESTIMATE } from "../../src/server/query-cost.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

// Refusals are request errors: 4xx for a client that accepts the spec's media type (a client that accepts only
// application/json gets them with 200, see tests/e2e/response-status.e2e.test.ts).
const GRAPHQL_RESPONSE = "application/graphql-response+json";

const ROUTER_KEY = "test-router-key-0123456789";
/** A router client with the default _entities cap and no scopes of its own: it acts for the admin below. */
const GATEWAY_KEY = "test-gateway-key-0123456789";
const AS_ADMIN = { "x-forwarded-authorization": `Bearer ${ADMIN_KEY}` };
/** The defaults of server.limits.maxCost and clients[].maxEntities. */
const MAX_COST = 50_000;
const MAX_ENTITIES = 250;

let emulator: CsCartEmulator;
let server: TestServer;

interface Answer {
  status: number;
  body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    extensions?: {
      cost?: { requested: number; maximum: number; fields: number; upstreamCalls: number };
      upstream?: { calls: number };
    };
  };
}

async function post(
  query: string,
  variables?: Record<string, unknown>,
  key = ADMIN_KEY,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: GRAPHQL_RESPONSE, authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 30 });
  server = await startTestServer({
    definitions: [csCartDefinition],
    providers: [csCartEntry(emulator)],
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      // A federation router whose plans send one representation per referenced order.
      { name: "router", key: ROUTER_KEY, scopes: ["orders:read"], maxEntities: 2000, router: true },
      { name: "gateway", key: GATEWAY_KEY, scopes: [], router: true },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** Checks a refusal: HTTP 400, one QUERY_TOO_COMPLEX error with these extensions, no data. */
function expectRefused(answer: Answer, extensions: Record<string, unknown>): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", ...extensions });
}

/** `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } ... fragment Fn on Query { <last> }`: 2^n paths, n + 1 fragments. */
function chain(n: number, last: string, on = "Query", root = "query { ...F0 }"): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  return `${root} ${fragments.join(" ")} fragment F${n} on ${on} { ${last} }`;
}

describe("fragments spread 2^40 times", () => {
  it("are answered at once when they ask for nothing, or refused, and /healthz answers meanwhile", async () => {
    const mark = emulator.requests.length;
    const pending = [
      post(chain(40, "__typename")),
      post(chain(40, "providers { id }")),
      post(chain(40, "a: providers { id }")),
      post(chain(40, "providers { id @include(if: true) }")),
      post(chain(40, "id items { sku }", "Order", "query { orders(first: 1) { nodes { ...F0 } } }")),
    ];
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const [typename, fields, aliases, directives, orders] = await Promise.all(pending);

    // Merged at execution, the spreads select one field: a cheap answer.
    expect(typename?.body.errors).toBeUndefined();
    expect(typename?.body.data).toEqual({ __typename: "Query" });
    expect(typename?.body.extensions?.cost).toMatchObject({ requested: 0, upstreamCalls: 0 });
    // Counted per path, as the cost and armor's counts of aliases and directives do.
    expectRefused(fields as Answer, { rule: "maxCost", cost: 2 ** 40 * (1 + LIST_ESTIMATE) });
    expectRefused(aliases as Answer, { rule: "maxAliases", actual: 2 ** 40 });
    expectRefused(directives as Answer, { rule: "maxDirectives", actual: 2 ** 40 });
    expectRefused(orders as Answer, { rule: "maxCost" });
    expect(emulator.requests.length).toBe(mark);
  });

  it("report the counts of longer chains as numbers, however large", async () => {
    // 2^100 is printed 1.2676506002282294e+30 in armor's message.
    expectRefused(await post(chain(100, "a: providers { id }")), { rule: "maxAliases", limit: 30, actual: 2 ** 100 });
    expectRefused(await post(chain(100, "providers { id @include(if: true) }")), { rule: "maxDirectives", limit: 50, actual: 2 ** 100 });
  });
});

describe("item reads", () => {
  const page = "orders(first: 250) { nodes { items { sku } } }";
  // orders 1 + 250 x (nodes 1 + items (1 + LIST_ESTIMATE x sku 1)).
  const fields = 1 + 250 * (1 + 1 + LIST_ESTIMATE);
  // 251 rows at 250 a page take two list calls; CS-Cart's list rows have no items: a details call per order.
  const calls = 2 + 250;

  it("are priced at one details call per order of the page", async () => {
    const answer = await post(`{ ${page} }`);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.extensions?.cost).toEqual({
      requested: fields + CALL_COST * calls,
      maximum: MAX_COST,
      fields,
      upstreamCalls: calls,
    });
    // The emulator holds 30 orders: one list call and a details call for each order it lists.
    expect(answer.body.extensions?.upstream?.calls).toBeGreaterThan(20);
    expect(answer.body.extensions?.upstream?.calls).toBeLessThanOrEqual(calls);
  });

  it("refuse 30 aliases of a large page before any upstream call", async () => {
    const mark = emulator.requests.length;
    const answer = await post(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${page}`).join(" ")} }`);
    expectRefused(answer, { rule: "maxCost", cost: 30 * (fields + CALL_COST * calls), maxCost: MAX_COST, upstreamCalls: 30 * calls });
    expect(emulator.requests.length).toBe(mark);
  });
});

describe("federation references", () => {
  const query = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on CsCartOrder { id number } } }";
  const representations = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ __typename: "CsCartOrder", id: encodeGlobalId("Order", "shop-cscart", String(i + 1)) }));

  it("refuses 2,000 representations before any upstream call", async () => {
    const mark = emulator.requests.length;
    const answer = await post(query, { r: representations(2000) }, GATEWAY_KEY, AS_ADMIN);
    expectRefused(answer, { rule: "maxEntities", limit: MAX_ENTITIES, actual: 2000 });
    expect(emulator.requests.length).toBe(mark);
  });

  it("answers up to the cap, each representation priced at a call whatever is selected", async () => {
    const answer = await post(query, { r: representations(MAX_ENTITIES) }, GATEWAY_KEY, AS_ADMIN);
    expect(answer.body.errors).toBeUndefined();
    expect((answer.body.data as { _entities: unknown[] })._entities).toHaveLength(MAX_ENTITIES);
    expect(answer.body.extensions?.cost?.upstreamCalls).toBe(MAX_ENTITIES);
    expect(answer.body.extensions?.upstream?.calls).toBeLessThanOrEqual(MAX_ENTITIES);
    const refusal = await post(query, { r: representations(MAX_ENTITIES + 1) }, GATEWAY_KEY, AS_ADMIN);
    expectRefused(refusal, { rule: "maxEntities", limit: MAX_ENTITIES, actual: MAX_ENTITIES + 1 });
  });

  it("lets a router client whose cap is raised send more", async () => {
    // The emulator's orders, then ids it does not have.
    const known = emulator.orders.map((order) => ({
      __typename: "CsCartOrder",
      id: encodeGlobalId("Order", "shop-cscart", order.order_id),
    }));
    const unknown = representations(600 - known.length).map((r, i) => ({
      ...r,
      id: encodeGlobalId("Order", "shop-cscart", String(900_000 + i)),
    }));
    const answer = await post(query, { r: [...known, ...unknown] }, ROUTER_KEY);
    expect(answer.body.errors).toBeUndefined();
    const found = (answer.body.data as { _entities: Array<{ id: string } | null> })._entities;
    expect(found).toHaveLength(600);
    expect(found.filter((e) => e !== null)).toHaveLength(known.length);
    expect(answer.body.extensions?.cost?.upstreamCalls).toBe(600);
    const refusal = await post(query, { r: representations(2001) }, ROUTER_KEY);
    expectRefused(refusal, { rule: "maxEntities", limit: 2000, actual: 2001 });
    // The router's cap holds for the client it acts for, whose own cap is the default.
    const forClient = await post(query, { r: [...known, ...unknown] }, ROUTER_KEY, AS_ADMIN);
    expect(forClient.body.errors).toBeUndefined();
    expect((forClient.body.data as { _entities: unknown[] })._entities).toHaveLength(600);
  });
});

describe("introspection", () => {
  const full = getIntrospectionQuery();
  /** The same selection, once per alias, through one fragment. */
  const aliased = (n: number) =>
    `query { ${Array.from({ length: n }, (_, i) => `a${i}: __schema { ...Schema }`).join(" ")} } ` +
    "fragment Schema on __Schema { queryType { name } mutationType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } " +
    full.slice(full.indexOf("fragment FullType"));

  /** Fields of an answer (every key of every object): what answering it costs. */
  function answerFields(value: unknown): number {
    if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + answerFields(v), 0);
    if (value === null || typeof value !== "object") return 0;
    return Object.values(value).reduce<number>((sum, v) => sum + 1 + answerFields(v), 0);
  }

  it("is priced at the size of its answer: GraphiQL's query passes, 30 aliased copies do not", async () => {
    const one = await post(full);
    expect(one.body.errors).toBeUndefined();
    const size = answerFields(one.body.data);
    const fields = one.body.extensions?.cost?.fields ?? 0;
    expect(fields).toBeGreaterThan(size * 0.9);
    expect(fields).toBeLessThan(size * 1.1);

    const answer = await post(aliased(30));
    expectRefused(answer, { rule: "maxCost" });
    expect(answer.body.errors?.[0]?.extensions?.cost).toBeGreaterThan(30 * size * 0.9);
  });
});
