/**
 * One error channel per kind of failure: a provider that refuses what the
 * client asked (here Iteras, whose one list answers at most `cap` orders and
 * cannot narrow below a day, for a filter that matches `cap` orders on one
 * day) answers BAD_USER_INPUT naming the provider and the argument to change.
 * It is never a provider outage: a merged page does not answer the other
 * providers' orders as if that provider were down, and no partial page hides
 * that the filter itself must change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { ITERAS_DEFAULT_API_KEY, type IterasEmulator, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import { OrdersPageDocument } from "../../src/generated/client/graphql.ts";
import { csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const ITERAS = "news-iteras";
const CAP = 30;
const BUSY_DAY = "2024-03-09";

let iteras: IterasEmulator;
let cscart: CsCartEmulator;
let server: TestServer;

beforeAll(async () => {
  iteras = await startIterasEmulator({
    host: "127.0.0.1",
    port: 0,
    seed: 5,
    size: 120,
    cap: CAP,
    burst: { date: BUSY_DAY, count: CAP + 5 },
  });
  cscart = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 20 });
  server = await startTestServer({
    providers: [
      {
        id: ITERAS,
        kind: "iteras",
        baseUrl: `${iteras.url}/api`,
        currency: "DKK",
        timeZone: "Europe/Copenhagen",
        cap: CAP,
        setCacheTtlMs: 0,
        credentials: { apiKey: ITERAS_DEFAULT_API_KEY },
      },
      csCartEntry(cscart),
    ],
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([iteras?.close(), cscart?.close()]);
});

describe("a filter a provider refuses", () => {
  it("is BAD_USER_INPUT naming the provider and the argument, not a partial page of the other providers", async () => {
    const merged = await server.run(OrdersPageDocument, { first: 10 });
    expect(merged.data ?? null).toBeNull();
    expect(merged.errors).toHaveLength(1);
    expect(merged.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", provider: ITERAS, argument: "filter" });
    expect(merged.errors?.[0]?.message).toContain(BUSY_DAY);
    expect(merged.errors?.[0]?.message).toContain("narrow the filter");
  });

  it("is the same when the provider is read alone", async () => {
    const alone = await server.run(OrdersPageDocument, { first: 10, providers: [ITERAS] });
    expect(alone.data ?? null).toBeNull();
    expect(alone.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", provider: ITERAS, argument: "filter" });
  });

  it("answers in full once the filter leaves the busy day out", async () => {
    const narrowed = await server.run(OrdersPageDocument, {
      first: 50,
      filter: { createdAt: { to: "2024-03-01T00:00:00Z" } },
    });
    expect(narrowed.errors).toBeUndefined();
    const providers = new Set(narrowed.data?.orders.edges.map((edge) => edge.node.provider.id));
    expect(providers).toEqual(new Set([ITERAS, "shop-cscart"]));
  });
});
