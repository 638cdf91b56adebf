/**
 * Fair shares of provider budgets, end to end over real HTTP against the
 * emulators, with several client keys: a reader whose scans spend its share of
 * emnify's rate budget is refused on its own (PROVIDER_RATE_LIMITED with a
 * retry hint) while another client's emnify query still answers; many
 * clients together never get more calls to emnify than its budget allows,
 * counted at the emulator (which also enforces that budget itself, with 429s);
 * one client's slow calls hold only its share of a provider's concurrency; and
 * `extensions.upstream` tells each client what is left of its share.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, type EmnifyEmulator, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import { BudgetOrderDocument, BudgetScanDocument } from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { budgetWindows } from "../../src/providers/core/provider-budget.ts";
import { csCartEntry, type RawResult, startTestServer, type TestServer } from "../helpers/test-server.ts";

const EMNIFY = "sims-emnify";
const CSCART = "shop-cscart";
const READER_KEY = "budget-reader-key-0123456789";
const OTHER_KEY = "budget-other-key-0123456789";
/** emnify's budget in these tests: kept as 8 calls per 60 s window, of which each client may take half. */
const BUDGET = { calls: 40, perMs: 240_000 };
const WINDOW = budgetWindows(BUDGET);

/** An emnify entry for the emulator with the small test budget. */
function emnifyEntry(emulator: EmnifyEmulator) {
  return {
    id: EMNIFY,
    kind: "emnify",
    baseUrl: emulator.url,
    credentials: { applicationToken: EMNIFY_DEFAULT_CREDENTIALS.applicationToken },
    resilience: { retries: 0, rateLimit: BUDGET },
  };
}

/** A scan: a filter emnify cannot apply (`total`) reads every page; each call a new bound, so nothing is shared. */
let scans = 0;
const scan = () => ({ first: 1, providers: [EMNIFY], filter: { total: { min: String(1_000_000 + scans++) } } });

const client = (name: string, key: string) => ({ name, key, scopes: ["orders:read"] });
const codes = (result: RawResult<unknown>) => (result.errors ?? []).map((e) => e.extensions?.["code"]);
const emnifyCalls = (result: RawResult<unknown>) => result.extensions.upstream?.providers[EMNIFY]?.calls ?? 0;

describe("a reader's scans on emnify", () => {
  let emnify: EmnifyEmulator;
  let cscart: CsCartEmulator;
  let server: TestServer;

  beforeAll(async () => {
    // The emulator enforces the same budget as emnify would (429 past it).
    emnify = await startEmnifyEmulator({ port: 0, seed: 3, size: 300, rateLimit: { max: BUDGET.calls, windowMs: BUDGET.perMs } });
    cscart = await startCsCartEmulator({ port: 0, seed: 3, size: 30 });
    server = await startTestServer({
      providers: [emnifyEntry(emnify), csCartEntry(cscart)],
      clients: [client("reader", READER_KEY), client("other", OTHER_KEY)],
    });
  });

  afterAll(async () => {
    await server?.close();
    await emnify?.close();
    await cscart?.close();
  });

  it("end in the reader's own PROVIDER_RATE_LIMITED, while a second client's emnify query still answers", async () => {
    const perClient = Math.floor(WINDOW.calls / 2);
    let refused: RawResult<unknown> | undefined;
    let readerCalls = 0;
    const started = performance.now();
    for (let i = 0; i < 20 && !refused; i++) {
      const result = await server.run(BudgetScanDocument, scan(), READER_KEY);
      readerCalls += emnifyCalls(result);
      if (result.errors) refused = result;
      else expect(result.data?.orders.nodes).toEqual([]);
    }
    // Refused at once, not after waiting for a window that ends long after the deadline.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(refused?.errors).toHaveLength(1);
    const error = refused?.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: "PROVIDER_RATE_LIMITED", provider: EMNIFY });
    expect(error?.message).toContain("client:reader has spent its share");
    const retryAfterMs = error?.extensions?.["retryAfterMs"] as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(WINDOW.windowMs);
    // Its share, plus the one login that every client's calls share.
    expect(readerCalls).toBeLessThanOrEqual(perClient + 1);

    const other = await server.run(BudgetScanDocument, { first: 5, providers: [EMNIFY] }, OTHER_KEY);
    expect(other.errors).toBeUndefined();
    expect(other.data?.orders.nodes).toHaveLength(5);
    expect(emnifyCalls(other)).toBe(1);

    // The reader's merged page still answers from CS-Cart, and says emnify's part is missing, with the hint.
    const merged = await server.run(BudgetScanDocument, { first: 5 }, READER_KEY);
    expect(merged.data?.orders.nodes).toHaveLength(5);
    expect(merged.errors?.map((e) => e.extensions)).toEqual([
      { code: "PROVIDER_RATE_LIMITED", provider: EMNIFY, retryAfterMs: expect.any(Number) },
    ]);

    // Every call reached emnify within its budget: the emulator never had to refuse one.
    expect(emnify.requests.length).toBeLessThanOrEqual(WINDOW.calls);
  });

  it("says in extensions.upstream how much of the client's share of emnify is left, and nothing for a provider without a budget", async () => {
    const first = await server.run(BudgetScanDocument, { first: 2 }, OTHER_KEY);
    expect(first.errors).toBeUndefined();
    const budget = first.extensions.upstream?.providers[EMNIFY] as { budget?: Record<string, number> } | undefined;
    expect(budget?.budget).toMatchObject({ limit: WINDOW.calls / 2, windowMs: WINDOW.windowMs });
    const remaining = budget?.budget?.["remaining"] as number;
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(budget?.budget?.["resetMs"]).toBeGreaterThan(0);
    expect(budget?.budget?.["resetMs"]).toBeLessThanOrEqual(WINDOW.windowMs);
    expect(first.extensions.upstream?.providers[CSCART]).not.toHaveProperty("budget");

    if (remaining > 0) {
      const next = await server.run(BudgetScanDocument, { first: 3, providers: [EMNIFY] }, OTHER_KEY);
      const after = next.extensions.upstream?.providers[EMNIFY] as { budget?: { remaining: number } } | undefined;
      expect(after?.budget?.remaining).toBe(remaining - 1);
    }
  });
});

describe("many clients on emnify at once", () => {
  it("never get more calls to emnify than its budget, counted at the emulator", async () => {
    const emnify = await startEmnifyEmulator({ port: 0, seed: 4, size: 300, rateLimit: { max: BUDGET.calls, windowMs: BUDGET.perMs } });
    const keys = Array.from({ length: 5 }, (_, i) => `budget-client-${i}-key-0123456789`);
    const server = await startTestServer({
      providers: [emnifyEntry(emnify)],
      clients: keys.map((key, i) => client(`c${i}`, key)),
    });
    try {
      // Five clients, each asking for more than its share at once: together far more than a window holds.
      const results = await Promise.all(
        keys.flatMap((key) => Array.from({ length: 4 }, () => server.run(BudgetScanDocument, scan(), key))),
      );
      const errors = results.flatMap((r) => r.errors ?? []);
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors.map((e) => e.extensions?.["code"]))).toEqual(new Set(["PROVIDER_RATE_LIMITED"]));
      // Some were refused because the provider's whole window was spent, not their share.
      expect(errors.some((e) => e.message.includes("the rate budget (8 calls per 60000 ms) is spent"))).toBe(true);
      // Never a 429 from emnify itself.
      expect(errors.some((e) => e.message.includes("HTTP 429"))).toBe(false);
      // All of this ran within the first window: its calls, the login included, and no more.
      expect(emnify.requests.length).toBeLessThanOrEqual(WINDOW.calls);
      expect(results.reduce((sum, r) => sum + emnifyCalls(r), 0)).toBe(emnify.requests.length);
    } finally {
      await server.close();
      await emnify.close();
    }
  });
});

describe("one client's slow calls", () => {
  let cscart: CsCartEmulator;
  let server: TestServer;

  beforeAll(async () => {
    cscart = await startCsCartEmulator({ port: 0, seed: 5, size: 20 });
    // A cap of 4 calls in flight: each client may hold 2 of them (the default half).
    server = await startTestServer({
      providers: [csCartEntry(cscart, { resilience: { maxConcurrency: 4 } })],
      clients: [client("reader", READER_KEY), client("other", OTHER_KEY)],
    });
  });

  afterAll(async () => {
    await server?.close();
    await cscart?.close();
  });

  it("cannot take all of a provider's concurrency: another client's call goes out while they hang", async () => {
    const ids = cscart.orders.slice(0, 5).map((o) => o.order_id);
    const path = (id: string) => `/api/orders/${id}`;
    const arrived = (id: string) => cscart.requests.filter((r) => r.url.startsWith(path(id))).length;
    const readerIds = ids.slice(0, 4);
    const otherId = ids[4] as string;
    cscart.requests.length = 0;
    cscart.faults = { latencyMs: 3_000 };
    let readersAnswered = 0;
    const readers = readerIds.map((id) =>
      server.run(BudgetOrderDocument, { id: encodeGlobalId("Order", CSCART, id) }, READER_KEY).finally(() => {
        readersAnswered += 1;
      }),
    );
    // The reader's first two calls are out; its others wait for its own slots, not the provider's last two.
    await expect.poll(() => readerIds.filter((id) => arrived(id) > 0).length, { timeout: 2_500, interval: 20 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readerIds.filter((id) => arrived(id) > 0)).toHaveLength(2);
    const other = server.run(BudgetOrderDocument, { id: encodeGlobalId("Order", CSCART, otherId) }, OTHER_KEY);
    // The other client's call reaches CS-Cart while the reader's two still hang (each takes 3 s to answer).
    await expect.poll(() => arrived(otherId), { timeout: 2_500, interval: 20 }).toBe(1);
    expect(readersAnswered).toBe(0);
    expect(readerIds.filter((id) => arrived(id) > 0)).toHaveLength(2);
    cscart.faults = {};
    const answers = await Promise.all([other, ...readers]);
    for (const answer of answers) expect(codes(answer)).toEqual([]);
  });
});
