/**
 * Failed-auth rate limiting: past `server.authFailures.max` wrong keys from
 * one address in a window, that address gets 429 with Retry-After (code
 * UNAUTHENTICATED, `retryAfterSeconds`), even with a correct key, until the
 * window ends; other addresses are not affected; memory stays bounded.
 */
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { AuthFailureLimiter } from "../../src/server/auth.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const MAX = 3;
const WINDOW_MS = 1500;
let emulator: CsCartEmulator;
let server: TestServer;
/** Requests from another loopback address (Linux answers all of 127.0.0.0/8). */
const otherAddress = new Agent({ localAddress: "127.0.0.2" });

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 10 });
  server = await startTestServer({
    definitions: [csCartDefinition],
    providers: [csCartEntry(emulator)],
    server: { authFailures: { max: MAX, windowMs: WINDOW_MS } },
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
  await otherAddress.close();
});

async function ask(authorization: string | undefined, dispatcher?: Agent) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: "{ providers { id } }" }),
    ...(dispatcher ? { dispatcher } : {}),
  } as RequestInit);
  const body = (await response.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

describe("failed-auth limiting", () => {
  it("locks an address out after max wrong keys, correct key included, and lets it in after the window", async () => {
    // A missing header guesses nothing and is not counted.
    for (let i = 0; i < MAX + 2; i++) expect((await ask(undefined)).status).toBe(401);
    const started = Date.now();
    for (let i = 0; i < MAX; i++) {
      const answer = await ask(`Bearer wrong-key-${i}-0123456789`);
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    }
    const locked = await ask("Bearer wrong-key-last-0123456789");
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
    expect(locked.body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", retryAfterSeconds: retryAfter });

    // The right key does not get through either while the lock lasts.
    const rightKey = await ask(`Bearer ${ADMIN_KEY}`);
    expect(rightKey.status).toBe(429);

    // Another address is not affected.
    expect((await ask(`Bearer ${ADMIN_KEY}`, otherAddress)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + WINDOW_MS + 100 - Date.now())));
    expect((await ask(`Bearer ${ADMIN_KEY}`)).status).toBe(200);
    // A new window: wrong keys are 401 again, not 429.
    expect((await ask("Bearer wrong-again-0123456789")).status).toBe(401);
  });
});

describe("failed-auth limiting with a trusted proxy (server.trustedProxies)", () => {
  let proxied: TestServer;
  const untrusted = new Agent({ localAddress: "127.0.0.3" });

  beforeAll(async () => {
    proxied = await startTestServer({
      definitions: [csCartDefinition],
      providers: [csCartEntry(emulator)],
      server: { authFailures: { max: MAX, windowMs: 60_000 }, trustedProxies: ["127.0.0.1"] },
    });
  });

  afterAll(async () => {
    await proxied?.close();
    await untrusted.close();
  });

  const send = async (authorization: string, forwardedFor: string, dispatcher?: Agent) => {
    const response = await fetch(`${proxied.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization, "x-forwarded-for": forwardedFor },
      body: JSON.stringify({ query: "{ providers { id } }" }),
      ...(dispatcher ? { dispatcher } : {}),
    } as RequestInit);
    await response.body?.cancel();
    return response.status;
  };

  it("counts a request from the proxy by the client address it forwarded", async () => {
    for (let i = 0; i < MAX; i++) expect(await send(`Bearer wrong-${i}-0123456789`, "203.0.113.7")).toBe(401);
    expect(await send(`Bearer ${ADMIN_KEY}`, "203.0.113.7")).toBe(429);
    // The proxy itself and its other clients are not locked out; an address spoofed before the proxy's is ignored.
    expect(await send(`Bearer ${ADMIN_KEY}`, "203.0.113.8")).toBe(200);
    expect(await send(`Bearer ${ADMIN_KEY}`, "203.0.113.7, 203.0.113.9")).toBe(200);
  });

  it("ignores X-Forwarded-For from an address it does not trust: a client cannot dodge the limit with it", async () => {
    for (let i = 0; i < MAX; i++) expect(await send(`Bearer wrong-${i}-0123456789`, `198.51.100.${i}`, untrusted)).toBe(401);
    expect(await send(`Bearer ${ADMIN_KEY}`, "198.51.100.200", untrusted)).toBe(429);
  });
});

describe("AuthFailureLimiter", () => {
  it("counts per address and ends the lock-out with the window", () => {
    let now = 0;
    const limiter = new AuthFailureLimiter({ max: 2, windowMs: 10_000, now: () => now });
    limiter.recordFailure("a");
    limiter.recordFailure("a");
    limiter.recordFailure("b");
    expect(limiter.check("a")).toEqual({ retryAfterSeconds: 10 });
    expect(limiter.check("b")).toBeNull();
    now = 9_001;
    expect(limiter.check("a")).toEqual({ retryAfterSeconds: 1 });
    now = 10_000;
    expect(limiter.check("a")).toBeNull();
    expect(limiter.size).toBe(1);
  });

  it("keeps at most maxTracked addresses, dropping expired windows first, then the oldest", () => {
    let now = 0;
    const limiter = new AuthFailureLimiter({ max: 1, windowMs: 1000, maxTracked: 3, now: () => now });
    for (const address of ["a", "b", "c"]) limiter.recordFailure(address);
    now = 1500;
    limiter.recordFailure("d");
    // a, b and c expired: all dropped at once.
    expect(limiter.size).toBe(1);
    for (const address of ["e", "f", "g"]) limiter.recordFailure(address);
    expect(limiter.size).toBe(3);
    // d, the oldest, made room for g; the others are still locked out.
    expect(limiter.check("d")).toBeNull();
    expect(limiter.check("g")).not.toBeNull();
    expect(limiter.check("e")).not.toBeNull();
    for (let i = 0; i < 10_000; i++) limiter.recordFailure(`addr-${i}`);
    expect(limiter.size).toBe(3);
  });
});
