/**
 * Reads that go through the engine like every other: ordersByVendorReference
 * is one bounded page of `orders(filter: { vendorReference })` (newest first,
 * `engine.maxPageSize` orders, providers without references never called),
 * and the server's full-read cache, a service the engine is given, forgets a
 * provider's kept reads after a write through ordergraph.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import {
  ByVendorReferenceDocument,
  OrdersPageDocument,
  SetVendorReferenceDocument,
  UpdateStatusDocument,
} from "../../src/generated/client/graphql.ts";
import type { Connector } from "../../src/providers/core/connector.ts";
import { startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

let emulators: StartedEmulator[];
let server: TestServer;
/** The provider that stores vendor references and takes writes. */
let writable: Connector;

const PAGE = 3;

beforeAll(async () => {
  emulators = await startEmulators({ size: 20 });
  server = await startTestServer({
    providers: emulators.map((e) => testEntry(e)),
    engine: { defaultPageSize: PAGE, maxPageSize: PAGE, fullReadTtlMs: 60_000 },
  });
  const connectors = [...server.server.connectors.values()];
  writable = connectors.find(
    (c) =>
      c.capabilities.filters.some((f) => f.field === "VENDOR_REFERENCE" && f.native) &&
      c.capabilities.writes.some((w) => w.operation === "SET_VENDOR_REFERENCE" && w.supported) &&
      c.capabilities.writes.some((w) => w.operation === "UPDATE_ORDER_STATUS" && w.supported),
  ) as Connector;
  expect(writable).toBeDefined();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** Every order id of the writable provider, newest first. */
async function writableOrders(): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await server.run(OrdersPageDocument, { first: PAGE, after, providers: [writable.id] });
    ids.push(...(page.data?.orders.edges ?? []).map((e) => e.node.id));
    if (!page.data?.orders.pageInfo.hasNextPage) return ids;
    after = page.data.orders.pageInfo.endCursor;
  }
  throw new Error("too many pages");
}

describe("ordersByVendorReference", () => {
  it("is one page of the vendorReference filter: the newest engine.maxPageSize orders, calling only providers that store references", async () => {
    const reference = "PO-READ-PATH-1";
    const marked = (await writableOrders()).filter((_, i) => i % 2 === 1).slice(0, PAGE + 2);
    expect(marked).toHaveLength(PAGE + 2);
    for (const orderId of marked) {
      const written = await server.run(SetVendorReferenceDocument, { input: { orderId, vendorReference: reference } });
      expect(written.data?.setOrderVendorReference.userErrors).toEqual([]);
    }
    const marks = emulators.map((e) => e.server.requests.length);
    const found = await server.run(ByVendorReferenceDocument, { ref: reference });
    expect(found.errors).toBeUndefined();
    // Newest first, as the marked orders were listed, and no more than a page.
    expect(found.data?.ordersByVendorReference.map((o) => o.id)).toEqual(marked.slice(0, PAGE));
    expect(found.data?.ordersByVendorReference.every((o) => o.vendorReference === reference)).toBe(true);
    emulators.forEach((emulator, i) => {
      const calls = emulator.server.requests.length - (marks[i] as number);
      if (emulator.id === writable.id) expect(calls).toBeGreaterThan(0);
      else expect(calls, `${emulator.id} stores no references: not called`).toBe(0);
    });
    // The filter pages on through all of them, newest first.
    const pages: string[] = [];
    let after: string | null | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await server.run(OrdersPageDocument, { first: PAGE, after, filter: { vendorReference: reference } });
      pages.push(...(page.data?.orders.edges ?? []).map((e) => e.node.id));
      if (!page.data?.orders.pageInfo.hasNextPage) break;
      after = page.data.orders.pageInfo.endCursor;
    }
    expect(pages).toEqual(marked);
  });

  it("reports a provider that fails beside what the others answered, as every merged read does", async () => {
    const emulator = emulators.find((e) => e.id === writable.id) as StartedEmulator;
    emulator.server.faults = { error: { status: 503 } };
    try {
      const found = await server.run(ByVendorReferenceDocument, { ref: "PO-READ-PATH-1" });
      // The others store no references: nothing to show, and the failure named, never a silent empty list.
      expect(found.data?.ordersByVendorReference).toEqual([]);
      expect(found.errors).toEqual([
        expect.objectContaining({
          path: ["ordersByVendorReference"],
          extensions: expect.objectContaining({ code: "PROVIDER_UNAVAILABLE", provider: writable.id }),
        }),
      ]);
    } finally {
      emulator.server.faults = {};
    }
  });
});

describe("the server's full-read cache", () => {
  it("keeps a full read for later requests, and forgets the provider's reads after a write through ordergraph", async () => {
    // Two sort keys: a full read sorted here, kept for engine.fullReadTtlMs.
    const sort = [
      { field: "TOTAL" as const, direction: "DESC" as const },
      { field: "CREATED_AT" as const, direction: "ASC" as const },
    ];
    const read = () => server.run(OrdersPageDocument, { first: PAGE, sort, providers: [writable.id] });
    const first = await read();
    expect(first.errors).toBeUndefined();
    const again = await read();
    expect(again.extensions.upstream?.providers[writable.id]?.cached).toBeGreaterThan(0);
    expect(again.extensions.upstream?.calls).toBe(0);
    const target = first.data?.orders.edges[0]?.node as { id: string; nativeStatus: { code: string } };
    const status = target.nativeStatus.code === "P" ? "C" : "P";
    const written = await server.run(UpdateStatusDocument, { input: { orderId: target.id, nativeStatus: status } });
    expect(written.data?.updateOrderStatus.userErrors).toEqual([]);
    // The kept read is gone: the next request reads the provider and shows the order as it is now.
    const after = await read();
    expect(after.extensions.upstream?.calls).toBeGreaterThan(0);
    expect(after.data?.orders.edges.find((e) => e.node.id === target.id)?.node.nativeStatus.code).toBe(status);
  });
});
