/**
 * The upstream policy on its own: Retry-After, backoff bounded by the
 * deadline, the breaker's life cycle (and budgets kept apart from it), the
 * concurrency cap and the rate budget as the policy applies them (the budgets'
 * own arithmetic and shares: provider-budget.test.ts). Attempts are plain
 * functions; failures are tagged as the HTTP client tags them.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import type { UpstreamObserver } from "../../src/providers/core/upstream-events.ts";
import {
  DEFAULT_RESILIENCE,
  failureOf,
  markFailure,
  parseRetryAfter,
  type ResilienceSettings,
  UpstreamPolicy,
} from "../../src/providers/core/upstream-policy.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const down = () =>
  markFailure(new UpstreamError("PROVIDER_UNAVAILABLE", "p", "provider p answered HTTP 503", 503), { retryable: true, providerDown: true });
const limited = (retryAfterMs?: number) =>
  markFailure(new UpstreamError("PROVIDER_RATE_LIMITED", "p", "provider p is rate limiting", 429), {
    retryable: true,
    providerDown: false,
    retryAfterMs,
  });
const invalid = () => new UpstreamError("UPSTREAM_INVALID_RESPONSE", "p", "bad body");

function policy(settings: Partial<ResilienceSettings> = {}, observer?: UpstreamObserver): UpstreamPolicy {
  return new UpstreamPolicy({
    provider: "p",
    resilience: { ...DEFAULT_RESILIENCE, backoffMs: 1, maxBackoffMs: 50, ...settings },
    observer,
  });
}

/** An attempt that fails with the given errors in turn, then answers "ok"; counts its calls. */
function script(...failures: Error[]) {
  const state = { calls: 0, times: [] as number[] };
  const attempt = async () => {
    state.calls += 1;
    state.times.push(performance.now());
    const failure = failures[state.calls - 1];
    if (failure) throw failure;
    return "ok";
  };
  return { state, attempt };
}

/** Most starts within any window of `perMs` (half-open), given sorted times. */
function densest(times: number[], perMs: number): number {
  let most = 0;
  for (const [i, start] of times.entries()) most = Math.max(most, times.slice(i).filter((t) => t < start + perMs).length);
  return most;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates, and nothing else", () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter(new Date(now - 30_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("UpstreamPolicy: retries", () => {
  it("retries retryable failures up to `retries` times, telling the observer", async () => {
    const retries: number[] = [];
    const { state, attempt } = script(down(), limited());
    const result = await policy({ retries: 2 }, { retry: (e) => retries.push(e.attempt) }).execute({}, attempt, { retry: true });
    expect(result).toBe("ok");
    expect(state.calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it("gives up with the last failure when retries are spent", async () => {
    const last = down();
    const { state, attempt } = script(down(), down(), last);
    await expect(policy({ retries: 2 }).execute({}, attempt, { retry: true })).rejects.toBe(last);
    expect(state.calls).toBe(3);
  });

  it("does not retry final failures, nor anything when retry is off", async () => {
    const bad = script(invalid());
    await expect(policy().execute({}, bad.attempt, { retry: true })).rejects.toThrow("bad body");
    expect(bad.state.calls).toBe(1);
    const write = script(down());
    await expect(policy().execute({}, write.attempt, { retry: false })).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(write.state.calls).toBe(1);
  });

  it("waits at least Retry-After before the retry", async () => {
    const { state, attempt } = script(limited(150));
    const delays: number[] = [];
    await policy({ maxBackoffMs: 1_000 }, { retry: (e) => delays.push(e.delayMs) }).execute({}, attempt, { retry: true });
    expect(state.calls).toBe(2);
    expect(delays[0]).toBeGreaterThanOrEqual(150);
    expect((state.times[1] ?? 0) - (state.times[0] ?? 0)).toBeGreaterThanOrEqual(145);
  });

  it("gives up at once when Retry-After is longer than maxBackoffMs", async () => {
    const { state, attempt } = script(limited(60_000));
    const retries: number[] = [];
    await expect(
      policy({ maxBackoffMs: 2_000 }, { retry: (e) => retries.push(e.delayMs) }).execute({}, attempt, { retry: true }),
    ).rejects.toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(state.calls).toBe(1);
    // No wait was begun: a retry (and its wait) is announced before it starts.
    expect(retries).toEqual([]);
  });

  it("never waits past the deadline: the wait ends when the signal does", async () => {
    const { state, attempt } = script(limited(800));
    const started = performance.now();
    await expect(
      policy({ maxBackoffMs: 1_000 }).execute({ signal: AbortSignal.timeout(100) }, attempt, { retry: true }),
    ).rejects.toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(state.calls).toBe(1);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(400);
  });

  it("does not start a wait that a known deadline would cut", async () => {
    const { state, attempt } = script(limited(500));
    const retries: number[] = [];
    await expect(
      policy({ maxBackoffMs: 1_000 }, { retry: (e) => retries.push(e.delayMs) }).execute({ deadlineAt: Date.now() + 200 }, attempt, {
        retry: true,
      }),
    ).rejects.toMatchObject({ code: "PROVIDER_RATE_LIMITED" });
    expect(state.calls).toBe(1);
    expect(retries).toEqual([]);
  });

  it("tags nothing it did not see: untagged errors are final", () => {
    expect(failureOf(new Error("x"))).toEqual({ retryable: false, providerDown: false });
    expect(failureOf(down()).providerDown).toBe(true);
  });
});

describe("UpstreamPolicy: circuit breaker", () => {
  it("opens after consecutive provider-down failures, fails fast, half-opens and closes on a good probe", async () => {
    const states: string[] = [];
    const p = policy({ retries: 0, breakerFailures: 3, breakerHalfOpenAfterMs: 120 }, { breaker: (e) => states.push(e.state) });
    const failing = script(down(), down(), down(), down());
    for (let i = 0; i < 3; i++) await expect(p.execute({}, failing.attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    expect(p.breakerState).toBe("open");
    // Failing fast: refused without calling.
    await expect(p.execute({}, failing.attempt, { retry: false })).rejects.toThrow(/circuit open/);
    expect(failing.state.calls).toBe(3);
    await sleep(130);
    const healthy = script();
    expect(await p.execute({}, healthy.attempt, { retry: false })).toBe("ok");
    expect(healthy.state.calls).toBe(1);
    expect(p.breakerState).toBe("closed");
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("reopens when the half-open probe fails", async () => {
    const p = policy({ retries: 0, breakerFailures: 1, breakerHalfOpenAfterMs: 60 });
    await expect(p.execute({}, script(down()).attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    await sleep(70);
    const probe = script(down());
    await expect(p.execute({}, probe.attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    expect(probe.state.calls).toBe(1);
    expect(p.breakerState).toBe("open");
  });

  it("stops retrying once the breaker opens mid-way", async () => {
    const { state, attempt } = script(down(), down(), down(), down(), down());
    const p = policy({ retries: 4, breakerFailures: 2 });
    await expect(p.execute({}, attempt, { retry: true })).rejects.toThrow(/circuit open/);
    expect(state.calls).toBe(2);
  });

  it("keeps a client refused its share out of the breaker: its refusal is no half-open probe", async () => {
    const p = policy({
      retries: 0,
      breakerFailures: 1,
      breakerHalfOpenAfterMs: 100,
      rateLimit: { calls: 100, perMs: 60_000 },
      clientShare: { rate: 0.05, concurrency: 1 },
    });
    const greedy = { name: "client:greedy" };
    // Its share is one call per window (5% of 20): it spends it on a call that opens the circuit.
    await expect(p.execute({ holder: greedy }, script(down()).attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    expect(p.breakerState).toBe("open");
    await sleep(110);
    // cockatiel takes any error it does not handle during a half-open probe as a success, and would close.
    await expect(p.execute({ holder: greedy, deadlineAt: Date.now() + 1_000 }, script().attempt, { retry: false })).rejects.toMatchObject({
      code: "PROVIDER_RATE_LIMITED",
    });
    expect(p.breakerState).not.toBe("closed");
    // The real probe still decides.
    await expect(p.execute({}, script(down()).attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    expect(p.breakerState).toBe("open");
    p.close();
  });

  it("fails fast while open without spending the client's share, which is there for the half-open probe", async () => {
    // 40 per minute: 8 calls per 15 s window; a quarter of them, 2, for this client.
    const p = policy({
      retries: 0,
      breakerFailures: 1,
      breakerHalfOpenAfterMs: 100,
      rateLimit: { calls: 40, perMs: 60_000 },
      clientShare: { rate: 0.25, concurrency: 1 },
    });
    const app = { name: "client:app" };
    await expect(p.execute({ holder: app }, script(down()).attempt, { retry: false })).rejects.toMatchObject({ status: 503 });
    for (let i = 0; i < 5; i++) {
      await expect(p.execute({ holder: app, deadlineAt: Date.now() + 1_000 }, script().attempt, { retry: false })).rejects.toThrow(
        /circuit open/,
      );
    }
    await sleep(110);
    const probe = script();
    expect(await p.execute({ holder: app, deadlineAt: Date.now() + 1_000 }, probe.attempt, { retry: false })).toBe("ok");
    expect(probe.state.calls).toBe(1);
    expect(p.breakerState).toBe("closed");
    p.close();
  });

  it("does not count failures that do not mean the provider is down (429, bad bodies)", async () => {
    const p = policy({ retries: 0, breakerFailures: 2 });
    for (const failure of [limited(), invalid(), limited(), invalid()]) {
      await expect(p.execute({}, script(failure).attempt, { retry: false })).rejects.toBe(failure);
    }
    expect(p.breakerState).toBe("closed");
  });
});

describe("UpstreamPolicy: concurrency and rate budget", () => {
  it("keeps at most maxConcurrency attempts in flight; the rest queue", async () => {
    const p = policy({ maxConcurrency: 2 });
    let inFlight = 0;
    let most = 0;
    const attempt = async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(20);
      inFlight -= 1;
      return "ok";
    };
    const results = await Promise.all(Array.from({ length: 7 }, () => p.execute({}, attempt, { retry: true })));
    expect(results).toHaveLength(7);
    expect(most).toBe(2);
  });

  it("ends a queued wait at the deadline with PROVIDER_TIMEOUT, without calling", async () => {
    const p = policy({ maxConcurrency: 1 });
    let calls = 0;
    const slow = () => {
      calls += 1;
      return sleep(300).then(() => "slow");
    };
    let firstDone = false;
    const first = p.execute({}, slow, { retry: false }).then((result) => {
      firstDone = true;
      return result;
    });
    await expect(p.execute({ signal: AbortSignal.timeout(50) }, slow, { retry: false })).rejects.toMatchObject({
      code: "PROVIDER_TIMEOUT",
    });
    // It ended at its deadline, while the call ahead of it still held the only slot.
    expect(firstDone).toBe(false);
    await first;
    await sleep(10);
    expect(calls).toBe(1);
  });

  it("waits for rate budget, and answers PROVIDER_RATE_LIMITED without calling when the deadline comes first", async () => {
    // 2 calls per 400 ms are kept as one call per 200 ms window (provider-budget.ts).
    const p = policy({ rateLimit: { calls: 2, perMs: 400 } });
    const { state, attempt } = script();
    await p.execute({}, attempt, { retry: true });
    const started = performance.now();
    await p.execute({}, attempt, { retry: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    // Had it waited for budget (the window ends 200 ms after the second call) rather than give up at its deadline, it would have called.
    await expect(p.execute({ signal: AbortSignal.timeout(60) }, attempt, { retry: true })).rejects.toMatchObject({
      code: "PROVIDER_RATE_LIMITED",
    });
    await expect(p.execute({ deadlineAt: Date.now() + 100 }, attempt, { retry: true })).rejects.toMatchObject({
      code: "PROVIDER_RATE_LIMITED",
    });
    expect(state.calls).toBe(2);
    p.close();
  });

  it("spends budget on every retry, so retries cannot exceed it", async () => {
    const p = policy({ retries: 3, rateLimit: { calls: 3, perMs: 150 } });
    const { state, attempt } = script(down(), down(), down());
    const started = performance.now();
    expect(await p.execute({}, attempt, { retry: true })).toBe("ok");
    expect(state.calls).toBe(4);
    // 3 per 150 ms is one call per 50 ms window. The limiter's windows are in whole Date.now() milliseconds and
    // these times are performance.now(): three windows may look up to 3 ms shorter here, hence the margin.
    expect(densest(state.times, 146)).toBeLessThanOrEqual(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
