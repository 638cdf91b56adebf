/**
 * Paging strategies shared by connectors: reading an arbitrary window
 * [offset, offset + limit) of a page-numbered API in the fewest calls.
 */

/** One native page to request, and which of its rows belong to the window. */
export interface PagePlan {
  /** 1-based page number. */
  page: number;
  perPage: number;
  /** Rows of this page to drop before the window starts. */
  skip: number;
  /** Rows of this page that belong to the window. */
  take: number;
}

/**
 * Chooses a page size for a window so that it is covered by as few calls as
 * possible (one when any page size up to `maxPerPage` can hold it), then by
 * the fewest rows transferred.
 */
export function planPages(offset: number, limit: number, maxPerPage: number): PagePlan[] {
  if (limit <= 0) return [];
  let best: { perPage: number; calls: number; rows: number } | undefined;
  for (let perPage = Math.min(limit, maxPerPage); perPage <= maxPerPage; perPage += 1) {
    const first = Math.floor(offset / perPage);
    const last = Math.floor((offset + limit - 1) / perPage);
    const calls = last - first + 1;
    const rows = calls * perPage;
    if (!best || calls < best.calls || (calls === best.calls && rows < best.rows)) best = { perPage, calls, rows };
    if (calls === 1) break;
  }
  const { perPage } = best as { perPage: number };
  const plans: PagePlan[] = [];
  const end = offset + limit;
  for (let page = Math.floor(offset / perPage); page * perPage < end; page += 1) {
    const start = page * perPage;
    const skip = Math.max(0, offset - start);
    plans.push({ page: page + 1, perPage, skip, take: Math.min(perPage, end - start) - skip });
  }
  return plans;
}

/**
 * How many calls {@link planPages} makes for a window of `limit` rows at
 * `offset`; at an offset not known yet (null), the most any offset needs:
 * one page per `maxPerPage` rows, and one more where the window straddles a
 * page boundary. For the query cost estimate (connector.ts, CallBounds).
 */
export function pageCalls(offset: number | null, limit: number, maxPerPage: number): number {
  if (limit <= 0) return 0;
  if (offset === null) return Math.ceil(limit / maxPerPage) + 1;
  return planPages(offset, limit, maxPerPage).length;
}

/** Runs `task` over items with at most `limit` in flight, keeping the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A run of numeric ids that one list call filtered by an id range can return whole. */
export interface IdRange {
  min: string;
  max: string;
  /** The wanted ids in the range. */
  ids: string[];
  /** How many ids the range spans (max - min + 1): at most that many rows can answer it. */
  span: number;
}

/**
 * Groups positive integer ids into ranges of at most `maxSpan` ids each, so
 * that a provider which filters by an id range (and not by a list of ids)
 * returns each group in one call of at most `maxSpan` rows. Ids that are not
 * positive integers are left out.
 */
export function idRanges(ids: readonly string[], maxSpan: number): IdRange[] {
  const numeric = [...new Set(ids.filter((id) => /^[1-9]\d{0,18}$/.test(id)))].map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: IdRange[] = [];
  let current: bigint[] = [];
  const flush = () => {
    const [low] = current;
    const high = current.at(-1);
    if (low === undefined || high === undefined) return;
    ranges.push({ min: String(low), max: String(high), ids: current.map(String), span: Number(high - low) + 1 });
    current = [];
  };
  for (const id of numeric) {
    const [low] = current;
    if (low !== undefined && id - low + 1n > BigInt(maxSpan)) flush();
    current.push(id);
  }
  flush();
  return ranges;
}
