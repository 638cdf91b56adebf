/**
 * Iteras' days and the windows planned from them: the local day of its
 * `created` times (what `created_after`/`created_before` compare), the day
 * window of a filter, and the day windows that read the details of listed
 * orders several at a time (core/date-windows.ts reads a window whole).
 */
import type { InstantRange } from "../core/connector.ts";
import type { DayWindow } from "../core/date-windows.ts";
import { localDay, parseTimestamp, timestampParts } from "../core/time-zone.ts";

/**
 * Reads Iteras' `created`: a local wall-clock time without zone, taken in
 * `timeZone` (see `wallClockInstant` for the hours a DST change skips or
 * repeats). A time that carries its own offset (or Z) is honoured as is.
 * Null when unreadable.
 */
export function parseWallClock(text: string, timeZone: string): Date | null {
  return parseTimestamp(text, timeZone);
}

/** The local day of Iteras' `created` (the day `created_after`/`created_before` compare), or null. */
export function createdDay(text: string, timeZone: string): string | null {
  const parts = timestampParts(text);
  if (!parts) return null;
  return parts.offsetMs === null ? parts.day : localDay(new Date(parts.wallMs - parts.offsetMs), timeZone);
}

/** The day window of a created range in Iteras' zone: whole local days, so a superset the exact range is checked on. */
export function createdWindow(range: InstantRange | undefined, timeZone: string): DayWindow {
  const window: DayWindow = {};
  if (range?.from) window.after = localDay(range.from, timeZone);
  if (range?.to) window.before = localDay(range.to, timeZone);
  return window;
}

/** Orders whose local day is remembered from lists, to read their details by day. */
const MAX_DAY_HINTS = 200_000;
/** Fewer requested orders than this in a window are read one order_id call each. */
const MIN_CLUSTER = 2;

/**
 * The local days of orders seen in lists, and how many orders each day held:
 * enough to read the details of listed orders by day window, several in one
 * call, rather than one `order_id` call each.
 */
export class IterasDayHints {
  /** nativeId -> local created day. */
  private readonly days = new Map<string, string>();
  /** Orders seen per local day: a lower bound of what a day window returns. */
  private readonly counts = new Map<string, number>();

  /** Remembers an order's day (the first time it is seen); forgets everything when full. */
  learn(id: string, day: string): void {
    if (this.days.has(id)) return;
    if (this.days.size >= MAX_DAY_HINTS) this.clear();
    this.days.set(id, day);
    this.counts.set(day, (this.counts.get(day) ?? 0) + 1);
  }

  clear(): void {
    this.days.clear();
    this.counts.clear();
  }

  /**
   * Groups ids whose day is known into day windows that should hold fewer
   * than `cap` orders (by the orders seen per day), so each is one call;
   * windows with a single requested order are left to order_id.
   */
  clusters(ids: readonly string[], cap: number): Array<{ window: DayWindow; ids: string[] }> {
    const dated = ids
      .map((id) => ({ id, day: this.days.get(id) }))
      .filter((entry): entry is { id: string; day: string } => entry.day !== undefined)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    if (dated.length < MIN_CLUSTER) return [];
    // Orders seen up to and including each known day.
    const upTo = new Map<string, number>();
    let running = 0;
    for (const day of [...this.counts.keys()].sort()) {
      running += this.counts.get(day) ?? 0;
      upTo.set(day, running);
    }
    const before = (day: string) => (upTo.get(day) ?? 0) - (this.counts.get(day) ?? 0);
    const groups: Array<Array<{ id: string; day: string }>> = [];
    for (const entry of dated) {
      const group = groups.at(-1);
      const first = group?.[0];
      if (group && first && (upTo.get(entry.day) ?? 0) - before(first.day) < cap) group.push(entry);
      else groups.push([entry]);
    }
    return groups
      .filter((group) => group.length >= MIN_CLUSTER)
      .map((group) => ({
        window: { after: (group[0] as { day: string }).day, before: (group.at(-1) as { day: string }).day },
        ids: group.map((entry) => entry.id),
      }));
  }
}
