/**
 * Iteras end to end: GraphQL over real HTTP against the emulator (cap 50, so
 * every full read splits date windows). Expected orders come from the
 * emulator's store; upstream call counts from its request log.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ClientError, GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIterasInvoiceLines, type IterasOrder } from "../../emulators/iteras/iteras.data.ts";
import { ITERAS_DEFAULT_API_KEY, type IterasEmulator, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import {
  IterasOrderDetailDocument,
  IterasOrderInvoiceLinesDocument,
  IterasOrdersDocument,
  IterasOrdersPiiDocument,
  type IterasOrdersQuery,
  type OrderFilter,
  ProvidersListDocument,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { iterasDefinition } from "../../src/providers/iteras/iteras.definition.ts";
import { iterasStatus } from "../../src/providers/iteras/iteras.status.ts";
import { parseWallClock } from "../../src/providers/iteras/iteras.windows.ts";
import { buildServer } from "../../src/server/app.ts";
import { createServices } from "../../src/server/services.ts";
import { ADMIN_KEY, type RawResult, READER_KEY } from "../helpers/test-server.ts";

/** What the tests need of a running server. */
interface TestServer {
  run<TData, TVars extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    key?: string,
  ): Promise<RawResult<TData>>;
  close(): Promise<void>;
}

/**
 * Like tests/helpers/test-server.ts, but the connectors come from the Iteras
 * definition directly, so the test does not depend on the registry's wiring.
 */
async function startIterasServer(entries: Array<Record<string, unknown>>): Promise<TestServer> {
  const config = parseConfig(
    JSON.stringify({
      server: { host: "127.0.0.1", port: 0 },
      clients: [
        { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
        { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
      ],
      providers: entries,
    }),
    {},
  );
  const services = await createServices(config);
  const connectors = config.providers.map((entry) => iterasDefinition.create(iterasDefinition.schema.parse(entry), services));
  const server = await buildServer({ config, connectors, definitions: [iterasDefinition], services });
  const url = await server.listen(0, "127.0.0.1");
  return {
    async run(document, variables, key = ADMIN_KEY) {
      const client = new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${key}` } });
      try {
        const response = await client.rawRequest(document as never, variables as never);
        return {
          status: response.status,
          data: response.data as never,
          errors: response.errors as never,
          extensions: (response.extensions ?? {}) as never,
        };
      } catch (error) {
        if (!(error instanceof ClientError)) throw error;
        const r = error.response as unknown as {
          status: number;
          data?: unknown;
          errors?: RawResult<unknown>["errors"];
          extensions?: RawResult<unknown>["extensions"];
        };
        return { status: r.status, data: r.data as never, errors: r.errors, extensions: r.extensions ?? {} };
      }
    },
    close: () => server.close(),
  };
}

const PROVIDER = "news-iteras";
const ZONE = "Europe/Copenhagen";
const CAP = 50;

let emulator: IterasEmulator;
let server: TestServer;
/** Every response body of this file, to look for the password hashes at the end. */
const bodies: string[] = [];

const instant = (o: IterasOrder) => parseWallClock(o.created, ZONE)!.getTime();
/** Newest first, ties by id descending (orders without id have no number). */
const newestFirst = (orders: IterasOrder[]) => [...orders].sort((a, b) => instant(b) - instant(a) || (b.id ?? 0) - (a.id ?? 0));
const numberOf = (o: IterasOrder) => (o.id === undefined ? null : String(o.id));
const orderId = (id: number | string) => encodeGlobalId("Order", PROVIDER, String(id));

type Node = IterasOrdersQuery["orders"]["nodes"][number];
type IterasNode = Extract<Node, { __typename?: "IterasOrder" }>;

async function run<TData, TVars extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVars>,
  variables?: TVars,
  key?: string,
): Promise<RawResult<TData> & { data: TData }> {
  const result = await server.run(document, variables, key);
  bodies.push(JSON.stringify(result));
  return result as RawResult<TData> & { data: TData };
}

/** Pages forward through a filter; returns the nodes in order and the upstream calls made. */
async function pageAll(
  filter: OrderFilter | undefined,
  size = 50,
): Promise<{ nodes: IterasNode[]; calls: number; totalCount: number | null }> {
  const nodes: IterasNode[] = [];
  let after: string | null = null;
  let calls = 0;
  let totalCount: number | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const result: RawResult<IterasOrdersQuery> = await run(IterasOrdersDocument, { first: size, after, filter });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    expect(result.errors).toBeUndefined();
    calls += result.extensions.upstream?.calls ?? 0;
    totalCount = result.data.orders.totalCount ?? null;
    nodes.push(...(result.data.orders.nodes as IterasNode[]));
    if (!result.data.orders.pageInfo.hasNextPage) return { nodes, calls, totalCount };
    after = result.data.orders.pageInfo.endCursor ?? null;
  }
  throw new Error("too many pages");
}

beforeAll(async () => {
  emulator = await startIterasEmulator({
    host: "127.0.0.1",
    port: 0,
    seed: 11,
    size: 300,
    cap: CAP,
    burst: { date: "2024-03-09", count: 35 },
  });
  server = await startIterasServer([
    {
      id: PROVIDER,
      kind: "iteras",
      baseUrl: `${emulator.url}/api`,
      currency: "DKK",
      timeZone: ZONE,
      cap: CAP,
      credentials: { apiKey: ITERAS_DEFAULT_API_KEY },
    },
  ]);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("Iteras e2e: lists", () => {
  it("pages through every order, newest first, equal to the emulator's set, reading it once", async () => {
    const { nodes, calls, totalCount } = await pageAll(undefined);
    const expected = newestFirst(emulator.orders);
    expect(nodes.map((n) => n.number)).toEqual(expected.map(numberOf));
    expect(nodes.map((n) => n.createdAt)).toEqual(expected.map((o) => new Date(instant(o)).toISOString()));
    expect(totalCount).toBe(emulator.orders.length);
    expect(nodes.every((n) => n.__typename === "IterasOrder")).toBe(true);
    // One windowed read of the set; the other pages come from the set cache.
    expect(calls).toBeGreaterThan(emulator.orders.length / CAP);
    expect(calls).toBeLessThan(60);
  });

  it("maps items, totals and Iteras' own fields", async () => {
    const { nodes } = await pageAll(undefined, 100);
    const byNumber = new Map(emulator.orders.map((o) => [numberOf(o), o]));
    for (const node of nodes.filter((n) => n.number !== null).slice(0, 60)) {
      const raw = byNumber.get(node.number)!;
      expect(node.nativeStatus.code).toBe(raw.status);
      expect(node.status).toBe(iterasStatus(raw.status).status);
      expect(node.items).toHaveLength(raw.products.length);
      expect(node.total?.currency).toBe("DKK");
      const cents = raw.products.reduce((sum, p) => sum + Math.round(p.price * 100) * ("quantity" in p ? p.quantity : 1), 0);
      expect(node.total?.amount).toBe((cents / 100).toFixed(2));
      expect(node.updatedAt).toBeNull();
      expect(node.vendorReference).toBeNull();
      expect(node.orderingForm).toBe(raw.ordering_form ?? null);
      expect(node.orderingCode).toBe(raw.ordering_code ?? null);
      expect(node.customerId).toBe(raw.customer ?? null);
      expect(node.customer?.nativeId ?? null).toBe(raw.customer ?? null);
      expect(node.subscriptions).toEqual(raw.subscriptions ?? []);
      expect(node.campaignProducts.length + node.standaloneProducts.length).toBe(raw.products.length);
    }
  });

  it("filters by status, customer and created date", async () => {
    const pending = await pageAll({ status: ["PENDING"] });
    expect(pending.nodes.map((n) => n.number)).toEqual(
      newestFirst(emulator.orders.filter((o) => iterasStatus(o.status).status === "PENDING")).map(numberOf),
    );

    const customer = emulator.orders.find((o) => o.customer && emulator.orders.filter((x) => x.customer === o.customer).length > 1)!
      .customer!;
    const byCustomer = await pageAll({ customerIds: [encodeGlobalId("Customer", PROVIDER, customer)] });
    expect(byCustomer.nodes.map((n) => n.number)).toEqual(
      newestFirst(emulator.orders.filter((o) => o.customer === customer)).map(numberOf),
    );

    const from = "2024-03-01T00:00:00.000Z";
    const to = "2024-03-31T23:59:59.000Z";
    const inMarch = await pageAll({ createdAt: { from, to }, status: ["COMPLETED"] }, 20);
    expect(inMarch.nodes.map((n) => n.number)).toEqual(
      newestFirst(
        emulator.orders.filter((o) => o.status === "approved" && instant(o) >= Date.parse(from) && instant(o) <= Date.parse(to)),
      ).map(numberOf),
    );
    expect(inMarch.totalCount).toBe(inMarch.nodes.length);
  });

  it("sorts by number and total", async () => {
    const result = await run(IterasOrdersDocument, { first: 5, sort: [{ field: "NUMBER", direction: "DESC" }] });
    const numbers = emulator.orders
      .filter((o) => o.id !== undefined)
      .map((o) => o.id as number)
      .sort((a, b) => b - a);
    expect(result.data.orders.nodes.map((n) => (n as IterasNode).number)).toEqual(numbers.slice(0, 5).map(String));
    const byTotal = await run(IterasOrdersDocument, { first: 30, sort: [{ field: "TOTAL", direction: "ASC" }] });
    const totals = byTotal.data.orders.nodes.map((n) => Number((n as IterasNode).total?.amount));
    expect([...totals].sort((a, b) => a - b)).toEqual(totals);
  });

  it("refuses to sort by update time", async () => {
    const result = await server.run(IterasOrdersDocument, { first: 5, sort: [{ field: "UPDATED_AT", direction: "DESC" }] });
    expect(result.errors?.[0]?.extensions?.["code"]).toBe("NOT_SUPPORTED");
  });

  it("shows its capabilities", async () => {
    const result = await run(ProvidersListDocument);
    const provider = result.data.providers.find((p) => p.id === PROVIDER)!;
    expect(provider.kind).toBe("ITERAS");
    expect(provider.capabilities.count).toBe("FETCHED_SET");
  });
});

describe("Iteras e2e: one order and invoice lines", () => {
  it("reads order(id) complete, with invoice lines", async () => {
    const raw = emulator.orders.find((o) => o.id !== undefined && o.status === "approved" && o.payment_agreement && o.address)!;
    const result = await run(IterasOrderDetailDocument, { id: orderId(raw.id!) });
    expect(result.errors).toBeUndefined();
    const order = result.data.order as unknown as Record<string, unknown> & {
      invoiceLines: Array<{ description: string; amount: { amount: string } }>;
    };
    expect(order["__typename"]).toBe("IterasOrder");
    expect(order["number"]).toBe(String(raw.id));
    expect(order["email"]).toBe(raw.email ?? null);
    expect(order["ip"]).toBe(raw.ip ?? null);
    expect(order["paymentAgreement"]).toEqual(raw.payment_agreement);
    const lines = buildIterasInvoiceLines(raw);
    expect(order.invoiceLines.map((l) => [l.description, l.amount.amount])).toEqual(lines.map((l) => [l.description, l.amount.toFixed(2)]));
    expect((order["shippingAddress"] as { name: string }).name).toBe(raw.address!.name);
    // One call: order_id with the invoice lines.
    expect(result.extensions.upstream?.calls).toBe(1);
  });

  it("loads invoice lines of list rows only when asked for", async () => {
    const mark = emulator.requests.length;
    const result = await run(IterasOrderInvoiceLinesDocument, {
      first: 5,
      filter: { status: ["COMPLETED"] },
    });
    expect(result.errors).toBeUndefined();
    const nodes = result.data.orders.nodes as unknown as Array<{ invoiceLines: unknown[] }>;
    expect(nodes.every((n) => n.invoiceLines.length > 0)).toBe(true);
    const details = emulator.requests.slice(mark).filter((r) => r.url.includes("order_id="));
    expect(details.every((r) => r.url.includes("fields=data%2Cinvoice_lines"))).toBe(true);
    expect(details.length).toBeLessThanOrEqual(5);
  });

  it("answers null for an unknown order", async () => {
    const result = await run(IterasOrderDetailDocument, { id: orderId(999_999_999) });
    expect(result.errors).toBeUndefined();
    expect(result.data.order).toBeNull();
  });

  it("finds an order without id by its synthetic id", async () => {
    const { nodes } = await pageAll(undefined, 200);
    const synthetic = nodes.find((n) => n.number === null)!;
    const result = await run(IterasOrderDetailDocument, { id: synthetic.id });
    expect(result.errors).toBeUndefined();
    const order = result.data.order as unknown as { nativeId: string; createdAt: string } | null;
    expect(order?.nativeId).toBe(synthetic.nativeId);
    expect(order?.createdAt).toBe(synthetic.createdAt);
  });
});

describe("Iteras e2e: a key Iteras no longer accepts", () => {
  it("answers a credentials error, never an empty list or a missing order", async () => {
    const known = emulator.orders.find((o) => o.id !== undefined)!;
    emulator.apiKey = "rotated-by-the-publisher";
    try {
      // A window with no orders: without the error it would pass for a true empty answer.
      const list = await run(IterasOrdersDocument, {
        first: 5,
        filter: { createdAt: { from: "2019-01-01T00:00:00Z", to: "2019-02-01T00:00:00Z" } },
      });
      const one = await run(IterasOrderDetailDocument, { id: orderId(known.id!) });
      for (const result of [list, one]) {
        expect(result.errors?.length, JSON.stringify(result)).toBeGreaterThan(0);
        expect(result.errors?.[0]?.extensions?.["code"]).toBe("PROVIDER_ERROR");
        expect(result.errors?.[0]?.message).toContain("rejected the configured credentials (HTTP 404)");
      }
    } finally {
      emulator.apiKey = ITERAS_DEFAULT_API_KEY;
    }
  });
});

describe("Iteras e2e: personal data and secrets", () => {
  it("answers PII fields as null with FORBIDDEN errors without pii:read", async () => {
    const result = await server.run(IterasOrdersPiiDocument, { first: 20 }, READER_KEY);
    bodies.push(JSON.stringify(result));
    const codes = new Set(result.errors?.map((e) => e.extensions?.["code"]));
    expect([...codes]).toEqual(["FORBIDDEN"]);
    const fields = new Set(result.errors?.map((e) => e.path?.at(-1)));
    for (const field of ["email", "ip", "customFields", "paymentAgreement", "billingAddress", "shippingAddress"])
      expect(fields.has(field)).toBe(true);
    // Each refusal is null at its own field: the page keeps its orders (customFields was non-null and
    // wiped the whole page before issue 23).
    const nodes = (result.data as { orders: { nodes: Array<Record<string, unknown>> } } | null)?.orders.nodes;
    expect(nodes).toHaveLength(20);
    for (const node of nodes ?? []) {
      expect(node["nativeId"]).toEqual(expect.any(String));
      for (const field of ["email", "ip", "resumeOrderingUrl", "customFields", "paymentAgreement", "billingAddress", "shippingAddress"])
        expect(node[field]).toBeNull();
    }
  });

  it("shows them with pii:read", async () => {
    const result = await run(IterasOrdersPiiDocument, { first: 50 });
    expect(result.errors).toBeUndefined();
    const nodes = result.data.orders.nodes as unknown as Array<{ ip: string | null; customFields: Array<{ name: string }> }>;
    expect(nodes.some((n) => n.ip !== null)).toBe(true);
    expect(nodes.some((n) => n.customFields.length > 0)).toBe(true);
    expect(nodes.every((n) => n.customFields.every((f) => !f.name.startsWith(":")))).toBe(true);
  });

  it("never lets a password hash into a response", async () => {
    // Every answer of this file is checked; these two make the check stand on its own when run alone.
    await run(IterasOrdersPiiDocument, { first: 50 });
    await run(IterasOrdersPiiDocument, { first: 50 }, READER_KEY);
    const hashes = emulator.orders.map((o) => o.password).filter((p): p is string => p !== undefined);
    expect(hashes.length).toBeGreaterThan(50);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    const all = bodies.join("\n");
    for (const hash of hashes) expect(all).not.toContain(hash);
    expect(all).not.toContain(ITERAS_DEFAULT_API_KEY);
  });
});
