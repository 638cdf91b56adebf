/**
 * The merged connection as real clients page it, over HTTP: Apollo Client 4
 * (InMemoryCache with possibleTypes from introspection, relayStylePagination)
 * and urql with graphcache's relayPagination walk it with their own loops
 * and caches.
 * - While a background task inserts, deletes and restatuses orders in the
 *   emulators between pages (random change sequences, fast-check), every
 *   order that exists unchanged during the walk appears exactly once, in
 *   the pages and in the client's merged list.
 * - While providers fail and recover mid-walk, the walk ends with every
 *   order once, and no page ever sends the client back to the start: a page
 *   that says there is more always has a cursor that moves on, and a page
 *   left with only failed providers ends the loop until the client retries
 *   from its previous cursor.
 * - `first: 0` is an empty page that says there is nothing further; `after`
 *   with `before` gives the orders between the two edges (Relay's algorithm).
 * - A page after a cursor costs each provider one call, as the first page does.
 */
import { createHmac } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, type ObservableQuery } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";
import { Client, fetchExchange, mapExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrderControl } from "../../emulators/shared/order-control.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import {
  AbstractTypesDocument,
  ClientPageDocument,
  type ClientPageQuery,
  type ClientPageQueryVariables,
  OrdersPageDocument,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { ADMIN_KEY, startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

type Connection = ClientPageQuery["orders"];

let emulators: StartedEmulator[];
let server: TestServer;
let possibleTypes: Record<string, string[]>;
/** The range of the orders' creation times, for orders inserted during walks. */
let times: { min: number; max: number };

/** Shared by the servers of this file, as by replicas. */
const cursorSecret = "client-paging-cursor-secret-0123456789";

/**
 * An emulator's entry that reads every page afresh: a kind that keeps fetched
 * sets (a `setCacheTtlMs` option) keeps none, so a change shows on the next page.
 */
function freshEntry(emulator: StartedEmulator, resilience: Record<string, unknown> = {}): Record<string, unknown> {
  const entry = testEntry(emulator, resilience) as Record<string, unknown>;
  const fresh = { ...entry, setCacheTtlMs: 0 };
  const parsed = PROVIDER_DEFINITIONS.find((d) => d.configKind === entry.kind)?.schema.safeParse(fresh);
  return parsed?.success && "setCacheTtlMs" in (parsed.data as object) ? fresh : entry;
}

function controlOf(emulator: StartedEmulator): OrderControl {
  const control = emulator.server.control;
  if (!control) throw new Error(`the emulator of ${emulator.id} has no test-control hook`);
  return control;
}

beforeAll(async () => {
  emulators = await startEmulators({ size: 30 });
  server = await startTestServer({ providers: emulators.map((e) => freshEntry(e)), server: { cursorSecret } });
  // As a client generates them: the abstract types' members, from introspection.
  const types = (await server.run(AbstractTypesDocument, {})).data?.__schema.types ?? [];
  possibleTypes = Object.fromEntries(
    types.filter((t) => t.possibleTypes?.length).map((t) => [t.name, (t.possibleTypes ?? []).map((p) => p.name)]),
  );
  const all = await readAll({});
  const stamps = all.map((o) => Date.parse(o.createdAt ?? "")).filter((t) => Number.isFinite(t));
  times = { min: Math.min(...stamps), max: Math.max(...stamps) };
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** Every order of a query, read in pages of 250 while nothing changes. */
async function readAll(variables: Pick<ClientPageQueryVariables, "filter" | "sort">) {
  const nodes: Connection["edges"][number]["node"][] = [];
  let after: string | null | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const page = await server.run(ClientPageDocument, { ...variables, first: 250, after });
    expect(page.errors).toBeUndefined();
    const connection = page.data?.orders as Connection;
    nodes.push(...connection.edges.map((e) => e.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
  throw new Error("more than 50 pages");
}

/** One page as the client received it: the connection (null when the field failed) and the errors beside it. */
interface Received {
  connection: Connection | null;
  errors: unknown[];
}

/** A client library's loop: asks for the next page and tells what its cache holds. */
interface Walker {
  name: string;
  /** The first page (after null), or the page after a cursor, merged into the client's cache. */
  page(after: string | null): Promise<Received>;
  /** The connection as the client's cache holds it: every page so far, merged by the library. */
  merged(): Connection | null;
  close(): void;
}

const graphqlUrl = () => `${server.url}/graphql`;

function apolloWalker(variables: ClientPageQueryVariables): Walker {
  const client = new ApolloClient({
    link: new HttpLink({ uri: graphqlUrl(), headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
    cache: new InMemoryCache({
      possibleTypes,
      typePolicies: { Query: { fields: { orders: relayStylePagination(["filter", "sort"]) } } },
    }),
  });
  let query: ObservableQuery<ClientPageQuery, ClientPageQueryVariables> | undefined;
  const subscriptions: Array<{ unsubscribe(): void }> = [];
  // Apollo types results as possibly partial; this query's pages are whole or absent.
  const connectionOf = (data: unknown) => ((data as ClientPageQuery | undefined)?.orders as Connection | undefined) ?? null;
  return {
    name: "Apollo Client",
    async page(after) {
      if (!query) {
        // The first page: a watched query, as an app shows a list.
        const watched = client.watchQuery({ query: ClientPageDocument, variables, errorPolicy: "all" });
        query = watched;
        return new Promise<Received>((resolve, reject) => {
          subscriptions.push(
            watched.subscribe({
              next: (result) => {
                if (!result.loading) resolve({ connection: connectionOf(result.data), errors: result.error ? [result.error] : [] });
              },
              error: reject,
            }),
          );
        });
      }
      // Each further page: fetchMore, which the field policy merges into the list.
      const result = await query.fetchMore({ variables: { after }, errorPolicy: "all" });
      return { connection: connectionOf(result.data), errors: result.error ? [result.error] : [] };
    },
    // What the cache holds for the list, read through relayStylePagination's read function.
    merged: () => connectionOf(client.readQuery({ query: ClientPageDocument, variables })),
    close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      client.stop();
    },
  };
}

function urqlWalker(variables: ClientPageQueryVariables): Walker {
  let raw: Received | undefined;
  let merged: Connection | null = null;
  const client = new Client({
    url: graphqlUrl(),
    // POST: this file is about paging; GET and CSRF prevention are the server's own topic.
    preferGetMethod: false,
    fetchOptions: { headers: { authorization: `Bearer ${ADMIN_KEY}` } },
    exchanges: [
      cacheExchange({
        possibleTypes,
        keys: { OrderConnection: () => null, OrderEdge: () => null, PageInfo: () => null },
        resolvers: { Query: { orders: relayPagination() } },
      }),
      // Between the cache and the network: each page as it came, before graphcache merges it.
      mapExchange({
        onResult(result) {
          raw = { connection: (result.data as ClientPageQuery | undefined)?.orders ?? null, errors: result.error ? [result.error] : [] };
        },
      }),
      fetchExchange,
    ],
  });
  return {
    name: "urql graphcache",
    async page(after) {
      raw = undefined;
      // From the network each time, as a client that retries a page does; graphcache still answers its merged list.
      const result = await client
        .query(ClientPageDocument, after === null ? variables : { ...variables, after }, { requestPolicy: "network-only" })
        .toPromise();
      merged = (result.data?.orders as Connection | undefined) ?? merged;
      return raw ?? { connection: null, errors: [result.error] };
    },
    merged: () => merged,
    close() {},
  };
}

const WALKERS: Array<[string, (variables: ClientPageQueryVariables) => Walker]> = [
  ["Apollo Client's relayStylePagination", apolloWalker],
  ["urql graphcache's relayPagination", urqlWalker],
];

/**
 * Walks to the end as a client loop does: "while hasNextPage, after =
 * endCursor", calling `between` after each page. A page left without edges
 * because providers failed ends the loop; the client then retries later from
 * its previous cursor (`recover` runs first). Checks on every page that it
 * never sends the client back: more always comes with a new cursor, and the
 * client's merged list only grows.
 */
async function walk(
  walker: Walker,
  between: (page: number) => void,
  recover: () => void = () => {},
): Promise<{ pages: string[]; merged: string[]; emptyRetries: number }> {
  const pages: string[] = [];
  let after: string | null = null;
  let mergedLength = 0;
  let emptyRetries = 0;
  for (let page = 0; page < 300; page++) {
    const received = await walker.page(after);
    const connection = received.connection;
    if (connection) {
      pages.push(...connection.edges.map((e) => e.node.id));
      if (connection.pageInfo.hasNextPage) {
        expect(connection.pageInfo.endCursor, "a page with more has a cursor").toBeTruthy();
        expect(connection.pageInfo.endCursor, "the cursor moves on").not.toBe(after);
      }
      if (connection.edges.length === 0) expect(connection.pageInfo.hasNextPage).toBe(false);
      const merged = walker.merged()?.edges.length ?? 0;
      // A reset of the client's list (a page that sent it back to the start) would shrink it.
      expect(merged).toBeGreaterThanOrEqual(mergedLength);
      mergedLength = merged;
    }
    if (connection?.pageInfo.hasNextPage) {
      after = connection.pageInfo.endCursor as string;
      between(page);
      continue;
    }
    if (received.errors.length > 0) {
      // Nothing more could be read now: later, from the same cursor.
      emptyRetries += 1;
      recover();
      continue;
    }
    return { pages, merged: walker.merged()?.edges.map((e) => e.node.id) ?? [], emptyRetries };
  }
  throw new Error("the walk did not end");
}

/** How often each id occurs. */
function counts(ids: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return seen;
}

// First, while the data is as seeded: at the end of a provider's orders, a page may cost it one more call
// (descending, the orders without a time follow the narrowed set), and the walks below delete orders.
describe("the page after a cursor", () => {
  it("costs each provider one call, as the first page does (plus a session where a provider needs one)", async () => {
    const first = await server.run(OrdersPageDocument, { first: 20 });
    const after = first.data?.orders.pageInfo.endCursor;
    expect(after).toBeTruthy();
    // A fresh server (a replica sharing the cursor secret): no cache or kept read helps it.
    const fresh = await startTestServer({ providers: emulators.map((e) => freshEntry(e)), server: { cursorSecret } });
    try {
      const next = await fresh.run(OrdersPageDocument, { first: 20, after });
      expect(next.errors).toBeUndefined();
      expect(next.data?.orders.edges).toHaveLength(20);
      const calls = next.extensions.upstream?.providers ?? {};
      for (const connector of fresh.server.connectors.values()) {
        const session = connector.callBounds?.session ?? 0;
        expect(calls[connector.id]?.calls, connector.id).toBe(1 + session);
      }
    } finally {
      await fresh.close();
    }
  });
});

/** A change one provider's users make between two pages. */
interface Change {
  emulator: number;
  kind: "insert" | "remove" | "restatus";
  pick: number;
  choice: number;
  /** Where in the data's time range a new order is created (past its newest: a new order at the top). */
  when: number;
}

const changeArb: fc.Arbitrary<Change> = fc.record({
  emulator: fc.nat(),
  kind: fc.constantFrom("insert" as const, "remove" as const, "restatus" as const),
  pick: fc.nat(),
  choice: fc.nat(),
  when: fc.double({ min: 0, max: 1.2, noNaN: true }),
});

const walkArb = fc.record({
  changes: fc.array(fc.array(changeArb, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 12 }),
  pageSize: fc.integer({ min: 7, max: 30 }),
  ascending: fc.boolean(),
  // Half of the walks filter by status, so that a status change moves an order in or out.
  byStatus: fc.boolean(),
});

describe.each(WALKERS)("%s walks every order exactly once", (_name, makeWalker) => {
  it("while orders are inserted, deleted and restatused between pages", async () => {
    await fc.assert(
      fc.asyncProperty(walkArb, async (scenario) => {
        const variables: ClientPageQueryVariables = {
          first: scenario.pageSize,
          ...(scenario.ascending ? { sort: [{ field: "CREATED_AT" as const, direction: "ASC" as const }] } : {}),
          ...(scenario.byStatus
            ? { filter: { status: ["COMPLETED" as const, "PROCESSING" as const, "PENDING" as const, "SHIPPED" as const] } }
            : {}),
        };
        const initial = (await readAll({ filter: variables.filter, sort: variables.sort })).map((o) => o.id);
        const touched = new Set<string>();
        const between = (page: number) => {
          for (const change of scenario.changes[page] ?? []) {
            const emulator = emulators[change.emulator % emulators.length] as StartedEmulator;
            const control = controlOf(emulator);
            const at = new Date(times.min + change.when * (times.max - times.min));
            const nativeId =
              change.kind === "insert"
                ? control.insert(change.pick, at)
                : change.kind === "remove"
                  ? control.remove(change.pick)
                  : control.restatus(change.pick, change.choice);
            if (nativeId !== undefined) touched.add(encodeGlobalId("Order", emulator.id, nativeId));
          }
        };
        const walker = makeWalker(variables);
        try {
          const { pages, merged } = await walk(walker, between);
          const inPages = counts(pages);
          const inCache = counts(merged);
          const unchanged = initial.filter((id) => !touched.has(id));
          expect(unchanged.length).toBeGreaterThan(0);
          for (const id of unchanged) {
            expect(inPages.get(id), `${id} in the pages`).toBe(1);
            expect(inCache.get(id), `${id} in the client's list`).toBe(1);
          }
          // Only an order that changed during the walk may show twice.
          for (const [id, n] of inPages) if (n > 1) expect(touched.has(id), `${id} shown ${n} times`).toBe(true);
        } finally {
          walker.close();
        }
      }),
      { numRuns: 6 },
    );
  }, 240_000);
});

describe.each(WALKERS)("%s, while providers fail and recover mid-walk", (_name, makeWalker) => {
  let faulty: TestServer;
  let everything: string[];

  beforeAll(async () => {
    // Failures show at once: no retries, a breaker that stays closed.
    faulty = await startTestServer({
      providers: emulators.map((e) => freshEntry(e, { retries: 0, breakerFailures: 1000 })),
      server: { cursorSecret },
    });
    everything = (await readAll({})).map((o) => o.id);
  }, 60_000);

  afterAll(async () => {
    for (const emulator of emulators) emulator.server.faults = {};
    await faulty?.close();
  });

  it("ends with every order once, never sent back to the start", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Per page: which providers fail on the next one (a bit per provider; all of them fails the field).
        fc.array(fc.nat({ max: 31 }), { minLength: 2, maxLength: 10 }),
        fc.integer({ min: 10, max: 40 }),
        async (outages, pageSize) => {
          const failing = (mask: number) => {
            emulators.forEach((emulator, i) => {
              emulator.server.faults = mask & (1 << i) ? { error: { status: 503 } } : {};
            });
          };
          const recover = () => failing(0);
          const saved = server;
          server = faulty;
          const walker = makeWalker({ first: pageSize });
          try {
            failing(outages[0] ?? 0);
            const { pages, merged } = await walk(walker, (page) => failing(outages[page + 1] ?? 0), recover);
            expect([...pages].sort()).toEqual([...everything].sort());
            expect(new Set(pages).size).toBe(pages.length);
            expect([...merged].sort()).toEqual([...everything].sort());
          } finally {
            recover();
            walker.close();
            server = saved;
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 240_000);
});

describe("Relay's page arguments", () => {
  it("first: 0 answers an empty page that says there is nothing further", async () => {
    const page = await server.run(OrdersPageDocument, { first: 0 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.orders).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    // From a cursor too.
    const first = await server.run(OrdersPageDocument, { first: 3 });
    const after = await server.run(OrdersPageDocument, { first: 0, after: first.data?.orders.pageInfo.endCursor });
    expect(after.data?.orders.edges).toEqual([]);
    expect(after.data?.orders.pageInfo.hasNextPage).toBe(false);
  });

  it("after with before gives the orders between the two edges: the first of them with first, the last with last", async () => {
    const all = await server.run(OrdersPageDocument, { first: 60 });
    const edges = all.data?.orders.edges ?? [];
    expect(edges.length).toBe(60);
    const after = edges[9]?.cursor;
    const before = edges[40]?.cursor;
    const between = edges.slice(10, 40).map((e) => e.node.id);
    const firstPage = await server.run(OrdersPageDocument, { first: 12, after, before });
    expect(firstPage.errors).toBeUndefined();
    expect(firstPage.data?.orders.edges.map((e) => e.node.id)).toEqual(between.slice(0, 12));
    expect(firstPage.data?.orders.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const lastPage = await server.run(OrdersPageDocument, { last: 12, after, before });
    expect(lastPage.data?.orders.edges.map((e) => e.node.id)).toEqual(between.slice(-12));
    expect(lastPage.data?.orders.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // All of them, and no more: the page ends at before.
    const whole = await server.run(OrdersPageDocument, { first: 100, after, before });
    expect(whole.data?.orders.edges.map((e) => e.node.id)).toEqual(between);
    expect(whole.data?.orders.pageInfo.hasNextPage).toBe(false);
    // Before without after, with first: the first orders before the edge.
    const head = await server.run(OrdersPageDocument, { first: 5, before });
    expect(head.data?.orders.edges.map((e) => e.node.id)).toEqual(edges.slice(0, 5).map((e) => e.node.id));
  });

  it("answers a cursor of the previous format (offsets) with BAD_USER_INPUT asking to start again", async () => {
    // A version 2 cursor as this server signed them before the upgrade (same secret): its signature holds.
    const body = JSON.stringify({ v: 2, q: "x", o: emulators[0]?.id, i: 4, r: {} });
    const signature = createHmac("sha256", cursorSecret).update(body).digest("base64url").slice(0, 22);
    const page = await server.run(OrdersPageDocument, { first: 5, after: Buffer.from(`${body}.${signature}`).toString("base64url") });
    expect(page.data).toBeNull();
    expect(page.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(page.errors?.[0]?.message).toMatch(/earlier version of ordergraph.*start again from the first page/);
  });
});
