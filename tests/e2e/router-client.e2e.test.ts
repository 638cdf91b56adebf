/**
 * One API, two schemas: every client is served the public schema, the one in
 * schema.graphql (so introspection, codegen with strict scalars and GraphiQL's
 * docs show the contract), and only a router client (`clients[].router`) the
 * federation subgraph schema with `_service`, `_entities` and federation's
 * types. A router authenticates with its own key and acts for the end user
 * whose key it passes on in X-Forwarded-Authorization.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  isScalarType,
  isSpecifiedScalarType,
  lexicographicSortSchema,
  printSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import codegenConfig from "../../codegen.ts";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { SCHEMA_FILE } from "../../scripts/print-schema.ts";
import { projectRoot } from "../../src/server/paths.ts";
import { ADMIN_KEY, csCartEntry, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const ROUTER_KEY = "test-router-key-0123456789";
const GRAPHQL_RESPONSE = "application/graphql-response+json";
/** Names only the subgraph schema has. */
const FEDERATION_NAMES = ["_entities", "_service", "_Any", "_Entity", "_Service", "link__Import", "link__Purpose", "federation__FieldSet"];

let emulator: CsCartEmulator;
let closed: TestServer;
let open: TestServer;

const clients = [
  { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
  { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
  // A router with no scopes of its own: it reads for the end users it acts for.
  { name: "router", key: ROUTER_KEY, scopes: [], router: true },
];

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 5 });
  const start = (introspection: boolean) =>
    // Every registered provider's types (the schema is the registry's), with one configured.
    startTestServer({
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
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

async function ask(server: TestServer, key: string, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: GRAPHQL_RESPONSE, authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

/** The schema a key is served, as introspection (GraphiQL, codegen, rover) sees it, printed sorted. */
async function introspected(key: string): Promise<{ sdl: string; scalars: string[] }> {
  const answer = await ask(open, key, getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true }));
  expect(answer.body.errors).toBeUndefined();
  const schema = lexicographicSortSchema(buildClientSchema(answer.body.data as unknown as IntrospectionQuery));
  const scalars = Object.values(schema.getTypeMap())
    .filter((t) => isScalarType(t) && !isSpecifiedScalarType(t))
    .map((t) => t.name);
  return { sdl: printSchema(schema), scalars };
}

const SERVICE = "{ _service { sdl } }";
/** The same field through an alias, a fragment and an inline fragment, beside an ordinary field. */
const HIDDEN = "query { providers { id } ...F } fragment F on Query { ... on Query { s: _service { sdl } } }";
const ENTITIES = `{ _entities(representations: [{ __typename: "Order", id: "x" }]) { __typename } }`;

describe("the public schema, every client's but a router's", () => {
  it("is exactly schema.graphql, with no federation field, type or scalar", async () => {
    const committed = readFileSync(join(projectRoot(), SCHEMA_FILE), "utf8");
    for (const key of [ADMIN_KEY, READER_KEY]) {
      const { sdl, scalars } = await introspected(key);
      for (const name of FEDERATION_NAMES) expect(sdl, name).not.toContain(name);
      expect(committed.endsWith(`\n\n${sdl}\n`), "the introspected schema is schema.graphql").toBe(true);
      // codegen with strictScalars fails on a scalar it has no type for: every one here has one.
      const generated = codegenConfig.generates["src/generated/client/"] as { config: { scalars: Record<string, unknown> } };
      expect(scalars.filter((name) => !(name in generated.config.scalars))).toEqual([]);
    }
  });

  it("refuses _service and _entities as fields it does not have, before anything runs", async () => {
    const calls = emulator.requests.length;
    for (const query of [SERVICE, HIDDEN, ENTITIES]) {
      const answer = await ask(open, ADMIN_KEY, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body.data, query).toBeUndefined();
      expect(answer.body.errors?.[0]?.extensions?.code, query).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(answer.body.errors?.[0]?.message).toMatch(/Cannot query field "_(service|entities)" on type "Query"/);
    }
    expect(emulator.requests.length).toBe(calls);
  });
});

describe("the router schema, a router client's", () => {
  it("adds the federation fields and types to the public API", async () => {
    const { sdl } = await introspected(ROUTER_KEY);
    for (const name of ["_entities", "_service", "_Any", "_Entity", "_Service"]) expect(sdl, name).toContain(name);
    expect(sdl).toContain("orders(");
  });

  it("answers _service, however it is asked for, with introspection on or off", async () => {
    for (const server of [open, closed]) {
      const direct = await ask(server, ROUTER_KEY, SERVICE);
      expect(direct.status).toBe(200);
      expect(direct.body.errors).toBeUndefined();
      const sdl = (direct.body.data?._service as { sdl: string } | undefined)?.sdl;
      expect(sdl).toContain("type Query");
      expect(sdl).toContain("@key");
      const hidden = await ask(server, ROUTER_KEY, HIDDEN, { "x-forwarded-authorization": `Bearer ${READER_KEY}` });
      expect(hidden.status).toBe(200);
      expect((hidden.body.data?.s as { sdl: string } | undefined)?.sdl).toBe(sdl);
    }
  });

  it("leaves introspection off for routers too when it is off", async () => {
    const answer = await ask(closed, ROUTER_KEY, "{ __schema { queryType { name } } }");
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
  });
});

describe("a router acting for an end user", () => {
  const PAGE = "{ orders(first: 1) { nodes { id email } } }";

  it("reads with the scopes of the key it passes on, and nothing as itself when it has no scopes", async () => {
    const alone = await ask(open, ROUTER_KEY, PAGE);
    expect(alone.body.data ?? null).toBeNull();
    expect(alone.body.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", scope: "orders:read" });

    const reader = await ask(open, ROUTER_KEY, PAGE, { "x-forwarded-authorization": `Bearer ${READER_KEY}` });
    const readerNodes = (reader.body.data?.orders as { nodes: Array<{ id: string; email: string | null }> } | undefined)?.nodes;
    expect(readerNodes).toHaveLength(1);
    expect(readerNodes?.[0]?.email).toBeNull();
    expect(reader.body.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", scope: "pii:read" });

    const admin = await ask(open, ROUTER_KEY, PAGE, { "x-forwarded-authorization": `Bearer ${ADMIN_KEY}` });
    expect(admin.body.errors).toBeUndefined();
    const own = await ask(open, ADMIN_KEY, PAGE);
    expect(admin.body.data?.orders).toEqual(own.body.data?.orders);
    expect((own.body.data?.orders as { nodes: unknown[] } | undefined)?.nodes).toHaveLength(1);
  });

  it("keeps the router schema while acting for a client that is not a router", async () => {
    const answer = await ask(open, ROUTER_KEY, ENTITIES, { "x-forwarded-authorization": `Bearer ${READER_KEY}` });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?._entities).toEqual([null]);
  });

  it("refuses a forwarded key from a client that is not a router, and a wrong forwarded key", async () => {
    const notRouter = await ask(open, READER_KEY, PAGE, { "x-forwarded-authorization": `Bearer ${ADMIN_KEY}` });
    expect(notRouter.status).toBe(403);
    expect(notRouter.body.errors?.[0]?.extensions).toEqual({ code: "FORBIDDEN" });
    expect(notRouter.body.errors?.[0]?.message).toMatch(/only a router client/);

    const wrong = await ask(open, ROUTER_KEY, PAGE, { "x-forwarded-authorization": "Bearer not-a-key-0123456789" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED" });
    expect(wrong.body.errors?.[0]?.message).toMatch(/X-Forwarded-Authorization/);
  });
});
