/**
 * The bounded full read for a sort a provider cannot do is kept for a moment
 * (engine.fullReadTtlMs) in the server's full-read cache, a service the engine
 * is given with its limits, and reused by later requests of the same server,
 * never past its TTL, never after a write through ordergraph, never when it
 * failed, and never by another server.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCursorKey } from "../../src/engine/cursor.ts";
import { FullReadCache } from "../../src/engine/full-read-cache.ts";
import { type EngineLimits, queryOrders } from "../../src/engine/order-query.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, ListRequest } from "../../src/providers/core/connector.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { testOrder } from "../helpers/order-record.ts";

function row(id: number): OrderRecord {
  return testOrder({
    provider: "fake",
    nativeId: String(id),
    createdAt: new Date(Date.UTC(2025, 0, id)),
    total: { amount: `${(id * 7) % 13}.00`, currency: "EUR" },
  });
}

/** A provider that cannot sort by TOTAL: the engine reads all of it and sorts here. */
function unsortable(options: { fail?: () => boolean } = {}) {
  const calls: ListRequest[] = [];
  const rows = Array.from({ length: 30 }, (_, i) => row(i + 1));
  const connector: Connector = {
    id: "fake",
    name: "fake",
    kind: "EMNIFY",
    maxPageSize: 10,
    capabilities: {
      filters: [],
      sorts: [
        { field: "CREATED_AT", supported: true, native: true },
        { field: "TOTAL", supported: true, native: false },
      ],
      writes: [],
      count: "NATIVE",
    },
    plan: (_filter, sort) => ({ native: {}, residual: {}, sortNative: sort.field === "CREATED_AT" }),
    async list(request) {
      calls.push(request);
      if (options.fail?.()) throw new Error("provider down");
      const window = rows.slice(request.offset, request.offset + request.limit);
      return { rows: window, total: rows.length, end: request.offset + window.length >= rows.length };
    },
    getMany: async () => new Map(),
    isValidNativeId: () => true,
    close: async () => {},
  };
  return { connector, calls };
}

/** The limits of one server, with its full-read cache. */
const limits = (fullReadTtlMs: number): EngineLimits => ({
  defaultPageSize: 50,
  maxPageSize: 250,
  scanLimit: 1000,
  fullReads: new FullReadCache(fullReadTtlMs),
  cursorKey: createCursorKey(),
});

async function byTotal(connector: Connector, server: EngineLimits) {
  const call = standaloneCall();
  const page = await queryOrders(
    { first: 5, filter: {}, sort: [{ field: "TOTAL", direction: "DESC" }], connectors: [connector] },
    call,
    server,
  );
  return { ids: page.edges.map((e) => e.node.nativeId), meter: call.meter.toJSON() };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("full reads kept briefly", () => {
  it("serves a second request within the TTL from the kept read, counted as cached", async () => {
    const fake = unsortable();
    const server = limits(5_000);
    const first = await byTotal(fake.connector, server);
    expect(fake.calls).toHaveLength(3);
    const second = await byTotal(fake.connector, server);
    expect(second.ids).toEqual(first.ids);
    expect(fake.calls).toHaveLength(3);
    expect(second.meter.cached).toBe(1);
  });

  it("reads again once the TTL has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const fake = unsortable();
    const server = limits(2_000);
    await byTotal(fake.connector, server);
    vi.setSystemTime(Date.now() + 2_001);
    await byTotal(fake.connector, server);
    expect(fake.calls).toHaveLength(6);
  });

  it("does not keep anything when the TTL is 0", async () => {
    const fake = unsortable();
    const server = limits(0);
    await byTotal(fake.connector, server);
    await byTotal(fake.connector, server);
    expect(fake.calls).toHaveLength(6);
  });

  it("forgets a provider's reads after a write", async () => {
    const fake = unsortable();
    const server = limits(60_000);
    await byTotal(fake.connector, server);
    server.fullReads?.forget(fake.connector.id);
    await byTotal(fake.connector, server);
    expect(fake.calls).toHaveLength(6);
  });

  it("is one server's: another server (another cache) reads for itself", async () => {
    const fake = unsortable();
    await byTotal(fake.connector, limits(60_000));
    await byTotal(fake.connector, limits(60_000));
    expect(fake.calls).toHaveLength(6);
  });

  it("does not keep a failed read", async () => {
    let down = true;
    const fake = unsortable({ fail: () => down });
    const server = limits(60_000);
    await expect(byTotal(fake.connector, server)).rejects.toThrow("provider down");
    down = false;
    const next = await byTotal(fake.connector, server);
    expect(next.ids).toHaveLength(5);
  });
});
