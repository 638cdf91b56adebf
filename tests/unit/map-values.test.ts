/** The value readers every mapper shares: blank means none, amounts stay exact, and the raw zod pieces accept what APIs send. */
import { describe, expect, it } from "vitest";
import { money, text } from "../../src/providers/core/map-values.ts";
import { idText, numberOrText, optionalText, rowList } from "../../src/providers/core/raw-schemas.ts";

describe("text", () => {
  it.each([
    ["  Anna ", "Anna"],
    ["", null],
    ["   ", null],
    [null, null],
    [undefined, null],
    [42, "42"],
    [0, "0"],
  ])("reads %j as %j", (value, expected) => {
    expect(text(value)).toBe(expected);
  });
});

describe("money", () => {
  it("keeps the amount exact, in the currency given", () => {
    expect(money("19.999", "EUR")).toEqual({ amount: "19.999", currency: "EUR" });
    expect(money(0.1, "DKK")).toEqual({ amount: "0.10", currency: "DKK" });
    expect(money("7", "KWD", 3)).toEqual({ amount: "7.000", currency: "KWD" });
    expect(money(12, "JPY", 0)).toEqual({ amount: "12", currency: "JPY" });
  });

  it("is null without an amount or without a currency, never a made-up value", () => {
    expect(money(null, "EUR")).toBeNull();
    expect(money("n/a", "EUR")).toBeNull();
    expect(money(Number.NaN, "EUR")).toBeNull();
    expect(money("12.00", null)).toBeNull();
    expect(money("12.00", undefined)).toBeNull();
  });
});

describe("raw schema pieces", () => {
  it("reads ids as numbers or digit strings, as text", () => {
    expect(idText.parse(17)).toBe("17");
    expect(idText.parse("0017")).toBe("0017");
    for (const bad of [-1, 1.5, "1e3", "", "12a", null]) expect(idText.safeParse(bad).success).toBe(false);
  });

  it("takes numbers as numbers or strings, texts as nullish, and rows as anything", () => {
    expect(numberOrText.parse("1.50")).toBe("1.50");
    expect(numberOrText.parse(2)).toBe(2);
    expect(numberOrText.safeParse(true).success).toBe(false);
    expect(optionalText.parse(null)).toBeNull();
    expect(optionalText.parse(undefined)).toBeUndefined();
    expect(optionalText.safeParse(3).success).toBe(false);
    expect(rowList.parse([1, "x", null, {}])).toEqual([1, "x", null, {}]);
    expect(rowList.safeParse({}).success).toBe(false);
  });
});
