/**
 * The HTTP client's body reading over real HTTP: small answers are read whole,
 * large ones (or of unknown length) are parsed as they arrive. Both give the
 * same values and the same errors.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import { ProviderHttpClient } from "../../src/providers/core/http-client.ts";
import { JsonStreamDecoder, parseRowText } from "../../src/providers/core/json-stream.ts";
import { DEFAULT_RESILIENCE } from "../../src/providers/core/upstream-policy.ts";

/** An answer of about 1.7 MB, shaped like Iteras' list, with text that is not ASCII. */
const LARGE = {
  orders: Array.from({ length: 6000 }, (_, i) => ({
    id: 70000 + i,
    created: "2022-11-01T12:57:45",
    address: { name: `Søren Ærø "${i}"`, address: "Baker Street 8\n1050 København", country: "DK" },
    products: [{ campaign_id: "3months", price: 100.5, quantity: 1, subscribed_to: [{ name: "Test Magazine 📰" }] }],
    status: i % 3 === 0 ? "approved" : "pending",
  })),
};
const LARGE_TEXT = JSON.stringify(LARGE);

/** How the test server answers a path: a status, the body text, and whether it sends its length. */
const ROUTES: Record<string, { status: number; text: string; sized: boolean }> = {
  "/large-sized": { status: 200, text: LARGE_TEXT, sized: true },
  "/large-chunked": { status: 200, text: LARGE_TEXT, sized: false },
  "/large-truncated": { status: 200, text: LARGE_TEXT.slice(0, 900_001), sized: true },
  "/large-trailing": { status: 200, text: `${LARGE_TEXT} {}`, sized: false },
  "/small": { status: 200, text: '{"orders":[{"id":1}]}', sized: true },
  "/empty-chunked": { status: 200, text: "  \n", sized: false },
  "/not-found-text": { status: 404, text: "<html>not here</html>", sized: false },
  "/not-found-json": { status: 404, text: '{"error":"no such key"}', sized: true },
};

let server: Server;
let baseUrl: string;
/** Requests to /held wait here until a test answers them. */
const held: Array<() => void> = [];
/** How many requests to /held the server has received. */
let heldArrivals = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/held") {
      heldArrivals += 1;
      held.push(() => res.writeHead(200, { "content-type": "application/json" }).end('{"held":true}'));
      return;
    }
    const route = ROUTES[req.url ?? ""];
    if (!route) {
      res.writeHead(500).end();
      return;
    }
    const bytes = Buffer.from(route.text, "utf8");
    res.writeHead(route.status, {
      "content-type": "application/json",
      ...(route.sized ? { "content-length": String(bytes.length) } : {}),
    });
    // Uneven pieces, so rows and multi-byte characters are cut across chunks.
    for (let at = 0; at < bytes.length; at += 7_777) res.write(bytes.subarray(at, at + 7_777));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(maxBodyBytes = 8 * 1024 * 1024): ProviderHttpClient {
  return new ProviderHttpClient({
    provider: "test-provider",
    baseUrl,
    timeoutMs: 5_000,
    maxBodyBytes,
    resilience: { ...DEFAULT_RESILIENCE, retries: 0, maxBodyBytes },
  });
}

describe("ProviderHttpClient body reading", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("parses a large answer as it arrives, to the same values, with or without a content-length", async () => {
    const http = client();
    try {
      for (const path of ["/large-sized", "/large-chunked"]) {
        const fed = vi.spyOn(JsonStreamDecoder.prototype, "write");
        const response = await http.request(standaloneCall(), { path });
        expect(response.status).toBe(200);
        expect(response.body).toEqual(LARGE);
        // Fed piece by piece as the body arrived (the server sends pieces of 7,777 bytes), never as one text.
        expect(fed.mock.calls.length, path).toBeGreaterThan(10);
        const fedBytes = fed.mock.calls.reduce((sum, [chunk]) => sum + chunk.length, 0);
        expect(fedBytes, path).toBe(Buffer.byteLength(LARGE_TEXT));
        fed.mockRestore();
      }
    } finally {
      await http.close();
    }
  });

  it("refuses a large answer that is cut short or has data after its value, as not JSON", async () => {
    const http = client();
    try {
      for (const path of ["/large-truncated", "/large-trailing"]) {
        await expect(http.request(standaloneCall(), { path })).rejects.toMatchObject({
          code: "UPSTREAM_INVALID_RESPONSE",
          message: "provider test-provider answered a body that is not JSON",
        });
      }
    } finally {
      await http.close();
    }
  });

  it("refuses a large answer over the body limit while it streams", async () => {
    const http = client(1_000_000);
    try {
      await expect(http.request(standaloneCall(), { path: "/large-chunked" })).rejects.toMatchObject({
        code: "UPSTREAM_INVALID_RESPONSE",
        message: "provider test-provider answered a body larger than 1000000 bytes",
      });
    } finally {
      await http.close();
    }
  });

  it("reads small answers whole; an empty body is undefined; a 4xx body that is not JSON is undefined", async () => {
    const http = client();
    try {
      const fed = vi.spyOn(JsonStreamDecoder.prototype, "write");
      expect((await http.request(standaloneCall(), { path: "/small" })).body).toEqual({ orders: [{ id: 1 }] });
      // A small answer with its length is parsed at once: the stream decoder never sees it.
      expect(fed).not.toHaveBeenCalled();
      expect(await http.request(standaloneCall(), { path: "/empty-chunked" })).toMatchObject({ status: 200, body: undefined });
      expect(await http.request(standaloneCall(), { path: "/not-found-text" })).toMatchObject({ status: 404, body: undefined });
    } finally {
      await http.close();
    }
  });

  it("keeps rows as their texts when asked (large or small), and shares a call only with one that asked the same", async () => {
    const http = client();
    const invalid = () => new Error("not JSON");
    try {
      for (const path of ["/large-chunked", "/small"]) {
        const response = await http.request(standaloneCall(), { path, rowsAsText: true });
        const rows = (response.body as { orders: unknown[] }).orders;
        for (const row of rows) expect(typeof row).toBe("string");
        expect(rows.map((row) => parseRowText(row, invalid))).toEqual(
          (JSON.parse(ROUTES[path]?.text ?? "") as { orders: unknown[] }).orders,
        );
      }
      // The same GET at once, once as texts and once parsed: two calls, each answered as it asked.
      const call = standaloneCall();
      const [texts, parsed] = await Promise.all([
        http.request(call, { path: "/small", rowsAsText: true }),
        http.request(call, { path: "/small" }),
      ]);
      expect(texts.body).toEqual({ orders: ['{"id":1}'] });
      expect(parsed.body).toEqual({ orders: [{ id: 1 }] });
      expect(call.meter.toJSON().calls).toBe(2);
      // An error answer is parsed whole as before: a connector reads it as one value.
      expect((await http.request(standaloneCall(), { path: "/not-found-json", rowsAsText: true })).body).toEqual({ error: "no such key" });
    } finally {
      await http.close();
    }
  });
});

describe("ProviderHttpClient sharing identical GETs", () => {
  /** Waits until the server holds `count` requests to /held. */
  async function holding(count: number): Promise<void> {
    await expect.poll(() => held.length, { interval: 2, timeout: 1_000 }).toBeGreaterThanOrEqual(count);
  }
  const answerAll = () => {
    for (const answer of held.splice(0)) answer();
  };
  const callWith = (signal: AbortSignal) => ({ ...standaloneCall(), signal });

  it("sends one call for identical concurrent GETs and gives each caller its answer", async () => {
    const http = client();
    try {
      const arrivals = heldArrivals;
      const first = http.request(standaloneCall(), { path: "/held" });
      await holding(1);
      const joiner = standaloneCall();
      const second = http.request(joiner, { path: "/held" });
      answerAll();
      expect((await first).body).toEqual({ held: true });
      expect((await second).body).toEqual({ held: true });
      expect(heldArrivals - arrivals).toBe(1);
      expect(joiner.meter.toJSON()).toMatchObject({ calls: 0, cached: 1 });
    } finally {
      answerAll();
      await http.close();
    }
  });

  it("does not join a call whose request has already answered: its deadline bounds it no more", async () => {
    const http = client();
    try {
      const arrivals = heldArrivals;
      const owner = { ...standaloneCall(), answered: true };
      const first = http.request(owner, { path: "/held" });
      await holding(1);
      const second = http.request(standaloneCall(), { path: "/held" });
      await holding(2);
      answerAll();
      expect((await first).body).toEqual({ held: true });
      expect((await second).body).toEqual({ held: true });
      expect(heldArrivals - arrivals).toBe(2);
    } finally {
      answerAll();
      await http.close();
    }
  });

  it("does not end a joiner's request when the request that sent the call is cancelled: the joiner asks again itself", async () => {
    const http = client();
    try {
      const owner = new AbortController();
      const first = http.request(callWith(owner.signal), { path: "/held" });
      await holding(1);
      const joiner = callWith(new AbortController().signal);
      const second = http.request(joiner, { path: "/held" });
      owner.abort();
      await expect(first).rejects.toMatchObject({
        code: "PROVIDER_UNAVAILABLE",
        message: expect.stringMatching(/cancelled with its request/),
      });
      // The joiner's own call reaches the server; answered, the joiner has its answer.
      await holding(2);
      answerAll();
      expect((await second).body).toEqual({ held: true });
      expect(joiner.meter.toJSON()).toMatchObject({ calls: 1, cached: 1 });
    } finally {
      answerAll();
      await http.close();
    }
  });
});
