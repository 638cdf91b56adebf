/**
 * GraphQL filter input to the engine's terms: lists deduplicated and bounded,
 * native codes kept as spelt but refused when they cannot be a code, customer
 * ids split per provider; no control character in any text; personal filters
 * only with pii:read.
 */
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import type { Scope } from "../../src/config/config.schema.ts";
import { UserInputError } from "../../src/engine/engine-errors.ts";
import type { OrderFilter as OrderFilterInput } from "../../src/generated/resolvers.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import {
  controlCharacterIn,
  controlCharacterInInput,
  MAX_FILTER_LIST,
  ORDER_INSTANTS,
  requireFilterScope,
  resolveFilter,
} from "../../src/graph/order-input.ts";

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

/** Control characters of every kind: C0 (NUL, TAB, ESC), DEL, C1 (NEL, CSI) and the Unicode line separator. */
const CONTROLS: Array<[string, string]> = [
  ["\u0000", "U+0000"],
  ["\t", "U+0009"],
  ["\u001b", "U+001B"],
  ["\u007f", "U+007F"],
  ["\u0085", "U+0085"],
  ["\u009b", "U+009B"],
];

describe("control characters in filter texts", () => {
  it("finds the first one, and none in ordinary text (accents, emoji, other scripts)", () => {
    for (const [character, name] of CONTROLS) expect(controlCharacterIn(`a${character}b\u0000`)).toBe(name);
    for (const fine of ["O'Brien", "Nørregade 12, 2. th.", "ñandú@example.com", "電子メール", "🙂 x", "a\u00a0b", ""]) {
      expect(controlCharacterIn(fine)).toBeNull();
    }
  });

  it("refuses each one in e-mail, search, vendor reference, native codes and customer ids, naming the argument", () => {
    for (const [character, name] of CONTROLS) {
      for (const [input, argument] of [
        [{ email: `a${character}@example.com` }, "filter.email"],
        [{ search: `zz${character}yy` }, "filter.search"],
        [{ vendorReference: `PO-${character}1` }, "filter.vendorReference"],
        [{ nativeStatus: ["P", `C${character}`] }, "filter.nativeStatus"],
      ] as Array<[OrderFilterInput, string]>) {
        const error = refusal(() => resolveFilter(input));
        expect(error.argument, JSON.stringify(input)).toBe(argument);
        expect(error.message).toBe(`${argument} must not contain control characters (found ${name})`);
      }
    }
    // A customer id hides its native id percent-encoded: a control character there is no customer id.
    expect(refusal(() => resolveFilter({ customerIds: [customer("shop", "1\u0000")] })).argument).toBe("filter.customerIds");
  });

  it("refuses one that trimming would drop: the text is refused, not cleaned", () => {
    expect(refusal(() => resolveFilter({ search: "zz\t" })).message).toBe(
      "filter.search must not contain control characters (found U+0009)",
    );
    expect(refusal(() => resolveFilter({ email: "\t" })).argument).toBe("filter.email");
  });

  it("keeps refusing line breaks as a second line, also at the end of a text", () => {
    for (const text of ["a\nb", "a\r", "x@y.z\n", "a\u2028b"]) {
      expect(refusal(() => resolveFilter({ email: text })).message).toMatch(/filter\.email must be a single line/);
    }
  });

  it("finds one at any depth of an input as the client sent it, with its argument path", () => {
    expect(controlCharacterInInput({ total: { min: "1" }, nativeStatus: ["P", "C\u001b"] }, "filter")).toEqual({
      argument: "filter.nativeStatus",
      found: "U+001B",
    });
    expect(
      controlCharacterInInput({ search: "plain", status: ["PENDING"], createdAt: { from: "2024-01-01T00:00:00Z" } }, "filter"),
    ).toBeNull();
  });
});

describe("filters on personal data", () => {
  const reader = new Set<Scope>(["orders:read"]);
  const piiReader = new Set<Scope>(["orders:read", "pii:read"]);

  function forbidden(run: () => void): GraphQLError {
    try {
      run();
    } catch (error) {
      if (error instanceof GraphQLError) return error;
      throw error;
    }
    throw new Error("expected a GraphQLError");
  }

  it("need pii:read: FORBIDDEN naming the field, the filter and the scope", () => {
    for (const name of ["email", "search"] as const) {
      const error = forbidden(() => requireFilterScope({ [name]: "x@y.z" }, reader, "Customer.orders"));
      expect(error.extensions).toEqual({ code: "FORBIDDEN", field: "Customer.orders", argument: `filter.${name}`, scope: "pii:read" });
      expect(error.message).toBe(`Customer.orders: filter.${name} matches personal data and needs the pii:read scope`);
      expect(() => requireFilterScope({ [name]: "x@y.z" }, piiReader, "Customer.orders")).not.toThrow();
    }
  });

  it("leave every other filter, and absent or null personal ones, to a reader", () => {
    const others = {
      status: ["PENDING" as const],
      nativeStatus: ["P"],
      customerIds: [customer("shop", "1")],
      vendorReference: "PO-1",
      total: { min: "1" },
      email: null,
      search: null,
    };
    expect(() => requireFilterScope(others, reader, "Query.orders")).not.toThrow();
    expect(() => requireFilterScope(null, reader, "Query.orders")).not.toThrow();
  });
});
