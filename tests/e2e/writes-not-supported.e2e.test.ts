/** Every provider without native writes answers the mutations with NOT_SUPPORTED naming itself, and sends nothing. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { OrdersPageDocument, SetVendorReferenceDocument, UpdateStatusDocument } from "../../src/generated/client/graphql.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulators: StartedEmulator[];
let server: TestServer;

beforeAll(async () => {
  emulators = await startEmulators({ size: 12 });
  server = await startTestServer({ providers: emulators.map((e) => e.entry) });
});

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

describe("writes on read-only providers", () => {
  it("answers NOT_SUPPORTED naming the provider, for both mutations, with no upstream call", async () => {
    const readOnly = [...server.server.connectors.values()].filter((c) => !c.writes);
    expect(readOnly.map((c) => c.kind).sort()).toEqual(
      PROVIDER_DEFINITIONS.filter((d) => !d.capabilities.writes.some((w) => w.supported))
        .map((d) => d.kind)
        .sort(),
    );
    for (const connector of readOnly) {
      const page = await server.run(OrdersPageDocument, { first: 1, providers: [connector.id] });
      const orderId = page.data!.orders.edges[0]!.node.id;
      const status = await server.run(UpdateStatusDocument, { input: { orderId, status: "COMPLETED" } });
      expect(status.data!.updateOrderStatus.userErrors).toEqual([
        { code: "NOT_SUPPORTED", field: null, message: expect.stringContaining(connector.id) },
      ]);
      expect(status.extensions.upstream?.calls).toBe(0);
      const reference = await server.run(SetVendorReferenceDocument, { input: { orderId, vendorReference: "REF-1" } });
      expect(reference.data!.setOrderVendorReference.userErrors).toEqual([
        { code: "NOT_SUPPORTED", field: null, message: expect.stringContaining(connector.id) },
      ]);
      expect(reference.extensions.upstream?.calls).toBe(0);
    }
  });
});
