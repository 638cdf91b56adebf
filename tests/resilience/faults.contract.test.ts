/**
 * Every registered connector under every emulator fault, over real HTTP, each
 * against its demo entry's emulator: a list call
 * ends within a bound with an UpstreamError of the right code naming the
 * provider; a transient fault is ridden out by retries, which the meter
 * counts as calls; repeated server errors open the provider's breaker, which
 * then fails fast without a call and closes again after a good probe.
 *
 * Connectors are built from their definitions with small timeouts and
 * backoffs, so the whole file stays fast. Each connector is first warmed with
 * one clean call (a provider that logs in, as emnify does, logs in then), so the
 * fault hits the list's reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "../../emulators/djangoshop/djangoshop.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import type { FaultSettings, RunningServer } from "../../emulators/shared/emulator-http.ts";
import { type StartedEmulator, startDemoEmulator } from "../../src/demo/demo-providers.ts";
import { type CallContext, UpstreamMeter } from "../../src/providers/core/call-context.ts";
import type { Connector } from "../../src/providers/core/connector.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { UpstreamError, type UpstreamErrorCode } from "../../src/providers/core/upstream-error.ts";
import type { UpstreamObserver } from "../../src/providers/core/upstream-events.ts";
import { djangoShopDefinition } from "../../src/providers/djangoshop/djangoshop.definition.ts";
import { emnifyDefinition } from "../../src/providers/emnify/emnify.definition.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

/** One call's time; slow-drip and latency faults must outlast it. */
const TIMEOUT_MS = 250;
const RETRIES = 2;
/** Longest a failing list may take: every attempt timing out, plus backoffs and slack. */
const BOUND_MS = (RETRIES + 1) * TIMEOUT_MS + 1_000;

const RESILIENCE = {
  retries: RETRIES,
  backoffMs: 5,
  maxBackoffMs: 50,
  breakerFailures: 5,
  breakerHalfOpenAfterMs: 100,
  maxBodyBytes: 64 * 1024,
};

/** A registered provider: its definition, and its demo entry's id and emulator (40 orders). */
interface Provider {
  kind: string;
  id: string;
  definition: ProviderDefinition;
  start(): Promise<StartedEmulator>;
}

const PROVIDERS: Provider[] = await Promise.all(
  PROVIDER_DEFINITIONS.map(async (definition) => ({
    kind: definition.configKind,
    id: (await definition.demo()).id,
    definition,
    start: () => startDemoEmulator(definition, { host: "127.0.0.1", port: 0, size: 40 }),
  })),
);

/** A fault kept on for every request, the code the list must end with, and whether the client retries it. */
const STEADY: Array<[string, FaultSettings, UpstreamErrorCode, boolean]> = [
  ["503 answers", { errorRate: 1 }, "PROVIDER_UNAVAILABLE", true],
  ["500 answers", { error: { status: 500 } }, "PROVIDER_UNAVAILABLE", true],
  ["429 with a Retry-After longer than we wait", { status429: { retryAfterSeconds: 30 } }, "PROVIDER_RATE_LIMITED", false],
  ["429 without Retry-After", { status429: true }, "PROVIDER_RATE_LIMITED", true],
  ["malformed JSON", { malformedJson: true }, "UPSTREAM_INVALID_RESPONSE", false],
  ["JSON of the wrong shape", { wrongShape: true }, "UPSTREAM_INVALID_RESPONSE", false],
  ["a string instead of the answer", { wrongShape: { body: "maintenance" } }, "UPSTREAM_INVALID_RESPONSE", false],
  ["connection resets", { connectionReset: true }, "PROVIDER_UNAVAILABLE", true],
  ["a body dripping slower than the call timeout", { slowDripMs: { ms: 150, chunkBytes: 8 } }, "PROVIDER_TIMEOUT", true],
  ["latency beyond the call timeout", { latencyMs: TIMEOUT_MS + 400 }, "PROVIDER_TIMEOUT", true],
  ["an oversized body", { oversizedBytes: 200_000 }, "UPSTREAM_INVALID_RESPONSE", false],
];

/** Faults that pass after `times` requests; the list must succeed with that many extra calls. */
const TRANSIENT: Array<[string, FaultSettings, number]> = [
  ["two 503 answers", { error: { status: 503, times: 2 } }, 2],
  ["one 502 answer", { error: { status: 502, times: 1 } }, 1],
  ["two connection resets", { connectionReset: { times: 2 } }, 2],
  ["a 429 asking to wait 0 s", { status429: { retryAfterSeconds: 0, times: 1 } }, 1],
  ["one slow-dripping body", { slowDripMs: { ms: 150, chunkBytes: 8, times: 1 } }, 1],
];

const WINDOW = { filter: {}, sort: null, offset: 0, limit: 5 } as const;

function callContext(deadlineMs = 5_000): CallContext {
  return { meter: new UpstreamMeter(), signal: AbortSignal.timeout(deadlineMs) };
}

describe.each(PROVIDERS)("$kind under emulator faults", (provider) => {
  let started: StartedEmulator;
  let emulator: RunningServer;
  const opened: Connector[] = [];
  /** Calls of one clean list (a list may take more than one request). */
  let cleanCalls = 0;

  /** A connector from the definition, warmed by one clean list. */
  async function connect(observer?: UpstreamObserver, resilience: Record<string, unknown> = {}): Promise<Connector> {
    // The demo entry, with no answer keeping of the connector's own (Iteras' sets): every list must reach the emulator.
    const entry = provider.definition.schema.parse({
      ...started.entry,
      ...started.uncached,
      timeoutMs: TIMEOUT_MS,
      resilience: { ...RESILIENCE, ...resilience },
    });
    const connector = provider.definition.create(entry, { observer });
    opened.push(connector);
    await connector.list(WINDOW, callContext());
    // Measured after the warm-up, which may log in first.
    const call = callContext();
    await connector.list(WINDOW, call);
    cleanCalls = call.meter.calls;
    return connector;
  }

  beforeAll(async () => {
    started = await provider.start();
    emulator = started.server;
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await started.close();
  });

  it.each(STEADY)("%s: ends in time with %s naming the provider", async (_what, faults, code, retried) => {
    const connector = await connect();
    emulator.faults = structuredClone(faults);
    const before = emulator.requests.length;
    const call = callContext();
    const started = performance.now();
    const error = await connector.list(WINDOW, call).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = performance.now() - started;
    emulator.faults = {};
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code, provider: provider.id });
    expect((error as UpstreamError).message).toContain(provider.id);
    expect(elapsed).toBeLessThan(BOUND_MS);
    // Every attempt is one real HTTP call, counted by the meter as the emulator saw it.
    expect(call.meter.calls).toBe(retried ? RETRIES + 1 : 1);
    expect(emulator.requests.length - before).toBe(call.meter.calls);
  });

  it.each(TRANSIENT)("rides out %s with retries, counting the extra calls", async (_what, faults, extra) => {
    const connector = await connect();
    emulator.faults = structuredClone(faults);
    const before = emulator.requests.length;
    const call = callContext();
    const page = await connector.list(WINDOW, call);
    emulator.faults = {};
    expect(page.rows.length).toBeGreaterThan(0);
    expect(call.meter.calls).toBe(cleanCalls + extra);
    expect(emulator.requests.length - before).toBe(cleanCalls + extra);
  });

  it("opens the breaker after repeated 5xx, fails fast while open, and closes after a good probe", async () => {
    const states: string[] = [];
    const retried: number[] = [];
    const connector = await connect(
      { breaker: (e) => states.push(e.state), retry: (e) => retried.push(e.attempt) },
      { breakerFailures: 3 },
    );
    emulator.faults = { errorRate: 1 };
    const failed = await connector.list(WINDOW, callContext()).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "PROVIDER_UNAVAILABLE", provider: provider.id, status: 503 });
    expect(retried).toEqual([1, 2]);
    expect(states).toEqual(["open"]);

    const before = emulator.requests.length;
    const call = callContext();
    // Failing fast is failing without a call: nothing reaches the provider, nothing is metered.
    const fast = await connector.list(WINDOW, call).catch((e: unknown) => e);
    expect(fast).toMatchObject({ code: "PROVIDER_UNAVAILABLE", provider: provider.id });
    expect((fast as Error).message).toMatch(/circuit open/);
    expect(emulator.requests.length).toBe(before);
    expect(call.meter.calls).toBe(0);

    emulator.faults = {};
    await new Promise((resolve) => setTimeout(resolve, RESILIENCE.breakerHalfOpenAfterMs + 20));
    const page = await connector.list(WINDOW, callContext());
    expect(page.rows.length).toBeGreaterThan(0);
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("stops at the request's deadline with PROVIDER_TIMEOUT, without retrying past it", async () => {
    const connector = await connect();
    emulator.faults = { latencyMs: 2_000 };
    const before = emulator.requests.length;
    const call = callContext(120);
    const started = performance.now();
    const error = await connector.list(WINDOW, call).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    emulator.faults = {};
    expect(error).toMatchObject({ code: "PROVIDER_TIMEOUT", provider: provider.id });
    expect(elapsed).toBeLessThan(TIMEOUT_MS);
    expect(emulator.requests.length - before).toBe(1);
  });
});

describe("emnify's login under faults", () => {
  let emulator: Awaited<ReturnType<typeof startEmnifyEmulator>>;
  beforeAll(async () => {
    emulator = await startEmnifyEmulator({ port: 0, seed: 4, size: 10 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it.each([
    [{ errorRate: 1 }, "PROVIDER_UNAVAILABLE"],
    [{ status429: { retryAfterSeconds: 30 } }, "PROVIDER_RATE_LIMITED"],
    [{ wrongShape: true }, "UPSTREAM_INVALID_RESPONSE"],
    [{ malformedJson: true }, "UPSTREAM_INVALID_RESPONSE"],
    [{ connectionReset: true }, "PROVIDER_UNAVAILABLE"],
  ] as Array<[FaultSettings, UpstreamErrorCode]>)("a login answered with %j fails the list with %s", async (faults, code) => {
    const entry = emnifyDefinition.schema.parse({
      id: "sims",
      kind: "emnify",
      timeoutMs: TIMEOUT_MS,
      resilience: RESILIENCE,
      baseUrl: emulator.url,
      credentials: { applicationToken: EMNIFY_DEFAULT_CREDENTIALS.applicationToken },
    });
    const connector = emnifyDefinition.create(entry, {});
    emulator.faults = structuredClone(faults);
    try {
      const started = performance.now();
      const error = await connector.list(WINDOW, callContext()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code, provider: "sims" });
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      expect(emulator.requests.at(-1)?.url).toBe("/api/v1/authenticate");
    } finally {
      emulator.faults = {};
      await connector.close();
    }
  });

  it("keeps emnify within its documented 100 calls per 5 minutes unless the entry says otherwise", () => {
    const base = { id: "sims", kind: "emnify", baseUrl: emulator.url, credentials: { applicationToken: "x" } };
    expect(emnifyDefinition.schema.parse(base).resilience.rateLimit).toEqual({ calls: 100, perMs: 300_000 });
    expect(emnifyDefinition.schema.parse({ ...base, resilience: { rateLimit: { calls: 5, perMs: 1_000 } } }).resilience.rateLimit).toEqual({
      calls: 5,
      perMs: 1_000,
    });
  });
});

describe("a provider's rate budget over HTTP", () => {
  it("never lets more calls start than the budget allows, and gives up at the deadline without calling", async () => {
    const emulator = await startDjangoShopEmulator({ port: 0, seed: 7, size: 40 });
    const entry = djangoShopDefinition.schema.parse({
      id: "shop-dj",
      kind: "djangoshop",
      timeoutMs: TIMEOUT_MS,
      // Kept as 2 calls per 150 ms window, so that no span of 300 ms ever holds more than 5 (provider-budget.ts).
      resilience: { ...RESILIENCE, rateLimit: { calls: 5, perMs: 300 } },
      baseUrl: `${emulator.url}/api`,
      currency: "EUR",
      credentials: { token: DJANGOSHOP_DEFAULT_TOKEN },
    });
    const connector = djangoShopDefinition.create(entry, {});
    try {
      // Different windows, so single-flight cannot share them: each is a real call.
      const windows = Array.from({ length: 4 }, (_, i) => ({ ...WINDOW, offset: i * 5 }));
      const started = performance.now();
      const quick = callContext(100);
      const results = await Promise.allSettled(windows.map((w) => connector.list(w, quick)));
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected).toHaveLength(2);
      expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: "PROVIDER_RATE_LIMITED", provider: "shop-dj" });
      expect((rejected[0] as PromiseRejectedResult).reason.retryAfterMs).toBeGreaterThan(0);
      // It gave up without waiting for the window to end: had it waited, it would have called.
      expect(quick.meter.calls).toBe(2);
      expect(emulator.requests).toHaveLength(2);
      // With time, the next caller waits for the next window and is served.
      const patient = callContext(2_000);
      await connector.list(WINDOW, patient);
      expect(performance.now() - started).toBeGreaterThanOrEqual(145);
      expect(emulator.requests).toHaveLength(3);
    } finally {
      await connector.close();
      await emulator.close();
    }
  });
});
