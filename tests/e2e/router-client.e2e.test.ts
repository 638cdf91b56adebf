/**
 * `_service { sdl }` (the subgraph SDL, i.e. the whole schema) follows
 * `server.introspection`: when it is off, only a router client
 * (`clients[].router: true`) may read it, however the field is asked for;
 * introspection itself stays off for every client.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const ROUTER_KEY = "test-router-key-0123456789";
let emulator: CsCartEmulator;
let closed: TestServer;
let open: TestServer;

const clients = [
  { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
  { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
  { name: "router", key: ROUTER_KEY, scopes: ["orders:read"], router: true },
];

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 5 });
  const start = (introspection: boolean) =>
    startTestServer({
      definitions: [csCartDefinition as unknown as ProviderDefinition],
      providers: [csCartEntry(emulator)],
      clients,
      server: { introspection },
    });
  [closed, open] = await Promise.all([start(false), start(true)]);
});

afterAll(async () => {
  await Promise.all([closed?.close(), open?.close()]);
  await emulator?.close();
});

interface Answer {
  status: number;
  body: {
    data?: { _service?: { sdl: string }; s?: { sdl: string }; orders?: unknown } | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

async function ask(server: TestServer, key: string, query: string): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const SERVICE = "{ _service { sdl } }";
/** The same field through an alias, a fragment and an inline fragment, beside an ordinary field. */
const HIDDEN = "query { orders(first: 1) { totalCount } ...F } fragment F on Query { ... on Query { s: _service { sdl } } }";

describe("_service with introspection off", () => {
  it("is refused to clients that are not routers, however it is asked for, before anything runs", async () => {
    const calls = emulator.requests.length;
    for (const key of [ADMIN_KEY, READER_KEY]) {
      for (const query of [SERVICE, HIDDEN]) {
        const answer = await ask(closed, key, query);
        expect(answer.status, query).toBe(403);
        expect(answer.body.data, query).toBeUndefined();
        expect(answer.body.errors?.[0]?.extensions).toEqual({ code: "FORBIDDEN", field: "Query._service" });
        expect(answer.body.errors?.[0]?.message).toMatch(/routers only.*introspection is off/);
      }
    }
    // The orders beside it were not read either.
    expect(emulator.requests.length).toBe(calls);
  });

  it("is answered to a router client, with the SDL, through the same shapes", async () => {
    const direct = await ask(closed, ROUTER_KEY, SERVICE);
    expect(direct.status).toBe(200);
    expect(direct.body.errors).toBeUndefined();
    expect(direct.body.data?._service?.sdl).toContain("type Query");
    expect(direct.body.data?._service?.sdl).toContain("@key");
    const hidden = await ask(closed, ROUTER_KEY, HIDDEN);
    expect(hidden.status).toBe(200);
    expect(hidden.body.data?.s?.sdl).toBe(direct.body.data?._service?.sdl);
  });

  it("leaves introspection off for routers too", async () => {
    const answer = await ask(closed, ROUTER_KEY, "{ __schema { queryType { name } } }");
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });

  it("does not stand in the way of other queries", async () => {
    const calls = emulator.requests.length;
    const answer = await ask(closed, READER_KEY, "{ orders(first: 1) { totalCount } }");
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(emulator.requests.length).toBeGreaterThan(calls);
  });
});

describe("_service with introspection on (the default)", () => {
  it("is answered to every client", async () => {
    const answer = await ask(open, READER_KEY, SERVICE);
    expect(answer.status).toBe(200);
    expect(answer.body.data?._service?.sdl).toContain("type Query");
  });
});
