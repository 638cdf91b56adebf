/**
 * The heart of the engine, checked by property: for random filters, sorts,
 * page sizes and provider sets, paging forward (and backward) through the
 * merged connection over real HTTP gives exactly the sequence obtained by
 * filtering and sorting the union of every provider's orders directly, with no
 * gap and no duplicate, and totalCount is equal or null.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { OrdersCountDocument, OrdersPageDocument, type OrdersPageQueryVariables } from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import { ORDER_STATUSES, type OrderRecord, type PaymentStatus } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

let emulators: StartedEmulator[];
let server: TestServer;
/** Every order of every provider, read through each connector with no filter but "any status". */
let universe: OrderRecord[];
const connectors = () => [...server.server.connectors.values()];

async function readEverything(connector: Connector): Promise<OrderRecord[]> {
  // Asking for every status makes providers that hide some by default (CS-Cart's N) show them too.
  const plan = connector.plan({ status: [...ORDER_STATUSES] }, { field: "CREATED_AT", direction: "DESC" });
  const rows: OrderRecord[] = [];
  for (let offset = 0; ; offset += connector.maxPageSize) {
    const page = await connector.list({ filter: plan.native, sort: null, offset, limit: connector.maxPageSize }, standaloneCall());
    rows.push(...page.rows.filter((row) => matchesFilter(row, plan.residual)));
    if (page.end || page.rows.length < connector.maxPageSize) return rows;
  }
}

beforeAll(async () => {
  emulators = await startEmulators({ size: 60 });
  // Hundreds of runs read emnify far more than its 100 calls per 5 minutes (see testEntry).
  server = await startTestServer({
    providers: emulators.map((e) => testEntry(e)),
  });
  universe = (await Promise.all(connectors().map(readEverything))).flat();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** CS-Cart shows incomplete (N) orders only when they are asked for. */
function visible(order: OrderRecord, filter: OrderFilter): boolean {
  if (order.kind !== "CSCART" || order.nativeStatus.code !== "N") return true;
  return Boolean(filter.status?.includes("DRAFT") || filter.nativeStatus?.includes("N"));
}

interface Scenario {
  providers: string[];
  filter: OrderFilter;
  sort: SortKey;
  pageSize: number;
}

const PAYMENTS: PaymentStatus[] = ["UNPAID", "PARTIALLY_PAID", "PAID", "FAILED", "REFUNDED", "UNKNOWN"];
const DAY = 86_400_000;

function scenario(): fc.Arbitrary<Scenario> {
  const ids = connectors().map((c) => c.id);
  const times = universe.map((o) => o.createdAt?.getTime()).filter((t): t is number => t !== undefined);
  const [minTime, maxTime] = [Math.min(...times), Math.max(...times)];
  return fc
    .record({
      providers: fc.subarray(ids, { minLength: 1 }),
      // Each filter is absent half of the time, and wide when present, so most scenarios span several pages.
      status: fc.option(fc.subarray([...ORDER_STATUSES], { minLength: 4, maxLength: 13 }), { nil: undefined, freq: 2 }),
      paymentStatus: fc.option(fc.subarray(PAYMENTS, { minLength: 2, maxLength: 5 }), { nil: undefined, freq: 2 }),
      created: fc.option(
        fc.tuple(fc.integer({ min: minTime - DAY, max: maxTime }), fc.integer({ min: 30 * DAY, max: maxTime - minTime + DAY })),
        {
          nil: undefined,
          freq: 2,
        },
      ),
      total: fc.option(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 50, max: 5000 })), { nil: undefined, freq: 2 }),
      field: fc.constantFrom<SortKey["field"]>("CREATED_AT", "CREATED_AT", "UPDATED_AT", "TOTAL", "NUMBER"),
      direction: fc.constantFrom<SortKey["direction"]>("ASC", "DESC"),
      pageSize: fc.integer({ min: 3, max: 40 }),
    })
    .map((r) => {
      const filter: OrderFilter = {};
      if (r.status) filter.status = r.status;
      if (r.paymentStatus) filter.paymentStatus = r.paymentStatus;
      if (r.created) filter.createdAt = { from: new Date(r.created[0]), to: new Date(r.created[0] + r.created[1]) };
      if (r.total) filter.total = { min: `${r.total[0]}.00`, max: `${r.total[0] + r.total[1]}.50` };
      // A sort a provider lacks is NOT_SUPPORTED (tested elsewhere): keep only providers that have it.
      const sort = { field: r.field, direction: r.direction };
      const providers = r.providers.filter((id) =>
        connectors()
          .find((c) => c.id === id)
          ?.capabilities.sorts.some((s) => s.field === sort.field && s.supported),
      );
      return {
        providers: providers.length > 0 ? providers : ["shop-cscart"],
        filter,
        sort: providers.length > 0 ? sort : { ...sort, field: "CREATED_AT" as const },
        pageSize: r.pageSize,
      };
    });
}

function expected(s: Scenario): string[] {
  return universe
    .filter((o) => s.providers.includes(o.provider) && visible(o, s.filter) && matchesFilter(o, s.filter))
    .sort(orderComparator([s.sort]))
    .map((o) => encodeGlobalId("Order", o.provider, o.nativeId));
}

function variables(s: Scenario): OrdersPageQueryVariables {
  return {
    providers: s.providers,
    sort: [s.sort],
    filter: {
      ...(s.filter.status ? { status: s.filter.status } : {}),
      ...(s.filter.paymentStatus ? { paymentStatus: s.filter.paymentStatus } : {}),
      ...(s.filter.createdAt
        ? { createdAt: { from: s.filter.createdAt.from?.toISOString(), to: s.filter.createdAt.to?.toISOString() } }
        : {}),
      ...(s.filter.total ? { total: s.filter.total } : {}),
    },
  };
}

async function pageAll(s: Scenario, backward: boolean): Promise<string[]> {
  const seen: string[][] = [];
  let cursor: string | null | undefined;
  for (let page = 0; page < 500; page++) {
    const vars = backward ? { ...variables(s), last: s.pageSize, before: cursor } : { ...variables(s), first: s.pageSize, after: cursor };
    const result = await server.run(OrdersPageDocument, vars);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const connection = result.data!.orders;
    const ids = connection.edges.map((e) => e.node.id);
    expect(ids.length).toBeLessThanOrEqual(s.pageSize);
    seen.push(ids);
    const more = backward ? connection.pageInfo.hasPreviousPage : connection.pageInfo.hasNextPage;
    if (more) expect(ids.length).toBe(s.pageSize);
    if (!more) return backward ? seen.reverse().flat() : seen.flat();
    cursor = backward ? connection.pageInfo.startCursor : connection.pageInfo.endCursor;
  }
  throw new Error("more than 500 pages");
}

describe("merged connection over every provider", () => {
  it("has a universe with orders of every provider (the property would be empty otherwise)", () => {
    const perProvider = new Map<string, number>();
    for (const order of universe) perProvider.set(order.provider, (perProvider.get(order.provider) ?? 0) + 1);
    expect([...perProvider.keys()].sort()).toEqual(
      connectors()
        .map((c) => c.id)
        .sort(),
    );
    for (const count of perProvider.values()) expect(count).toBeGreaterThanOrEqual(40);
  });

  it("answers date ranges at the edges of DateTime (year 0, a year made 10000 by its offset) as if unbounded", async () => {
    const everything = await server.run(OrdersPageDocument, { first: 250 });
    expect(everything.errors).toBeUndefined();
    const ids = (result: typeof everything) => result.data?.orders.edges.map((e) => e.node.id);
    for (const [from, to] of [
      ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00"],
      ["1969-07-20T20:17:00Z", undefined],
      [undefined, "9999-12-31T23:59:59Z"],
    ]) {
      const filter = { createdAt: { from, to }, updatedAt: { from, to } };
      const edged = await server.run(OrdersPageDocument, { first: 250, filter });
      expect(edged.errors, JSON.stringify(filter)).toBeUndefined();
      expect(ids(edged), JSON.stringify(filter)).toEqual(ids(everything));
    }
  });

  it("pages forward through exactly the filtered, sorted union; totalCount is exact or null", async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(scenario(), async (s) => {
        const want = expected(s);
        if (want.length > s.pageSize) nonTrivial += 1;
        expect(await pageAll(s, false)).toEqual(want);
        const count = await server.run(OrdersCountDocument, { filter: variables(s).filter, providers: s.providers });
        const total = count.data!.orders.totalCount;
        if (total !== null) expect(total).toBe(want.length);
      }),
      { numRuns: 100 },
    );
    // Most random filters must select several pages, or the property says little.
    expect(nonTrivial).toBeGreaterThanOrEqual(25);
  }, 300_000);

  it("pages backward through the same sequence", async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(scenario(), async (s) => {
        const want = expected(s);
        if (want.length > s.pageSize) nonTrivial += 1;
        expect(await pageAll(s, true)).toEqual(want);
      }),
      { numRuns: 60 },
    );
    expect(nonTrivial).toBeGreaterThanOrEqual(15);
  }, 300_000);
});
