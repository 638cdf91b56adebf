/**
 * Paging strategies shared by connectors: reading an arbitrary window
 * [offset, offset + limit) of a provider's list in the fewest calls.
 *
 * A connector chooses its strategy by config, as Airbyte's declarative
 * paginators and Nango's pagination config do: which kind (page numbers,
 * offset and limit, or next links), the names of its query parameters, and
 * its largest page. The connector only turns the strategy's query into a call
 * and the answer into a {@link PageAnswer}; the loop, what ends a sequence,
 * and how many calls a read makes at most (its call bound, for the query cost
 * estimate) are the strategy's, so the bound cannot drift from the loop.
 * Unlike those iterators, windows here are random-access (a window at any
 * offset is the fewest calls that cover it, not a walk from the start), and
 * rows stay lazy (each decoded when read, or kept as its JSON text).
 */
import type { ListResult } from "./connector.ts";
import { LazyRows, lazyListResult } from "./lazy-rows.ts";
import { invalidResponse, UpstreamError } from "./upstream-error.ts";

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

/** One answered call of a list, as the connector read it. */
export interface PageAnswer {
  /** The rows of the answer, each decoded when read (a placeholder for a malformed one, in place). */
  rows: LazyRows;
  /** Rows in the whole filtered sequence, when the provider tells (a count field or header). */
  total?: number | null;
  /** Whether rows follow this answer, when the provider has a next marker. */
  hasNext?: boolean | null;
  /** Where the next page is (a `next` URL or a query string), for next-link paging. */
  next?: string | null;
  /** The page number the provider says it answered (e.g. `X-Page`), when it says. */
  page?: number | null;
  /** The page size the provider says it used (e.g. `X-Per-Page`): below the size asked when it lowered it. */
  perPage?: number | null;
  /** The number of pages the provider says there are (e.g. `X-Pages`). */
  pages?: number | null;
}

/** The call of one page: the strategy's query parameters, which the connector adds to its own (filters, sort). */
export type PageFetch = (query: URLSearchParams) => Promise<PageAnswer>;

/** A connector's own query (filters, sort) with a page's parameters set on it (see {@link PageFetch}). */
export function withQuery(base: URLSearchParams, page: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams(base);
  for (const [name, value] of page) query.set(name, value);
  return query;
}

/** Page numbers and a page size (`page` and `per_page`, Airbyte's PageIncrement). */
export interface PageNumberPagingConfig {
  type: "page-number";
  /** The query parameter of the 1-based page number. */
  pageParam: string;
  /** The query parameter of the page size. */
  sizeParam: string;
  /** Most rows one page may ask for. */
  maxPageSize: number;
  /**
   * The provider may serve fewer rows per page than asked and says how many
   * it served ({@link PageAnswer.perPage}), and how many pages there are.
   * The first page of a window is then read alone: a lowered size becomes the
   * most asked from then on and the window is planned again within it (once),
   * and pages past the count are not asked for. Later pages go `concurrency`
   * at a time. Without this, every page of a window is asked at once.
   */
  learnsPageSize?: { concurrency: number };
  /** The config option that sets `maxPageSize`, named in the error when a provider caps pages below it unseen. */
  sizeOption?: string;
}

/** An offset and a limit (`offset` and `limit`, Airbyte's OffsetIncrement). */
export interface OffsetLimitPagingConfig {
  type: "offset-limit";
  offsetParam: string;
  limitParam: string;
  /** Most rows one call may ask for; a provider that answers fewer is read on from where it stopped. */
  maxPageSize: number;
}

/** A first page and then the provider's next links (Nango's `link`, Airbyte's CursorPagination). */
export interface NextLinkPagingConfig {
  type: "next-link";
  /** The query parameter of the page size. */
  sizeParam: string;
  /** Most rows one page may ask for. */
  maxPageSize: number;
}

/** How a provider's list pages, as a connector declares it. */
export type PagingConfig = PageNumberPagingConfig | OffsetLimitPagingConfig | NextLinkPagingConfig;

/** Reads windows of one provider's list (see the file's comment); made by {@link pagingFor}. */
export interface PagingStrategy {
  /** Most rows one call asks for now (a provider may have lowered it). */
  readonly maxPageSize: number;
  /** The rows [offset, offset + limit) of the sequence `fetch` answers pages of, its total when told, and whether it ends there. */
  read(offset: number, limit: number, fetch: PageFetch): Promise<ListResult>;
  /**
   * Every row of a sequence known to hold at most `rows` rows (an id range
   * read), asked in as few calls as the provider allows.
   */
  readWhole(rows: number, fetch: PageFetch): Promise<LazyRows>;
  /**
   * Most calls {@link read} makes for a window of `limit` rows at `offset`
   * (null: at any offset) while the provider answers as configured: the
   * connector's `CallBounds.list`.
   */
  calls(offset: number | null, limit: number): number;
}

/** The strategy a config names, for the provider `provider` (named in its errors). */
export function pagingFor(config: PagingConfig, provider: string): PagingStrategy {
  switch (config.type) {
    case "page-number":
      return new PageNumberPaging(config, provider);
    case "offset-limit":
      return new OffsetLimitPaging(config, provider);
    case "next-link":
      return new NextLinkPaging(config, provider);
  }
}

/** An answer and the page it was asked as. */
interface Answered {
  plan: PagePlan;
  answer: PageAnswer;
  /** The rows that belong to the page asked (none when the provider answered another page). */
  rows: LazyRows;
}

const NO_ROWS = LazyRows.decoded([]);

/** What every strategy keeps: its config, and the provider its errors name. */
abstract class ConfiguredPaging<Config extends PagingConfig> {
  protected readonly config: Config;
  protected readonly provider: string;

  constructor(config: Config, provider: string) {
    this.config = config;
    this.provider = provider;
  }

  get maxPageSize(): number {
    return this.config.maxPageSize;
  }
}

class PageNumberPaging extends ConfiguredPaging<PageNumberPagingConfig> implements PagingStrategy {
  /** The largest page asked: `maxPageSize` until the provider serves less (see `learnsPageSize`), then that. */
  private cap = this.config.maxPageSize;

  override get maxPageSize(): number {
    return this.cap;
  }

  calls(offset: number | null, limit: number): number {
    return pageCalls(offset, limit, this.cap);
  }

  private async fetchPage(plan: PagePlan, fetch: PageFetch): Promise<Answered> {
    const query = new URLSearchParams();
    query.set(this.config.pageParam, String(plan.page));
    query.set(this.config.sizeParam, String(plan.perPage));
    const answer = await fetch(query);
    if (answer.rows.length > plan.perPage) throw invalidResponse(this.provider, "an order list");
    // Some providers answer a page past the end with the last page: such rows are not this page's.
    const pastEnd = (answer.page != null && answer.page !== plan.page) || (answer.pages != null && plan.page > answer.pages);
    return { plan, answer, rows: pastEnd ? NO_ROWS : answer.rows };
  }

  /** Whether an answer used a smaller page size than asked; a valid smaller one becomes the cap for every later call. */
  private lowered({ plan, answer }: Answered): boolean {
    const served = answer.perPage;
    if (!this.config.learnsPageSize || served == null || served < 1 || served >= plan.perPage) return false;
    this.cap = Math.min(this.cap, served);
    return true;
  }

  private changedSize(): UpstreamError {
    return invalidResponse(this.provider, "an order list whose page size changed between calls");
  }

  async read(offset: number, limit: number, fetch: PageFetch): Promise<ListResult> {
    let plans = planPages(offset, limit, this.cap);
    if (plans.length === 0) return { rows: [], total: null, end: false };
    let answers: Answered[];
    let skipped = false;
    const learn = this.config.learnsPageSize;
    if (learn) {
      let first = await this.fetchPage(plans[0] as PagePlan, fetch);
      if (this.lowered(first)) {
        // The rows of a lowered page are not the planned ones: plan again within the provider's size, once.
        plans = planPages(offset, limit, this.cap);
        first = await this.fetchPage(plans[0] as PagePlan, fetch);
        if (this.lowered(first)) throw this.changedSize();
      }
      // The page count bounds the rest: never ask for a page that would only repeat the last one.
      const pages = first.answer.pages;
      const rest = plans.slice(1);
      const wanted = rest.filter((plan) => pages == null || plan.page <= pages);
      skipped = wanted.length < rest.length;
      const others = await mapConcurrent(wanted, learn.concurrency, (plan) => this.fetchPage(plan, fetch));
      // Every page was planned within the size the first answer used; one lowered since would hold other rows.
      if (others.some((answered) => this.lowered(answered))) throw this.changedSize();
      answers = [first, ...others];
    } else {
      answers = await Promise.all(plans.map((plan) => this.fetchPage(plan, fetch)));
    }
    const total = answers[0]?.answer.total ?? null;
    const short = answers.findIndex(({ plan, rows }) => rows.length < plan.perPage);
    const kept = short < 0 ? answers : answers.slice(0, short + 1);
    if (short >= 0 && total === null && answers.slice(short + 1).some(({ rows }) => rows.length > 0)) {
      // Rows after a short page: the provider caps the page size below the one asked, so the later pages
      // start at other offsets than planned, and the short page would read as the end. Reading on would
      // drop rows without a trace.
      const option = this.config.sizeOption ? ` (set ${this.config.sizeOption} to its cap)` : "";
      throw new UpstreamError(
        "UPSTREAM_INVALID_RESPONSE",
        this.provider,
        `provider ${this.provider} answered a short page that was not the last: it caps ${this.config.sizeParam} below ${this.cap}${option}`,
      );
    }
    const rows = LazyRows.join(kept.map(({ plan, rows }) => rows.slice(plan.skip, plan.skip + plan.take)));
    // With a total the window ends where it says; without one a short page is the end, and so is a page past the count.
    const end = total !== null ? offset + rows.length >= total : short >= 0 || skipped;
    return lazyListResult(rows, total, end);
  }

  /**
   * Asks every page at the size of the whole sequence: one page holds it
   * unless the provider lowers the size; then every page is asked alike, so
   * each is lowered alike and together they hold it. At most
   * ceil(rows / served) pages: a provider that answers a page past the end
   * with the last one, and sends no page count, is stopped by that.
   */
  async readWhole(rows: number, fetch: PageFetch): Promise<LazyRows> {
    const runs: LazyRows[] = [];
    let lastPage = 1;
    for (let page = 1; page <= lastPage; page += 1) {
      const answered = await this.fetchPage({ page, perPage: rows, skip: 0, take: rows }, fetch);
      runs.push(answered.rows);
      const served = answered.answer.perPage;
      if (!this.lowered(answered) || served == null || answered.rows.length < served) break;
      lastPage = Math.min(answered.answer.pages ?? Number.POSITIVE_INFINITY, Math.ceil(rows / served));
    }
    return LazyRows.join(runs);
  }
}

/** One call of an offset/limit list: its rows, the total when told, and whether more follow. */
interface OffsetAnswer {
  rows: LazyRows;
  total: number | null;
  hasNext: boolean;
}

class OffsetLimitPaging extends ConfiguredPaging<OffsetLimitPagingConfig> implements PagingStrategy {
  /** One call per `maxPageSize` rows (an empty window still asks one row, for the total). */
  calls(_offset: number | null, limit: number): number {
    return limit <= 0 ? 1 : Math.ceil(limit / this.maxPageSize);
  }

  private async call(offset: number, limit: number, fetch: PageFetch): Promise<OffsetAnswer> {
    const query = new URLSearchParams();
    query.set(this.config.limitParam, String(limit));
    query.set(this.config.offsetParam, String(offset));
    const answer = await fetch(query);
    return { rows: answer.rows, total: answer.total ?? null, hasNext: answer.hasNext === true };
  }

  /**
   * Reads [offset, offset + limit) in calls of at most `limit` rows. A
   * provider whose own maximum is below the one asked answers short before the
   * end: reading goes on from where the answer stopped until the window is
   * full or the end is reached.
   */
  private async range(offset: number, limit: number, fetch: PageFetch): Promise<OffsetAnswer> {
    const runs: LazyRows[] = [];
    let read = 0;
    let total: number | null = null;
    let hasNext = false;
    while (read < limit) {
      const answer = await this.call(offset + read, limit - read, fetch);
      const run = answer.rows.slice(0, limit - read);
      runs.push(run);
      read += run.length;
      total = answer.total ?? total;
      hasNext = total !== null ? offset + read < total : answer.hasNext;
      if (answer.rows.length === 0 || !hasNext) break;
    }
    return { rows: LazyRows.join(runs), total, hasNext };
  }

  async read(offset: number, limit: number, fetch: PageFetch): Promise<ListResult> {
    if (limit <= 0) {
      // Many APIs read limit=0 as "the default": ask for one row to learn the total.
      const probe = await this.call(offset, 1, fetch);
      return {
        rows: [],
        total: probe.total,
        end: probe.total !== null ? offset >= probe.total : !probe.hasNext && probe.rows.length === 0,
      };
    }
    const windows: Array<{ offset: number; limit: number }> = [];
    for (let start = 0; start < limit; start += this.maxPageSize) {
      windows.push({ offset: offset + start, limit: Math.min(this.maxPageSize, limit - start) });
    }
    // The first answer's total tells which further windows exist (the engine often asks one row
    // past a page, e.g. 101): only those are read, in parallel.
    const [firstWindow, ...rest] = windows as [{ offset: number; limit: number }, ...Array<{ offset: number; limit: number }>];
    const first = await this.range(firstWindow.offset, firstWindow.limit, fetch);
    const needed = first.rows.length < firstWindow.limit ? [] : rest.filter((w) => first.total === null || w.offset < first.total);
    const read = [firstWindow, ...needed];
    const answers = [first, ...(await Promise.all(needed.map((w) => this.range(w.offset, w.limit, fetch))))];
    const runs: LazyRows[] = [];
    for (const [index, answer] of answers.entries()) {
      runs.push(answer.rows);
      // A short window is the end of the sequence: later windows hold nothing more.
      if (answer.rows.length < (read[index]?.limit ?? 0)) break;
    }
    const rows = LazyRows.join(runs);
    const total = answers.find((answer) => answer.total !== null)?.total ?? null;
    const last = answers.at(-1);
    const end = total !== null ? offset + rows.length >= total : rows.length < limit || !last?.hasNext;
    return lazyListResult(rows, total, end);
  }

  async readWhole(rows: number, fetch: PageFetch): Promise<LazyRows> {
    return (await this.range(0, rows, fetch)).rows;
  }
}

class NextLinkPaging extends ConfiguredPaging<NextLinkPagingConfig> implements PagingStrategy {
  /**
   * Next links walk from the start: a window at `offset` costs the pages up to
   * its end. At an offset not known yet there is no bound short of the whole
   * sequence, so the estimate refuses it rather than price it low.
   */
  calls(offset: number | null, limit: number): number {
    if (limit <= 0) return 0;
    return offset === null ? Number.MAX_SAFE_INTEGER : Math.ceil((offset + limit) / this.maxPageSize);
  }

  /** The query of a next link: a URL's or a bare query string's parameters. */
  private nextQuery(next: string): URLSearchParams {
    const at = next.indexOf("?");
    return new URLSearchParams(at >= 0 ? next.slice(at + 1) : next);
  }

  /** Rows from the start up to `wanted` of them, following next links; and whether the sequence ended. */
  private async walk(wanted: number, fetch: PageFetch): Promise<{ rows: LazyRows; total: number | null; ended: boolean }> {
    const runs: LazyRows[] = [];
    let read = 0;
    let total: number | null = null;
    let query = new URLSearchParams({ [this.config.sizeParam]: String(Math.min(this.maxPageSize, Math.max(1, wanted))) });
    for (;;) {
      const answer = await fetch(query);
      runs.push(answer.rows);
      read += answer.rows.length;
      total = answer.total ?? total;
      const next = answer.next ?? null;
      if (next === null || answer.rows.length === 0) return { rows: LazyRows.join(runs), total, ended: true };
      if (read >= wanted) return { rows: LazyRows.join(runs), total, ended: false };
      const following = this.nextQuery(next);
      if (following.toString() === query.toString())
        throw invalidResponse(this.provider, "an order list whose next link is the page itself");
      query = following;
    }
  }

  async read(offset: number, limit: number, fetch: PageFetch): Promise<ListResult> {
    if (limit <= 0) return { rows: [], total: null, end: false };
    const { rows, total, ended } = await this.walk(offset + limit, fetch);
    const window = rows.slice(offset, offset + limit);
    const end = total !== null ? offset + window.length >= total : ended && offset + window.length >= rows.length;
    return lazyListResult(window, total, end);
  }

  async readWhole(rows: number, fetch: PageFetch): Promise<LazyRows> {
    return (await this.walk(rows, fetch)).rows;
  }
}
