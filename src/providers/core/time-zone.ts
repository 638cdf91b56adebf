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
