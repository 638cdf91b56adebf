/**
 * Scalars: graphql-scalars where one fits, and Decimal, which must keep exact
 * decimal strings (graphql-scalars has no such scalar).
 */
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { CountryCodeResolver, CurrencyResolver, DateTimeResolver, JSONResolver, LocalDateResolver } from "graphql-scalars";
import { isDecimal } from "../providers/core/decimal.ts";

function parseDecimal(value: unknown): string {
  if (typeof value === "string" && isDecimal(value.trim())) return value.trim();
  if (typeof value === "number" && Number.isFinite(value) && !/e/i.test(String(value))) return String(value);
  throw new GraphQLError(`Decimal must be a decimal number such as "12.50"`, { extensions: { code: "BAD_USER_INPUT" } });
}

/** An exact decimal, as a string in results; strings or plain numbers in input. */
export const DecimalScalar = new GraphQLScalarType({
  name: "Decimal",
  description: 'An exact decimal number as a string, e.g. "120.50".',
  serialize: (value) => {
    if (typeof value === "string" && isDecimal(value)) return value;
    throw new GraphQLError("Decimal cannot represent a non-decimal value");
  },
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT)
      return parseDecimal(ast.kind === Kind.STRING ? ast.value : Number(ast.value));
    throw new GraphQLError("Decimal must be a string or a number", { extensions: { code: "BAD_USER_INPUT" } });
  },
});

/**
 * ISO texts of recent times, by time: records (and their dates) are shared by
 * the requests that read one answer, and pages are read again and again. A
 * direct-mapped table (a slot per second, modulo its size; a collision
 * overwrites) costs no allocation and no WeakMap entry, whose insertion alone
 * took longer than writing the text.
 */
const RECENT_SLOTS = 1024;
const recentTimes = new Float64Array(RECENT_SLOTS).fill(Number.NaN);
const recentTexts: string[] = new Array(RECENT_SLOTS).fill("");

/** `isoText` through the table of recent times. */
function recentIsoText(time: number): string {
  const slot = Math.floor(time / 1000) & (RECENT_SLOTS - 1);
  if (recentTimes[slot] === time) return recentTexts[slot] as string;
  const text = isoText(time);
  recentTimes[slot] = time;
  recentTexts[slot] = text;
  return text;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the dates `toISOString` writes with a four-digit year. */
const FOUR_DIGIT_YEARS = { from: -62_167_219_200_000, to: 253_402_300_799_999 };
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"));

/**
 * `new Date(time).toISOString()` for a Date's time value (whole milliseconds),
 * computed in JavaScript: V8's own takes
 * about 0.6 µs a date (a runtime call), several times this. The calendar is
 * Howard Hinnant's `civil_from_days`; years outside 0000-9999 (written with
 * a sign and six digits) are left to `toISOString`.
 */
export function isoText(time: number): string {
  if (!(time >= FOUR_DIGIT_YEARS.from && time <= FOUR_DIGIT_YEARS.to)) return new Date(time).toISOString();
  const days = Math.floor(time / DAY_MS);
  let rest = time - days * DAY_MS;
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const two = TWO_DIGITS;
  return `${two[Math.floor(year / 100)]}${two[year % 100]}-${two[month]}-${two[day]}T${two[hours]}:${two[minutes]}:${two[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

/**
 * graphql-scalars' DateTime, answering the ISO text itself rather than the
 * Date (which JSON.stringify would then turn into the same text through
 * `toJSON`, date by date, on every answer: a tenth of a page's CPU time).
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => {
    if (value instanceof Date) {
      const time = value.getTime();
      if (!Number.isNaN(time)) return recentIsoText(time);
    }
    const serialized = DateTimeResolver.serialize(value);
    return serialized instanceof Date ? serialized.toISOString() : serialized;
  },
});

/** Every custom scalar of the schema, by name. */
export const scalarResolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  LocalDate: LocalDateResolver,
  CountryCode: CountryCodeResolver,
  Currency: CurrencyResolver,
  JSON: JSONResolver,
};
