/**
 * Partial, never silent: when one provider fails, a merged page answers with
 * the other providers' orders plus an error naming the failed provider (with
 * its code), and the page's cursor lets the next page read that provider from
 * where it stood, so paging on loses none of its orders. A malformed order is
 * an error for that order; its page still answers. A transient fault that the
 * default retries absorb leaves no trace at all: every order, no error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import type { IterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import type { FaultSettings } from "../../emulators/shared/emulator-http.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import {
  OrdersCountDocument,
  OrdersPageDocument,
  type OrdersPageQuery,
  type OrdersPageQueryVariables,
} from "../../src/generated/client/graphql.ts";
import { decodeGlobalId } from "../../src/graph/global-id.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

let emulators: StartedEmulator[];
let server: TestServer;
/** Every order id of the merged connection, newest first, read while all providers are healthy. */
let everything: string[];

const providerOf = (id: string) => decodeGlobalId(id)?.provider as string;
const nativeIdOf = (id: string) => decodeGlobalId(id)?.nativeId as string;
const KINDS = PROVIDER_DEFINITIONS.map((d) => d.configKind);

type GraphQLError = NonNullable<Awaited<ReturnType<TestServer["run"]>>["errors"]>[number];

async function readAll(
  pageSize: number,
  onPage?: (index: number) => void,
  target: TestServer = server,
): Promise<{ ids: string[]; errors: GraphQLError[] }> {
  const ids: string[] = [];
  const errors: GraphQLError[] = [];
  let after: string | null | undefined = null;
  for (let index = 0; index < 100; index += 1) {
    onPage?.(index);
    const page: Awaited<ReturnType<typeof server.run<OrdersPageQuery, OrdersPageQueryVariables>>> = await target.run(OrdersPageDocument, {
      first: pageSize,
      after,
    });
    errors.push(...(page.errors ?? []));
    const connection = page.data?.orders;
    if (!connection) throw new Error(`no data: ${JSON.stringify(page.errors)}`);
    ids.push(...connection.edges.map((e) => e.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { ids, errors };
}

beforeAll(async () => {
  emulators = await startEmulators({ size: 25 });
  server = await startTestServer({
    // Quick failures for the test: no retries, a short call timeout, a breaker that stays closed.
    providers: emulators.map((e) => ({
      ...testEntry(e, { retries: 0, breakerFailures: 1000 }),
      timeoutMs: 300,
      // A provider that keeps fetched answers (Iteras' sets) is told not to: every page must reach the emulator.
      ...e.uncached,
    })),
  });
  everything = (await readAll(250)).ids;
}, 60_000);

afterEach(() => {
  for (const emulator of emulators) emulator.server.faults = {};
});

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

const FAULTS: Array<[string, FaultSettings, string]> = [
  ["a 503", { error: { status: 503 } }, "PROVIDER_UNAVAILABLE"],
  ["a 429", { status429: { retryAfterSeconds: 60 } }, "PROVIDER_RATE_LIMITED"],
  ["no answer in time", { latencyMs: 1_000 }, "PROVIDER_TIMEOUT"],
  ["a body of the wrong shape", { wrongShape: true }, "UPSTREAM_INVALID_RESPONSE"],
];

describe("a provider that fails", () => {
  for (const kind of KINDS) {
    for (const [what, faults, code] of FAULTS) {
      it(`${kind}, ${what}: the others' orders plus ${code} naming it, and paging on loses nothing`, async () => {
        const failing = emulators.find((e) => e.kind === kind) as StartedEmulator;
        // The first page is read while the provider fails; the rest after it recovers.
        const { ids, errors } = await readAll(10, (index) => {
          failing.server.faults = index === 0 ? { ...faults } : {};
        });
        expect(errors).toContainEqual(
          expect.objectContaining({ path: ["orders"], extensions: expect.objectContaining({ code, provider: failing.id }) }),
        );
        expect(ids.slice(0, 10).some((id) => providerOf(id) === failing.id)).toBe(false);
        expect(ids.slice(0, 10)).toHaveLength(10);
        // Every order exactly once: the failed provider's orders come on later pages.
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...everything].sort());
      });
    }
  }

  it("answers totalCount as null (unknown) on a page that lacks a provider", async () => {
    const failing = emulators.find((e) => e.kind === "djangoshop") as StartedEmulator;
    failing.server.faults = { error: { status: 503 } };
    const page = await server.run(OrdersCountDocument, {});
    expect(page.data?.orders.totalCount).toBeNull();
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: "PROVIDER_UNAVAILABLE", provider: failing.id });
  });

  it("fails the field when every provider fails", async () => {
    for (const emulator of emulators) emulator.server.faults = { error: { status: 503 } };
    const page = await server.run(OrdersPageDocument, { first: 5 });
    expect(page.data).toBeNull();
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
  });
});

describe("a malformed order", () => {
  it("is an error for that order; its page and the others still answer", async () => {
    const cscart = emulators.find((e) => e.kind === "cscart") as StartedEmulator;
    const store = (cscart.server as CsCartEmulator).orders;
    const victim = store.find((o) => o.status !== "N") as (typeof store)[number];
    const before = victim.status;
    // CS-Cart's status is a one- or two-letter code: an empty one fails the row's schema.
    (victim as { status: string }).status = "";
    try {
      const { ids, errors } = await readAll(250);
      expect(errors).toContainEqual(
        expect.objectContaining({
          path: ["orders"],
          message: expect.stringContaining(`order ${victim.order_id}`),
          extensions: expect.objectContaining({ code: "UPSTREAM_INVALID_RESPONSE", provider: cscart.id }),
        }),
      );
      const missing = everything.filter((id) => !ids.includes(id));
      expect(missing.map((id) => decodeGlobalId(id)?.nativeId)).toEqual([String(victim.order_id)]);
    } finally {
      victim.status = before;
    }
  });
});

describe("a malformed Iteras order", () => {
  it("is one error naming Iteras; the merged page still answers with Iteras' other orders, and paging on loses nothing", async () => {
    const iteras = emulators.find((e) => e.kind === "iteras") as StartedEmulator;
    const store = (iteras.server as IterasEmulator).orders;
    const victim = store.find((o) => o.id !== undefined) as (typeof store)[number];
    const before = victim.status;
    // An Iteras status is a non-empty text: a number fails the row's schema, not the list's.
    (victim as { status: unknown }).status = 42;
    try {
      const about = (error: GraphQLError) =>
        expect(error).toMatchObject({
          path: ["orders"],
          message: expect.stringContaining(`order ${victim.id}`),
          extensions: expect.objectContaining({ code: "UPSTREAM_INVALID_RESPONSE", provider: iteras.id }),
        });
      const isVictim = (id: string) => providerOf(id) === iteras.id && nativeIdOf(id) === String(victim.id);
      const itsOrders = everything.filter((id) => providerOf(id) === iteras.id && !isVictim(id));
      expect(itsOrders.length).toBeGreaterThan(10);

      // One merged page of every provider: all of Iteras' other orders, the bad one as one error.
      const page = await server.run(OrdersPageDocument, { first: 250 });
      const ids = page.data?.orders.edges.map((e) => e.node.id) ?? [];
      expect(page.errors).toHaveLength(1);
      about(page.errors?.[0] as GraphQLError);
      expect(ids).toEqual(everything.filter((id) => !isVictim(id)));

      // Paging on in small pages: every other order exactly once, and only the bad order reported.
      const paged = await readAll(10);
      expect(new Set(paged.ids).size).toBe(paged.ids.length);
      expect(paged.ids).toEqual(everything.filter((id) => !isVictim(id)));
      expect(paged.errors.length).toBeGreaterThan(0);
      for (const error of paged.errors) about(error);
    } finally {
      victim.status = before;
    }
  });
});

describe("a transient fault under the default retries", () => {
  let retrying: TestServer;
  /** Calls each emulator gets for one healthy walk in pages of 10 (by kind). */
  const healthyCalls = new Map<string, number>();

  const walk = async () => {
    const marks = emulators.map((e) => e.server.requests.length);
    const result = await readAll(10, undefined, retrying);
    return { ...result, calls: new Map(emulators.map((e, i) => [e.kind, e.server.requests.length - (marks[i] as number)])) };
  };

  beforeAll(async () => {
    retrying = await startTestServer({
      // The default upstream policy (retries, backoff, breaker): only a provider's own answer keeping (Iteras' sets) is off,
      // so every page reaches it.
      providers: emulators.map((e) => ({ ...testEntry(e), ...e.uncached })),
    });
    // The first walk also logs in where a provider needs it; the second is the healthy count.
    await walk();
    const healthy = await walk();
    expect(healthy.errors).toEqual([]);
    expect(healthy.ids).toEqual(everything);
    for (const [kind, calls] of healthy.calls) healthyCalls.set(kind, calls);
  }, 60_000);

  afterAll(async () => {
    await retrying?.close();
  });

  for (const kind of KINDS) {
    it(`${kind}, two 503s in a row: paging through the merged list yields every order exactly once, without any error`, async () => {
      const failing = emulators.find((e) => e.kind === kind) as StartedEmulator;
      failing.server.faults = { error: { status: 503, times: 2 } };
      const { ids, errors, calls } = await walk();
      expect(errors).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(everything);
      // The faults were met, both of them, and each failed call was made again.
      expect(failing.server.faults.error?.times).toBe(0);
      expect(calls.get(kind)).toBe((healthyCalls.get(kind) as number) + 2);
      for (const other of emulators.filter((e) => e !== failing)) expect(calls.get(other.kind)).toBe(healthyCalls.get(other.kind));
    });
  }
});
