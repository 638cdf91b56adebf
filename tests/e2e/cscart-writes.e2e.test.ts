/**
 * Writes end to end: GraphQL over HTTP against the CS-Cart emulator, checking
 * the emulator's own store and outbox for what really happened upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import {
  ByVendorReferenceDocument,
  FilterByVendorReferenceDocument,
  OrdersPageDocument,
  SetVendorReferenceBareDocument,
  SetVendorReferenceDocument,
  UpdateStatusBareDocument,
  UpdateStatusDocument,
  UpdateStatusOrderOnlyDocument,
  UpdateStatusPreviousInFragmentDocument,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import type { Connector } from "../../src/providers/core/connector.ts";
import { CSCART_STATUS_TABLE } from "../../src/providers/cscart/cscart.status.ts";
import { memoryLog, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulator: CsCartEmulator;
let server: TestServer;
const PROVIDER = "shop-cscart";

const orderId = (nativeId: string | number) => encodeGlobalId("Order", PROVIDER, String(nativeId));
const stored = (nativeId: string) => emulator.orders.find((o) => o.order_id === nativeId)!;
/** Requests that changed something upstream. */
const writesUpstream = () => emulator.requests.filter((r) => r.method === "PUT").length;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ size: 60 });
  server = await startTestServer({
    providers: [
      {
        id: PROVIDER,
        kind: "cscart",
        baseUrl: `${emulator.url}/api`,
        currency: "EUR",
        credentials: { ...CSCART_DEFAULT_CREDENTIALS },
      },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

let target: string;
beforeEach(() => {
  // A fresh, non-incomplete order for each test, so tests do not depend on each other.
  const candidates = emulator.orders.filter((o) => o.status !== "N" && o.email !== "");
  target = candidates[Math.floor(Math.random() * candidates.length)]!.order_id;
});

describe("updateOrderStatus", () => {
  it("changes the status without a notification by default and returns the order as it is after the write", async () => {
    stored(target).status = "O";
    const outboxBefore = emulator.outbox.length;
    const result = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "COMPLETED" } });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.updateOrderStatus;
    expect(payload.userErrors).toEqual([]);
    expect(payload.previousStatus?.code).toBe("O");
    expect(payload.order?.status).toBe("COMPLETED");
    expect(payload.order?.nativeStatus.code).toBe("C");
    expect(stored(target).status).toBe("C");
    expect(emulator.outbox.length).toBe(outboxBefore);
  });

  it("sends the customer e-mail when notifyCustomer is true", async () => {
    stored(target).status = "O";
    const outboxBefore = emulator.outbox.length;
    const result = await server.run(UpdateStatusDocument, {
      input: { orderId: orderId(target), status: "PROCESSING", notifyCustomer: true },
    });
    expect(result.data!.updateOrderStatus.userErrors).toEqual([]);
    expect(emulator.outbox.length).toBe(outboxBefore + 1);
    expect(emulator.outbox.at(-1)).toMatchObject({ orderId: Number(target), status: "P", to: stored(target).email });
  });

  it("round-trips every settable status, by canonical status and by native code", async () => {
    for (const row of CSCART_STATUS_TABLE.filter((r) => r.settable)) {
      const byNative = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), nativeStatus: row.code } });
      expect(byNative.data!.updateOrderStatus.order?.nativeStatus.code, row.code).toBe(row.code);
      expect(byNative.data!.updateOrderStatus.order?.status, row.code).toBe(row.status);
      expect(stored(target).status).toBe(row.code);
    }
    // E shares PENDING with O: the canonical status writes the documented default O.
    const pending = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "PENDING" } });
    expect(pending.data!.updateOrderStatus.order?.nativeStatus.code).toBe("O");
  });

  it("refuses N (Incomplete) with INVALID and sends nothing upstream", async () => {
    const before = writesUpstream();
    for (const input of [{ status: "DRAFT" as const }, { nativeStatus: "N" }, { nativeStatus: "Z" }]) {
      const result = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), ...input } });
      expect(result.data!.updateOrderStatus.userErrors[0]?.code).toBe("INVALID");
      expect(result.data!.updateOrderStatus.order).toBeNull();
    }
    expect(writesUpstream()).toBe(before);
  });

  it("answers NOT_FOUND for an unknown order and for an id that is not an order id", async () => {
    const unknown = await server.run(UpdateStatusDocument, { input: { orderId: orderId("999999"), status: "COMPLETED" } });
    expect(unknown.data!.updateOrderStatus.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "orderId"], message: expect.any(String) },
    ]);
    const garbage = await server.run(UpdateStatusDocument, { input: { orderId: "not-an-id", status: "COMPLETED" } });
    expect(garbage.data!.updateOrderStatus.userErrors[0]?.code).toBe("NOT_FOUND");
  });

  it("needs the orders:write scope: FORBIDDEN and nothing sent upstream", async () => {
    const before = emulator.requests.length;
    const result = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "COMPLETED" } }, READER_KEY);
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(emulator.requests.length).toBe(before);
  });

  it("honours the idempotency key: one write, one e-mail, the first result replayed", async () => {
    stored(target).status = "O";
    const outboxBefore = emulator.outbox.length;
    const putsBefore = writesUpstream();
    const input = {
      orderId: orderId(target),
      status: "COMPLETED" as const,
      notifyCustomer: true,
      idempotencyKey: `key-${target}-${Date.now()}`,
    };
    const [first, second] = await Promise.all([server.run(UpdateStatusDocument, { input }), server.run(UpdateStatusDocument, { input })]);
    const third = await server.run(UpdateStatusDocument, { input });
    expect(writesUpstream()).toBe(putsBefore + 1);
    expect(emulator.outbox.length).toBe(outboxBefore + 1);
    const replays = [first, second, third].map((r) => r.data!.updateOrderStatus.replayed).sort();
    expect(replays).toEqual([false, true, true]);
    for (const r of [first, second, third]) expect(r.data!.updateOrderStatus.order?.nativeStatus.code).toBe("C");
    const reused = await server.run(UpdateStatusDocument, { input: { ...input, status: "CANCELLED" } });
    expect(reused.data!.updateOrderStatus.userErrors[0]).toMatchObject({ code: "INVALID", field: ["input", "idempotencyKey"] });
  });

  it("two concurrent updates end in the last-written state, and each response shows the state it saw", async () => {
    stored(target).status = "O";
    const [a, b] = await Promise.all([
      server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "PROCESSING" } }),
      server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "CANCELLED" } }),
    ]);
    const payloads = [a.data!.updateOrderStatus, b.data!.updateOrderStatus];
    const final = stored(target).status;
    // One of the two wrote last; the provider holds its state, and that response says so.
    const last = payloads.find((p) => p.order?.nativeStatus.code === final);
    expect(last).toBeDefined();
    const other = payloads.find((p) => p !== last)!;
    expect(last!.previousStatus?.code).toBe(other.order?.nativeStatus.code);
    expect(other.previousStatus?.code).toBe("O");
  });
});

/** The calls the emulator receives while `run` runs, as "METHOD path" (query strings dropped). */
async function callsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const from = emulator.requests.length;
  await run();
  return emulator.requests.slice(from).map((r) => `${r.method} ${r.url.split("?")[0]}`);
}

describe("the reads around a write: only those the payload asks for", () => {
  it("updates a status in one call when the payload asks for userErrors alone", async () => {
    stored(target).status = "O";
    let result: Awaited<ReturnType<typeof server.run<unknown, never>>> | undefined;
    const calls = await callsDuring(async () => {
      result = await server.run(UpdateStatusBareDocument, { input: { orderId: orderId(target), status: "COMPLETED" } });
    });
    expect(calls).toEqual([`PUT /api/orders/${target}`]);
    expect(result?.data).toEqual({ updateOrderStatus: { userErrors: [] } });
    expect(stored(target).status).toBe("C");
  });

  it("reads the order after the write for `order`, and before it for `previousStatus` (also asked through a fragment)", async () => {
    stored(target).status = "O";
    const order = await callsDuring(async () => {
      const result = await server.run(UpdateStatusOrderOnlyDocument, { input: { orderId: orderId(target), status: "PROCESSING" } });
      expect(result.data!.updateOrderStatus.order?.status).toBe("PROCESSING");
    });
    expect(order).toEqual([`PUT /api/orders/${target}`, `GET /api/orders/${target}`]);
    const previous = await callsDuring(async () => {
      const result = await server.run(UpdateStatusPreviousInFragmentDocument, { input: { orderId: orderId(target), status: "COMPLETED" } });
      expect(result.data!.updateOrderStatus).toEqual({ previousStatus: { code: "P" }, userErrors: [] });
    });
    expect(previous).toEqual([`GET /api/orders/${target}`, `PUT /api/orders/${target}`]);
    const both = await callsDuring(() => server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "PROCESSING" } }));
    expect(both).toEqual([`GET /api/orders/${target}`, `PUT /api/orders/${target}`, `GET /api/orders/${target}`]);
  });

  it("reads both around a write with an idempotency key, so that a retry asking for more replays all of it", async () => {
    stored(target).status = "O";
    const input = { orderId: orderId(target), status: "COMPLETED" as const, idempotencyKey: `bare-${target}-${Date.now()}` };
    const first = await callsDuring(() => server.run(UpdateStatusBareDocument, { input }));
    expect(first).toEqual([`GET /api/orders/${target}`, `PUT /api/orders/${target}`, `GET /api/orders/${target}`]);
    let retry: Awaited<ReturnType<typeof server.run<unknown, never>>> | undefined;
    const again = await callsDuring(async () => {
      retry = await server.run(UpdateStatusDocument, { input });
    });
    expect(again).toEqual([]);
    expect(retry?.data).toMatchObject({
      updateOrderStatus: { replayed: true, previousStatus: { code: "O" }, order: { status: "COMPLETED" }, userErrors: [] },
    });
  });

  it("answers NOT_FOUND from the write's own 404 when it reads nothing first", async () => {
    let result: Awaited<ReturnType<typeof server.run<unknown, never>>> | undefined;
    const calls = await callsDuring(async () => {
      result = await server.run(UpdateStatusBareDocument, { input: { orderId: orderId("999999"), status: "COMPLETED" } });
    });
    expect(calls).toEqual(["PUT /api/orders/999999"]);
    expect(result?.data).toEqual({ updateOrderStatus: { userErrors: [{ code: "NOT_FOUND", field: ["input", "orderId"] }] } });
  });

  it("sets a vendor reference in one call without `order`, and reads it back with it", async () => {
    const bare = await callsDuring(async () => {
      const result = await server.run(SetVendorReferenceBareDocument, { input: { orderId: orderId(target), vendorReference: "PO-1" } });
      expect(result.data).toEqual({ setOrderVendorReference: { userErrors: [] } });
    });
    expect(bare).toEqual([`PUT /api/orders/${target}`]);
    expect(stored(target).vendor_ref).toBe("PO-1");
    const read = await callsDuring(async () => {
      const result = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference: "PO-2" } });
      expect(result.data!.setOrderVendorReference.order?.vendorReference).toBe("PO-2");
    });
    expect(read).toEqual([`PUT /api/orders/${target}`, `GET /api/orders/${target}`]);
  });
});

/**
 * Answers the next read that follows a write with JSON of the wrong shape (an
 * error that is not retried), so the write succeeds and reading it back fails.
 * The fault is set as the read arrives, before the emulator reads its faults.
 */
function failTheReadAfterTheNextWrite(): () => void {
  const log = emulator.requests;
  const push = log.push;
  let wrote = false;
  log.push = (...entries) => {
    for (const entry of entries) {
      if (entry.method === "PUT") wrote = true;
      else if (wrote && entry.method === "GET") {
        wrote = false;
        emulator.faults = { wrongShape: { times: 1, body: { unexpected: true } } };
      }
    }
    return push.apply(log, entries);
  };
  return () => {
    log.push = push;
    emulator.faults = {};
  };
}

describe("a write the provider acknowledged, whose read-back fails", () => {
  it("reports nothing when the payload did not ask for the order (an idempotent write reads it for its replays)", async () => {
    stored(target).status = "O";
    const input = { orderId: orderId(target), status: "COMPLETED" as const, idempotencyKey: `bare-read-back-${target}-${Date.now()}` };
    const restore = failTheReadAfterTheNextWrite();
    const first = await server.run(UpdateStatusBareDocument, { input }).finally(restore);
    expect(stored(target).status).toBe("C");
    // No error pointing at a field the answer does not have.
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ updateOrderStatus: { userErrors: [] } });
    const retry = await server.run(UpdateStatusDocument, { input });
    expect(retry.data!.updateOrderStatus).toMatchObject({ order: null, previousStatus: { code: "O" }, replayed: true, userErrors: [] });
  });

  it("is reported as written (order null, the read's error beside it), and its idempotency key still replays it", async () => {
    stored(target).status = "O";
    const putsBefore = writesUpstream();
    const input = { orderId: orderId(target), status: "COMPLETED" as const, idempotencyKey: `read-back-${target}-${Date.now()}` };
    const restore = failTheReadAfterTheNextWrite();
    const first = await server.run(UpdateStatusDocument, { input }).finally(restore);
    expect(stored(target).status).toBe("C");
    expect(writesUpstream()).toBe(putsBefore + 1);
    expect(first.data!.updateOrderStatus).toMatchObject({ order: null, previousStatus: { code: "O" }, userErrors: [], replayed: false });
    expect(first.errors).toHaveLength(1);
    expect(first.errors?.[0]).toMatchObject({
      path: ["updateOrderStatus", "order"],
      extensions: { code: "UPSTREAM_INVALID_RESPONSE", provider: PROVIDER },
    });
    expect(first.errors?.[0]?.message).toMatch(/the write was applied/);
    // The client retries (it saw an error): the key replays the write's own payload instead of writing again.
    const retry = await server.run(UpdateStatusDocument, { input });
    expect(retry.data!.updateOrderStatus).toMatchObject({ order: null, previousStatus: { code: "O" }, userErrors: [], replayed: true });
    expect(writesUpstream()).toBe(putsBefore + 1);
  });

  it("reports a fault of ordergraph's own in the read-back as INTERNAL_SERVER_ERROR, its detail in the log only", async () => {
    const log = memoryLog("error");
    const own = await startTestServer({
      providers: [
        { id: PROVIDER, kind: "cscart", baseUrl: `${emulator.url}/api`, currency: "EUR", credentials: { ...CSCART_DEFAULT_CREDENTIALS } },
      ],
      logger: log.logger,
    });
    try {
      const connector = own.server.connectors.get(PROVIDER) as Connector;
      const getMany = connector.getMany.bind(connector);
      let reads = 0;
      // The read before the write answers; the one after it fails as a bug would, with order data in its text.
      connector.getMany = async (ids, call) => {
        reads += 1;
        if (reads === 2) throw new TypeError("cannot read 'firstname' of undefined for jane.doe@example.com");
        return getMany(ids, call);
      };
      stored(target).status = "O";
      const result = await own.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "COMPLETED" } });
      expect(stored(target).status).toBe("C");
      expect(result.data!.updateOrderStatus).toMatchObject({ order: null, userErrors: [] });
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]).toMatchObject({ path: ["updateOrderStatus", "order"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
      expect(JSON.stringify(result)).not.toContain("jane.doe");
      await expect
        .poll(() => log.lines().find((l) => l.msg === "internal error"))
        .toMatchObject({
          path: "updateOrderStatus.order",
          error: { name: "TypeError" },
        });
    } finally {
      await own.close();
    }
  });

  it("sets a vendor reference and reports the failed read-back beside it", async () => {
    const reference = `REF-read-back-${target}-${Date.now()}`;
    const restore = failTheReadAfterTheNextWrite();
    const set = await server
      .run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference: reference } })
      .finally(restore);
    expect(set.data!.setOrderVendorReference).toEqual({ order: null, userErrors: [] });
    expect(set.errors?.[0]).toMatchObject({ path: ["setOrderVendorReference", "order"], extensions: { provider: PROVIDER } });
    expect(stored(target).vendor_ref).toBe(reference);
  });
});

describe("writes and the briefly kept full reads", () => {
  it("a status update shows at once in a list sorted here (two sort keys: a full read kept for a moment)", async () => {
    stored(target).status = "O";
    const sorted = {
      first: 250,
      sort: [
        { field: "TOTAL" as const, direction: "ASC" as const },
        { field: "NUMBER" as const, direction: "DESC" as const },
      ],
    };
    const statusOf = async () => {
      const page = await server.run(OrdersPageDocument, sorted);
      expect(page.errors).toBeUndefined();
      return { status: page.data?.orders.edges.find((e) => e.node.nativeId === target)?.node.status, upstream: page.extensions.upstream };
    };
    const first = await statusOf();
    expect(first.status).toBe("PENDING");
    // The same list again within the TTL is served from the kept full read: no call.
    const again = await statusOf();
    expect(again.upstream?.calls).toBe(0);
    expect(again.upstream?.cached).toBe(1);
    const result = await server.run(UpdateStatusDocument, { input: { orderId: orderId(target), status: "COMPLETED" } });
    expect(result.data?.updateOrderStatus.userErrors).toEqual([]);
    const after = await statusOf();
    expect(after.status).toBe("COMPLETED");
    expect(after.upstream?.calls).toBeGreaterThan(0);
  });
});

describe("vendor references", () => {
  it("sets a reference, then finds the order by ordersByVendorReference and by filter", async () => {
    const reference = `REF-${target}-${Date.now()}`;
    const set = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference: reference } });
    expect(set.data!.setOrderVendorReference).toEqual({ order: { id: orderId(target), vendorReference: reference }, userErrors: [] });
    expect(stored(target).vendor_ref).toBe(reference);
    const found = await server.run(ByVendorReferenceDocument, { ref: reference });
    expect(found.data!.ordersByVendorReference.map((o) => o.nativeId)).toEqual([target]);
    const filtered = await server.run(FilterByVendorReferenceDocument, { ref: reference });
    expect(filtered.data!.orders.totalCount).toBe(1);
    expect(filtered.data!.orders.nodes.map((o) => o.id)).toEqual([orderId(target)]);
  });

  it("an empty search is an empty list, not an error", async () => {
    const found = await server.run(ByVendorReferenceDocument, { ref: "no-such-reference" });
    expect(found.errors).toBeUndefined();
    expect(found.data!.ordersByVendorReference).toEqual([]);
    const filtered = await server.run(FilterByVendorReferenceDocument, { ref: "no-such-reference" });
    expect(filtered.data!.orders.nodes).toEqual([]);
  });

  it("refuses empty, multi-line, too long and non-string references before any upstream call", async () => {
    const before = emulator.requests.length;
    for (const vendorReference of ["", "   ", "a\nb", "x".repeat(256)]) {
      const result = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference } });
      expect(result.data!.setOrderVendorReference.userErrors[0], JSON.stringify(vendorReference)).toMatchObject({
        code: "INVALID",
        field: ["input", "vendorReference"],
      });
    }
    const notString = await server.run(SetVendorReferenceDocument, {
      input: { orderId: orderId(target), vendorReference: { ref: "x" } as unknown as string },
    });
    expect(notString.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(emulator.requests.length).toBe(before);
  });

  it("refuses control characters (NUL, C0, DEL, C1) with INVALID, in a search with BAD_USER_INPUT, before any upstream call", async () => {
    const before = emulator.requests.length;
    const controls = ["PO\u0000-1", "\u0000", "PO\t1", "PO\u0007", "PO\u001b[2J", "PO\u007f", "PO\u0085", "PO\u009b1m"];
    for (const vendorReference of controls) {
      const result = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference } });
      expect(result.data!.setOrderVendorReference.order, JSON.stringify(vendorReference)).toBeNull();
      expect(result.data!.setOrderVendorReference.userErrors, JSON.stringify(vendorReference)).toEqual([
        { code: "INVALID", field: ["input", "vendorReference"], message: expect.stringMatching(/control characters/) },
      ]);
      const found = await server.run(ByVendorReferenceDocument, { ref: vendorReference });
      expect(found.errors?.[0]?.extensions, JSON.stringify(vendorReference)).toMatchObject({
        code: "BAD_USER_INPUT",
        argument: "vendorReference",
      });
    }
    expect(emulator.requests.length).toBe(before);
    // Letters of any script are not control characters.
    const result = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference: "Größe-Ø-漢-1" } });
    expect(result.data!.setOrderVendorReference.userErrors).toEqual([]);
    expect(result.data!.setOrderVendorReference.order?.vendorReference).toBe("Größe-Ø-漢-1");
  });

  it("needs the orders:write scope", async () => {
    const result = await server.run(SetVendorReferenceDocument, { input: { orderId: orderId(target), vendorReference: "X" } }, READER_KEY);
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
