/**
 * Every emulator serves an OpenAPI description of its API at GET /openapi.json,
 * without auth: the benchmark's peer (Hive Gateway) is built from it, and users
 * can generate clients from it. It must describe every route the emulator
 * answers and must not carry a credential.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "../../emulators/activeplatform/activeplatform.emulator.ts";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "../../emulators/djangoshop/djangoshop.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import type { RunningServer } from "../../emulators/shared/emulator-http.ts";

interface Case {
  kind: string;
  start: () => Promise<RunningServer>;
  /** The routes the emulator answers (method and OpenAPI path template). */
  routes: Array<[method: string, path: string]>;
  /** A described request that must reach a handler (not 404) with the credentials. */
  probe: { path: string; headers: Record<string, string> };
  secrets: string[];
  scheme: Record<string, unknown>;
}

const basic = Buffer.from(`${CSCART_DEFAULT_CREDENTIALS.email}:${CSCART_DEFAULT_CREDENTIALS.apiKey}`).toString("base64");

const CASES: Case[] = [
  {
    kind: "iteras",
    start: () => startIterasEmulator({ size: 20 }),
    routes: [["get", "/api/orders/"]],
    probe: { path: "/api/orders/?status=approved", headers: { "x-iteras-key": ITERAS_DEFAULT_API_KEY } },
    secrets: [ITERAS_DEFAULT_API_KEY],
    scheme: { type: "apiKey", in: "header", name: "X-Iteras-Key" },
  },
  {
    kind: "emnify",
    start: () => startEmnifyEmulator({ size: 20 }),
    routes: [
      ["post", "/api/v1/authenticate"],
      ["get", "/api/v1/shop/order"],
      ["get", "/api/v1/shop/order/{id}"],
    ],
    probe: { path: "/api/v1/shop/order", headers: {} },
    secrets: Object.values(EMNIFY_DEFAULT_CREDENTIALS),
    scheme: { type: "http", scheme: "bearer" },
  },
  {
    kind: "cscart",
    start: () => startCsCartEmulator({ size: 20 }),
    routes: [
      ["get", "/api/orders"],
      ["get", "/api/orders/search"],
      ["get", "/api/orders/{order_id}"],
      ["put", "/api/orders/{order_id}"],
    ],
    probe: { path: "/api/orders?items_per_page=2", headers: { authorization: `Basic ${basic}` } },
    secrets: [CSCART_DEFAULT_CREDENTIALS.apiKey, basic],
    scheme: { type: "http", scheme: "basic" },
  },
  {
    kind: "activeplatform",
    start: () => startActivePlatformEmulator({ size: 20 }),
    routes: [
      ["get", "/api/vendor/v1/orders.json"],
      ["get", "/api/vendor/v1/orders/{id}.json"],
    ],
    probe: { path: `/api/vendor/v1/orders.json?api_token=${ACTIVEPLATFORM_DEFAULT_TOKEN}&per_page=2`, headers: {} },
    secrets: [ACTIVEPLATFORM_DEFAULT_TOKEN],
    scheme: { type: "apiKey", in: "query", name: "api_token" },
  },
  {
    kind: "djangoshop",
    start: () => startDjangoShopEmulator({ size: 20 }),
    routes: [
      ["get", "/api/orders/"],
      ["get", "/api/orders/{id}/"],
    ],
    probe: { path: "/api/orders/?limit=2", headers: { authorization: `Token ${DJANGOSHOP_DEFAULT_TOKEN}` } },
    secrets: [DJANGOSHOP_DEFAULT_TOKEN],
    scheme: { type: "apiKey", in: "header", name: "Authorization" },
  },
];

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  security?: unknown[];
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, Record<string, unknown>>; schemas: Record<string, unknown> };
};

/** Every `$ref` in the document, to check that each points at a defined schema. */
function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

describe.each(CASES)("$kind emulator: GET /openapi.json", (c) => {
  let server: RunningServer;
  let text: string;
  let doc: Doc;
  let status: number;
  let contentType: string | null;

  beforeAll(async () => {
    server = await c.start();
    const response = await fetch(`${server.url}/openapi.json`);
    status = response.status;
    contentType = response.headers.get("content-type");
    text = await response.text();
    doc = JSON.parse(text) as Doc;
  });
  afterAll(() => server.close());

  it("answers an OpenAPI 3 document without credentials", () => {
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.[01]\.\d+$/);
    expect(doc.info.title).not.toBe("");
    expect(doc.info.version).not.toBe("");
  });

  it("describes every route the emulator answers, each with an operation id and a 200 answer", () => {
    const described = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(described.sort()).toEqual(c.routes.map(([method, path]) => `${method} ${path}`).sort());
    for (const [method, path] of c.routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toMatch(/^\w+$/);
      expect(Object.keys(operation?.responses ?? {})).toContain("200");
    }
  });

  it("declares the provider's auth scheme and resolves every $ref", () => {
    expect(Object.values(doc.components.securitySchemes)).toContainEqual(expect.objectContaining(c.scheme));
    expect(doc.security?.length).toBeGreaterThan(0);
    for (const ref of refsOf(doc)) {
      const name = /^#\/components\/schemas\/(\w+)$/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name], ref).toBeTruthy();
    }
  });

  it("carries no credential", () => {
    for (const secret of c.secrets) expect(text).not.toContain(secret);
  });

  it("describes paths the emulator really serves", async () => {
    const response = await fetch(`${server.url}${c.probe.path}`, { headers: c.probe.headers });
    // emnify's probe has no token: a 401 proves the route exists (an unknown path is 404).
    expect(response.status).not.toBe(404);
    await response.arrayBuffer();
  });
});
