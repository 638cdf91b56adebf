/**
 * Keys of the global order (engine/order-key.ts): a key compares with orders
 * exactly as the orders themselves compare, ties and missing values included;
 * the bound a key adds to a filter keeps every order at or after it and
 * narrows nothing else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedFilter, isOrderKey, keyOrder, orderKey, valuelessMayFollow } from "../../src/engine/order-key.ts";
import type { SortKey } from "../../src/providers/core/connector.ts";
import { matchesFilter } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { orderComparator } from "../../src/providers/core/order-compare.ts";
import { testOrder } from "../helpers/order-record.ts";

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

const orderArb: fc.Arbitrary<OrderRecord> = fc
  .record({
    provider: fc.constantFrom("a", "b", "shop-de"),
    id: fc.oneof(fc.integer({ min: 1, max: 1200 }).map(String), fc.constantFrom("x-1", "x-2", "10a")),
    created: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 6 }),
    updated: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 6 }),
    total: fc.option(fc.constantFrom("0.00", "9.50", "10.00", "10.0", "-3.20", "120.99"), { nil: null, freq: 6 }),
    number: fc.option(fc.constantFrom("7", "70", "A-7", "1001"), { nil: null, freq: 6 }),
  })
  .map((r) =>
    testOrder({
      provider: r.provider,
      nativeId: r.id,
      number: r.number,
      createdAt: r.created === null ? null : new Date(BASE + r.created * DAY),
      updatedAt: r.updated === null ? null : new Date(BASE + r.updated * DAY + 1),
      total: r.total === null ? null : { amount: r.total, currency: "EUR" },
    }),
  );

const sortArb: fc.Arbitrary<SortKey[]> = fc.uniqueArray(
  fc.record({
    field: fc.constantFrom<SortKey["field"]>("CREATED_AT", "UPDATED_AT", "TOTAL", "NUMBER"),
    direction: fc.constantFrom<SortKey["direction"]>("ASC", "DESC"),
  }),
  { minLength: 1, maxLength: 3, selector: (key) => key.field },
);

describe("order keys", () => {
  it("compare with orders exactly as the orders compare with each other", () => {
    fc.assert(
      fc.property(sortArb, orderArb, orderArb, (sort, a, b) => {
        const compare = orderComparator(sort);
        const keys = keyOrder(sort);
        const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);
        expect(sign(keys.compare(a, orderKey(b, sort)))).toBe(sign(compare(a, b)));
        expect(sign(keys.compareKeys(orderKey(a, sort), orderKey(b, sort)))).toBe(sign(compare(a, b)));
        expect(sign(keys.compare(a, orderKey(a, sort)))).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("hold what the sort reads: epoch milliseconds, decimal texts, numbers as texts, null where an order has none", () => {
    const order = testOrder({
      provider: "a",
      nativeId: "42",
      number: "A-7",
      createdAt: new Date(BASE),
      total: { amount: "10.50", currency: "EUR" },
    });
    const sort: SortKey[] = [
      { field: "CREATED_AT", direction: "DESC" },
      { field: "UPDATED_AT", direction: "ASC" },
      { field: "TOTAL", direction: "ASC" },
      { field: "NUMBER", direction: "ASC" },
    ];
    const key = orderKey(order, sort);
    expect(key).toEqual({ values: [BASE, null, "10.50", "A-7"], provider: "a", id: "42" });
    expect(isOrderKey(key, sort)).toBe(true);
    expect(isOrderKey({ ...key, values: [BASE, null, 10.5, "A-7"] }, sort)).toBe(false);
    expect(isOrderKey({ ...key, values: [BASE] }, sort)).toBe(false);
    expect(isOrderKey({ ...key, id: 42 }, sort)).toBe(false);
  });

  it("order orders without a value last descending and first ascending, ties by provider then native id in the key's direction", () => {
    const at = (id: string, day: number | null, provider = "a") =>
      testOrder({ provider, nativeId: id, createdAt: day === null ? null : new Date(BASE + day * DAY) });
    const rows = [at("9", null), at("10", 1), at("2", 1), at("3", 1, "b"), at("5", 2), at("1", null)];
    const desc: SortKey[] = [{ field: "CREATED_AT", direction: "DESC" }];
    const sorted = (sort: SortKey[]) => [...rows].sort(orderComparator(sort)).map((r) => `${r.provider}:${r.nativeId}`);
    expect(sorted(desc)).toEqual(["a:5", "b:3", "a:10", "a:2", "a:9", "a:1"]);
    expect(sorted([{ field: "CREATED_AT", direction: "ASC" }])).toEqual(["a:1", "a:9", "a:2", "a:10", "b:3", "a:5"]);
    // The key of a:10 sits between b:3 and a:2.
    const key = orderKey(at("10", 1), desc);
    expect(keyOrder(desc).compare(at("3", 1, "b"), key)).toBeLessThan(0);
    expect(keyOrder(desc).compare(at("2", 1), key)).toBeGreaterThan(0);
  });
});

describe("the bound a key adds to a filter", () => {
  it("keeps every order at or after the key that the filter keeps (and may keep some before it, which the reader skips)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SortKey["field"]>("CREATED_AT", "UPDATED_AT", "TOTAL"),
        fc.constantFrom<SortKey["direction"]>("ASC", "DESC"),
        orderArb,
        fc.array(orderArb, { maxLength: 20 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { nil: undefined }),
        (field, direction, edge, orders, range) => {
          const sort = [{ field, direction }];
          const filter = range
            ? field === "TOTAL"
              ? { total: { min: `${range[0]}.00`, max: `${range[0] + range[1] * 20}.00` } }
              : {
                  [field === "CREATED_AT" ? "createdAt" : "updatedAt"]: {
                    from: new Date(BASE + range[0] * DAY),
                    to: new Date(BASE + (range[0] + range[1]) * DAY + 1),
                  },
                }
            : {};
          const key = orderKey(edge, sort);
          const bounded = boundedFilter(filter, sort[0] as SortKey, key);
          if (key.values[0] === null) {
            expect(bounded).toBeNull();
            return;
          }
          expect(bounded).not.toBeNull();
          const keys = keyOrder(sort);
          for (const order of orders) {
            const after = keys.compare(order, key) >= 0;
            const kept = matchesFilter(order, filter);
            const hasValue = orderKey(order, sort).values[0] !== null;
            // An order at or after the key with a value is kept; one without a value is left to the reader (see valuelessMayFollow).
            if (after && kept && hasValue) expect(matchesFilter(order, bounded as object)).toBe(true);
            // Nothing the filter drops comes back.
            if (!kept) expect(matchesFilter(order, bounded as object)).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("is an inclusive bound on the sort field, intersected with the filter's own range", () => {
    const key = (value: number | string) => ({ values: [value], provider: "a", id: "1" });
    const desc = { field: "CREATED_AT", direction: "DESC" } as const;
    const asc = { field: "CREATED_AT", direction: "ASC" } as const;
    expect(boundedFilter({}, desc, key(BASE))).toEqual({ createdAt: { to: new Date(BASE) } });
    expect(boundedFilter({}, asc, key(BASE))).toEqual({ createdAt: { from: new Date(BASE) } });
    // A narrower range of the filter's own stays.
    const range = { from: new Date(BASE - DAY), to: new Date(BASE - 1) };
    expect(boundedFilter({ createdAt: range }, desc, key(BASE))).toEqual({ createdAt: range });
    expect(boundedFilter({ createdAt: range, status: ["COMPLETED"] }, asc, key(BASE - 2 * DAY))).toEqual({
      createdAt: range,
      status: ["COMPLETED"],
    });
    expect(boundedFilter({ total: { min: "5" } }, { field: "TOTAL", direction: "DESC" }, key("12.50"))).toEqual({
      total: { min: "5", max: "12.50" },
    });
    expect(boundedFilter({ total: { max: "20" } }, { field: "TOTAL", direction: "DESC" }, key("120.50"))).toEqual({ total: { max: "20" } });
    // NUMBER has no range to bound.
    expect(boundedFilter({}, { field: "NUMBER", direction: "DESC" }, key("7"))).toBeNull();
  });

  it("leaves orders without a value to follow only descending and only without a range on the field", () => {
    expect(valuelessMayFollow({}, { field: "CREATED_AT", direction: "DESC" })).toBe(true);
    expect(valuelessMayFollow({}, { field: "CREATED_AT", direction: "ASC" })).toBe(false);
    expect(valuelessMayFollow({ createdAt: { from: new Date(BASE) } }, { field: "CREATED_AT", direction: "DESC" })).toBe(false);
    expect(valuelessMayFollow({ createdAt: { from: new Date(BASE) } }, { field: "TOTAL", direction: "DESC" })).toBe(true);
    expect(valuelessMayFollow({ total: { min: "1" } }, { field: "TOTAL", direction: "DESC" })).toBe(false);
  });
});
