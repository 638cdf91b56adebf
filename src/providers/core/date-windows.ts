/**
 * The date-window strategy, for a provider whose list has no paging: one call
 * answers every order of a filter, but at most `cap` of them, silently cut,
 * and the one narrowing that always applies is a range of local days (both
 * ends inclusive; Iteras' `created_after`/`created_before`). A whole filtered
 * set is read by splitting a window whose answer holds `cap` orders until no
 * answer does; a single day that holds `cap` cannot be split, and is an error
 * rather than a cut. Pure: the connector hands in the fetch of one window, so
 * the splitting is unit-tested without HTTP.
 */

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An inclusive range of local days ("YYYY-MM-DD"); an absent bound is open. */
export interface DayWindow {
  after?: string;
  before?: string;
}

function dayMs(day: string): number {
  const match = DAY.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** The day `n` days after (or before, when negative) `day`. */
export function addDays(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (0 when equal, negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayMs(b) - dayMs(a)) / DAY_MS);
}

/** True when a window can hold no day at all (after > before). */
export function isEmptyWindow(window: DayWindow): boolean {
  return window.after !== undefined && window.before !== undefined && window.after > window.before;
}

/** What to do with a window whose answer hit the cap. */
export type SplitResult = { windows: DayWindow[] } | { overflowDay: string } | { unsplittable: true };

/**
 * Splits a window whose answer held `cap` orders (so some may be missing).
 * `answerDays` are the first and last local days among the answer's orders
 * (null when none had a readable day). The bounded part [lo, hi] is known to
 * hold at least `cap` orders, so it is halved at once without another call;
 * open sides become open windows beyond the days seen, which always makes
 * progress whatever order the provider picked its `cap` orders in.
 * A single day known to hold `cap` orders cannot be narrowed by date: that is
 * an overflow, never a silent cut.
 */
export function splitCappedWindow(window: DayWindow, answerDays: { min: string; max: string } | null): SplitResult {
  const clamp = (day: string): string => {
    if (window.after !== undefined && day < window.after) return window.after;
    if (window.before !== undefined && day > window.before) return window.before;
    return day;
  };
  let lo = window.after;
  let hi = window.before;
  if (lo === undefined || hi === undefined) {
    if (answerDays === null) return { unsplittable: true };
    lo ??= clamp(answerDays.min);
    hi ??= clamp(answerDays.max);
    if (hi < lo) hi = lo;
  }
  if (lo === hi) return { overflowDay: lo };
  const windows: DayWindow[] = [];
  if (window.after === undefined) windows.push({ before: addDays(lo, -1) });
  const mid = addDays(lo, Math.floor(daysBetween(lo, hi) / 2));
  windows.push({ after: lo, before: mid }, { after: addDays(mid, 1), before: hi });
  if (window.before === undefined) windows.push({ after: addDays(hi, 1) });
  return { windows };
}

/** Thrown when one day holds at least `cap` orders: no date window can fetch it whole. */
export class DayOverflowError extends Error {
  readonly day: string;

  constructor(day: string, cap: number) {
    super(`${day} has at least ${cap} orders`);
    this.name = "DayOverflowError";
    this.day = day;
  }
}

/** Thrown when the windows cannot be narrowed further (no readable days, or too many calls). */
export class WindowSplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WindowSplitError";
  }
}

/** What {@link fetchAllWindows} needs. */
export interface WindowFetchOptions<T, R = T> {
  /** Most orders one answer holds; an answer of this size may have been cut. */
  cap: number;
  /** Fetches one window (adds created_after/created_before to the other params). */
  fetch(window: DayWindow): Promise<T[]>;
  /**
   * The local day of an item of an answer, null when it has none readable.
   * Days only choose where a capped window is split (the parts always cover
   * the whole window), so an item without one still counts toward the cap.
   */
  dayOf(item: T): string | null;
  /**
   * Turns the answer of a window that is kept (under the cap) into what is
   * returned. It runs as soon as that answer arrives, so the answer itself is
   * dropped before the other windows' answers pile up; a capped answer never
   * reaches it. Default: the answer as it is.
   */
  keep?(answer: T[], window: DayWindow): R[];
  /** Calls in flight at once. */
  concurrency: number;
  /** Most calls before giving up (a provider that ignores the dates would loop). */
  maxCalls?: number;
}

function limiter(concurrency: number): <R>(task: () => Promise<R>) => Promise<R> {
  let active = 0;
  const queue: Array<() => void> = [];
  return async (task) => {
    if (active >= concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

/** The first and last days among the items of an answer (null when none has one). */
function answerDays<T>(answer: readonly T[], dayOf: (item: T) => string | null): { min: string; max: string } | null {
  let min: string | undefined;
  let max: string | undefined;
  for (const item of answer) {
    const day = dayOf(item);
    if (day === null) continue;
    if (min === undefined || day < min) min = day;
    if (max === undefined || day > max) max = day;
  }
  return min !== undefined && max !== undefined ? { min, max } : null;
}

/**
 * Fetches every item of `initial`, splitting windows whose answer hits the cap
 * until each answer is under it. Items come back window by window, from the
 * oldest window to the newest; each leaf window's answer is taken as given
 * (through `keep`), and a capped answer is only read for its days.
 */
export async function fetchAllWindows<T, R = T>(initial: DayWindow, options: WindowFetchOptions<T, R>): Promise<R[]> {
  const run = limiter(Math.max(1, options.concurrency));
  const maxCalls = options.maxCalls ?? 5_000;
  const keep = options.keep ?? ((answer: T[]) => answer as unknown as R[]);
  let calls = 0;
  const visit = async (window: DayWindow): Promise<R[]> => {
    if (isEmptyWindow(window)) return [];
    calls += 1;
    if (calls > maxCalls) throw new WindowSplitError(`more than ${maxCalls} date windows were needed`);
    // The answer lives only inside this task: kept as R, or reduced to the split, before any other window is awaited.
    const outcome = await run(async (): Promise<{ kept: R[] } | { split: SplitResult }> => {
      const answer = await options.fetch(window);
      if (answer.length < options.cap) return { kept: keep(answer, window) };
      return { split: splitCappedWindow(window, answerDays(answer, options.dayOf)) };
    });
    if ("kept" in outcome) return outcome.kept;
    const split = outcome.split;
    if ("overflowDay" in split) throw new DayOverflowError(split.overflowDay, options.cap);
    if ("unsplittable" in split) throw new WindowSplitError("a capped answer carried no readable created dates to split by");
    const parts = await Promise.all(split.windows.map(visit));
    return parts.flat();
  };
  return visit(initial);
}

/**
 * Most calls reading `sets` filtered sets makes while each holds fewer than
 * `cap` orders: one window each. A larger set is split by date, in more calls
 * (outside the bound; see src/engine/call-bounds.ts).
 */
export function windowedSetCalls(sets: number): number {
  return Math.max(1, sets);
}
