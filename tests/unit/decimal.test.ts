/** Exact decimal strings: no float ever touches an amount. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDecimal, compareDecimal, fromMinorUnits, isDecimal, multiplyDecimal, toDecimal } from "../../src/providers/core/decimal.ts";

describe("toDecimal", () => {
  it.each([
    [120, "120.00"],
    ["120.00", "120.00"],
    ["120", "120.00"],
    [0.1, "0.10"],
    [19.999, "19.999"],
    ["  7.5 ", "7.50"],
    ["+3", "3.00"],
    [".5", "0.50"],
    ["-.5", "-0.50"],
    ["007.10", "7.10"],
    [-0, "0.00"],
    ["-0.00", "0.00"],
    ["0", "0.00"],
    ["00", "0.00"],
    ["-0", "0.00"],
    ["0.05", "0.05"],
    ["05.5", "5.50"],
    ["120.5", "120.50"],
    [-12.3, "-12.30"],
    ["98765432109876543210.123456789", "98765432109876543210.123456789"],
  ])("normalises %j to %s", (input, expected) => {
    expect(toDecimal(input)).toBe(expected);
  });

  it("expands exponent forms exactly", () => {
    expect(toDecimal(1e21)).toBe("1000000000000000000000.00");
    expect(toDecimal(1.5e22)).toBe("15000000000000000000000.00");
    expect(toDecimal(1e-7)).toBe("0.0000001");
    expect(toDecimal(-2.5e-7)).toBe("-0.00000025");
  });

  it("answers the same as the general rule for any plain decimal text", () => {
    // The rule spelt out: no leading zeros (one digit stays), at least minScale fraction digits, no "-" on zero.
    const expected = (text: string, minScale: number) => {
      const negative = text.startsWith("-");
      const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".");
      const intPart = whole.replace(/^0+(?=\d)/, "");
      const digits = fraction.padEnd(minScale, "0");
      const zero = /^0*$/.test(intPart + digits);
      return `${negative && !zero ? "-" : ""}${intPart}${digits ? `.${digits}` : ""}`;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,6}(\.\d{1,5})?$/), fc.integer({ min: 0, max: 4 }), (text, minScale) => {
        expect(toDecimal(text, minScale)).toBe(expected(text, minScale));
      }),
    );
  });

  it("honours the minimum scale", () => {
    expect(toDecimal("2", 0)).toBe("2");
    expect(toDecimal("2.5", 0)).toBe("2.5");
    expect(toDecimal(3, 4)).toBe("3.0000");
  });

  it.each([null, undefined, "", "abc", "1e5", "1,50", "12.", Number.NaN, Number.POSITIVE_INFINITY, {}, true])(
    "refuses %j rather than inventing a value",
    (input) => {
      expect(toDecimal(input)).toBeNull();
    },
  );

  it("gives the shortest round-trip digits of any finite double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = toDecimal(value, 0);
        expect(text).not.toBeNull();
        expect(isDecimal(text as string)).toBe(true);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});

describe("fromMinorUnits", () => {
  it.each([
    [12345, 2, "123.45"],
    ["12345", 2, "123.45"],
    [5, 2, "0.05"],
    [-5, 2, "-0.05"],
    [0, 2, "0.00"],
    [100, 0, "100"],
    [1, 3, "0.001"],
    ["123456789012345678901234567890", 2, "1234567890123456789012345678.90"],
  ])("converts %j with exponent %i to %s", (value, exponent, expected) => {
    expect(fromMinorUnits(value, exponent)).toBe(expected);
  });

  it.each([1.5, "1.5", "abc", null, undefined])("refuses %j", (value) => {
    expect(fromMinorUnits(value, 2)).toBeNull();
  });

  it("reads a number as it reads its digits as text, for any safe integer", () => {
    // Numbers take a path without BigInt; digit strings keep the exact BigInt one.
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 0, max: 6 }), (units, exponent) => {
        expect(fromMinorUnits(units, exponent)).toBe(fromMinorUnits(String(units), exponent));
      }),
    );
    expect(fromMinorUnits(-0, 2)).toBe("0.00");
  });
});

describe("compareDecimal", () => {
  it("compares across scales and signs", () => {
    expect(compareDecimal("1.5", "1.50")).toBe(0);
    expect(compareDecimal("1.05", "1.5")).toBeLessThan(0);
    expect(compareDecimal("10", "9.99")).toBeGreaterThan(0);
    expect(compareDecimal("-1", "0.01")).toBeLessThan(0);
    expect(compareDecimal("-1.5", "-1.25")).toBeLessThan(0);
    // Beyond a double's precision.
    expect(compareDecimal("9007199254740993.01", "9007199254740993.02")).toBeLessThan(0);
  });

  it("agrees with integer comparison of cents", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (a, b) => {
        const x = fromMinorUnits(a.toString(), 2) as string;
        const y = fromMinorUnits(b.toString(), 2) as string;
        expect(Math.sign(compareDecimal(x, y))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});

describe("addDecimal and multiplyDecimal", () => {
  it.each([
    ["0.10", "0.2", "0.30", "0.020"],
    ["-1.5", "1.5", "0.00", "-2.25"],
    ["19.99", "3", "22.99", "59.97"],
    ["0.001", "0.001", "0.002", "0.000001"],
    ["98765432109876543210.5", "2", "98765432109876543212.50", "197530864219753086421.00"],
  ])("%s and %s: sum %s, product %s", (a, b, sum, product) => {
    expect(addDecimal(a, b)).toBe(sum);
    expect(multiplyDecimal(a, b)).toBe(product);
  });

  it("equal the exact arithmetic on cents", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (x, y) => {
        const cents = (value: bigint) => fromMinorUnits(String(value), 2) as string;
        expect(addDecimal(cents(x), cents(y))).toBe(cents(x + y));
        expect(compareDecimal(multiplyDecimal(cents(x), cents(y)), fromMinorUnits(String(x * y), 4) as string)).toBe(0);
      }),
    );
  });
});
