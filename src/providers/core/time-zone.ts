/**
 * Time-zone offsets asked of Intl, for providers that send wall-clock times
 * without an offset (read in the zone their config names). One formatter per
 * zone, and one offset per zone and UTC day: a new `Intl.DateTimeFormat` per
 * timestamp cost about 50 µs, a hundred times the rest of reading it.
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether a text is an IANA time zone Intl knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of an instant in a zone: year, month (1–12), day, hour, minute, second. */
export function wallClockParts(instant: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts;
}

/** The offset of a zone from UTC at an instant, in ms (positive east of Greenwich), asked of Intl. */
function exactOffsetAt(instant: number, timeZone: string): number {
  const p = wallClockParts(instant, timeZone);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Per zone: UTC day number -> the zone's offset all that day, or NaN when it changes during the day. */
const dayOffsets = new Map<string, Map<number, number>>();
/** Days remembered per zone (a few thousand cover any real order history). */
const MAX_OFFSET_DAYS = 100_000;

/**
 * The offset of a zone from UTC at an instant, in ms (positive east of
 * Greenwich). A whole UTC day whose first and last second have the same
 * offset is taken to have it throughout (no zone changes its offset twice
 * within a day), so reading thousands of orders asks Intl a couple of times
 * per day instead of several times per order.
 */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  let days = dayOffsets.get(timeZone);
  if (!days) {
    days = new Map();
    dayOffsets.set(timeZone, days);
  }
  const day = Math.floor(instant / DAY_MS);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = exactOffsetAt(day * DAY_MS, timeZone);
    offset = first === exactOffsetAt(day * DAY_MS + DAY_MS - 1000, timeZone) ? first : Number.NaN;
    if (days.size >= MAX_OFFSET_DAYS) days.clear();
    days.set(day, offset);
  }
  return Number.isNaN(offset) ? exactOffsetAt(instant, timeZone) : offset;
}

/** Whether a text is a real calendar day "YYYY-MM-DD". */
export function isDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The local wall-clock time ("YYYY-MM-DDTHH:MM:SS") of an instant in a time zone. */
export function localStamp(instant: Date, timeZone: string): string {
  const p = wallClockParts(instant.getTime(), timeZone);
  const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, "0");
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The local day ("YYYY-MM-DD") of an instant in a time zone. */
export function localDay(instant: Date, timeZone: string): string {
  return localStamp(instant, timeZone).slice(0, 10);
}

/**
 * The instant (epoch ms) at which a zone's clocks show a wall-clock time,
 * given as the epoch ms of the same fields read in UTC. A time the clocks
 * pass twice (when they go back) is the earlier instant; a time they skip
 * (when they go forward) is read with the offset in force before the change,
 * so it lands the gap later. This is Python's zoneinfo with `fold=0` (what
 * Django's `make_aware` does) and Temporal's "compatible".
 */
export function wallClockInstant(wallMs: number, timeZone: string): number {
  // A zone changes its offset at most once within half a day either side: the candidates are those two offsets.
  const before = zoneOffsetMs(wallMs - DAY_MS / 2, timeZone);
  const after = zoneOffsetMs(wallMs + DAY_MS / 2, timeZone);
  const valid = [wallMs - before, wallMs - after].filter((instant) => instant + zoneOffsetMs(instant, timeZone) === wallMs);
  return valid.length > 0 ? Math.min(...valid) : wallMs - before;
}

/** The parts of an ISO 8601 timestamp text, checked (a real day, hours 0–23, minutes and seconds 0–59). */
export interface TimestampParts {
  /** The date as written, "YYYY-MM-DD". */
  day: string;
  /** Epoch ms of the written fields read in UTC (fractions of a millisecond are dropped). */
  wallMs: number;
  /** The written offset in ms east of UTC (`Z` is 0), or null when the text has none. */
  offsetMs: number | null;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Reads an ISO 8601 timestamp as providers write it: `T` or a space before the
 * time, seconds and a fraction optional, an offset as `Z`, `±HH`, `±HHMM` or
 * `±HH:MM` (or none). A date alone is midnight, only where `dateOnly` allows it.
 * Null when the text is not one, or names a day or time that does not exist.
 */
export function timestampParts(text: string, options: { dateOnly?: boolean } = {}): TimestampParts | null {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return null;
  const day = m[1] as string;
  // Field by field, without an array or a closure: a list page reads several timestamps per order.
  const hasTime = m[2] !== undefined;
  if ((!hasTime && (!options.dateOnly || m[6] !== undefined)) || !isDay(day)) return null;
  const hour = hasTime ? Number(m[2]) : 0;
  const minute = hasTime ? Number(m[3]) : 0;
  const second = m[4] === undefined ? 0 : Number(m[4]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const fraction = m[5];
  const ms = fraction === undefined ? 0 : Number(fraction.length >= 3 ? fraction.slice(0, 3) : fraction.padEnd(3, "0"));
  const wallMs = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)), hour, minute, second, ms);
  const zone = m[6];
  if (zone === undefined) return { day, wallMs, offsetMs: null };
  if (zone === "Z" || zone === "z") return { day, wallMs, offsetMs: 0 };
  const minutes = Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0);
  return { day, wallMs, offsetMs: (zone.charCodeAt(0) === 45 ? -1 : 1) * minutes * 60_000 };
}

/**
 * The instant of an ISO 8601 timestamp (see {@link timestampParts}): with an
 * offset, exactly that; without one, the wall-clock time in `timeZone` (see
 * {@link wallClockInstant}). Null when it cannot be read; never a guess.
 */
export function parseTimestamp(text: string, timeZone: string, options: { dateOnly?: boolean } = {}): Date | null {
  const parts = timestampParts(text, options);
  if (!parts) return null;
  return new Date(parts.offsetMs === null ? wallClockInstant(parts.wallMs, timeZone) : parts.wallMs - parts.offsetMs);
}
