/**
 * Real GraphQL clients, each with its defaults and nothing but the key added:
 * urql (@urql/core 6 sends queries as GET), Apollo Client 4 and
 * graphql-request (POST). Each reads a page, runs a mutation and gets the
 * code of a request error. A GET with the key needs no CSRF preflight header.
 */
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache } from "@apollo/client";
import { Client, cacheExchange, fetchExchange } from "@urql/core";
import { parse } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulator: CsCartEmulator;
let server: TestServer;
let url: string;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 10 });
  server = await startTestServer({ definitions: [csCartDefinition as unknown as ProviderDefinition], providers: [csCartEntry(emulator)] });
  url = `${server.url}/graphql`;
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const PAGE = parse("query Page { orders(first: 3) { nodes { id number status } } }");
const INVALID = parse("query Invalid { orders(first: 3) { nodes { noSuchField } } }");
const WRITE = parse(
  'mutation Write($id: ID!) { setOrderVendorReference(input: { orderId: $id, vendorReference: "REF-1" }) { order { id vendorReference } userErrors { code } } }',
);

interface PageData {
  orders: { nodes: Array<{ id: string; number: string; status: string }> };
}

/** What each client sent: method, and whether it sent a CSRF preflight header. */
interface Sent {
  method: string;
  preflightHeader: boolean;
}

/** The global fetch, recording each request's method and headers (it changes nothing of what is sent). */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      preflightHeader: request.headers.has("apollo-require-preflight") || request.headers.has("x-apollo-operation-name"),
    });
    return fetch(request);
  };
}

/** The page as ordergraph answers it to a plain POST. */
async function expectedPage(): Promise<PageData> {
  return (await server.client().request<PageData>(PAGE)) as PageData;
}

describe("urql (@urql/core 6) with its defaults", () => {
  const sent: Sent[] = [];
  const client = () =>
    new Client({
      url,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${ADMIN_KEY}` } },
      fetch: recordingFetch(sent),
    });

  it("runs a query, which it sends as GET without a preflight header", async () => {
    const result = await client().query<PageData>(PAGE, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.orders.nodes).toHaveLength(3);
    expect(result.data?.orders.nodes.map((n) => n.id)).toEqual((await expectedPage()).orders.nodes.map((n) => n.id));
    expect(sent.at(-1)).toEqual({ method: "GET", preflightHeader: false });
  });

  it("runs a mutation (as POST)", async () => {
    const id = (await expectedPage()).orders.nodes[0]?.id as string;
    const result = await client().mutation(WRITE, { id }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.setOrderVendorReference).toMatchObject({ order: { id, vendorReference: "REF-1" }, userErrors: [] });
    expect(sent.at(-1)?.method).toBe("POST");
  });

  it("reads the code of a request error", async () => {
    const result = await client().query(INVALID, {}).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(sent.at(-1)?.method).toBe("GET");
  });
});

describe("Apollo Client 4 with its defaults", () => {
  const sent: Sent[] = [];
  const client = () =>
    new ApolloClient({
      link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${ADMIN_KEY}` }, fetch: recordingFetch(sent) }),
      cache: new InMemoryCache(),
    });

  it("runs a query and a mutation", async () => {
    const apollo = client();
    const page = await apollo.query<PageData>({ query: PAGE });
    const expected = await expectedPage();
    expect(page.data?.orders.nodes.map(({ id, number, status }) => ({ id, number, status }))).toEqual(expected.orders.nodes);
    expect(sent.at(-1)).toEqual({ method: "POST", preflightHeader: false });
    const id = expected.orders.nodes[1]?.id as string;
    const written = await apollo.mutate({ mutation: WRITE, variables: { id } });
    expect(written.data).toMatchObject({ setOrderVendorReference: { order: { id, vendorReference: "REF-1" }, userErrors: [] } });
  });

  it("rejects a request error with its code", async () => {
    const error = await client()
      .query({ query: INVALID })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect((error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("graphql-request with its defaults", () => {
  const client = () => new GraphQLClient(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });

  it("runs a query", async () => {
    const page = await client().request<PageData>(PAGE);
    expect(page.orders.nodes).toHaveLength(3);
  });

  it("throws a request error with its code", async () => {
    const error = await client()
      .request(INVALID)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});
