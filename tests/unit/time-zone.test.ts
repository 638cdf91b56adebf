/** Zone offsets: the cached, per-day answer is Intl's own, also on the days a zone changes its offset. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTimeZone, wallClockParts, zoneOffsetMs } from "../../src/providers/core/time-zone.ts";

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
