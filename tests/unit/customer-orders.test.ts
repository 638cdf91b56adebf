/**
 * The per-customer batch reader against an in-memory connector: every page it
 * answers must be exactly the page (cursors included) that the single-customer
 * path answers, in every way a provider can filter by customer, and it must
 * cost fewer calls where the provider filters many customers at once.
 */
import { describe, expect, it } from "vitest";
import { createCursorKey } from "../../src/engine/cursor.ts";
import { firstPagesByCustomer } from "../../src/engine/customer-orders.ts";
import { type EngineLimits, queryOrders } from "../../src/engine/order-query.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, ListRequest, OrderFilter, QueryPlan, SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { testOrder } from "../helpers/order-record.ts";

const LIMITS: EngineLimits = { defaultPageSize: 50, maxPageSize: 250, scanLimit: 10_000, cursorKey: createCursorKey() };

/** How the fake provider filters by customer. */
type CustomerMode = "many" | "one" | "none" | "up-to-3";

function order(id: number, customer: string, minutesAgo: number, email: string): OrderRecord {
  return testOrder({
    provider: "fake",
    kind: "DJANGOSHOP",
    nativeId: String(id),
    nativeStatus: { code: "done", label: "Done" },
    createdAt: new Date(Date.UTC(2025, 0, 1) - minutesAgo * 60_000),
    customer: { provider: "fake", nativeId: customer, name: null, email, phone: null },
    email,
    total: { amount: `${id}.00`, currency: "EUR" },
  });
}

/** 60 orders over 6 customers, unevenly: customer c0 has many, c5 has one. */
const DATA: OrderRecord[] = Array.from({ length: 60 }, (_, i) => {
  const customer = i < 30 ? "c0" : `c${1 + (i % 5)}`;
  return order(i + 1, i === 59 ? "c5" : customer, (i * 37) % 91, i % 3 === 0 ? "a@example.com" : "b@example.com");
});

function fakeConnector(mode: CustomerMode, options: { sortNative?: boolean; pageSize?: number } = {}) {
  const calls: ListRequest[] = [];
  const connector: Connector = {
    id: "fake",
    name: "fake",
    kind: "DJANGOSHOP",
    maxPageSize: options.pageSize ?? 25,
    capabilities: {
      filters: [],
      sorts: [
        { field: "CREATED_AT", supported: true, native: options.sortNative ?? true },
        { field: "TOTAL", supported: true, native: options.sortNative ?? true },
      ],
      writes: [],
      count: "NATIVE",
    },
    plan(filter: OrderFilter, sort: SortKey): QueryPlan {
      const native: OrderFilter = {};
      const residual: OrderFilter = {};
      if (filter.customerIds) {
        const pushes =
          mode === "many" || (mode === "one" && filter.customerIds.length === 1) || (mode === "up-to-3" && filter.customerIds.length <= 3);
        if (pushes) native.customerIds = filter.customerIds;
        else residual.customerIds = filter.customerIds;
      }
      if (filter.email !== undefined) residual.email = filter.email;
      return { native, residual, sortNative: (options.sortNative ?? true) && sort.field !== "UPDATED_AT" };
    },
    async list(request: ListRequest) {
      calls.push(request);
      let rows = DATA.filter((row) => matchesFilter(row, request.filter));
      if (request.sort) rows = [...rows].sort(orderComparator([request.sort]));
      const window = rows.slice(request.offset, request.offset + request.limit);
      return { rows: window, total: rows.length, end: request.offset + window.length >= rows.length };
    },
    async getMany() {
      return new Map();
    },
    isValidNativeId: () => true,
    close: async () => {},
  };
  return { connector, calls };
}

async function expectSameAsAlone(
  mode: CustomerMode,
  query: { first: number; filter?: OrderFilter; sort?: SortKey[] },
  options: { sortNative?: boolean; pageSize?: number } = {},
) {
  const ids = ["c0", "c1", "c2", "c3", "c4", "c5", "nobody"];
  const batched = fakeConnector(mode, options);
  const pages = await firstPagesByCustomer(
    { connector: batched.connector, customerIds: ids, first: query.first, filter: query.filter ?? {}, sort: query.sort ?? [] },
    standaloneCall(),
    LIMITS,
  );
  const alone = fakeConnector(mode, options);
  for (const id of ids) {
    const expected = await queryOrders(
      {
        first: query.first,
        filter: { ...query.filter, customerIds: [id] },
        customerIdsByProvider: new Map([["fake", [id]]]),
        sort: query.sort ?? [],
        connectors: [alone.connector],
      },
      standaloneCall(),
      LIMITS,
    );
    const page = pages.get(id);
    expect(page, id).toBeDefined();
    expect(page?.edges.map((e) => [e.node.nativeId, e.cursor])).toEqual(expected.edges.map((e) => [e.node.nativeId, e.cursor]));
    expect(page?.pageInfo).toEqual(expected.pageInfo);
    expect(await page?.totalCount()).toBe(await expected.totalCount());
  }
  return { batchedCalls: batched.calls.length, aloneCalls: alone.calls.length };
}

describe("firstPagesByCustomer", () => {
  it("reads customers together where the provider filters many, with the pages and cursors of the single path", async () => {
    const { batchedCalls } = await expectSameAsAlone("many", { first: 3 });
    expect(batchedCalls).toBe(7 + 3); // 7 counts for totalCount, and 3 windows of 25 for all 60 orders
  });

  it("gives each customer their page when one customer has far more orders than the others", async () => {
    await expectSameAsAlone("many", { first: 2, sort: [{ field: "TOTAL", direction: "ASC" }] });
    await expectSameAsAlone("many", { first: 40 });
  });

  it("reads the whole sequence once for all customers where the provider cannot filter by customer", async () => {
    await expectSameAsAlone("none", { first: 3 });
    await expectSameAsAlone("none", { first: 3, filter: { email: "a@example.com" } });
  });

  it("reads each customer alone where the provider filters one customer at a time", async () => {
    const pages = fakeConnector("one");
    await firstPagesByCustomer(
      { connector: pages.connector, customerIds: ["c1", "c2", "c3"], first: 2, filter: {}, sort: [] },
      standaloneCall(),
      LIMITS,
    );
    expect(pages.calls.map((c) => c.filter.customerIds)).toEqual([["c1"], ["c2"], ["c3"]]);
    await expectSameAsAlone("one", { first: 2 });
  });

  it("splits customers into the largest groups the provider takes", async () => {
    const pages = fakeConnector("up-to-3", { pageSize: 100 });
    await firstPagesByCustomer(
      { connector: pages.connector, customerIds: ["c1", "c2", "c3", "c4", "c5"], first: 2, filter: {}, sort: [] },
      standaloneCall(),
      LIMITS,
    );
    expect(pages.calls.map((c) => c.filter.customerIds?.length)).toEqual([3, 2]);
    await expectSameAsAlone("up-to-3", { first: 2 });
  });

  it("answers first: 0 with each customer's empty page, which says there is nothing further, and reads nothing for it", async () => {
    const { batchedCalls, aloneCalls } = await expectSameAsAlone("many", { first: 0 });
    // Only the counts, which the comparison asks for (one per customer, the same both ways).
    expect(batchedCalls).toBe(aloneCalls);
    const pages = fakeConnector("many");
    const empty = await firstPagesByCustomer(
      { connector: pages.connector, customerIds: ["c0", "c1"], first: 0, filter: {}, sort: [] },
      standaloneCall(),
      LIMITS,
    );
    expect([...empty.values()].map((page) => page.pageInfo)).toEqual([
      { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    ]);
    expect(pages.calls).toEqual([]);
  });

  it("reads alone when a residual filter would hide rows that positions depend on", async () => {
    const { batchedCalls, aloneCalls } = await expectSameAsAlone("many", { first: 2, filter: { email: "a@example.com" } });
    expect(batchedCalls).toBe(aloneCalls);
  });

  it("ranks within each customer's set when the sort is done here over a full read", async () => {
    await expectSameAsAlone("many", { first: 3, sort: [{ field: "TOTAL", direction: "DESC" }] }, { sortNative: false });
    await expectSameAsAlone("none", { first: 3 }, { sortNative: false });
  });
});
