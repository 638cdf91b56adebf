/**
 * ActivePlatform end to end: GraphQL over HTTP against the emulator, with
 * filters, paging in both directions, the typed order fields, and a provider
 * that fails without its token showing up in any answer or output.
 */
import { createServer } from "node:net";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ClientError, GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActivePlatformOrder } from "../../emulators/activeplatform/activeplatform.data.ts";
import { type ActivePlatformEmulator, startActivePlatformEmulator } from "../../emulators/activeplatform/activeplatform.emulator.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import {
  ActivePlatformOrderByIdDocument,
  ActivePlatformOrdersPageDocument,
  type ActivePlatformOrdersPageQuery,
  type ActivePlatformOrdersPageQueryVariables,
  ActivePlatformProviderDocument,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { activeplatformDefinition } from "../../src/providers/activeplatform/activeplatform.definition.ts";
import { toDecimal } from "../../src/providers/core/decimal.ts";
import { buildServer, type OrdergraphServer } from "../../src/server/app.ts";
import { createServices } from "../../src/server/services.ts";
import { ADMIN_KEY, type RawResult } from "../helpers/test-server.ts";

const PROVIDER = "billing-ap";
const TOKEN = "e2e-token-Hk29snq";

interface Server {
  server: OrdergraphServer;
  run<TData, TVars extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
  ): Promise<RawResult<TData>>;
}

/**
 * Like tests/helpers/test-server.ts, but the connectors come from this kind's
 * definition directly, so the test does not depend on the registry's wiring.
 */
async function startServer(entries: Array<Record<string, unknown>>): Promise<Server> {
  const config = parseConfig(
    JSON.stringify({
      server: { host: "127.0.0.1", port: 0 },
      clients: [{ name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] }],
      providers: entries,
    }),
    {},
  );
  const services = await createServices(config);
  const connectors = config.providers.map((entry) =>
    activeplatformDefinition.create(activeplatformDefinition.schema.parse(entry), services),
  );
  const server = await buildServer({ config, connectors, definitions: [activeplatformDefinition], services });
  const url = await server.listen(0, "127.0.0.1");
  const client = new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return {
    server,
    async run(document, variables) {
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
  };
}

const entry = (baseUrl: string, apiToken = TOKEN) => ({
  id: PROVIDER,
  kind: "activeplatform",
  baseUrl,
  currency: "RUB",
  timeZone: "Europe/Moscow",
  timeoutMs: 2000,
  accountUtcOffsets: ["+03:00", "+00:00"],
  credentials: { apiToken },
});

let emulator: ActivePlatformEmulator;
let app: Server;

const instant = (text: string) => Date.parse(text);
const newestFirst = (a: ActivePlatformOrder, b: ActivePlatformOrder) => instant(b.created_at) - instant(a.created_at) || b.id - a.id;
const orderId = (id: number | string) => encodeGlobalId("Order", PROVIDER, String(id));
type Page = ActivePlatformOrdersPageQuery["orders"];

/** Pages forward through a query, `first` at a time. */
async function pageAll(variables: ActivePlatformOrdersPageQueryVariables, first: number): Promise<Page["edges"][number]["node"][]> {
  const nodes: Page["edges"][number]["node"][] = [];
  let after: string | null | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const result = await app.run(ActivePlatformOrdersPageDocument, { ...variables, first, after });
    expect(result.errors).toBeUndefined();
    const page = result.data!.orders;
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    expect(page.edges).toHaveLength(first);
    after = page.pageInfo.endCursor;
  }
  throw new Error("did not reach the end");
}

beforeAll(async () => {
  emulator = await startActivePlatformEmulator({ port: 0, apiToken: TOKEN, size: 240 });
  app = await startServer([entry(emulator.url)]);
});

afterAll(async () => {
  await app?.server.close();
  await emulator?.close();
});

describe("ActivePlatform over GraphQL", () => {
  it("shows the provider and its pushdown table", async () => {
    const result = await app.run(ActivePlatformProviderDocument, {});
    const provider = result.data!.providers.find((p) => p.id === PROVIDER)!;
    expect(provider.kind).toBe("ACTIVEPLATFORM");
    expect(provider.capabilities.count).toBe("SCAN");
    expect(provider.capabilities.sorts.every((s) => s.supported && s.native)).toBe(true);
    const native = (field: string) => provider.capabilities.filters.filter((f) => f.field === field).every((f) => f.native);
    expect(native("STATUS") && native("CUSTOMER_ID") && native("CREATED_AT")).toBe(true);
    expect(native("TOTAL")).toBe(false);
  });

  it("pages through every order newest first, without gap or duplicate, and counts them", async () => {
    const nodes = await pageAll({}, 40);
    expect(nodes.map((n) => n.nativeId)).toEqual([...emulator.orders].sort(newestFirst).map((o) => String(o.id)));
    const first = await app.run(ActivePlatformOrdersPageDocument, { first: 1 });
    expect(first.data!.orders.totalCount).toBe(240);
    const node = nodes[0]!;
    const raw = emulator.orders.find((o) => String(o.id) === node.nativeId)!;
    expect(node).toMatchObject({
      __typename: "ActivePlatformOrder",
      number: raw.document_id,
      documentNumber: raw.document_id,
      orderType: raw.type,
      accountId: String(raw.account_id),
      nativeStatus: { code: raw.status },
      createdAt: new Date(raw.created_at).toISOString(),
      total: { amount: toDecimal(raw.total), currency: "RUB" },
      customer: { nativeId: String(raw.account_id) },
    });
  });

  it("pages backwards from the end", async () => {
    const result = await app.run(ActivePlatformOrdersPageDocument, { last: 15, sort: [{ field: "NUMBER", direction: "ASC" }] });
    expect(result.errors).toBeUndefined();
    const byNumber = [...emulator.orders].sort((a, b) =>
      a.document_id < b.document_id ? -1 : a.document_id > b.document_id ? 1 : a.id - b.id,
    );
    expect(result.data!.orders.edges.map((e) => e.node.nativeId)).toEqual(byNumber.slice(-15).map((o) => String(o.id)));
    expect(result.data!.orders.pageInfo.hasPreviousPage).toBe(true);
  });

  it("filters by status (pushed down for one code) and pages", async () => {
    const before = emulator.requests.length;
    const nodes = await pageAll({ filter: { status: ["COMPLETED"] } }, 7);
    const expected = emulator.orders.filter((o) => o.status === "completed").sort(newestFirst);
    expect(expected.length).toBeGreaterThan(7);
    expect(nodes.map((n) => n.nativeId)).toEqual(expected.map((o) => String(o.id)));
    expect(nodes.every((n) => n.status === "COMPLETED" && n.paymentStatus === "PAID")).toBe(true);
    expect(emulator.requests.slice(before).every((r) => r.url.includes("filters%5Bstatus%5D=completed"))).toBe(true);
  });

  it("filters by several statuses, one customer and a date range, sorted by total", async () => {
    const account = emulator.orders[0]!.account_id;
    const customer = encodeGlobalId("Customer", PROVIDER, String(account));
    const nodes = await pageAll(
      {
        filter: { customerIds: [customer], status: ["COMPLETED", "CANCELLED", "PROCESSING"] },
        sort: [{ field: "TOTAL", direction: "ASC" }],
      },
      2,
    );
    const expected = emulator.orders
      .filter((o) => o.account_id === account && ["completed", "cancelled", "provisioning", "waiting for provisioning"].includes(o.status))
      .sort((a, b) => Number(a.total) - Number(b.total) || a.id - b.id);
    expect(expected.length).toBeGreaterThan(2);
    expect(nodes.map((n) => n.nativeId)).toEqual(expected.map((o) => String(o.id)));

    // The UTC day with most orders between 01:00 and 20:00, a window that is one date in both offsets.
    const perDay = new Map<string, number>();
    for (const o of emulator.orders) {
      const at = new Date(instant(o.created_at)).toISOString();
      if (at.slice(11, 13) >= "01" && at.slice(11, 13) < "20") perDay.set(at.slice(0, 10), (perDay.get(at.slice(0, 10)) ?? 0) + 1);
    }
    const day = [...perDay].sort((a, b) => b[1] - a[1])[0]![0];
    const range = { from: `${day}T01:00:00.000Z`, to: `${day}T20:00:00.000Z` };
    const inRange = emulator.orders
      .filter((o) => instant(o.created_at) >= instant(range.from) && instant(o.created_at) <= instant(range.to))
      .sort(newestFirst);
    expect(inRange.length).toBeGreaterThan(2);
    const before = emulator.requests.length;
    const byDate = await pageAll({ filter: { createdAt: range } }, 3);
    expect(emulator.requests.slice(before).every((r) => r.url.includes(`filters%5Bcreated_at%5D=${day}`))).toBe(true);
    expect(byDate.map((n) => n.nativeId)).toEqual(inRange.map((o) => String(o.id)));
  });

  it("answers one order with its typed fields, and null for an unknown id", async () => {
    const raw = emulator.orders.find((o) => o.charges.length > 0 && o.payment_id !== null)!;
    const result = await app.run(ActivePlatformOrderByIdDocument, { id: orderId(raw.id) });
    expect(result.errors).toBeUndefined();
    const order = result.data!.order!;
    expect(order.__typename).toBe("ActivePlatformOrder");
    if (order.__typename !== "ActivePlatformOrder") return;
    expect(order).toMatchObject({
      nativeId: String(raw.id),
      email: null,
      subtotal: null,
      expirationDate: raw.expiration_date,
      paymentId: String(raw.payment_id),
      promoCode: raw.promo_code,
      updatedAt: new Date(raw.updated_at).toISOString(),
    });
    expect(order.items).toEqual(
      raw.items.map((i) => ({ nativeId: String(i.id), productId: null, name: i.description, quantity: "1", unitPrice: null, total: null })),
    );
    expect(order.activePlatformItems).toEqual(
      raw.items.map((i) => ({
        id: String(i.id),
        targetId: String(i.target_id),
        targetType: i.target_type,
        type: i.type,
        status: i.status,
        description: i.description,
      })),
    );
    expect(order.charges).toEqual(
      raw.charges.map((c) => ({
        id: String(c.id),
        subscriptionId: String(c.subscription_id),
        type: c.type,
        status: c.status,
        description: c.description,
        amount: { amount: toDecimal(c.amount), currency: "RUB" },
        startDate: c.start_date,
        endDate: c.end_date,
        closeDate: c.close_date,
      })),
    );
    const missing = await app.run(ActivePlatformOrderByIdDocument, { id: orderId(1_999_999) });
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.order).toBeNull();
  });
});

describe("ActivePlatform failures never show the token", () => {
  /** Runs `work` while recording everything written to the console, stdout and stderr. */
  async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
    const chunks: string[] = [];
    const record = (...args: unknown[]) => {
      chunks.push(
        args.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.message}\n${a.stack}` : JSON.stringify(a))).join(" "),
      );
    };
    const spies = (["log", "info", "warn", "error", "debug", "trace"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(record),
    );
    const writes = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown) => {
        chunks.push(String(chunk));
        return true;
      }) as never),
    );
    try {
      return { result: await work(), output: chunks.join("\n") };
    } finally {
      for (const spy of [...spies, ...writes]) spy.mockRestore();
    }
  }

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
  }

  it.each([
    ["a rejected token", "PROVIDER_ERROR", /rejected the configured credentials/, async () => entry(emulator.url, "wrong-token-Mm4g0z")],
    [
      "an unreachable provider",
      "PROVIDER_UNAVAILABLE",
      /./,
      async () => entry(`http://127.0.0.1:${await freePort()}`, "closed-port-token-Q8vv2"),
    ],
  ])("%s gives %s with the provider named and no token anywhere", async (_what, code, message, makeEntry) => {
    const failing = await makeEntry();
    const token = failing.credentials.apiToken;
    const { result, output } = await captureOutput(async () => {
      const broken = await startServer([failing]);
      try {
        return [
          await broken.run(ActivePlatformOrdersPageDocument, { first: 5, filter: { status: ["PENDING"] } }),
          await broken.run(ActivePlatformOrderByIdDocument, { id: orderId(emulator.orders[0]!.id) }),
        ];
      } finally {
        await broken.server.close();
      }
    });
    for (const answer of result) {
      expect(answer.errors?.length).toBeGreaterThan(0);
      expect(answer.errors![0]!.extensions).toMatchObject({ code, provider: PROVIDER });
      expect(JSON.stringify(answer)).not.toContain(token);
    }
    expect(result[0]!.errors![0]!.message).toContain(PROVIDER);
    for (const answer of result) expect(answer.errors![0]!.message).toMatch(message);
    expect(output).not.toContain(token);
  });
});
