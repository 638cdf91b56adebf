/** planPages: any window covered exactly, in as few calls as possible; idRanges: id groups one range call returns. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idRanges, mapConcurrent, planPages } from "../../src/providers/core/paging.ts";

/** The row positions a plan reads into the window, in order. */
function covered(plans: ReturnType<typeof planPages>): number[] {
  return plans.flatMap((p) => Array.from({ length: p.take }, (_, i) => (p.page - 1) * p.perPage + p.skip + i));
}

describe("planPages", () => {
  it("reads nothing for an empty window", () => {
    expect(planPages(10, 0, 250)).toEqual([]);
  });

  it("uses one call when one page size can hold the window", () => {
    expect(planPages(0, 50, 250)).toEqual([{ page: 1, perPage: 50, skip: 0, take: 50 }]);
    expect(planPages(100, 50, 250)).toEqual([{ page: 3, perPage: 50, skip: 0, take: 50 }]);
    // Offset 51 is not a multiple of 50: a larger page still does it in one call.
    const plans = planPages(51, 50, 250);
    expect(plans).toHaveLength(1);
    expect(covered(plans)).toEqual(Array.from({ length: 50 }, (_, i) => 51 + i));
  });

  it("splits windows larger than the biggest page", () => {
    const plans = planPages(0, 600, 250);
    expect(plans).toHaveLength(3);
    expect(covered(plans)).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it("covers every window exactly, with no page beyond the needed calls", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 250 }),
        (offset, limit, max) => {
          const plans = planPages(offset, limit, max);
          expect(covered(plans)).toEqual(Array.from({ length: limit }, (_, i) => offset + i));
          for (const p of plans) {
            expect(p.perPage).toBeLessThanOrEqual(max);
            expect(p.page).toBeGreaterThanOrEqual(1);
            expect(p.take).toBeGreaterThan(0);
            expect(p.skip + p.take).toBeLessThanOrEqual(p.perPage);
          }
          // Never more calls than the biggest page size needs for this window.
          const worst = Math.floor((offset + limit - 1) / max) - Math.floor(offset / max) + 1;
          expect(plans.length).toBeLessThanOrEqual(worst);
          if (limit <= max && Math.floor(offset / limit) === Math.floor((offset + limit - 1) / limit)) expect(plans).toHaveLength(1);
        },
      ),
    );
  });
});

describe("mapConcurrent", () => {
  it("keeps the input order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe("idRanges", () => {
  it("groups ids into ranges one call of at most maxSpan rows returns whole", () => {
    expect(idRanges(["5", "1", "3", "120", "101", "9"], 10)).toEqual([
      { min: "1", max: "9", ids: ["1", "3", "5", "9"], span: 9 },
      { min: "101", max: "101", ids: ["101"], span: 1 },
      { min: "120", max: "120", ids: ["120"], span: 1 },
    ]);
  });

  it("keeps every range within maxSpan, dedupes, and drops ids that are not positive integers", () => {
    const ranges = idRanges(["1", "1", "0", "-3", "x", "007", "250", "251", "9999999999999999999"], 250);
    expect(ranges.map((r) => r.ids)).toEqual([["1", "250"], ["251"], ["9999999999999999999"]]);
    for (const range of ranges) expect(range.span).toBeLessThanOrEqual(250);
  });
});
