/**
 * Provider budgets and fair shares on their own: the window arithmetic that
 * keeps a budget in every sliding span (checked against rate-limiter-flexible
 * itself under a controlled clock), the share arithmetic, and ProviderBudget:
 * a holder refused its share while others go on, the provider-wide budget
 * held under several holders, concurrency shares, and the standing a holder
 * is told.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UpstreamMeter } from "../../src/providers/core/call-context.ts";
import {
  type BudgetHolder,
  type BudgetStanding,
  budgetWindows,
  clientBudgetHolder,
  combineStanding,
  createWindowLimiter,
  MAX_WINDOWS,
  ProviderBudget,
  type ProviderBudgetOptions,
  shareOf,
  shareOfCalls,
  shareOfSlots,
} from "../../src/providers/core/provider-budget.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Most of `times` (sorted) within any half-open span of `spanMs`. */
function densest(times: readonly number[], spanMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= spanMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const cutOff = (_signal: AbortSignal, what: string) => new UpstreamError("PROVIDER_TIMEOUT", "p", `cut off while ${what}`);

function budget(options: Partial<ProviderBudgetOptions> = {}): ProviderBudget {
  return new ProviderBudget({ provider: "p", maxConcurrency: 32, clientShare: { rate: 0.5, concurrency: 0.5 }, ...options });
}

const reader: BudgetHolder = { name: "client:reader" };
const other: BudgetHolder = { name: "client:other" };

afterEach(() => {
  vi.useRealTimers();
});

describe("budgetWindows", () => {
  it("cuts a budget into at most MAX_WINDOWS windows, the most calls over time, ties to larger windows", () => {
    // emnify's documented budget: a fifth of it per quarter of its span.
    expect(budgetWindows({ calls: 100, perMs: 300_000 })).toEqual({ calls: 20, windowMs: 75_000, windows: 4 });
    expect(budgetWindows({ calls: 1, perMs: 1_000 })).toEqual({ calls: 1, windowMs: 1_000, windows: 1 });
    expect(budgetWindows({ calls: 2, perMs: 1_000 })).toEqual({ calls: 1, windowMs: 500, windows: 2 });
    // 5 calls: 2 windows of 2 and 4 windows of 1 both give 4 over time; the larger burst wins.
    expect(budgetWindows({ calls: 5, perMs: 300 })).toEqual({ calls: 2, windowMs: 150, windows: 2 });
    // Windows are whole milliseconds, rounded up: longer windows only allow less.
    expect(budgetWindows({ calls: 100, perMs: 1_001 }).windowMs).toBe(251);
  });

  it("never allows fewer than (MAX_WINDOWS / (MAX_WINDOWS + 1)) of a large budget over time, nor a burst below its share", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2 * (MAX_WINDOWS + 1), max: 1_000_000 }), (calls) => {
        const w = budgetWindows({ calls, perMs: 60_000 });
        expect(w.calls * w.windows).toBeGreaterThanOrEqual(Math.floor((calls * MAX_WINDOWS) / (MAX_WINDOWS + 1)) - MAX_WINDOWS);
        expect(w.calls).toBeGreaterThanOrEqual(Math.floor((calls + 1) / (MAX_WINDOWS + 1)));
      }),
    );
  });

  /** Tries `attempts` (ms offsets, ascending) against the limiter of a budget's windows; answers the times taken. */
  async function takenTimes(calls: number, perMs: number, attempts: readonly number[]): Promise<number[]> {
    const w = budgetWindows({ calls, perMs });
    const limiter = createWindowLimiter({ keyPrefix: "test", calls: w.calls, windowMs: w.windowMs });
    const taken: number[] = [];
    for (const at of attempts) {
      vi.setSystemTime(1_700_000_000_000 + at);
      if (
        await limiter.consume("k").then(
          () => true,
          () => false,
        )
      )
        taken.push(at);
    }
    return taken;
  }

  it("keeps the budget in every sliding span with rate-limiter-flexible's own windows, under any pattern of attempts", async () => {
    vi.useFakeTimers();
    const pattern = fc.integer({ min: 1, max: 40 }).chain((calls) =>
      fc.integer({ min: 10, max: 2_000 }).chain((perMs) => {
        const windowMs = budgetWindows({ calls, perMs }).windowMs;
        // Bursts of attempts, after pauses that often end just before or at a window's or the span's end.
        const gap = fc.oneof(fc.integer({ min: 0, max: 2 * perMs }), fc.constantFrom(0, 1, windowMs - 1, windowMs, perMs - 1, perMs));
        const burst = fc.tuple(gap, fc.integer({ min: 1, max: calls + 1 }));
        return fc.tuple(fc.constant(calls), fc.constant(perMs), fc.array(burst, { minLength: 1, maxLength: 60 }));
      }),
    );
    await fc.assert(
      fc.asyncProperty(pattern, async ([calls, perMs, bursts]) => {
        let at = 0;
        const attempts = bursts.flatMap(([gap, size]) => {
          at += gap;
          return Array.from({ length: size }, () => at);
        });
        expect(densest(await takenTimes(calls, perMs, attempts), perMs)).toBeLessThanOrEqual(calls);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the budget against callers that burst at the end of each window and again as the next begins", async () => {
    vi.useFakeTimers();
    for (const [calls, perMs] of [
      [1, 100],
      [3, 100],
      [7, 90],
      [100, 400],
      [100, 300_000],
    ] as const) {
      const windowMs = budgetWindows({ calls, perMs }).windowMs;
      const attempts: number[] = [0];
      for (let end = windowMs - 1; end < 10 * perMs; end += windowMs) {
        for (const at of [end, end + 1]) attempts.push(...Array.from({ length: calls }, () => at));
      }
      expect(densest(await takenTimes(calls, perMs, attempts), perMs)).toBeLessThanOrEqual(calls);
    }
  });

  it("keeps the budget against a caller that tries every millisecond, and gives it most of the budget over time", async () => {
    vi.useFakeTimers();
    for (const [calls, perMs] of [
      [1, 100],
      [3, 100],
      [7, 90],
      [100, 400],
    ] as const) {
      const attempts = Array.from({ length: 10 * perMs }, (_, ms) => Array.from({ length: calls }, () => ms)).flat();
      const taken = await takenTimes(calls, perMs, attempts);
      expect(densest(taken, perMs)).toBeLessThanOrEqual(calls);
      // Not a trickle: over ten spans it got at least half of ten budgets.
      expect(taken.length).toBeGreaterThanOrEqual(Math.floor((10 * calls) / 2));
    }
  });
});

describe("share arithmetic", () => {
  it("gives a holder its share of a window's calls, rounded down, at least one, at most all", () => {
    expect(shareOfCalls(20, 0.5)).toBe(10);
    expect(shareOfCalls(7, 0.5)).toBe(3);
    expect(shareOfCalls(20, 0.01)).toBe(1);
    expect(shareOfCalls(20, 1)).toBe(20);
    // Two holders of half never take more than a window between them.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000 }), (calls) => {
        expect(2 * shareOfCalls(calls, 0.5)).toBeLessThanOrEqual(calls);
      }),
    );
  });

  it("gives a holder its share of the concurrency cap, rounded down, at least one", () => {
    expect(shareOfSlots(32, 0.5)).toBe(16);
    expect(shareOfSlots(5, 0.5)).toBe(2);
    expect(shareOfSlots(1, 0.5)).toBe(1);
    expect(shareOfSlots(32, 1)).toBe(32);
  });

  it("takes a holder's per-provider share first, then its own, then the provider's default", () => {
    const fallback = { rate: 0.5, concurrency: 0.5 };
    const holder = clientBudgetHolder({ name: "app", shares: { rate: 0.3, providers: { sims: { concurrency: 0.1 }, shop: { rate: 1 } } } });
    expect(holder.name).toBe("client:app");
    expect(shareOf(holder, "sims", fallback)).toEqual({ rate: 0.3, concurrency: 0.1 });
    expect(shareOf(holder, "shop", fallback)).toEqual({ rate: 1, concurrency: 0.5 });
    expect(shareOf(holder, "other", fallback)).toEqual({ rate: 0.3, concurrency: 0.5 });
    expect(shareOf({ name: "job:poller" }, "sims", fallback)).toEqual(fallback);
  });

  it("tells a holder the less of its share and the provider's rest, and when that grows", () => {
    const own: BudgetStanding = { limit: 10, remaining: 4, resetAt: 5_000, windowMs: 75_000 };
    expect(combineStanding(own, { limit: 20, remaining: 9, resetAt: 7_000, windowMs: 75_000 })).toEqual(own);
    expect(combineStanding(own, { limit: 20, remaining: 2, resetAt: 7_000, windowMs: 75_000 })).toEqual({
      ...own,
      remaining: 2,
      resetAt: 7_000,
    });
    // Both spent: it grows only when both have reset.
    expect(combineStanding({ ...own, remaining: 0 }, { limit: 20, remaining: 0, resetAt: 3_000, windowMs: 75_000 })).toEqual({
      ...own,
      remaining: 0,
      resetAt: 5_000,
    });
  });
});

/** Runs one call within the budget as `holder`, counting it; answers the error when refused. */
function caller(b: ProviderBudget) {
  const log = { calls: [] as string[] };
  const run = async (
    holder: BudgetHolder | undefined,
    extra: { deadlineAt?: number; signal?: AbortSignal; meter?: UpstreamMeter } = {},
  ) => {
    try {
      await b.run({ holder, deadlineAt: Date.now() + 1_000, ...extra }, async () => void log.calls.push(holder?.name ?? "-"), cutOff);
      return null;
    } catch (error) {
      return error as UpstreamError;
    }
  };
  return { log, run };
}

describe("ProviderBudget: rate shares", () => {
  it("refuses a holder that spent its share, at once and with a retry hint, while another holder goes on", async () => {
    // 40 per minute: 8 calls per 15 s window; half of it, 4, per holder.
    const b = budget({ rateLimit: { calls: 40, perMs: 60_000 } });
    const { log, run } = caller(b);
    for (let i = 0; i < 4; i++) expect(await run(reader)).toBeNull();
    // Its window ends in 15 s, after this deadline: refused at once rather than after waiting for the deadline.
    const started = performance.now();
    const refused = await run(reader, { deadlineAt: Date.now() + 10_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ code: "PROVIDER_RATE_LIMITED", provider: "p" });
    expect(refused?.message).toContain("client:reader has spent its share");
    expect(refused?.retryAfterMs).toBeGreaterThan(14_000);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(15_000);
    // The rest of the window is the others'.
    for (let i = 0; i < 4; i++) expect(await run(other)).toBeNull();
    expect(log.calls.filter((n) => n === "client:reader")).toHaveLength(4);
    expect(log.calls.filter((n) => n === "client:other")).toHaveLength(4);
    b.close();
  });

  it("never lets the holders together exceed the provider's window, and says so when the whole budget is spent", async () => {
    const b = budget({ rateLimit: { calls: 40, perMs: 60_000 } });
    const { log, run } = caller(b);
    const holders = Array.from({ length: 5 }, (_, i) => ({ name: `client:c${i}` }));
    const outcomes = await Promise.all(holders.flatMap((h) => Array.from({ length: 6 }, () => run(h))));
    expect(log.calls).toHaveLength(8);
    const refusals = outcomes.filter((o) => o !== null);
    expect(refusals.every((e) => e?.code === "PROVIDER_RATE_LIMITED")).toBe(true);
    expect(refusals.some((e) => e?.message.includes("the rate budget (8 calls per 15000 ms) is spent"))).toBe(true);
    b.close();
  });

  it("lets a holder's calls without a holder (a shared login) spend the provider's budget only", async () => {
    const b = budget({ rateLimit: { calls: 40, perMs: 60_000 } });
    const { log, run } = caller(b);
    for (let i = 0; i < 6; i++) expect(await run(undefined)).toBeNull();
    expect(await run(reader)).toBeNull();
    expect(await run(reader)).toBeNull();
    // The provider's window of 8 is spent, though the reader used 2 of its 4.
    expect(await run(reader)).toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(log.calls).toHaveLength(8);
    b.close();
  });

  it("gives a holder with its own share of all of a budget the whole window, and one with a per-provider share that share", async () => {
    const b = budget({ rateLimit: { calls: 40, perMs: 60_000 } });
    const { log, run } = caller(b);
    const backOffice = { name: "client:back-office", shares: { rate: 1 } };
    const small = { name: "client:small", shares: { rate: 1, providers: { p: { rate: 0.25 } } } };
    expect(await run(small)).toBeNull();
    expect(await run(small)).toBeNull();
    expect(await run(small)).toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    for (let i = 0; i < 6; i++) expect(await run(backOffice)).toBeNull();
    expect(await run(backOffice)).toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(log.calls).toHaveLength(8);
    b.close();
  });

  it("waits for its share's next window when that comes before the deadline", async () => {
    // 3 per 300 ms: one call per 100 ms window; a holder of half still gets one (at least one per window).
    const b = budget({ rateLimit: { calls: 3, perMs: 300 } });
    const { log, run } = caller(b);
    const started = performance.now();
    expect(await run(reader)).toBeNull();
    expect(await run(reader)).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    // A deadline before the window ends: refused without calling.
    expect(await run(reader, { deadlineAt: Date.now() + 30 })).toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(log.calls).toHaveLength(2);
    b.close();
  });

  it("ends a wait for budget when the request's deadline signal fires (PROVIDER_RATE_LIMITED) or its client leaves (cut off)", async () => {
    const b = budget({ rateLimit: { calls: 3, perMs: 3_000 } });
    const { log, run } = caller(b);
    expect(await run(reader)).toBeNull();
    expect(await run(reader, { deadlineAt: Date.now() + 10_000, signal: AbortSignal.timeout(50) })).toMatchObject({
      code: "PROVIDER_RATE_LIMITED",
    });
    const gone = new AbortController();
    setTimeout(() => gone.abort(new Error("client left")), 30);
    expect((await run(reader, { deadlineAt: Date.now() + 10_000, signal: gone.signal }))?.message).toBe(
      "cut off while waiting for rate budget",
    );
    expect(log.calls).toHaveLength(1);
    b.close();
  });

  it("tells the holder's meter what is left of its share", async () => {
    const b = budget({ rateLimit: { calls: 40, perMs: 60_000 } });
    const { run } = caller(b);
    const meter = new UpstreamMeter();
    await run(reader, { meter });
    await run(reader, { meter });
    expect(meter.toJSON().providers["p"]?.budget).toMatchObject({ limit: 4, remaining: 2, windowMs: 15_000 });
    // Others spending the provider's window lower what the reader may still use.
    for (let i = 0; i < 4; i++) await run(other);
    await run(reader, { meter });
    expect(meter.toJSON().providers["p"]?.budget).toMatchObject({ limit: 4, remaining: 1 });
    await run(reader, { meter });
    await run(reader, { meter });
    const spent = meter.toJSON().providers["p"]?.budget;
    expect(spent).toMatchObject({ limit: 4, remaining: 0 });
    expect(spent?.resetMs).toBeGreaterThan(14_000);
    expect(spent?.resetMs).toBeLessThanOrEqual(15_000);
    // Calls without a holder are nobody's: they tell no meter.
    const nobody = new UpstreamMeter();
    await run(undefined, { meter: nobody });
    expect(nobody.toJSON().providers).toEqual({});
    b.close();
  });
});

describe("ProviderBudget: concurrency shares", () => {
  it("keeps one holder's slow calls to its share of the cap, so another holder's call starts while they hang", async () => {
    const b = budget({ maxConcurrency: 4 });
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    const slow = () =>
      b.run(
        { holder: reader },
        async () => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await sleep(150);
          inFlight -= 1;
          finished += 1;
        },
        cutOff,
      );
    const readers = Array.from({ length: 6 }, slow);
    await sleep(20);
    let seen: { inFlight: number; finished: number } | undefined;
    await b.run(
      { holder: other },
      async () => {
        seen = { inFlight, finished };
      },
      cutOff,
    );
    // Two of the reader's calls were hanging, none had ended: the other's call did not wait for a slot of theirs.
    expect(seen).toEqual({ inFlight: 2, finished: 0 });
    await Promise.all(readers);
    expect(most).toBe(2);
  });

  it("ends a wait in the holder's queue at the deadline, with the caller's cut-off", async () => {
    const b = budget({ maxConcurrency: 2 });
    let calls = 0;
    const hold = b.run(
      { holder: reader },
      async () => {
        calls += 1;
        await sleep(200);
      },
      cutOff,
    );
    await expect(
      b.run(
        { holder: reader, signal: AbortSignal.timeout(40) },
        async () => {
          calls += 1;
        },
        cutOff,
      ),
    ).rejects.toThrow("cut off while waiting for a free connection");
    await hold;
    await sleep(10);
    expect(calls).toBe(1);
  });
});
