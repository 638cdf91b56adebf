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

/** ISO texts of dates already serialised: records (and their dates) are shared by the requests that read one answer. */
const isoTexts = new WeakMap<Date, string>();

/**
 * graphql-scalars' DateTime, answering the ISO text itself rather than the
 * Date (which JSON.stringify would then turn into the same text through
 * `toJSON`, date by date, on every answer: a tenth of a page's CPU time).
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => {
    if (value instanceof Date && !Number.isNaN(value.getTime())) {
      let text = isoTexts.get(value);
      if (text === undefined) {
        text = value.toISOString();
        isoTexts.set(value, text);
      }
      return text;
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
