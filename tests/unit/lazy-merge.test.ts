/**
 * Lazily decoded list rows (providers/core/lazy-rows.ts) and the engine's
 * merge over them (engine/order-query.ts): a merged page decodes only the rows
 * it reaches, and pages exactly as a merge of fully decoded reads does (same
 * orders, same cursors, same page info, same upstream calls), malformed rows
 * included.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCursorKey } from "../../src/engine/cursor.ts";
import { type EngineLimits, queryOrders } from "../../src/engine/order-query.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, ListRequest, ListResult } from "../../src/providers/core/connector.ts";
import { LazyRows, lazyListResult } from "../../src/providers/core/lazy-rows.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { malformedRow } from "../../src/providers/core/upstream-error.ts";
import { testOrder } from "../helpers/order-record.ts";

interface Raw {
  id: number;
  day: number;
  bad: boolean;
}

function record(provider: string, raw: Raw): OrderRecord {
  return testOrder({ provider, nativeId: String(raw.id), createdAt: new Date(Date.UTC(2025, 0, 1 + raw.day)) });
}

const newest = [{ field: "CREATED_AT" as const, direction: "DESC" as const }];

/**
 * A provider that sorts natively (newest first, ties by id as the global order
 * breaks them) and answers windows of its raw rows, lazily decoded or not.
 */
function fakeProvider(id: string, raws: Raw[], lazy: boolean) {
  const decodedIds: number[] = [];
  const calls: ListRequest[] = [];
  const decode = (raw: unknown): OrderRecord => {
    const r = raw as Raw;
    decodedIds.push(r.id);
    return r.bad ? malformedRow(id, "EMNIFY", { id: r.id }, "an order list") : record(id, r);
  };
  // The native order: the global order of the rows as if all were valid.
  const compare = orderComparator(newest);
  const sorted = [...raws].sort((a, b) => compare(record(id, a), record(id, b)));
  const connector: Connector = {
    id,
    name: id,
    kind: "EMNIFY",
    maxPageSize: 100,
    capabilities: { filters: [], sorts: [{ field: "CREATED_AT", supported: true, native: true }], writes: [], count: "NATIVE" },
    plan: () => ({ native: {}, residual: {}, sortNative: true }),
    async list(request): Promise<ListResult> {
      calls.push(request);
      const window = sorted.slice(request.offset, request.offset + request.limit);
      const end = request.offset + window.length >= sorted.length;
      const rows = LazyRows.of(window, decode);
      return lazy ? lazyListResult(rows, sorted.length, end) : { rows: rows.toArray(), total: sorted.length, end };
    },
    getMany: async () => new Map(),
    isValidNativeId: () => true,
    close: async () => {},
  };
  return { connector, decodedIds, calls, sorted };
}

const limits: EngineLimits = { defaultPageSize: 50, maxPageSize: 250, scanLimit: 10_000, cursorKey: createCursorKey() };

/** Pages forward to the end; every page's orders, info and end cursor, and the problems named. */
async function walk(connectors: Connector[], first: number) {
  const pages: Array<{ ids: string[]; hasNextPage: boolean; endCursor: string | null; problems: string[] }> = [];
  let after: string | null = null;
  for (let guard = 0; guard < 200; guard++) {
    const page = await queryOrders({ first, after, filter: {}, sort: [], connectors }, standaloneCall(), limits);
    const ids = page.edges.map((e) => `${e.node.provider}:${e.node.nativeId}`);
    pages.push({
      ids,
      hasNextPage: page.pageInfo.hasNextPage,
      endCursor: page.pageInfo.endCursor,
      problems: page.problems.map((p) => p.message),
    });
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
  throw new Error("paging did not end");
}

describe("LazyRows", () => {
  const counting = (n: number) => {
    const seen: number[] = [];
    const rows = LazyRows.of(
      Array.from({ length: n }, (_, i) => ({ id: i, day: i, bad: false })),
      (raw) => {
        seen.push((raw as Raw).id);
        return record("p", raw as Raw);
      },
    );
    return { rows, seen };
  };

  it("decodes a row when it is first read, and once", () => {
    const { rows, seen } = counting(10);
    expect(rows.length).toBe(10);
    expect(seen).toEqual([]);
    const third = rows.at(3);
    expect(third.nativeId).toBe("3");
    expect(rows.at(3)).toBe(third);
    expect(seen).toEqual([3]);
  });

  it("shares decoded rows between an answer and its slices", () => {
    const { rows, seen } = counting(10);
    const window = rows.slice(2, 6);
    expect(window.length).toBe(4);
    expect(window.at(0)).toBe(rows.at(2));
    expect(rows.slice(8, 20).length).toBe(2);
    expect(rows.slice(12).length).toBe(0);
    expect(seen).toEqual([2]);
    expect(window.toArray().map((r) => r.nativeId)).toEqual(["2", "3", "4", "5"]);
    expect(window.toArray()).toBe(window.toArray());
    expect(seen).toEqual([2, 3, 4, 5]);
    expect([...rows.slice(4, 6)].map((r) => r.nativeId)).toEqual(["4", "5"]);
  });

  it("refuses a row outside the run", () => {
    const { rows } = counting(3);
    expect(() => rows.slice(1).at(2)).toThrow(RangeError);
    expect(() => rows.at(-1)).toThrow(RangeError);
  });

  it("joins one run as itself and several as their decoded rows in order", () => {
    const { rows, seen } = counting(6);
    const one = rows.slice(1, 3);
    expect(LazyRows.join([one])).toBe(one);
    expect(seen).toEqual([]);
    const joined = LazyRows.join([rows.slice(0, 2), rows.slice(4)]);
    expect(joined.toArray().map((r) => r.nativeId)).toEqual(["0", "1", "4", "5"]);
    expect(LazyRows.join([]).length).toBe(0);
  });

  it("parses rows kept as texts on first read; a text that is not JSON reaches the decoder as undefined", () => {
    const given: unknown[] = [];
    const rows = LazyRows.ofTexts(['{"id":1,"day":1,"bad":false}', '{"id":2,"day":', "7", 42], (raw) => {
      given.push(raw);
      return raw !== null && typeof raw === "object" ? record("p", raw as Raw) : testOrder({ provider: "p", nativeId: "malformed" });
    });
    expect(given).toEqual([]);
    expect(rows.at(2).nativeId).toBe("malformed");
    expect(rows.at(0).nativeId).toBe("1");
    expect(rows.at(1).nativeId).toBe("malformed");
    expect(rows.at(3).nativeId).toBe("malformed");
    // "7" is JSON (a number); a damaged text and a value that is no text both come as undefined.
    expect(given).toEqual([7, { id: 1, day: 1, bad: false }, undefined, undefined]);
  });

  it("keeps the lazy view out of a window read's enumerable shape", () => {
    const { rows } = counting(2);
    const result = lazyListResult(rows, 2, true);
    expect(result.lazy).toBe(rows);
    expect(Object.keys(result).sort()).toEqual(["end", "rows", "total"]);
    expect(result.rows.map((r) => r.nativeId)).toEqual(["0", "1"]);
  });
});

describe("the merge over lazily decoded rows", () => {
  it("decodes only the rows a page reaches: about the page plus one head a provider", async () => {
    const providers = ["a", "b", "c", "d", "e"].map((id, p) =>
      fakeProvider(
        id,
        Array.from({ length: 80 }, (_, i) => ({ id: i + 1, day: i * 5 + p, bad: false })),
        true,
      ),
    );
    const page = await queryOrders(
      { first: 50, filter: {}, sort: [], connectors: providers.map((p) => p.connector) },
      standaloneCall(),
      limits,
    );
    expect(page.edges).toHaveLength(50);
    // Each provider answered its window of 51 rows, told that the merge reads only some of them ...
    for (const p of providers) expect(p.calls).toEqual([{ filter: {}, sort: newest[0], offset: 0, limit: 51, sparse: true }]);
    // ... of which the page shows 10 and the merge looked at one more.
    for (const p of providers) expect(p.decodedIds).toHaveLength(11);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it("tells a lone provider that its page reads the whole window", async () => {
    const lone = fakeProvider(
      "a",
      Array.from({ length: 80 }, (_, i) => ({ id: i + 1, day: i, bad: false })),
      true,
    );
    const page = await queryOrders({ first: 50, filter: {}, sort: [], connectors: [lone.connector] }, standaloneCall(), limits);
    expect(page.edges).toHaveLength(50);
    expect(lone.calls).toEqual([{ filter: {}, sort: newest[0], offset: 0, limit: 51, sparse: false }]);
  });

  it("counts only providers that can match: one beside a provider without the customer reads its whole window", async () => {
    const rows = Array.from({ length: 80 }, (_, i) => ({ id: i + 1, day: i, bad: false }));
    const [a, b] = [fakeProvider("a", rows, true), fakeProvider("b", rows, true)];
    const page = await queryOrders(
      { first: 50, filter: {}, sort: [], connectors: [a.connector, b.connector], customerIdsByProvider: new Map([["a", ["7"]]]) },
      standaloneCall(),
      limits,
    );
    expect(page.edges).toHaveLength(50);
    expect(a.calls.map((call) => call.sparse)).toEqual([false]);
    expect(b.calls).toEqual([]);
  });

  it("reports a malformed row the page passes over, and reads on past it", async () => {
    const raws = Array.from({ length: 6 }, (_, i) => ({ id: i + 1, day: 10 - i, bad: i === 2 || i === 3 }));
    const lazy = fakeProvider("a", raws, true);
    const eager = fakeProvider("a", raws, false);
    const pageOf = (p: typeof lazy) => queryOrders({ first: 3, filter: {}, sort: [], connectors: [p.connector] }, standaloneCall(), limits);
    const [lazyPage, eagerPage] = [await pageOf(lazy), await pageOf(eager)];
    expect(lazyPage.edges.map((e) => e.node.nativeId)).toEqual(["1", "2", "5"]);
    expect(lazyPage.edges.map((e) => e.node.nativeId)).toEqual(eagerPage.edges.map((e) => e.node.nativeId));
    expect(lazyPage.problems.map((p) => p.message)).toEqual(eagerPage.problems.map((p) => p.message));
    expect(lazyPage.problems).toHaveLength(2);
    expect(lazyPage.pageInfo).toMatchObject({ hasNextPage: true, endCursor: eagerPage.pageInfo.endCursor });
    // The window of 4 held two malformed rows: both merges read on from row 4, with the same calls.
    expect(lazy.calls).toEqual(eager.calls);
  });

  it("pages exactly as a merge of fully decoded reads, for any rows, ties and malformed rows", async () => {
    const rawsArb = fc
      .uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 30 })
      .chain((ids) =>
        fc.tuple(
          fc.constant(ids),
          fc.array(fc.integer({ min: 0, max: 6 }), { minLength: ids.length, maxLength: ids.length }),
          fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }),
          fc.double({ min: 0, max: 0.4, noNaN: true }),
        ),
      )
      .map(([ids, days, coins, badShare]) =>
        ids.map((id, i) => ({ id, day: days[i] ?? 0, bad: Boolean(coins[i]) && i / ids.length < badShare })),
      );
    await fc.assert(
      fc.asyncProperty(fc.array(rawsArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 12 }), async (sets, first) => {
        const lazy = sets.map((raws, p) => fakeProvider(`p${p}`, raws, true));
        const eager = sets.map((raws, p) => fakeProvider(`p${p}`, raws, false));
        const lazyPages = await walk(
          lazy.map((p) => p.connector),
          first,
        );
        const eagerPages = await walk(
          eager.map((p) => p.connector),
          first,
        );
        expect(lazyPages.map(({ problems: _, ...page }) => page)).toEqual(eagerPages.map(({ problems: _, ...page }) => page));
        lazyPages.forEach((page, i) => {
          // What the lazy merge reports it also would have reported; it may leave unread rows unnamed.
          for (const problem of page.problems) expect(eagerPages[i]?.problems).toContain(problem);
        });
        // Every valid order is shown once, in the global order.
        const shown = lazyPages.flatMap((page) => page.ids);
        const expected = lazy
          .flatMap((p) => p.sorted.filter((r) => !r.bad).map((r) => record(p.connector.id, r)))
          .sort(orderComparator(newest))
          .map((r) => `${r.provider}:${r.nativeId}`);
        expect(shown).toEqual(expected);
        lazy.forEach((p, i) => {
          // Never another call: the lazy merge may skip a read for a match the page does not need.
          for (const call of p.calls) expect(eager[i]?.calls).toContainEqual(call);
          expect(p.calls.length).toBeLessThanOrEqual(eager[i]?.calls.length ?? 0);
          expect(p.decodedIds.length).toBeLessThanOrEqual(eager[i]?.decodedIds.length ?? 0);
        });
      }),
      { numRuns: 150 },
    );
  });
});
