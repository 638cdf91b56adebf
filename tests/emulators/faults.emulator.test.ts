/**
 * Fault injection of the shared emulator server, over raw HTTP against one
 * emulator (CS-Cart): each fault kind answers what it says, targets the share
 * and number of requests it is told, and leaves the request log complete.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { startEmulatorServer, withDefaultFaults } from "../../emulators/shared/emulator-http.ts";
import { EMULATOR_FAULTS_ENV, faultsFromEnv } from "../../src/demo/demo-providers.ts";

const AUTH = `Basic ${Buffer.from(`${CSCART_DEFAULT_CREDENTIALS.email}:${CSCART_DEFAULT_CREDENTIALS.apiKey}`).toString("base64")}`;
const LIST = "/api/orders?items_per_page=5";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Body chunks as they arrived, with the time each arrived (ms since the request). */
  chunks: Array<{ bytes: number; at: number }>;
}

/** One request over node:http on a fresh connection, so chunking and resets are seen as sent. */
function raw(base: string, path: string, init: { method?: string; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(`${base}${path}`, {
      method: init.method ?? "GET",
      agent: false,
      headers: { authorization: AUTH, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const parts: Buffer[] = [];
      const chunks: Raw["chunks"] = [];
      res.on("data", (chunk: Buffer) => {
        parts.push(chunk);
        chunks.push({ bytes: chunk.length, at: performance.now() - started });
      });
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString("utf8"), chunks }),
      );
    });
    req.end(init.body);
  });
}

describe("emulator fault injection", () => {
  let emulator: CsCartEmulator;
  let normal: string;
  beforeAll(async () => {
    emulator = await startCsCartEmulator({ size: 30 });
    normal = (await raw(emulator.url, LIST)).text;
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.faults = {};
    emulator.requests.length = 0;
  });

  it("answers normally without faults", async () => {
    const answer = await raw(emulator.url, LIST);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { orders: unknown[] }).orders).toHaveLength(5);
  });

  it("latencyMs delays every answer", async () => {
    emulator.faults.latencyMs = 120;
    const started = performance.now();
    expect((await raw(emulator.url, LIST)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("latencyMs counts from arrival: the work is done at once, only the answer waits", async () => {
    // Its own emulator: the write would change the answers the other tests compare.
    const own = await startCsCartEmulator({ size: 5 });
    try {
      const first = (JSON.parse((await raw(own.url, LIST)).text) as { orders: Array<{ order_id: string; status: string }> }).orders[0];
      if (!first) throw new Error("no order to write");
      const status = first.status === "C" ? "P" : "C";
      // Only the write is slow.
      own.faults.latencyMs = { ms: 400, times: 1 };
      const started = performance.now();
      const write = raw(own.url, `/api/orders/${first.order_id}`, { method: "PUT", body: JSON.stringify({ status }) });
      let answered = false;
      void write.then(() => {
        answered = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A slow provider that has applied the write: a read while its answer is still on the way sees it.
      const during = JSON.parse((await raw(own.url, `/api/orders/${first.order_id}`)).text) as { status: string };
      expect(answered).toBe(false);
      expect(during.status).toBe(status);
      expect((await write).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(395);
    } finally {
      await own.close();
    }
  });

  it("errorRate 1 answers errorStatus (503 by default) with a JSON error", async () => {
    emulator.faults = { errorRate: 1 };
    const answer = await raw(emulator.url, LIST);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.text)).toMatchObject({ error: "server_error" });
    emulator.faults.errorStatus = 500;
    expect((await raw(emulator.url, LIST)).status).toBe(500);
  });

  it("errorRate hits about that share of requests, the same ones for the same seed", async () => {
    emulator.faults = { errorRate: 0.5 };
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await raw(emulator.url, LIST)).status);
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(statuses.filter((s) => s !== 503 && s !== 200)).toEqual([]);
  });

  it("a fault with `times` hits only the next N requests and counts down", async () => {
    const error = { status: 500, times: 2 };
    emulator.faults = { error };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(emulator.url, LIST)).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    expect(error.times).toBe(0);
    expect(emulator.requests).toHaveLength(4);
  });

  it("a fault with rate 0 never hits", async () => {
    emulator.faults = { connectionReset: { rate: 0 }, error: { rate: 0 } };
    for (let i = 0; i < 5; i++) expect((await raw(emulator.url, LIST)).status).toBe(200);
  });

  it("status429 answers 429 with Retry-After in seconds or as an HTTP date", async () => {
    emulator.faults = { status429: { retryAfterSeconds: 7 } };
    const seconds = await raw(emulator.url, LIST);
    expect(seconds.status).toBe(429);
    expect(seconds.headers["retry-after"]).toBe("7");
    emulator.faults = { status429: { retryAfterSeconds: 30, retryAfterAsDate: true } };
    const dated = await raw(emulator.url, LIST);
    const until = Date.parse(String(dated.headers["retry-after"]));
    expect(until - Date.now()).toBeGreaterThan(25_000);
    expect(until - Date.now()).toBeLessThanOrEqual(30_000);
    emulator.faults = { status429: true };
    const bare = await raw(emulator.url, LIST);
    expect(bare.status).toBe(429);
    expect(bare.headers["retry-after"]).toBeUndefined();
  });

  it("malformedJson answers 200 with the real body cut short", async () => {
    emulator.faults = { malformedJson: true };
    const answer = await raw(emulator.url, LIST);
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(normal.startsWith(answer.text)).toBe(true);
    expect(() => JSON.parse(answer.text)).toThrow(SyntaxError);
  });

  it("wrongShape answers 200 with valid JSON of another shape", async () => {
    emulator.faults = { wrongShape: true };
    const answer = await raw(emulator.url, LIST);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ unexpected: true });
    emulator.faults = { wrongShape: { body: "just a string" } };
    expect(JSON.parse((await raw(emulator.url, LIST)).text)).toBe("just a string");
  });

  it("connectionReset drops the connection without an answer, and the request is still logged", async () => {
    emulator.faults = { connectionReset: { times: 1 } };
    await expect(raw(emulator.url, LIST)).rejects.toMatchObject({ code: "ECONNRESET" });
    expect((await raw(emulator.url, LIST)).status).toBe(200);
    expect(emulator.requests.map((r) => r.url)).toEqual([LIST, LIST]);
  });

  it("slowDripMs sends the real body in small chunks, spaced by the delay", async () => {
    emulator.faults = { slowDripMs: { ms: 25, chunkBytes: Math.ceil(normal.length / 4) } };
    const answer = await raw(emulator.url, LIST);
    expect(answer.text).toBe(normal);
    expect(answer.chunks.length).toBeGreaterThanOrEqual(4);
    const first = answer.chunks[0]?.at ?? 0;
    const last = answer.chunks.at(-1)?.at ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(3 * 25 - 5);
  });

  it("oversizedBytes pads the real answer to that size, still valid JSON", async () => {
    emulator.faults = { oversizedBytes: 300_000 };
    const answer = await raw(emulator.url, LIST);
    expect(answer.status).toBe(200);
    expect(Buffer.byteLength(answer.text)).toBe(300_000);
    expect(answer.headers["content-length"]).toBe("300000");
    expect(JSON.parse(answer.text)).toEqual(JSON.parse(normal));
  });

  it("a fault that replaces the answer does not run the handler: a failed write changes nothing", async () => {
    const order = emulator.orders.find((o) => o.status !== "C" && o.status !== "N");
    expect(order).toBeDefined();
    const before = order?.status;
    emulator.faults = { error: { status: 500, times: 1 } };
    const path = `/api/orders/${order?.order_id}`;
    const failed = await raw(emulator.url, path, { method: "PUT", body: JSON.stringify({ status: "C" }) });
    expect(failed.status).toBe(500);
    expect(emulator.orders.find((o) => o.order_id === order?.order_id)?.status).toBe(before);
  });

  it("faults can be changed at run time by replacing `faults`", async () => {
    emulator.faults = { status429: true };
    expect((await raw(emulator.url, LIST)).status).toBe(429);
    emulator.faults = {};
    expect((await raw(emulator.url, LIST)).status).toBe(200);
  });
});

describe("default faults (the demo's environment variable)", () => {
  it("withDefaultFaults gives every emulator started inside its own copy", async () => {
    const faults = { error: { status: 502, times: 1 } };
    const [a, b] = await withDefaultFaults(faults, () =>
      Promise.all([startEmulatorServer(() => ({ status: 200, body: [] })), startEmulatorServer(() => ({ status: 200, body: [] }))]),
    );
    const outside = await startEmulatorServer(() => ({ status: 200, body: [] }));
    try {
      expect((await fetch(`${a?.url}/`)).status).toBe(502);
      expect((await fetch(`${b?.url}/`)).status).toBe(502);
      expect((await fetch(`${a?.url}/`)).status).toBe(200);
      expect((await fetch(`${outside.url}/`)).status).toBe(200);
      expect(faults.error.times).toBe(1);
    } finally {
      await Promise.all([a?.close(), b?.close(), outside.close()]);
    }
  });

  it("reads ORDERGRAPH_EMULATOR_FAULTS as JSON and names a bad key", () => {
    expect(faultsFromEnv({})).toBeUndefined();
    expect(faultsFromEnv({ [EMULATOR_FAULTS_ENV]: '{"latencyMs":20,"errorRate":0.1}' })).toEqual({ latencyMs: 20, errorRate: 0.1 });
    expect(faultsFromEnv({ [EMULATOR_FAULTS_ENV]: '{"status429":{"retryAfterSeconds":2,"times":3}}' })).toEqual({
      status429: { retryAfterSeconds: 2, times: 3 },
    });
    expect(() => faultsFromEnv({ [EMULATOR_FAULTS_ENV]: "{latency" })).toThrow(/ORDERGRAPH_EMULATOR_FAULTS is not JSON/);
    expect(() => faultsFromEnv({ [EMULATOR_FAULTS_ENV]: '{"errorRate":2}' })).toThrow(/ORDERGRAPH_EMULATOR_FAULTS\.errorRate/);
    expect(() => faultsFromEnv({ [EMULATOR_FAULTS_ENV]: '{"latency":5}' })).toThrow(/ORDERGRAPH_EMULATOR_FAULTS/);
  });
});
