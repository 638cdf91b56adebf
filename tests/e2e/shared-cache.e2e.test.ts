/**
 * The shared answer cache: two ordergraph instances with one Redis share cached
 * upstream answers, writes invalidate them everywhere, and a Redis outage only
 * costs cache misses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { OrdersPageDocument, UpdateStatusDocument } from "../../src/generated/client/graphql.ts";
import { type RedisHandle, startRedis } from "../helpers/redis-server.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulator: CsCartEmulator;
let redis: RedisHandle;
let a: TestServer;
let b: TestServer;

const provider = () => ({
  id: "shop-cscart",
  kind: "cscart",
  baseUrl: `${emulator.url}/api`,
  currency: "EUR",
  cacheTtlMs: 60_000,
  credentials: { ...CSCART_DEFAULT_CREDENTIALS },
});
const listCalls = () => emulator.requests.filter((r) => r.method === "GET" && r.url.startsWith("/api/orders?")).length;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ size: 80 });
  redis = await startRedis();
  // Two replicas: one Redis, and one cursor secret, so that their answers (cursors included) are the same.
  const server = { cursorSecret: "shared-cache-cursor-secret-0123456789" };
  a = await startTestServer({ providers: [provider()], cache: { redisUrl: redis.url }, server });
  b = await startTestServer({ providers: [provider()], cache: { redisUrl: redis.url }, server });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
  await emulator?.close();
});

describe("shared cache through Redis", () => {
  it("an answer fetched by one instance is served from the cache by the other", async () => {
    const before = listCalls();
    const first = await a.run(OrdersPageDocument, { first: 7 });
    expect(first.extensions.upstream?.calls).toBe(1);
    expect(first.extensions.upstream?.cached).toBe(0);
    const second = await b.run(OrdersPageDocument, { first: 7 });
    expect(second.extensions.upstream?.calls).toBe(0);
    expect(second.extensions.upstream?.cached).toBe(1);
    expect(second.data).toEqual(first.data);
    expect(listCalls()).toBe(before + 1);
  });

  it("a write through one instance invalidates the other's cached answers", async () => {
    // Its own page size: a page another test cached must not decide what this one sees.
    const page = await b.run(OrdersPageDocument, { first: 8 });
    const node = page.data!.orders.edges[0]!.node;
    const next = node.status === "COMPLETED" ? "PROCESSING" : "COMPLETED";
    const write = await a.run(UpdateStatusDocument, { input: { orderId: node.id, status: next } });
    expect(write.data!.updateOrderStatus.userErrors).toEqual([]);
    const after = await b.run(OrdersPageDocument, { first: 8 });
    expect(after.extensions.upstream?.calls).toBe(1);
    expect(after.data!.orders.edges[0]!.node.status).toBe(next);
  });

  it("with Redis down, queries still answer (every lookup is a miss)", async () => {
    await redis.stop();
    const result = await a.run(OrdersPageDocument, { first: 3, sort: [{ field: "TOTAL", direction: "ASC" }] });
    expect(result.errors).toBeUndefined();
    expect(result.data!.orders.edges).toHaveLength(3);
    expect(result.extensions.upstream?.calls).toBe(1);
  });
});
