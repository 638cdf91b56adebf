/**
 * Status codes and error codes by the GraphQL over HTTP rules: a request
 * error (nothing ran, no `data`) is 4xx for a client that accepts
 * `application/graphql-response+json` and 200 for one that gets
 * `application/json`; faults of the HTTP request itself keep their 4xx either
 * way. Errors carry Apollo's standard codes where the request is at fault.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulator: CsCartEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 10 });
  server = await startTestServer({
    definitions: [csCartDefinition as unknown as ProviderDefinition],
    providers: [csCartEntry(emulator)],
    server: { limits: { maxDepth: 4 } },
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** The Accept headers of the two kinds of client. */
const MODERN = "application/graphql-response+json, application/json;q=0.9";
const LEGACY = "application/json";

interface Answer {
  status: number;
  contentType: string | null;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(body: unknown, accept: string | null, key = ADMIN_KEY): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as Answer["body"] };
}

/** Request errors: what is sent, the code, and the status for a client that accepts the spec's media type. */
const REQUEST_ERRORS: Array<{ what: string; body: Record<string, unknown>; key?: string; code: string; status: number }> = [
  { what: "a document that does not parse", body: { query: "{ orders(first: 1" }, code: "GRAPHQL_PARSE_FAILED", status: 400 },
  { what: "a document that fails validation", body: { query: "{ noSuchField }" }, code: "GRAPHQL_VALIDATION_FAILED", status: 400 },
  {
    what: "an operationName the document does not hold",
    body: { query: "query A { providers { id } }", operationName: "B" },
    code: "OPERATION_RESOLUTION_FAILURE",
    status: 400,
  },
  {
    what: "several operations without an operationName",
    body: { query: "query A { providers { id } } query B { providers { id } }" },
    code: "OPERATION_RESOLUTION_FAILURE",
    status: 400,
  },
  {
    what: "variables that cannot be coerced",
    body: { query: "query ($n: Int) { orders(first: $n) { totalCount } }", variables: { n: "many" } },
    code: "BAD_USER_INPUT",
    status: 400,
  },
  {
    what: "a query over a limit",
    body: { query: "{ orders(first: 1) { nodes { customer { orders(first: 1) { nodes { id } } } } } }" },
    code: "QUERY_TOO_COMPLEX",
    status: 400,
  },
  {
    what: "a personal filter without pii:read",
    body: { query: '{ orders(first: 1, filter: { email: "a@example.com" }) { totalCount } }' },
    key: READER_KEY,
    code: "FORBIDDEN",
    status: 403,
  },
  { what: "a subscription", body: { query: "subscription { orders { totalCount } }" }, code: "NOT_SUPPORTED", status: 400 },
];

describe("request errors", () => {
  for (const { what, body, key, code, status } of REQUEST_ERRORS) {
    it(`${what}: ${code}, ${status} as application/graphql-response+json, 200 as application/json`, async () => {
      const calls = emulator.requests.length;
      const modern = await post(body, MODERN, key);
      expect(modern.contentType).toMatch(/^application\/graphql-response\+json/);
      expect(modern.status).toBe(status);
      expect(modern.body.data).toBeUndefined();
      expect(modern.body.errors?.[0]?.extensions?.code).toBe(code);
      for (const accept of [LEGACY, "*/*", null]) {
        const legacy = await post(body, accept, key);
        expect(legacy.contentType, String(accept)).toMatch(/^application\/json/);
        expect(legacy.status, String(accept)).toBe(200);
        expect(legacy.body.errors, String(accept)).toEqual(modern.body.errors);
        expect(legacy.body.data, String(accept)).toBeUndefined();
      }
      // Nothing ran: no provider was asked.
      expect(emulator.requests.length).toBe(calls);
    });
  }
});

describe("faults of the HTTP request", () => {
  it("keep their 4xx whatever the client accepts, with code BAD_REQUEST", async () => {
    for (const accept of [MODERN, LEGACY]) {
      const notAString = await post({ query: { kind: "Document" } }, accept);
      expect(notAString.status, accept).toBe(400);
      expect(notAString.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
      const noQuery = await post({ variables: {} }, accept);
      expect(noQuery.status, accept).toBe(400);
      expect(noQuery.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
      // A persisted query whose hash is not the query's.
      const mismatch = await post(
        { query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } },
        accept,
      );
      expect(mismatch.status, accept).toBe(400);
      expect(mismatch.body.errors?.[0]).toMatchObject({
        message: "provided sha does not match query",
        extensions: { code: "BAD_REQUEST" },
      });
      const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent("mutation { __typename }")}`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}`, accept },
      });
      expect(get.status, accept).toBe(405);
      expect(((await get.json()) as Answer["body"]).errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    }
  });

  it("a key that is wrong stays 401 whatever the client accepts", async () => {
    for (const accept of [MODERN, LEGACY]) {
      const answer = await post({ query: "{ __typename }" }, accept, "wrong-key-for-status-0123456789");
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });
});

describe("persisted queries", () => {
  it("answer a miss with PERSISTED_QUERY_NOT_FOUND and 200, which Apollo's clients take as the sign to send the query", async () => {
    const query = "{ providers { id } }";
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    for (const accept of [MODERN, LEGACY]) {
      const miss = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "f".repeat(64) } } }, accept);
      expect(miss.status).toBe(200);
      expect(miss.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    }
    const registered = await post({ query, extensions }, MODERN);
    expect(registered.body.data).toEqual({ providers: [{ id: "shop-cscart" }] });
    const hit = await post({ extensions }, MODERN);
    expect(hit.status).toBe(200);
    expect(hit.body.data).toEqual({ providers: [{ id: "shop-cscart" }] });
  });
});

describe("answers with data", () => {
  it("are 200 for either media type, errors beside the data included", async () => {
    for (const accept of [MODERN, LEGACY]) {
      const partial = await post({ query: "{ orders(first: 1) { nodes { id email } } }" }, accept, READER_KEY);
      expect(partial.status).toBe(200);
      expect(partial.body.data).toBeTruthy();
      expect(partial.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });
});
