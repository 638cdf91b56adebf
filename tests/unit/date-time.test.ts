/** DateTime answers: the ISO text of a date, written by hand exactly as `toISOString` writes it. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DateTimeScalar, isoText } from "../../src/graph/scalars.ts";

/** The range of a Date: ±8.64e15 ms around the epoch. */
const LIMIT = 8.64e15;

describe("isoText", () => {
  it.each([
    0,
    -1,
    1,
    951_782_400_000, // 2000-02-29
    4_107_542_400_000, // 2100-02-28 (2100 is no leap year)
    -62_167_219_200_000, // 0000-01-01T00:00:00.000Z
    -62_167_219_200_001, // a six-digit year: left to toISOString
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z
    253_402_300_800_000, // +010000-01-01
    LIMIT,
    -LIMIT,
  ])("writes %d as toISOString does", (time) => {
    expect(isoText(time)).toBe(new Date(time).toISOString());
  });

  it("writes any time a Date can hold as toISOString does", () => {
    fc.assert(
      fc.property(fc.integer({ min: -LIMIT, max: LIMIT }), (time) => {
        expect(isoText(time)).toBe(new Date(time).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("DateTime", () => {
  it("answers the ISO text of a date, also when another time shares its slot of recent texts", () => {
    // 1024 s apart: the same slot of the table of recent texts.
    const times = [1_700_000_000_000, 1_700_000_000_000 + 1_024_000, 1_700_000_000_123];
    for (let round = 0; round < 3; round++) {
      for (const time of times) expect(DateTimeScalar.serialize(new Date(time))).toBe(new Date(time).toISOString());
    }
  });

  it("still refuses what is not a date", () => {
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow();
    expect(() => DateTimeScalar.serialize({})).toThrow();
  });
});
