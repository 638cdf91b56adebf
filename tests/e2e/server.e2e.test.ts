/**
 * The HTTP server around the GraphQL endpoint: health, readiness, the offline
 * GraphiQL page and its assets, GET queries, and a clean close that lets
 * requests in flight finish.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, type MemoryLog, memoryLog, startTestServer, type TestServer } from "../helpers/test-server.ts";

const PROVIDER = "shop-cscart";
let emulator: CsCartEmulator;
let server: TestServer;

const start = (logger?: MemoryLog["logger"]) =>
  startTestServer({
    definitions: [csCartDefinition],
    providers: [
      { id: PROVIDER, kind: "cscart", baseUrl: `${emulator.url}/api`, currency: "EUR", credentials: { ...CSCART_DEFAULT_CREDENTIALS } },
    ],
    ...(logger ? { logger } : {}),
  });

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 40 });
  server = await start();
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("server", () => {
  it("answers /healthz", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz, naming the configured providers only when observability.showProviderIds says so", async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
    const showing = await startTestServer({
      definitions: [csCartDefinition],
      providers: [csCartEntry(emulator, { id: PROVIDER })],
      observability: { showProviderIds: true },
    });
    try {
      expect(await (await fetch(`${showing.url}/readyz`)).json()).toEqual({ status: "ready", providers: [PROVIDER] });
    } finally {
      await showing.close();
    }
  });

  it("serves GraphiQL with local assets only, each of which answers", async () => {
    const response = await fetch(`${server.url}/graphiql`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('id="graphiql"');
    // Nothing is loaded from another host (works offline, no CDN).
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(src|href)=["']\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith("/graphiql/assets/")).toBe(true);
      const answer = await fetch(`${server.url}${asset}`);
      expect(answer.status, asset).toBe(200);
      expect((await answer.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${server.url}/graphiql/assets/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/graphiql/assets/nope.js`)).status).toBe(404);
  });

  it("redirects / to GraphiQL", async () => {
    const response = await fetch(`${server.url}/`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/graphiql");
  });

  it("runs a query sent with GET", async () => {
    const query = encodeURIComponent("{ providers { id kind } }");
    const response = await fetch(`${server.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown; extensions: { upstream: { calls: number } } };
    expect(body.data).toEqual({ providers: [{ id: PROVIDER, kind: "CSCART" }] });
    expect(body.extensions.upstream.calls).toBe(0);
  });

  // Deliberately changed by issue 24: a GET that carries the key needs no preflight header (a browser cannot send
  // Authorization cross-site without a CORS preflight); one without the key is still refused before it runs.
  it("runs a GET with the key and no preflight header, and refuses one without the key", async () => {
    const query = encodeURIComponent("{ providers { id } }");
    const response = await fetch(`${server.url}/graphql?query=${query}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown }).data).toEqual({ providers: [{ id: PROVIDER }] });
    const keyless = await fetch(`${server.url}/graphql?query=${query}`);
    expect(keyless.status).toBe(401);
    expect(((await keyless.json()) as { data?: unknown }).data).toBeUndefined();
  });

  it("refuses a mutation sent with GET", async () => {
    const query = encodeURIComponent(
      'mutation { setOrderVendorReference(input: { orderId: "x", vendorReference: "y" }) { userErrors { code } } }',
    );
    const mark = emulator.requests.length;
    const response = await fetch(`${server.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" },
    });
    expect(response.status).toBe(405);
    expect(emulator.requests.length).toBe(mark);
  });

  it("closes cleanly, and stops listening", async () => {
    const other = await start();
    const ok = await fetch(`${other.url}/healthz`);
    expect(ok.status).toBe(200);
    await expect(other.close()).resolves.toBeUndefined();
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });

  it("answers a request in flight when it closes, still logging its upstream call, and takes no new one", async () => {
    const log = memoryLog("debug");
    const other = await start(log.logger);
    const mark = emulator.requests.length;
    emulator.faults = { latencyMs: 300 };
    try {
      const answer = fetch(`${other.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query: "{ orders(first: 2) { nodes { id } } }" }),
      });
      // Close only once the request is in flight: it has reached the provider, whose answer is slow.
      await expect.poll(() => emulator.requests.length, { interval: 2, timeout: 2_000 }).toBeGreaterThan(mark);
      const closed = other.close();
      const response = await answer;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data?: { orders: { nodes: unknown[] } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.orders.nodes).toHaveLength(2);
      await closed;
      // The call answered while draining is still observed (logged, counted, traced).
      expect(log.lines().some((l) => l.msg === "upstream call" && l.provider === PROVIDER)).toBe(true);
      await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
    } finally {
      emulator.faults = {};
    }
  });
});
