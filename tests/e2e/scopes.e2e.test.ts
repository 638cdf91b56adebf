/**
 * Scopes on every read path: a client without orders:read cannot read orders,
 * customers or providers by any entry point, and sends nothing upstream trying.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import {
  ByVendorReferenceDocument,
  NodeByIdDocument,
  OrderByIdDocument,
  OrderNodesDocument,
  OrdersPageDocument,
  ProvidersListDocument,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const WRITER_KEY = "test-writer-key-0123456789";
let emulators: StartedEmulator[];
let server: TestServer;

beforeAll(async () => {
  emulators = await startEmulators({ size: 10, kinds: ["cscart", "djangoshop"] });
  server = await startTestServer({
    providers: emulators.map((e) => e.entry),
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      { name: "writer", key: WRITER_KEY, scopes: ["orders:write"] },
    ],
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

describe("without orders:read", () => {
  const order = () => encodeGlobalId("Order", "shop-cscart", "1");
  const customer = () => encodeGlobalId("Customer", "shop-djangoshop", "1");
  const reads: Array<[string, (s: TestServer) => Promise<{ errors?: Array<{ extensions?: Record<string, unknown> }> | undefined }>]> = [
    ["orders", (s) => s.run(OrdersPageDocument, { first: 5 }, WRITER_KEY)],
    ["order(id)", (s) => s.run(OrderByIdDocument, { id: order() }, WRITER_KEY)],
    ["node(id) of a customer", (s) => s.run(NodeByIdDocument, { id: customer() }, WRITER_KEY)],
    ["nodes(ids)", (s) => s.run(OrderNodesDocument, { ids: [order(), customer()] }, WRITER_KEY)],
    ["providers", (s) => s.run(ProvidersListDocument, {}, WRITER_KEY)],
    ["ordersByVendorReference", (s) => s.run(ByVendorReferenceDocument, { ref: "X" }, WRITER_KEY)],
  ];
  for (const [what, read] of reads) {
    it(`refuses ${what} with FORBIDDEN naming the scope, calling no provider`, async () => {
      const before = emulators.map((e) => e.server.requests.length);
      const result = await read(server);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", scope: "orders:read" });
      expect(emulators.map((e) => e.server.requests.length)).toEqual(before);
    });
  }

  it("the same reads answer for a client that has the scope", async () => {
    const result = await server.run(OrdersPageDocument, { first: 5 });
    expect(result.errors).toBeUndefined();
    expect(result.data?.orders.edges).toHaveLength(5);
  });
});
