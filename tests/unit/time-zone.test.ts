/** Zone offsets: the cached, per-day answer is Intl's own, also on the days a zone changes its offset. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isTimeZone,
  parseTimestamp,
  timestampParts,
  wallClockInstant,
  wallClockParts,
  zoneOffsetMs,
} from "../../src/providers/core/time-zone.ts";

/** Intl asked afresh for every instant: what the cache must always agree with. */
function intlOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "UTC"];
const HOUR = 3_600_000;

describe("zoneOffsetMs", () => {
  it.each([
    ["Europe/Berlin", "2024-03-31T01:00:00Z", 2 * HOUR], // spring forward: CET to CEST at 01:00 UTC
    ["Europe/Berlin", "2024-03-31T00:59:59Z", 1 * HOUR],
    ["Europe/Berlin", "2024-10-27T00:59:59Z", 2 * HOUR], // fall back at 01:00 UTC
    ["Europe/Berlin", "2024-10-27T01:00:00Z", 1 * HOUR],
    ["America/New_York", "2024-03-10T07:00:00Z", -4 * HOUR],
    ["America/New_York", "2024-03-10T06:59:59Z", -5 * HOUR],
    ["Australia/Lord_Howe", "2024-04-06T15:00:00Z", 10.5 * HOUR], // a half-hour change of offset
    ["Australia/Lord_Howe", "2024-04-06T14:59:59Z", 11 * HOUR],
    ["Asia/Kolkata", "2024-06-01T12:00:00Z", 5.5 * HOUR],
  ])("%s at %s is %d ms", (zone, at, offset) => {
    expect(zoneOffsetMs(Date.parse(at), zone)).toBe(offset);
  });

  it("agrees with Intl every quarter hour across the days a zone changes its offset", () => {
    const days = ["2024-03-10", "2024-03-31", "2024-04-06", "2024-10-06", "2024-10-27", "2024-11-03"];
    for (const zone of ZONES) {
      for (const day of days) {
        const start = Date.parse(`${day}T00:00:00Z`) - 12 * HOUR;
        for (let t = start; t < start + 48 * HOUR; t += HOUR / 4) {
          expect(zoneOffsetMs(t, zone), `${zone} at ${new Date(t).toISOString()}`).toBe(intlOffset(t, zone));
        }
      }
    }
  });

  it("agrees with Intl at any instant from 1900 to 2100", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...ZONES), (instant, zone) => {
        expect(zoneOffsetMs(instant, zone)).toBe(intlOffset(instant, zone));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isTimeZone and wallClockParts", () => {
  it("knows IANA zones and refuses other text", () => {
    expect(isTimeZone("Europe/Copenhagen")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("reads the wall clock of an instant in a zone", () => {
    expect(wallClockParts(Date.parse("2024-07-01T22:30:15Z"), "Europe/Copenhagen")).toEqual({
      year: 2024,
      month: 7,
      day: 2,
      hour: 0,
      minute: 30,
      second: 15,
    });
  });
});

describe("wallClockInstant", () => {
  const at = (wall: string, zone: string) => new Date(wallClockInstant(Date.parse(`${wall}Z`), zone)).toISOString();

  it.each([
    // Clocks go forward: the skipped time is read with the offset before the change, so it lands the gap later.
    ["2025-03-30T02:30:00", "Europe/Berlin", "2025-03-30T01:30:00.000Z"],
    ["2025-03-09T02:30:00", "America/New_York", "2025-03-09T07:30:00.000Z"],
    // Clocks go back: the time shown twice is the earlier instant.
    ["2025-10-26T02:30:00", "Europe/Berlin", "2025-10-26T00:30:00.000Z"],
    ["2025-11-02T01:30:00", "America/New_York", "2025-11-02T05:30:00.000Z"],
    // Half-hour changes, and a zone whose clocks change at midnight.
    ["2025-04-06T01:45:00", "Australia/Lord_Howe", "2025-04-05T14:45:00.000Z"],
    ["2025-09-07T00:30:00", "America/Santiago", "2025-09-07T04:30:00.000Z"],
    ["2025-07-01T12:00:00", "Asia/Kolkata", "2025-07-01T06:30:00.000Z"],
  ])("reads %s in %s as %s", (wall, zone, instant) => {
    expect(at(wall, zone)).toBe(instant);
  });

  it("is the one instant whose wall clock it is, wherever the clocks show that time once", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...ZONES), (instant, zone) => {
        const whole = Math.floor(instant / 1000) * 1000;
        const wall = whole + zoneOffsetMs(whole, zone);
        const read = wallClockInstant(wall, zone);
        // The wall clock of what is read is the wall clock given; in a repeated hour it is the earlier of the two.
        expect(read + zoneOffsetMs(read, zone)).toBe(wall);
        expect(read).toBeLessThanOrEqual(whole);
      }),
    );
  });
});

describe("timestampParts and parseTimestamp", () => {
  it.each([
    ["2025-02-26T04:26:33Z", "2025-02-26T04:26:33.000Z"],
    ["2025-02-26 04:26:33z", "2025-02-26T04:26:33.000Z"],
    ["2025-02-26T04:26Z", "2025-02-26T04:26:00.000Z"],
    ["2025-02-26T04:26:33.123456+05:30", "2025-02-25T22:56:33.123Z"],
    ["2025-02-26T04:26:33,5+0530", "2025-02-25T22:56:33.500Z"],
    ["2025-02-26T04:26:33 -03", "2025-02-26T07:26:33.000Z"],
    ["  2025-02-26T04:26:33.9999Z ", "2025-02-26T04:26:33.999Z"],
  ])("reads %j with its own offset", (text, instant) => {
    expect(parseTimestamp(text, "Asia/Tokyo")?.toISOString()).toBe(instant);
  });

  it("reads a time without an offset as wall time in the zone, and a date alone only where allowed", () => {
    expect(parseTimestamp("2025-07-01T12:00:00", "Europe/Berlin")?.toISOString()).toBe("2025-07-01T10:00:00.000Z");
    expect(parseTimestamp("2025-07-01", "Europe/Berlin")).toBeNull();
    expect(parseTimestamp("2025-07-01", "Europe/Berlin", { dateOnly: true })?.toISOString()).toBe("2025-06-30T22:00:00.000Z");
    expect(timestampParts("2025-07-01T12:00:00")).toEqual({ day: "2025-07-01", wallMs: Date.UTC(2025, 6, 1, 12), offsetMs: null });
    expect(timestampParts("2025-07-01T12:00:00-04:30")?.offsetMs).toBe(-270 * 60_000);
  });

  it.each([
    "2025-02-30T10:00:00Z",
    "2025-04-31 10:00",
    "2025-02-26T24:00:00",
    "2025-02-26T23:60:00",
    "2025-02-26T23:59:60",
    "2025-2-26T10:00:00",
    "2025-02-26T10:00:00+5",
    "2025-02-26Z",
    "yesterday",
    "",
  ])("refuses %j rather than rolling it into another day", (text) => {
    expect(timestampParts(text, { dateOnly: true })).toBeNull();
    expect(parseTimestamp(text, "UTC", { dateOnly: true })).toBeNull();
  });
});
