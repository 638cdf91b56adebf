/**
 * ordergraph as an Apollo Federation 2 subgraph: its SDL (fetched from a
 * running server with a router key) composes with a second subgraph, and
 * @apollo/gateway runs queries that start in either subgraph. The gateway
 * calls ordergraph with its own router key and passes the client's key on
 * (X-Forwarded-Authorization): references to orders are resolved through the
 * request's DataLoader (one `getMany` per provider for a whole `_entities`
 * batch), under that client's scopes and provider allow-list.
 */
import { type DocumentNode, Kind, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { decodeGlobalId } from "../../src/graph/global-id.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { composeSupergraph, fetchSubgraphSdl, type RunningGateway, type SubgraphFetch, startGateway } from "./federation-gateway.ts";
import {
  estimateFor,
  FULFILMENT_TYPE_DEFS,
  startFulfilmentSubgraph,
  startWarehouseSubgraph,
  type TestSubgraph,
  WAREHOUSE_TYPE_DEFS,
  warehouseFor,
} from "./fulfilment.subgraph.ts";

/** A client that may only use the CS-Cart store. */
const CSCART_ONLY_KEY = "test-cscart-only-key-0123456789";
/** The gateway's own key: a router client with no scopes, which reads nothing as itself. */
const ROUTER_KEY = "test-router-key-0123456789";
const PROVIDERS = ["shop-cscart", "shop-djangoshop", "sims-emnify"] as const;

interface Upstream {
  calls: number;
  providers: Record<string, { calls: number }>;
}

interface DirectResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: { upstream?: Upstream };
}

let emulators: StartedEmulator[] = [];
let ordergraph: TestServer;
let fulfilment: TestSubgraph;
let warehouse: TestSubgraph;
let gateway: RunningGateway;
let sdl: string;
let supergraphSdl: string;
/** Order ids the fulfilment subgraph ships, per provider (three each). */
const shippedIds = new Map<string, string[]>();
let getMany: Map<string, MockInstance>;

/** Runs an operation against ordergraph itself (not through the gateway), with a client's key. */
async function direct(query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY): Promise<DirectResult> {
  const response = await fetch(`${ordergraph.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as DirectResult;
}

/** Runs an operation against ordergraph as the router does: its router key, acting for the client whose key it passes on. */
async function asRouter(query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY): Promise<DirectResult> {
  const response = await fetch(`${ordergraph.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ROUTER_KEY}`, "x-forwarded-authorization": `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as DirectResult;
}

/** The provider's own id inside an opaque order id. */
function nativeIdOf(id: string): string {
  const decoded = decodeGlobalId(id);
  if (!decoded) throw new Error(`not an id: ${id}`);
  return decoded.nativeId;
}

/** A top-level field of an answer's data; throws (with the answer) when it is missing. */
function dataOf<T>(result: { data?: Record<string, unknown> | null }, field: string): T {
  const value = result.data?.[field];
  if (value === undefined || value === null) throw new Error(`no ${field} in ${JSON.stringify(result)}`);
  return value as T;
}

/** The ordergraph fetches the gateway made since `from`. */
function ordergraphFetches(from: number): SubgraphFetch[] {
  return gateway.fetches.slice(from).filter((f) => f.subgraph === "ordergraph");
}

function typeDefinition(document: DocumentNode, name: string) {
  return document.definitions.find((d) => "name" in d && d.name?.value === name);
}

function keyFields(document: DocumentNode, name: string): string[] {
  const definition = typeDefinition(document, name);
  if (!definition || !("directives" in definition)) return [];
  return (definition.directives ?? [])
    .filter((d) => d.name.value === "key")
    .map((d) => {
      const fields = d.arguments?.find((a) => a.name.value === "fields")?.value;
      return fields?.kind === Kind.STRING ? fields.value : "?";
    });
}

beforeAll(async () => {
  emulators = await startEmulators({ kinds: ["cscart", "djangoshop", "emnify"], size: 30 });
  ordergraph = await startTestServer({
    providers: emulators.map((e) => e.entry),
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
      { name: "cscart-only", key: CSCART_ONLY_KEY, scopes: ["orders:read"], providers: ["shop-cscart"] },
      { name: "gateway", key: ROUTER_KEY, scopes: [], router: true },
    ],
    // The gateway runs here, and forwards its clients' addresses.
    server: { trustedProxies: ["127.0.0.1"] },
  });
  for (const provider of PROVIDERS) {
    const page = await direct(`query($p: [ID!]) { orders(first: 3, providers: $p) { nodes { id } } }`, { p: [provider] });
    expect(page.errors).toBeUndefined();
    const nodes = dataOf<{ nodes: Array<{ id: string }> }>(page, "orders").nodes;
    expect(nodes).toHaveLength(3);
    shippedIds.set(
      provider,
      nodes.map((n) => n.id),
    );
  }
  // Interleaved by provider, and one order shipped twice: a router may send duplicates.
  const ids = [0, 1, 2].flatMap((i) => PROVIDERS.map((p) => shippedIds.get(p)?.[i] as string));
  fulfilment = await startFulfilmentSubgraph([...ids, ids[0] as string]);
  warehouse = await startWarehouseSubgraph();
  sdl = await fetchSubgraphSdl(`${ordergraph.url}/graphql`, { authorization: `Bearer ${ROUTER_KEY}` });
  supergraphSdl = composeSupergraph([
    { name: "ordergraph", url: `${ordergraph.url}/graphql`, typeDefs: parse(sdl) },
    { name: "fulfilment", url: fulfilment.url, typeDefs: FULFILMENT_TYPE_DEFS },
    { name: "warehouse", url: warehouse.url, typeDefs: WAREHOUSE_TYPE_DEFS },
  ]);
  gateway = await startGateway(supergraphSdl, ROUTER_KEY);
  getMany = new Map(PROVIDERS.map((p) => [p, vi.spyOn(ordergraph.server.connectors.get(p) as never, "getMany") as MockInstance]));
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await fulfilment?.close();
  await warehouse?.close();
  await ordergraph?.close();
  await Promise.all(emulators.map((e) => e.close()));
});

describe("ordergraph as a federation subgraph", () => {
  it("serves its SDL with the federation link and an id key on Order, every order type and Customer", () => {
    const document = parse(sdl);
    const schemaExtension = document.definitions.find((d) => d.kind === Kind.SCHEMA_EXTENSION);
    expect(schemaExtension && "directives" in schemaExtension ? schemaExtension.directives?.[0]?.name.value : null).toBe("link");
    expect(sdl).toContain('url: "https://specs.apollo.dev/federation/v2.3"');
    expect(typeDefinition(document, "Order")?.kind).toBe(Kind.INTERFACE_TYPE_DEFINITION);
    expect(keyFields(document, "Order")).toEqual(["id"]);
    expect(keyFields(document, "Customer")).toEqual(["id"]);
    const orderTypes = document.definitions.filter(
      (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.interfaces?.some((i) => i.name.value === "Order"),
    );
    expect(orderTypes.map((d) => ("name" in d ? d.name?.value : "")).sort()).toEqual([
      "ActivePlatformOrder",
      "CsCartOrder",
      "DjangoShopOrder",
      "EmnifyOrder",
      "IterasOrder",
    ]);
    for (const type of orderTypes) expect(keyFields(document, "name" in type ? (type.name?.value ?? "") : "")).toEqual(["id"]);
  });

  it("composes with subgraphs that extend Order (as an interface object) and CsCartOrder", () => {
    expect(supergraphSdl).toContain('@join__type(graph: ORDERGRAPH, key: "id")');
    expect(supergraphSdl).toMatch(/interface Order[^{]*@join__type\(graph: FULFILMENT, key: "id", isInterfaceObject: true\)/);
    expect(supergraphSdl).toContain("shippingEstimate: ShippingEstimate!");
    expect(supergraphSdl).toMatch(/warehouse: String! @join__field\(graph: WAREHOUSE\)/);
  });

  it("runs a query that starts in ordergraph and adds the other subgraphs' fields", async () => {
    const from = gateway.fetches.length;
    // The newest orders of the emulators are not CS-Cart's: ask for some of those by name too.
    const { status, body } = await gateway.query(
      `{ newest: orders(first: 8) { nodes { ...Fields } } cscart: orders(first: 4, providers: ["shop-cscart"]) { nodes { ...Fields } } }
       fragment Fields on Order { __typename id number provider { id } shippingEstimate { carrier days } ... on CsCartOrder { warehouse } }`,
      `Bearer ${ADMIN_KEY}`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    type Node = { __typename: string; id: string; number: string; provider: { id: string } };
    type Federated = Node & { shippingEstimate: unknown; warehouse?: string };
    const newest = dataOf<{ nodes: Federated[] }>(body, "newest").nodes;
    const cscart = dataOf<{ nodes: Federated[] }>(body, "cscart").nodes;
    expect([newest.length, cscart.length]).toEqual([8, 4]);
    for (const node of [...newest, ...cscart]) {
      expect(node.shippingEstimate).toEqual(estimateFor(node.id));
      expect(node.warehouse).toBe(node.__typename === "CsCartOrder" ? warehouseFor(node.id) : undefined);
    }
    expect(cscart.map((n) => n.__typename)).toEqual(Array(4).fill("CsCartOrder"));
    // The same orders, in the same order, as ordergraph answers directly.
    const own = await direct(`{ orders(first: 8) { nodes { __typename id number provider { id } } } }`);
    expect(newest.map(({ __typename, id, number, provider }) => ({ __typename, id, number, provider }))).toEqual(
      dataOf<{ nodes: Node[] }>(own, "orders").nodes,
    );
    expect(new Set(newest.map((n) => n.provider.id)).size).toBeGreaterThan(1);
    // One fetch to ordergraph for both pages; the other subgraphs are asked for references only.
    expect(ordergraphFetches(from)).toHaveLength(1);
    const others = gateway.fetches.slice(from).filter((f) => f.subgraph !== "ordergraph");
    expect(new Set(others.map((f) => f.subgraph))).toEqual(new Set(["fulfilment", "warehouse"]));
    for (const fetch of others) expect(fetch.query).toContain("_entities");
    expect(warehouse.references.get("CsCartOrder")).toBe(
      new Set([...newest, ...cscart].filter((n) => n.__typename === "CsCartOrder").map((n) => n.id)).size,
    );
  });

  it("resolves ordergraph's orders referenced by the second subgraph in one round per provider", async () => {
    const ids = [...shippedIds.values()].flat();
    const expected = await direct(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Order { number status provider { id } total { amount currency } } } }`,
      { ids },
    );
    const byId = new Map(dataOf<Array<{ id: string }>>(expected, "nodes").map((n) => [n.id, n]));
    for (const spy of getMany.values()) spy.mockClear();
    const from = gateway.fetches.length;

    const { body } = await gateway.query(
      `{ shipments { id carrier order { __typename id number status provider { id } total { amount currency } shippingEstimate { days } } } }`,
      `Bearer ${ADMIN_KEY}`,
    );
    expect(body.errors).toBeUndefined();
    const shipments = body.data?.shipments as Array<{ id: string; carrier: string; order: { id: string; shippingEstimate: unknown } }>;
    expect(shipments).toHaveLength(10);
    for (const shipment of shipments) {
      const { shippingEstimate, ...order } = shipment.order;
      expect(order).toEqual(byId.get(order.id));
      expect(shippingEstimate).toEqual({ days: estimateFor(order.id).days });
    }
    expect(shipments[9]?.order.id).toBe(shipments[0]?.order.id);

    // All ten references went to ordergraph in one `_entities` fetch...
    const fetches = ordergraphFetches(from);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.query).toContain("_entities");
    // ...which the order loader served with one getMany per provider, each with all of its ids.
    for (const provider of PROVIDERS) {
      const spy = getMany.get(provider) as MockInstance;
      expect(spy, provider).toHaveBeenCalledTimes(1);
      expect(new Set(spy.mock.calls[0]?.[0] as string[])).toEqual(new Set(shippedIds.get(provider)?.map(nativeIdOf)));
    }
    // And upstream: at least one call for each provider, never more than one per order (a
    // connector may read several ids in one call), nothing for providers not referenced.
    const upstream = fetches[0]?.extensions?.upstream as Upstream;
    expect(Object.keys(upstream.providers).sort()).toEqual([...PROVIDERS].sort());
    for (const provider of PROVIDERS) expect(upstream.providers[provider]?.calls, provider).toBeGreaterThanOrEqual(1);
    for (const provider of PROVIDERS) expect(upstream.providers[provider]?.calls, provider).toBeLessThanOrEqual(3);
  });

  // Deliberately changed by issue 24: the gateway calls ordergraph with its own router key, so a client without a
  // key is not refused 401 but gets what the router may read as itself, here nothing (a router client without scopes).
  it("passes the client's key on: without one nothing is read, with a narrower one its allow-list holds", async () => {
    const anonymous = await gateway.query(`{ orders(first: 1) { nodes { id } } }`);
    expect(anonymous.body.data ?? null).toBeNull();
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(anonymous.body.errors?.[0]?.message).toContain("orders:read");

    const wrong = await gateway.query(`{ orders(first: 1) { nodes { id } } }`, "Bearer not-a-key-of-ordergraph-0123");
    expect(wrong.body.data ?? null).toBeNull();
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const reader = await gateway.query(`{ orders(first: 1) { nodes { id email } } }`, `Bearer ${READER_KEY}`);
    expect(reader.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    for (const spy of getMany.values()) spy.mockClear();
    const from = gateway.fetches.length;
    const narrow = await gateway.query(`{ shipments { id order { id provider { id } } } }`, `Bearer ${CSCART_ONLY_KEY}`);
    const shipments = narrow.body.data?.shipments as Array<{ order: { id: string; provider: { id: string } } | null }>;
    const cscartIds = shippedIds.get("shop-cscart") as string[];
    expect(shipments.filter((s) => s.order !== null).map((s) => s.order?.id)).toEqual([...cscartIds, cscartIds[0]]);
    expect(shipments.filter((s) => s.order === null)).toHaveLength(6);
    expect(getMany.get("shop-djangoshop")).not.toHaveBeenCalled();
    expect(getMany.get("sims-emnify")).not.toHaveBeenCalled();
    const upstream = ordergraphFetches(from)[0]?.extensions?.upstream as Upstream;
    expect(Object.keys(upstream.providers)).toEqual(["shop-cscart"]);
  });
});

describe("ordergraph's _entities, asked directly", () => {
  it("resolves Order, concrete order types and Customer, and refuses mismatched or malformed references", async () => {
    const [cscartId, djangoId] = [shippedIds.get("shop-cscart")?.[0], shippedIds.get("shop-djangoshop")?.[0]];
    const customer = await direct(`query($id: ID!) { order(id: $id) { customer { id name } } }`, { id: djangoId });
    const customerRecord = dataOf<{ customer: { id: string; name: string } | null }>(customer, "order").customer;
    expect(customerRecord).not.toBeNull();
    const result = await asRouter(
      `query($r: [_Any!]!) { _entities(representations: $r) {
         __typename ... on Order { id } ... on CsCartOrder { userId } ... on Customer { id name } } }`,
      {
        r: [
          { __typename: "Order", id: cscartId },
          { __typename: "CsCartOrder", id: cscartId },
          { __typename: "CsCartOrder", id: djangoId },
          { __typename: "DjangoShopOrder", id: djangoId },
          { __typename: "Order", id: "not-an-id" },
          { __typename: "Order", id: 42 },
          { __typename: "Customer", id: customerRecord?.id },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    const entities = result.data?._entities as Array<Record<string, unknown> | null>;
    expect(entities[0]).toMatchObject({ __typename: "CsCartOrder", id: cscartId });
    expect(entities[1]).toMatchObject({ __typename: "CsCartOrder", id: cscartId, userId: expect.any(String) });
    expect(entities[2]).toBeNull();
    expect(entities[3]).toEqual({ __typename: "DjangoShopOrder", id: djangoId });
    expect(entities.slice(4, 6)).toEqual([null, null]);
    expect(entities[6]).toEqual({ __typename: "Customer", ...customerRecord });
  });

  it("applies the client's provider allow-list to references", async () => {
    const refs = PROVIDERS.map((p) => ({ __typename: "Order", id: shippedIds.get(p)?.[1] }));
    const result = await asRouter(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`,
      { r: refs },
      CSCART_ONLY_KEY,
    );
    expect(result.data?._entities).toEqual([{ id: refs[0]?.id }, null, null]);
    expect(Object.keys(result.extensions?.upstream?.providers ?? {})).toEqual(["shop-cscart"]);
  });

  it("answers a router's request for a federated trace with one covering every resolved field", async () => {
    // ordergraph runs compiled operations (graphql-jit); a traced request runs on graphql-js instead,
    // where Apollo's inline-trace plugin sees each field.
    const query = `{ orders(first: 2, providers: ["shop-cscart"]) { nodes { id number } } }`;
    const send = async (trace: boolean) => {
      const response = await fetch(`${ordergraph.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${ROUTER_KEY}`,
          "x-forwarded-authorization": `Bearer ${ADMIN_KEY}`,
          ...(trace ? { "apollo-federation-include-trace": "ftv1" } : {}),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as DirectResult & { extensions?: { ftv1?: string } };
    };
    const plain = await send(false);
    const traced = await send(true);
    expect(traced.data).toEqual(plain.data);
    expect(plain.extensions?.ftv1).toBeUndefined();
    const trace = Buffer.from(traced.extensions?.ftv1 ?? "", "base64").toString("latin1");
    // The protobuf trace names the resolved fields: the root field and each order's.
    for (const field of ["orders", "nodes", "number"]) expect(trace).toContain(field);
  });
});
