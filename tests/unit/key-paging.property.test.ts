/**
 * Paging with key cursors against in-memory providers whose orders change
 * between pages, in every way a provider can read (narrowing its filter to
 * the orders after a key, reading around the last position and realigning,
 * with a residual filter, from a fetched set, over a full read sorted here),
 * lazily decoded or not, with ties and orders without a sort value:
 * - every order that exists unchanged during a walk appears exactly once,
 *   forward and backward, whatever is inserted, deleted or changed;
 * - providers that fail on some pages lose nothing: their orders come later,
 *   and a page with no edges ends the walk until the client retries from its
 *   previous cursor;
 * - `after` with `before` gives exactly the orders between the two edges.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCursorKey } from "../../src/engine/cursor.ts";
import { type EngineLimits, type OrderPage, queryOrders } from "../../src/engine/order-query.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, ListRequest, OrderFilter, QueryPlan, SortKey } from "../../src/providers/core/connector.ts";
import { LazyRows, lazyListResult } from "../../src/providers/core/lazy-rows.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { testOrder } from "../helpers/order-record.ts";

/** How a fake provider reads. */
type Mode = "narrowing" | "realign" | "residual" | "fetched" | "full";
const MODES: Mode[] = ["narrowing", "realign", "residual", "fetched", "full"];

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

interface Fake {
  connector: Connector;
  /** The live store: the test changes it between pages. */
  rows: OrderRecord[];
  calls: ListRequest[];
  /** Set to make every call fail (PROVIDER_UNAVAILABLE) until cleared. */
  down: boolean;
}

function order(provider: string, id: number, day: number | null, amount: number, status: "COMPLETED" | "PENDING"): OrderRecord {
  return testOrder({
    provider,
    nativeId: String(id),
    status,
    createdAt: day === null ? null : new Date(BASE + day * DAY),
    total: { amount: `${amount}.00`, currency: "EUR" },
  });
}

function fakeProvider(id: string, mode: Mode, lazy: boolean, rows: OrderRecord[]): Fake {
  const fake: Fake = { rows, calls: [], down: false, connector: undefined as unknown as Connector };
  fake.connector = {
    id,
    name: id,
    kind: "EMNIFY",
    maxPageSize: 7,
    capabilities: {
      filters: [],
      sorts: [
        { field: "CREATED_AT", supported: true, native: mode !== "full" },
        { field: "TOTAL", supported: true, native: mode !== "full" },
      ],
      writes: [],
      count: mode === "fetched" ? "FETCHED_SET" : "NATIVE",
    },
    plan(filter: OrderFilter, sort: SortKey): QueryPlan {
      const native: OrderFilter = {};
      const residual: OrderFilter = {};
      // Only some providers filter on the time natively; the others leave it to the engine.
      if (filter.createdAt) {
        if (mode === "narrowing" || mode === "fetched") native.createdAt = filter.createdAt;
        else residual.createdAt = filter.createdAt;
      }
      if (filter.status) {
        if (mode === "residual") residual.status = filter.status;
        else native.status = filter.status;
      }
      if (filter.total) residual.total = filter.total;
      return { native, residual, sortNative: mode !== "full" && (sort.field === "CREATED_AT" || sort.field === "TOTAL") };
    },
    async list(request) {
      fake.calls.push(request);
      if (fake.down) throw new UpstreamError("PROVIDER_UNAVAILABLE", id, `provider ${id} is down`);
      let matching = fake.rows.filter((row) => matchesFilter(row, request.filter));
      if (request.sort) matching = matching.sort(orderComparator([request.sort]));
      const window = matching.slice(request.offset, request.offset + request.limit);
      const end = request.offset + window.length >= matching.length;
      const decoded = LazyRows.of(window, (row) => row as OrderRecord);
      return lazy ? lazyListResult(decoded, matching.length, end) : { rows: [...window], total: matching.length, end };
    },
    getMany: async () => new Map(),
    isValidNativeId: () => true,
    close: async () => {},
  };
  return fake;
}

const limits: EngineLimits = { defaultPageSize: 50, maxPageSize: 250, scanLimit: 5_000, cursorKey: createCursorKey() };

/** A change between two pages, in terms of the random numbers that pick its target and values. */
type Change =
  | { kind: "insert"; provider: number; day: number | null; amount: number; pending: boolean }
  | { kind: "delete"; provider: number; pick: number }
  | { kind: "move"; provider: number; pick: number; day: number | null; amount: number }
  | { kind: "status"; provider: number; pick: number };

const dayArb = fc.option(fc.integer({ min: 0, max: 12 }), { nil: null, freq: 8 });
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    provider: fc.nat(),
    day: dayArb,
    amount: fc.integer({ min: 1, max: 9 }),
    pending: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("delete" as const), provider: fc.nat(), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("move" as const),
    provider: fc.nat(),
    pick: fc.nat(),
    day: dayArb,
    amount: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({ kind: fc.constant("status" as const), provider: fc.nat(), pick: fc.nat() }),
);

const scenarioArb = fc.record({
  providers: fc.array(
    fc.record({
      mode: fc.constantFrom(...MODES),
      lazy: fc.boolean(),
      orders: fc.array(fc.record({ day: dayArb, amount: fc.integer({ min: 1, max: 9 }), pending: fc.boolean() }), { maxLength: 30 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  sort: fc.constantFrom<SortKey>(
    { field: "CREATED_AT", direction: "DESC" },
    { field: "CREATED_AT", direction: "ASC" },
    { field: "TOTAL", direction: "DESC" },
    { field: "TOTAL", direction: "ASC" },
  ),
  onlyCompleted: fc.boolean(),
  pageSize: fc.integer({ min: 1, max: 6 }),
  changes: fc.array(fc.array(changeArb, { maxLength: 4 }), { maxLength: 12 }),
  /** Pages (attempts) on which a provider fails: [attempt, provider]. */
  faults: fc.array(fc.tuple(fc.nat({ max: 15 }), fc.nat()), { maxLength: 4 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  let nextId = 1;
  const fakes = s.providers.map((p, i) =>
    fakeProvider(
      `p${i}`,
      p.mode,
      p.lazy,
      p.orders.map((o) => order(`p${i}`, nextId++, o.day, o.amount, o.pending ? "PENDING" : "COMPLETED")),
    ),
  );
  const touched = new Set<string>();
  const name = (row: OrderRecord) => `${row.provider}:${row.nativeId}`;
  const apply = (change: Change) => {
    const fake = fakes[change.provider % fakes.length] as Fake;
    const provider = fake.connector.id;
    if (change.kind === "insert") {
      const row = order(provider, nextId++, change.day, change.amount, change.pending ? "PENDING" : "COMPLETED");
      touched.add(name(row));
      fake.rows.push(row);
      return;
    }
    if (fake.rows.length === 0) return;
    const at = change.pick % fake.rows.length;
    const row = fake.rows[at] as OrderRecord;
    touched.add(name(row));
    if (change.kind === "delete") fake.rows.splice(at, 1);
    else if (change.kind === "move")
      fake.rows[at] = order(provider, Number(row.nativeId), change.day, change.amount, row.status as "COMPLETED");
    else fake.rows[at] = { ...row, status: row.status === "COMPLETED" ? "PENDING" : "COMPLETED" };
  };
  const filter: OrderFilter = s.onlyCompleted ? { status: ["COMPLETED"] } : {};
  const matching = () =>
    fakes
      .flatMap((f) => f.rows)
      .filter((row) => matchesFilter(row, filter))
      .sort(orderComparator([s.sort]))
      .map(name);
  return { fakes, touched, apply, filter, matching, name };
}

/**
 * Walks the connection to its end as a client loop does, changing the stores
 * between pages and failing providers on the scenario's attempts. A page with
 * no edges ends the loop; while errors remain, the client retries later from
 * its previous cursor (here: at once, the fault cleared).
 */
async function walk(s: Scenario, backward: boolean) {
  const world = build(s);
  const connectors = world.fakes.map((f) => f.connector);
  const seen: string[] = [];
  let cursor: string | null = null;
  let changes = 0;
  let attempt = 0;
  for (let guard = 0; guard < 400; guard++, attempt++) {
    for (const [index, fake] of world.fakes.entries())
      fake.down = s.faults.some(([a, p]) => a === attempt && p % world.fakes.length === index);
    let page: OrderPage;
    try {
      page = await queryOrders(
        backward
          ? { last: s.pageSize, before: cursor, filter: world.filter, sort: [s.sort], connectors }
          : { first: s.pageSize, after: cursor, filter: world.filter, sort: [s.sort], connectors },
        standaloneCall(),
        limits,
      );
    } catch (error) {
      // Every provider failed: the field fails; the client tries again from the same cursor.
      expect(error).toBeInstanceOf(UpstreamError);
      continue;
    }
    const ids = page.edges.map((e) => world.name(e.node));
    seen.push(...(backward ? [...ids].reverse() : ids));
    const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (more) {
      // A page that says there is more always has a cursor that moves on.
      const next = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
      expect(next).not.toBeNull();
      expect(next).not.toBe(cursor);
      cursor = next;
    } else if (page.problems.some((p) => p instanceof UpstreamError)) {
      // Some provider failed and nothing else is left: an empty page; retry later from the same cursor.
      expect(page.edges).toEqual([]);
      continue;
    } else {
      return { world, seen };
    }
    for (const change of s.changes[changes++] ?? []) world.apply(change);
  }
  throw new Error("the walk did not end");
}

function checkExactlyOnce(world: ReturnType<typeof build>, initial: string[], seen: string[]) {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const id of initial) {
    if (world.touched.has(id)) continue;
    expect(counts.get(id), `${id} (unchanged) in ${seen.join(" ")}`).toBe(1);
  }
  // An order shown twice can only be one that changed during the walk.
  for (const [id, count] of counts) if (count > 1) expect(world.touched.has(id), `${id} shown ${count} times`).toBe(true);
}

describe("paging with key cursors while orders change", () => {
  it("shows every order that exists unchanged during a forward walk exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const initial = build(s).matching();
        const { world, seen } = await walk(s, false);
        checkExactlyOnce(world, initial, seen);
      }),
      { numRuns: 400 },
    );
  });

  it("shows every order that exists unchanged during a backward walk exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const initial = build(s).matching();
        const { world, seen } = await walk(s, true);
        checkExactlyOnce(world, initial, seen);
      }),
      { numRuns: 250 },
    );
  });

  it("walks without changes or faults give exactly the sorted orders, forward and backward", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (raw) => {
        const s = { ...raw, changes: [], faults: [] };
        const expected = build(s).matching();
        expect((await walk(s, false)).seen).toEqual(expected);
        expect((await walk(s, true)).seen).toEqual([...expected].reverse());
      }),
      { numRuns: 200 },
    );
  });
});

describe("after with before (Relay's algorithm)", () => {
  it("answers exactly the orders between the two edges: the first of them with first, the last with last", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 8 }), async (raw, a, b, n) => {
        const s = { ...raw, changes: [], faults: [] };
        const world = build(s);
        const connectors = world.fakes.map((f) => f.connector);
        const all = await queryOrders({ first: 250, filter: world.filter, sort: [s.sort], connectors }, standaloneCall(), limits);
        fc.pre(all.edges.length >= 2);
        const [i, j] = [a % all.edges.length, b % all.edges.length].sort((x, y) => x - y) as [number, number];
        const after = all.edges[i]?.cursor as string;
        const before = all.edges[j]?.cursor as string;
        const between = all.edges.slice(i + 1, j).map((e) => world.name(e.node));
        const run = (args: { first?: number; last?: number }) =>
          queryOrders({ ...args, after, before, filter: world.filter, sort: [s.sort], connectors }, standaloneCall(), limits);
        const forward = await run({ first: n });
        expect(forward.edges.map((e) => world.name(e.node))).toEqual(between.slice(0, n));
        expect(forward.pageInfo.hasNextPage).toBe(forward.edges.length > 0 && between.length > n);
        const backward = await run({ last: n });
        expect(backward.edges.map((e) => world.name(e.node))).toEqual(between.slice(Math.max(0, between.length - n)));
        expect(backward.pageInfo.hasPreviousPage).toBe(backward.edges.length > 0 && between.length > n);
      }),
      { numRuns: 200 },
    );
  });
});

describe("pages without edges", () => {
  const rows = (provider: string) => Array.from({ length: 12 }, (_, i) => order(provider, i + 1, i, i + 1, "COMPLETED"));
  const sort: SortKey[] = [{ field: "CREATED_AT", direction: "DESC" }];

  it("first: 0 answers an empty page that says there is nothing further, and calls nobody", async () => {
    const fake = fakeProvider("a", "narrowing", true, rows("a"));
    const page = await queryOrders({ first: 0, filter: {}, sort, connectors: [fake.connector] }, standaloneCall(), limits);
    expect(page.edges).toEqual([]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    expect(fake.calls).toEqual([]);
    // totalCount is still answered when asked for.
    expect(await page.totalCount()).toBe(12);
  });

  it("a page where only failed providers are left says hasNextPage false; the previous cursor then resumes them", async () => {
    const healthy = fakeProvider("a", "narrowing", true, rows("a").slice(0, 3));
    const failing = fakeProvider("b", "realign", true, rows("b"));
    const connectors = [healthy.connector, failing.connector];
    const first = await queryOrders({ first: 4, filter: {}, sort, connectors }, standaloneCall(), limits);
    expect(first.pageInfo.hasNextPage).toBe(true);
    failing.down = true;
    const second = await queryOrders({ first: 4, after: first.pageInfo.endCursor, filter: {}, sort, connectors }, standaloneCall(), limits);
    // a's last order and nothing of b: still more (b failed), with a cursor that moves on.
    expect(second.problems).toHaveLength(1);
    const third = await queryOrders({ first: 4, after: second.pageInfo.endCursor, filter: {}, sort, connectors }, standaloneCall(), limits);
    expect(third.edges).toEqual([]);
    expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false, endCursor: null });
    expect(third.problems.map((p) => (p as UpstreamError).code)).toEqual(["PROVIDER_UNAVAILABLE"]);
    // Later, from the same cursor: b's orders from where it stood, all of them, once.
    failing.down = false;
    const seen = [...first.edges, ...second.edges].map((e) => `${e.node.provider}:${e.node.nativeId}`);
    let after = second.pageInfo.endCursor;
    for (let guard = 0; guard < 20 && after; guard++) {
      const page = await queryOrders({ first: 4, after, filter: {}, sort, connectors }, standaloneCall(), limits);
      seen.push(...page.edges.map((e) => `${e.node.provider}:${e.node.nativeId}`));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    const everything = [...healthy.rows, ...failing.rows].sort(orderComparator(sort)).map((r) => `${r.provider}:${r.nativeId}`);
    expect([...seen].sort()).toEqual([...everything].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe("reads after a key", () => {
  const sort: SortKey[] = [{ field: "CREATED_AT", direction: "DESC" }];

  it("narrow the provider's filter to the orders up to the key where it filters on the sort field, and read on to the orders without a time", async () => {
    const rows = [...Array.from({ length: 10 }, (_, i) => order("a", i + 1, i, 1, "COMPLETED")), order("a", 11, null, 1, "COMPLETED")];
    const fake = fakeProvider("a", "narrowing", true, rows);
    const first = await queryOrders({ first: 4, filter: {}, sort, connectors: [fake.connector] }, standaloneCall(), limits);
    fake.calls.length = 0;
    const second = await queryOrders(
      { first: 20, after: first.pageInfo.endCursor, filter: {}, sort, connectors: [fake.connector] },
      standaloneCall(),
      limits,
    );
    expect(second.edges.map((e) => e.node.nativeId)).toEqual(["6", "5", "4", "3", "2", "1", "11"]);
    // The first call asks for the orders up to the last one shown (day 6), inclusive; the one without a time comes after.
    expect(fake.calls[0]?.filter).toEqual({ createdAt: { to: new Date(BASE + 6 * DAY) } });
    expect(fake.calls[0]?.offset).toBe(0);
    expect(fake.calls.at(-1)?.filter).toEqual({});
  });

  it("read around the hint where the provider cannot filter on the sort field: one window, at the last position", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => order("a", i + 1, i, 1, "COMPLETED"));
    const fake = fakeProvider("a", "realign", true, rows);
    const first = await queryOrders({ first: 5, filter: {}, sort, connectors: [fake.connector] }, standaloneCall(), limits);
    fake.calls.length = 0;
    const second = await queryOrders(
      { first: 5, after: first.pageInfo.endCursor, filter: {}, sort, connectors: [fake.connector] },
      standaloneCall(),
      limits,
    );
    expect(second.edges.map((e) => e.node.nativeId)).toEqual(["25", "24", "23", "22", "21"]);
    expect(fake.calls).toEqual([{ filter: {}, sort: sort[0], offset: 4, limit: 7, sparse: false }]);
    // Three orders inserted before the position: the read looks on and still continues after the last order shown.
    rows.push(order("a", 31, 40, 1, "COMPLETED"), order("a", 32, 41, 1, "COMPLETED"), order("a", 33, 42, 1, "COMPLETED"));
    const third = await queryOrders(
      { first: 5, after: second.pageInfo.endCursor, filter: {}, sort, connectors: [fake.connector] },
      standaloneCall(),
      limits,
    );
    expect(third.edges.map((e) => e.node.nativeId)).toEqual(["20", "19", "18", "17", "16"]);
  });
});
