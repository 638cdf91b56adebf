/**
 * The request's deadline (`server.requestDeadlineMs`) bounds every upstream
 * call made for it: a provider slower than the deadline answers
 * PROVIDER_TIMEOUT when the deadline passes, not at the call's own (longer)
 * timeout, and requests answered in time leave nothing behind that could cut
 * a later one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { OrdersPageDocument } from "../../src/generated/client/graphql.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const DEADLINE_MS = 400;
let emulator: CsCartEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 30 });
  server = await startTestServer({
    definitions: [csCartDefinition],
    server: { requestDeadlineMs: DEADLINE_MS },
    providers: [csCartEntry(emulator, { timeoutMs: 10_000, resilience: { retries: 0 } })],
  });
});

afterEach(() => {
  emulator.faults = {};
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("the request's deadline", () => {
  it("cuts a provider slower than the deadline with PROVIDER_TIMEOUT, at the deadline", async () => {
    emulator.faults = { latencyMs: 5_000 };
    const started = performance.now();
    const result = await server.run(OrdersPageDocument, { first: 5, providers: ["shop-cscart"] });
    const elapsed = performance.now() - started;
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PROVIDER_TIMEOUT", provider: "shop-cscart" });
    expect(result.errors?.[0]?.message).toContain("deadline");
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("lets requests answered in time go on answering after their deadlines have passed", async () => {
    for (let i = 0; i < 3; i++) {
      const result = await server.run(OrdersPageDocument, { first: 5, providers: ["shop-cscart"] });
      expect(result.errors).toBeUndefined();
      expect(result.data?.orders.edges).toHaveLength(5);
    }
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS + 100));
    emulator.faults = { latencyMs: DEADLINE_MS / 4 };
    const late = await server.run(OrdersPageDocument, { first: 5, after: null, providers: ["shop-cscart"] });
    expect(late.errors).toBeUndefined();
    expect(late.data?.orders.edges).toHaveLength(5);
  });
});
