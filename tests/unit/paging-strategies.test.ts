/**
 * Paging strategies against in-memory lists that answer as providers do:
 * every window is exactly the slice asked for, whatever the offset; a read
 * makes no more calls than the strategy's own bound; and a provider that pages
 * other than asked (a lowered page size, a page past the end, a short page
 * that is not the last) is read right or refused, never cut silently.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LazyRows } from "../../src/providers/core/lazy-rows.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";
import { type PageAnswer, type PageFetch, type PagingConfig, pagingFor, withQuery } from "../../src/providers/core/paging.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { testOrder } from "../helpers/order-record.ts";

const rowsOf = (ids: readonly number[]) => LazyRows.decoded(ids.map((id) => testOrder({ provider: "p", nativeId: String(id) })));
const ids = (rows: readonly OrderRecord[] | LazyRows) => [...rows].map((row) => Number(row.nativeId));
const sequence = (length: number) => Array.from({ length }, (_, i) => i);

/** A page-numbered list of `length` rows: serves at most `maxServed` a page, tells what headers say when `headers`. */
function pageList(length: number, options: { maxServed?: number; headers?: boolean; total?: boolean; pastEndIsLast?: boolean } = {}) {
  const asked: Array<{ page: number; size: number }> = [];
  const fetch: PageFetch = async (query) => {
    const page = Number(query.get("page"));
    const size = Number(query.get("size"));
    asked.push({ page, size });
    const served = Math.min(size, options.maxServed ?? size);
    const pages = Math.ceil(length / served);
    // Some providers answer a page past the end with the last one.
    const shown = options.pastEndIsLast && page > pages ? pages : page;
    const answer: PageAnswer = { rows: rowsOf(sequence(length).slice((shown - 1) * served, shown * served)) };
    if (options.total !== false) answer.total = length;
    if (options.headers) Object.assign(answer, { page: shown, perPage: served, pages });
    return answer;
  };
  return { fetch, asked };
}

const PAGE: PagingConfig = { type: "page-number", pageParam: "page", sizeParam: "size", maxPageSize: 25 };

describe("page-number paging", () => {
  it("reads any window exactly, in no more calls than its bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 1, max: 80 }),
        async (length, offset, limit) => {
          const paging = pagingFor(PAGE, "p");
          const list = pageList(length);
          const result = await paging.read(offset, limit, list.fetch);
          expect(ids(result.rows)).toEqual(sequence(length).slice(offset, offset + limit));
          expect(result.total).toBe(length);
          expect(result.end).toBe(offset + limit >= length);
          expect(list.asked.length).toBeLessThanOrEqual(paging.calls(offset, limit));
          expect(list.asked.length).toBeLessThanOrEqual(paging.calls(null, limit));
        },
      ),
    );
  });

  it("without a total, reads a short page as the end, and refuses rows after one, naming the option to set", async () => {
    const paging = pagingFor({ ...PAGE, sizeOption: "maxPerPage" }, "p");
    const open = await paging.read(0, 20, pageList(40, { total: false }).fetch);
    expect([open.total, open.end]).toEqual([null, false]);
    const ended = await paging.read(30, 20, pageList(40, { total: false }).fetch);
    expect(ids(ended.rows)).toEqual(sequence(40).slice(30));
    expect(ended.end).toBe(true);
    // A provider that serves 10 where 25 were asked: its first page looks like the end, yet page 2 has rows.
    const error = await paging.read(0, 50, pageList(60, { total: false, maxServed: 10 }).fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
    expect((error as UpstreamError).message).toContain("set maxPerPage to its cap");
  });

  it("refuses a page of more rows than asked", async () => {
    const paging = pagingFor(PAGE, "p");
    const error = await paging.read(0, 5, async () => ({ rows: rowsOf(sequence(6)) })).catch((e: unknown) => e);
    expect((error as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
  });

  describe("learning a lowered page size", () => {
    const LEARN: PagingConfig = { ...PAGE, maxPageSize: 50, learnsPageSize: { concurrency: 2 } };

    it("plans again within the size served, and asks no more than it from then on", async () => {
      const paging = pagingFor(LEARN, "p");
      const list = pageList(100, { maxServed: 20, headers: true });
      const first = await paging.read(0, 50, list.fetch);
      expect(ids(first.rows)).toEqual(sequence(50));
      expect(paging.maxPageSize).toBe(20);
      list.asked.length = 0;
      const second = await paging.read(50, 50, list.fetch);
      expect(ids(second.rows)).toEqual(sequence(100).slice(50));
      expect(second.end).toBe(true);
      for (const { size } of list.asked) expect(size).toBeLessThanOrEqual(20);
      expect(list.asked.length).toBeLessThanOrEqual(paging.calls(50, 50));
    });

    it("asks no page past the page count, and takes no rows from a page answered in another's place", async () => {
      const paging = pagingFor(LEARN, "p");
      const list = pageList(30, { headers: true, total: false, pastEndIsLast: true });
      // 30 rows; a window of 40 at 10 is planned as pages of 25: pages 1 and 2, and X-pages says 2.
      const result = await paging.read(10, 40, list.fetch);
      expect(ids(result.rows)).toEqual(sequence(30).slice(10));
      expect(result.end).toBe(true);
      const pastEnd = await paging.read(40, 10, list.fetch);
      expect(pastEnd.rows).toEqual([]);
      expect(pastEnd.end).toBe(true);
    });

    it("refuses a page size that changes between the calls of one window", async () => {
      const paging = pagingFor(LEARN, "p");
      let served = 20;
      const fetch: PageFetch = async (query) => {
        const page = Number(query.get("page"));
        const size = Math.min(Number(query.get("size")), served);
        served = 10;
        return {
          rows: rowsOf(sequence(100).slice((page - 1) * size, page * size)),
          page,
          perPage: size,
          total: 100,
          pages: Math.ceil(100 / size),
        };
      };
      const error = await paging.read(0, 50, fetch).catch((e: unknown) => e);
      expect((error as UpstreamError).message).toContain("page size changed between calls");
    });

    it("reads a whole sequence at its own size: one call, or ceil(rows / served) when lowered, headers or not", async () => {
      for (const headers of [true, false]) {
        const paging = pagingFor(LEARN, "p");
        const whole = pageList(45, { headers: true });
        expect(ids(await paging.readWhole(45, whole.fetch))).toEqual(sequence(45));
        expect(whole.asked).toEqual([{ page: 1, size: 45 }]);
        const lowered = pageList(45, { maxServed: 20, headers: true, pastEndIsLast: true });
        const fetch: PageFetch = headers
          ? lowered.fetch
          : async (query) => {
              const { rows, perPage } = await lowered.fetch(query);
              return { rows, perPage };
            };
        expect(ids(await paging.readWhole(45, fetch))).toEqual(sequence(45));
        expect(lowered.asked).toEqual([1, 2, 3].map((page) => ({ page, size: 45 })));
      }
    });
  });
});

/** An offset/limit list of `length` rows that answers at most `maxServed` rows a call, with a count and a next marker. */
function offsetList(length: number, maxServed = Number.POSITIVE_INFINITY, count = true) {
  const asked: Array<{ offset: number; limit: number }> = [];
  const fetch: PageFetch = async (query) => {
    const offset = Number(query.get("offset"));
    const limit = Number(query.get("limit"));
    asked.push({ offset, limit });
    const served = Math.min(limit, maxServed);
    return {
      rows: rowsOf(sequence(length).slice(offset, offset + served)),
      total: count ? length : null,
      hasNext: offset + served < length,
    };
  };
  return { fetch, asked };
}

describe("offset-limit paging", () => {
  const OFFSET: PagingConfig = { type: "offset-limit", offsetParam: "offset", limitParam: "limit", maxPageSize: 30 };

  it("reads any window exactly, in no more calls than its bound while the provider serves what is asked", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        async (length, offset, limit, count) => {
          const paging = pagingFor(OFFSET, "p");
          const list = offsetList(length, Number.POSITIVE_INFINITY, count);
          const result = await paging.read(offset, limit, list.fetch);
          expect(ids(result.rows)).toEqual(sequence(length).slice(offset, offset + limit));
          expect(result.end).toBe(offset + limit >= length);
          expect(list.asked.length).toBeLessThanOrEqual(paging.calls(null, limit));
        },
      ),
    );
  });

  it("reads on where a provider with a lower maximum stopped", async () => {
    const paging = pagingFor(OFFSET, "p");
    const list = offsetList(100, 8);
    const result = await paging.read(5, 50, list.fetch);
    expect(ids(result.rows)).toEqual(sequence(100).slice(5, 55));
    expect(ids(await paging.readWhole(20, offsetList(100, 8).fetch))).toEqual(sequence(20));
  });

  it("asks one row of an empty window, for the count", async () => {
    const paging = pagingFor(OFFSET, "p");
    const list = offsetList(12);
    expect(await paging.read(3, 0, list.fetch)).toEqual({ rows: [], total: 12, end: false });
    expect(list.asked).toEqual([{ offset: 3, limit: 1 }]);
    expect(paging.calls(3, 0)).toBe(1);
  });
});

describe("next-link paging", () => {
  const LINK: PagingConfig = { type: "next-link", sizeParam: "size", maxPageSize: 10 };

  /** A list of `length` rows that pages by an opaque cursor in its next link. */
  function linkList(length: number) {
    let calls = 0;
    const fetch: PageFetch = async (query) => {
      calls += 1;
      const size = Number(query.get("size"));
      const from = Number(query.get("after") ?? 0);
      const rows = rowsOf(sequence(length).slice(from, from + size));
      const next = from + size < length ? `https://api.example/orders?size=${size}&after=${from + size}` : null;
      return { rows, next };
    };
    return { fetch, calls: () => calls };
  }

  it("walks from the start to any window, in the calls its bound says", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 1, max: 30 }),
        async (length, offset, limit) => {
          const paging = pagingFor(LINK, "p");
          const list = linkList(length);
          const result = await paging.read(offset, limit, list.fetch);
          expect(ids(result.rows)).toEqual(sequence(length).slice(offset, offset + limit));
          expect(result.end).toBe(offset + limit >= length);
          expect(list.calls()).toBeLessThanOrEqual(paging.calls(offset, limit));
        },
      ),
    );
  });

  it("refuses a next link that points at the page itself", async () => {
    const paging = pagingFor(LINK, "p");
    const error = await paging.read(0, 30, async () => ({ rows: rowsOf(sequence(10)), next: "?size=10" })).catch((e: unknown) => e);
    expect((error as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
  });
});

describe("withQuery", () => {
  it("sets the page's parameters on the connector's own, in place where they already stand", () => {
    const base = new URLSearchParams("q=a&limit=5&sort=id&offset=0");
    expect(withQuery(base, new URLSearchParams("limit=20&offset=40")).toString()).toBe("q=a&limit=20&sort=id&offset=40");
    expect(base.toString()).toBe("q=a&limit=5&sort=id&offset=0");
  });
});
