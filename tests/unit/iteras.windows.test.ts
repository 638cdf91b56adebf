/**
 * The pure date-window logic of the Iteras connector: splitting a capped
 * answer's window, fetching every item exactly once whatever subset a capped
 * answer holds, the single-day overflow, and the time-zone arithmetic.
 */
import { describe, expect, it } from "vitest";
import {
  addDays,
  DayOverflowError,
  type DayWindow,
  daysBetween,
  fetchAllWindows,
  isEmptyWindow,
  splitCappedWindow,
  WindowSplitError,
} from "../../src/providers/core/date-windows.ts";
import { isDay, localDay, localStamp } from "../../src/providers/core/time-zone.ts";
import { createdDay, createdWindow, IterasDayHints, parseWallClock } from "../../src/providers/iteras/iteras.windows.ts";

describe("day arithmetic", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-02-29", 1)).toBe("2024-03-01");
    expect(addDays("2025-01-01", -1)).toBe("2024-12-31");
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
    expect(daysBetween("2025-03-31", "2025-03-30")).toBe(-1);
  });

  it("checks real days", () => {
    expect(isDay("2025-02-28")).toBe(true);
    expect(isDay("2025-02-29")).toBe(false);
    expect(isDay("2025-2-1")).toBe(false);
  });

  it("knows empty windows", () => {
    expect(isEmptyWindow({ after: "2025-01-02", before: "2025-01-01" })).toBe(true);
    expect(isEmptyWindow({ after: "2025-01-01", before: "2025-01-01" })).toBe(false);
    expect(isEmptyWindow({ after: "2025-01-01" })).toBe(false);
  });
});

describe("splitCappedWindow", () => {
  it("halves a bounded window without looking at the answer", () => {
    expect(splitCappedWindow({ after: "2025-01-01", before: "2025-01-10" }, { min: "2025-01-01", max: "2025-01-03" })).toEqual({
      windows: [
        { after: "2025-01-01", before: "2025-01-05" },
        { after: "2025-01-06", before: "2025-01-10" },
      ],
    });
    expect(splitCappedWindow({ after: "2025-01-01", before: "2025-01-02" }, null)).toEqual({
      windows: [
        { after: "2025-01-01", before: "2025-01-01" },
        { after: "2025-01-02", before: "2025-01-02" },
      ],
    });
  });

  it("bounds an open window by the days the answer held, keeping open windows beyond them", () => {
    expect(splitCappedWindow({}, { min: "2024-01-01", max: "2024-01-04" })).toEqual({
      windows: [
        { before: "2023-12-31" },
        { after: "2024-01-01", before: "2024-01-02" },
        { after: "2024-01-03", before: "2024-01-04" },
        { after: "2024-01-05" },
      ],
    });
    expect(splitCappedWindow({ after: "2024-01-01" }, { min: "2024-02-01", max: "2024-02-02" })).toEqual({
      windows: [{ after: "2024-01-01", before: "2024-01-17" }, { after: "2024-01-18", before: "2024-02-02" }, { after: "2024-02-03" }],
    });
  });

  it("clamps answer days a provider sent outside the window", () => {
    const split = splitCappedWindow({ before: "2024-01-10" }, { min: "2024-01-08", max: "2024-03-01" });
    expect(split).toEqual({
      windows: [{ before: "2024-01-07" }, { after: "2024-01-08", before: "2024-01-09" }, { after: "2024-01-10", before: "2024-01-10" }],
    });
  });

  it("reports a single capped day as an overflow", () => {
    expect(splitCappedWindow({ after: "2025-03-03", before: "2025-03-03" }, null)).toEqual({ overflowDay: "2025-03-03" });
    expect(splitCappedWindow({}, { min: "2025-03-03", max: "2025-03-03" })).toEqual({ overflowDay: "2025-03-03" });
  });

  it("cannot split an open window without days", () => {
    expect(splitCappedWindow({ after: "2025-01-01" }, null)).toEqual({ unsplittable: true });
  });
});

interface Item {
  id: number;
  day: string;
}

/** Items over ~400 days, several per day on some days. */
function dataset(size: number, seed = 7): Item[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const items: Item[] = [];
  for (let i = 0; i < size; i++) items.push({ id: i + 1, day: addDays("2024-01-01", Math.floor(next() * 400)) });
  return items;
}

type Picker = (matching: Item[], cap: number) => Item[];
const oldest: Picker = (m, cap) => [...m].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id - b.id)).slice(0, cap);
const newest: Picker = (m, cap) => oldest(m, m.length).reverse().slice(0, cap);
const scattered: Picker = (m, cap) =>
  m
    .filter((_, i) => i % 3 === 1)
    .concat(m.filter((_, i) => i % 3 !== 1))
    .slice(0, cap);

function fakeApi(items: Item[], cap: number, pick: Picker) {
  const windows: DayWindow[] = [];
  const fetch = async (window: DayWindow): Promise<Item[]> => {
    windows.push(window);
    const matching = items.filter(
      (item) => (window.after === undefined || item.day >= window.after) && (window.before === undefined || item.day <= window.before),
    );
    return pick(matching, cap);
  };
  return { fetch, windows };
}

describe("fetchAllWindows", () => {
  for (const [name, pick] of [
    ["oldest first (as the emulator)", oldest],
    ["newest first", newest],
    ["an arbitrary subset", scattered],
  ] as const) {
    it(`fetches every item exactly once when capped answers hold ${name}`, async () => {
      const items = dataset(600);
      const api = fakeApi(items, 40, pick);
      const got = await fetchAllWindows({}, { cap: 40, fetch: api.fetch, dayOf: (item) => item.day, concurrency: 4 });
      expect(got.map((i) => i.id).sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
      expect(api.windows.length).toBeGreaterThan(15);
    });
  }

  it("makes one call when the answer is under the cap, and keeps a bounded initial window", async () => {
    const items = dataset(100);
    const api = fakeApi(items, 1000, oldest);
    const window = { after: "2024-03-01", before: "2024-04-30" };
    const got = await fetchAllWindows(window, { cap: 1000, fetch: api.fetch, dayOf: (i) => i.day, concurrency: 2 });
    expect(api.windows).toEqual([window]);
    expect(got).toEqual(
      oldest(
        items.filter((i) => i.day >= "2024-03-01" && i.day <= "2024-04-30"),
        1000,
      ),
    );
  });

  it("splits inside a bounded initial window only", async () => {
    const items = dataset(600);
    const api = fakeApi(items, 20, oldest);
    const window = { after: "2024-02-01", before: "2024-05-31" };
    const got = await fetchAllWindows(window, { cap: 20, fetch: api.fetch, dayOf: (i) => i.day, concurrency: 3 });
    const expected = items.filter((i) => i.day >= window.after && i.day <= window.before);
    expect(got.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected.map((i) => i.id));
    for (const w of api.windows) {
      expect(w.after! >= window.after).toBe(true);
      expect(w.before! <= window.before).toBe(true);
    }
  });

  it("throws an overflow naming the day when one day holds the cap", async () => {
    const items = [...dataset(200), ...Array.from({ length: 30 }, (_, k) => ({ id: 1000 + k, day: "2024-06-15" }))];
    const api = fakeApi(items, 25, oldest);
    const error = await fetchAllWindows({}, { cap: 25, fetch: api.fetch, dayOf: (i) => i.day, concurrency: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(DayOverflowError);
    expect((error as DayOverflowError).day).toBe("2024-06-15");
  });

  it("gives up after maxCalls windows, naming the limit, when every answer stays capped", async () => {
    // Each window answers the cap, spread over its first and last day: it always splits again.
    const fetch = async (window: DayWindow) =>
      Array.from({ length: 10 }, (_, k) => ({ id: k, day: k % 2 === 0 ? (window.after as string) : (window.before as string) }));
    const window = { after: "2000-01-01", before: "2024-12-31" };
    const error = await fetchAllWindows(window, { cap: 10, fetch, dayOf: (i) => i.day, concurrency: 2, maxCalls: 50 }).catch((e) => e);
    expect(error).toBeInstanceOf(WindowSplitError);
    expect((error as Error).message).toBe("more than 50 date windows were needed");
  });

  it("counts items without a readable day toward the cap and splits by the others", async () => {
    const items = dataset(600);
    const api = fakeApi(items, 40, scattered);
    // Every third item (a malformed row, say) tells no day; it still fills its answer.
    const dayOf = (item: Item) => (item.id % 3 === 0 ? null : item.day);
    const got = await fetchAllWindows({}, { cap: 40, fetch: api.fetch, dayOf, concurrency: 4 });
    expect(got.map((i) => i.id).sort((a, b) => a - b)).toEqual(items.map((i) => i.id));
  });

  it("hands only the answers it keeps to keep(), once each, and returns what keep() made of them", async () => {
    const items = dataset(600);
    const api = fakeApi(items, 40, oldest);
    const kept: DayWindow[] = [];
    const got = await fetchAllWindows(
      {},
      {
        cap: 40,
        fetch: api.fetch,
        dayOf: (i) => i.day,
        concurrency: 4,
        keep: (answer, window) => {
          expect(answer.length).toBeLessThan(40);
          kept.push(window);
          return answer.map((i) => `#${i.id}`);
        },
      },
    );
    expect([...got].sort()).toEqual(items.map((i) => `#${i.id}`).sort());
    // Capped answers are only read for their days: every other window was kept, exactly once.
    const capped = api.windows.filter((w) => !kept.includes(w));
    expect(capped.length).toBeGreaterThan(0);
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept.length + capped.length).toBe(api.windows.length);
  });

  it("cannot split a capped answer without created days", async () => {
    const error = await fetchAllWindows({}, { cap: 2, fetch: async () => [1, 2], dayOf: () => null, concurrency: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(WindowSplitError);
  });

  it("bounds the calls in flight", async () => {
    const items = dataset(600);
    let active = 0;
    let peak = 0;
    const api = fakeApi(items, 30, oldest);
    const fetch = async (w: DayWindow) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 1));
      active -= 1;
      return api.fetch(w);
    };
    await fetchAllWindows({}, { cap: 30, fetch, dayOf: (i) => i.day, concurrency: 3 });
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe("time zones", () => {
  const cph = "Europe/Copenhagen";

  it("reads naive wall-clock times in the provider's zone", () => {
    expect(parseWallClock("2025-02-26T04:26:33", cph)?.toISOString()).toBe("2025-02-26T03:26:33.000Z");
    expect(parseWallClock("2025-07-01T00:30:00", cph)?.toISOString()).toBe("2025-06-30T22:30:00.000Z");
    expect(parseWallClock("2025-02-26 04:26", cph)?.toISOString()).toBe("2025-02-26T03:26:00.000Z");
    expect(parseWallClock("2025-02-26T04:26:33.250", "UTC")?.toISOString()).toBe("2025-02-26T04:26:33.250Z");
  });

  it("honours an explicit offset", () => {
    expect(parseWallClock("2025-02-26T04:26:33Z", cph)?.toISOString()).toBe("2025-02-26T04:26:33.000Z");
    expect(parseWallClock("2025-02-26T04:26:33+05:30", cph)?.toISOString()).toBe("2025-02-25T22:56:33.000Z");
  });

  it("settles DST gaps and overlaps", () => {
    // 2025-03-30 02:30 does not exist in Copenhagen: moved forward by the gap.
    expect(parseWallClock("2025-03-30T02:30:00", cph)?.toISOString()).toBe("2025-03-30T01:30:00.000Z");
    // 2025-10-26 02:30 exists twice: the earlier (summer time) instant.
    expect(parseWallClock("2025-10-26T02:30:00", cph)?.toISOString()).toBe("2025-10-26T00:30:00.000Z");
  });

  it("reads every wall-clock time around a zone's transitions exactly, whatever was read before", () => {
    // The reference asks Intl (through localStamp) about every candidate instant, nothing remembered.
    const offsetOf = (instant: number, zone: string) => Date.parse(`${localStamp(new Date(instant), zone)}Z`) - instant;
    const reference = (stamp: string, zone: string): number => {
      const wall = Date.parse(`${stamp}Z`);
      const matches: number[] = [];
      for (let instant = wall - 15 * 3_600_000; instant <= wall + 15 * 3_600_000; instant += 15 * 60_000) {
        if (localStamp(new Date(instant), zone) === stamp) matches.push(instant);
      }
      // The earlier of an overlap; a time in a gap moves forward by the gap.
      return matches.length > 0 ? Math.min(...matches) : wall - offsetOf(wall - 12 * 3_600_000, zone);
    };
    // Offsets are remembered per UTC day: walk days with and without a transition, in both directions,
    // in zones that shift by an hour, by half an hour, and at midnight.
    const zones: Array<[string, string[]]> = [
      [cph, ["2025-03-29", "2025-03-30", "2025-03-31", "2025-10-25", "2025-10-26", "2025-10-27"]],
      ["Australia/Lord_Howe", ["2025-04-05", "2025-04-06", "2025-10-05"]],
      ["America/Santiago", ["2025-04-05", "2025-04-06", "2025-09-06", "2025-09-07"]],
    ];
    for (const [zone, days] of zones) {
      for (const day of [...days, ...[...days].reverse()]) {
        for (let minutes = 0; minutes < 24 * 60; minutes += 30) {
          const stamp = `${day}T${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}:00`;
          expect([stamp, zone, parseWallClock(stamp, zone)?.getTime()]).toEqual([stamp, zone, reference(stamp, zone)]);
        }
      }
    }
  });

  it("refuses what is not a time", () => {
    expect(parseWallClock("2025-02-30T10:00:00", cph)).toBeNull();
    expect(parseWallClock("yesterday", cph)).toBeNull();
    expect(parseWallClock("2025-02-26T25:00:00", cph)).toBeNull();
  });

  it("gives local days of instants and of created texts", () => {
    expect(localDay(new Date("2025-02-25T23:30:00Z"), cph)).toBe("2025-02-26");
    expect(localDay(new Date("2025-02-25T22:30:00Z"), cph)).toBe("2025-02-25");
    expect(createdDay("2025-02-26T00:10:00", cph)).toBe("2025-02-26");
    expect(createdDay("2025-02-25T23:30:00Z", cph)).toBe("2025-02-26");
    expect(createdDay("garbage", cph)).toBeNull();
  });
});

describe("IterasDayHints", () => {
  it("groups ids of known days into windows that should stay under the cap, leaving lone ids to order_id", () => {
    const hints = new IterasDayHints();
    // Days with 3, 4, 1 and 5 orders seen; ids 1..13 on them.
    const days = ["2025-01-01", "2025-01-02", "2025-01-05", "2025-01-09"];
    const counts = [3, 4, 1, 5];
    let id = 1;
    days.forEach((day, i) => {
      for (let n = 0; n < (counts[i] as number); n++) hints.learn(String(id++), day);
    });
    // A window of 2025-01-01..01-05 holds 8 orders: under a cap of 9, over one of 8.
    expect(hints.clusters(["1", "4", "8", "9", "unknown"], 9)).toEqual([
      { window: { after: "2025-01-01", before: "2025-01-05" }, ids: ["1", "4", "8"] },
    ]);
    expect(hints.clusters(["1", "2", "8", "9", "10"], 8)).toEqual([
      { window: { after: "2025-01-01", before: "2025-01-01" }, ids: ["1", "2"] },
      { window: { after: "2025-01-05", before: "2025-01-09" }, ids: ["8", "9", "10"] },
    ]);
    expect(hints.clusters(["1"], 100)).toEqual([]);
  });

  it("keeps an order's first day, and forgets all on clear", () => {
    const hints = new IterasDayHints();
    hints.learn("1", "2025-01-01");
    hints.learn("1", "2025-03-03");
    hints.learn("2", "2025-01-01");
    expect(hints.clusters(["1", "2"], 10)).toEqual([{ window: { after: "2025-01-01", before: "2025-01-01" }, ids: ["1", "2"] }]);
    hints.clear();
    expect(hints.clusters(["1", "2"], 10)).toEqual([]);
  });

  it("plans a created range as whole local days", () => {
    const range = { from: new Date("2025-02-25T23:30:00Z"), to: new Date("2025-03-01T22:59:59Z") };
    expect(createdWindow(range, "Europe/Copenhagen")).toEqual({ after: "2025-02-26", before: "2025-03-01" });
    expect(createdWindow({ to: range.to }, "UTC")).toEqual({ before: "2025-03-01" });
    expect(createdWindow(undefined, "UTC")).toEqual({});
  });
});
