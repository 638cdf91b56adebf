/**
 * GraphQL filter input to the engine's terms: lists deduplicated and bounded,
 * native codes kept as spelt but refused when they cannot be a code, customer
 * ids split per provider.
 */
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../src/engine/engine-errors.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { MAX_FILTER_LIST, ORDER_INSTANTS, resolveFilter } from "../../src/graph/order-input.ts";

const customer = (provider: string, id: string) => encodeGlobalId("Customer", provider, id);

function refusal(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserInputError) return error;
    throw error;
  }
  throw new Error("expected a UserInputError");
}

describe("resolveFilter", () => {
  it("deduplicates native codes and keeps them as spelt", () => {
    expect(resolveFilter({ nativeStatus: ["new", "new", " Hold"] }).filter.nativeStatus).toEqual(["new", " Hold"]);
  });

  it("refuses an empty or multi-line native code, naming the argument", () => {
    for (const bad of ["", "new\nhold", "x".repeat(201)]) {
      const error = refusal(() => resolveFilter({ nativeStatus: ["new", bad] }));
      expect(error.argument).toBe("filter.nativeStatus");
      expect(error.message).toMatch(/single line of 1 to 200 characters/);
    }
  });

  it(`refuses more than ${MAX_FILTER_LIST} native codes or customers, counting distinct values`, () => {
    const many = Array.from({ length: MAX_FILTER_LIST + 1 }, (_, i) => `code-${i}`);
    expect(refusal(() => resolveFilter({ nativeStatus: many })).message).toBe(`filter.nativeStatus: at most ${MAX_FILTER_LIST} values`);
    expect(resolveFilter({ nativeStatus: [...many.slice(0, MAX_FILTER_LIST), "code-0"] }).filter.nativeStatus).toHaveLength(
      MAX_FILTER_LIST,
    );
    const customers = Array.from({ length: MAX_FILTER_LIST + 1 }, (_, i) => customer("shop", String(i)));
    expect(refusal(() => resolveFilter({ customerIds: customers })).argument).toBe("filter.customerIds");
  });

  it("drops a date bound that holds every order, so no provider is sent a negative timestamp or a five-digit year", () => {
    const early = new Date("0001-01-01T00:00:00Z");
    const late = new Date("+010000-01-01T00:00:00Z");
    const mid = new Date("2024-05-01T00:00:00Z");
    expect(resolveFilter({ createdAt: { from: early, to: mid } }).filter.createdAt).toEqual({ to: mid });
    expect(resolveFilter({ updatedAt: { from: mid, to: late } }).filter.updatedAt).toEqual({ from: mid });
    expect(resolveFilter({ createdAt: { from: early, to: late } }).filter.createdAt).toBeUndefined();
    expect(resolveFilter({ createdAt: { from: ORDER_INSTANTS.from } }).filter.createdAt).toBeUndefined();
    const inside = new Date(ORDER_INSTANTS.from.getTime() + 1);
    expect(resolveFilter({ createdAt: { from: inside } }).filter.createdAt).toEqual({ from: inside });
  });

  it("refuses a date bound that leaves no order, naming the argument", () => {
    expect(refusal(() => resolveFilter({ createdAt: { to: new Date("1969-12-31T23:59:59Z") } })).message).toBe(
      "filter.createdAt.to: no order is dated before 1970-01-01T00:00:00.000Z",
    );
    expect(refusal(() => resolveFilter({ updatedAt: { from: new Date("9999-12-31T23:59:59Z") } })).argument).toBe("filter.updatedAt");
  });

  it("splits customer ids per provider, and refuses an id that is not a customer's", () => {
    const { filter, customerIdsByProvider } = resolveFilter({
      customerIds: [customer("a", "1"), customer("b", "2"), customer("a", "3"), customer("a", "1")],
    });
    expect(customerIdsByProvider).toEqual(
      new Map([
        ["a", ["1", "3"]],
        ["b", ["2"]],
      ]),
    );
    expect(filter.customerIds).toEqual([customer("a", "1"), customer("a", "3"), customer("b", "2")].sort());
    expect(refusal(() => resolveFilter({ customerIds: [encodeGlobalId("Order", "a", "1")] })).argument).toBe("filter.customerIds");
  });
});
