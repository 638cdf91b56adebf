/**
 * Turns GraphQL arguments into the engine's terms: validated filters with
 * customer ids split per provider, and sort keys. Also the two rules a filter
 * must pass before anything runs (see filter-guard.ts): filters that match
 * personal data need pii:read, and no filter text holds a control character.
 */

import { GraphQLError } from "graphql";
import type { Scope } from "../config/config.schema.ts";
import { UserInputError } from "../engine/engine-errors.ts";
import type { OrderFilter as OrderFilterInput, OrderSort as OrderSortInput } from "../generated/resolvers.ts";
import type { OrderFilter, SortKey } from "../providers/core/connector.ts";
import { decodeGlobalId } from "./global-id.ts";

const MAX_TEXT = 200;
/** The most native codes or customers one filter may name: each becomes part of an upstream URL. */
export const MAX_FILTER_LIST = 100;

/**
 * The OrderFilter fields that match personal data, so a client needs pii:read
 * to use them: without it, an answer that depends on whether an address or a
 * name matches tells what the field guard hides (a count of 7 for a real
 * e-mail and 0 for an unknown one; a customer's e-mail recovered a character
 * at a time with `search`). `email` matches the order's and the customer's
 * e-mail; `search` matches them and the customer's name (match-filter.ts), and
 * a provider's own search, where one narrows first, matches more (the Django
 * shop's covers names, username and e-mail). The other fields match ids,
 * codes, dates and amounts.
 */
export const PERSONAL_FILTERS = ["email", "search"] as const satisfies readonly (keyof OrderFilterInput)[];

/**
 * Control characters (C0, DEL and C1: Unicode's Cc) and the Unicode line and
 * paragraph separators. None belongs in a filter text, and a NUL or an escape
 * sent on to a provider's query or SQL is at best an error there.
 */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/** The first control character of a text (see {@link CONTROL}) as `U+XXXX`, or null when it has none. */
export function controlCharacterIn(value: string): string | null {
  const found = CONTROL.exec(value);
  return found ? `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}` : null;
}

function noControlCharacter(value: string, argument: string): void {
  const found = controlCharacterIn(value);
  if (found) throw new UserInputError(`${argument} must not contain control characters (found ${found})`, argument);
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** One line of 1 to MAX_TEXT characters. */
function isShortLine(value: string): boolean {
  return value !== "" && value.length <= MAX_TEXT && !LINE_BREAK.test(value);
}

/** A text trimmed; a line break refused even where trimming would drop it (it is a control character too). */
function text(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (!isShortLine(trimmed) || LINE_BREAK.test(value)) {
    throw new UserInputError(`filter.${name} must be a single line of 1 to ${MAX_TEXT} characters`, `filter.${name}`);
  }
  noControlCharacter(value, `filter.${name}`);
  return trimmed;
}

/**
 * The instants an order can have: every provider dates orders after the Unix
 * epoch (CS-Cart keeps unsigned Unix seconds) and in four-digit years, also
 * in its local time. A bound on the far side of this window holds every
 * order and is dropped, so no provider is sent a negative timestamp or a
 * five-digit year; a bound that leaves no order at all is the client's mistake.
 */
export const ORDER_INSTANTS = { from: new Date("1970-01-01T00:00:00.000Z"), to: new Date("9000-01-01T00:00:00.000Z") };

function range(value: { from?: Date | null; to?: Date | null } | null | undefined, name: string): { from?: Date; to?: Date } | undefined {
  if (!value) return undefined;
  const out: { from?: Date; to?: Date } = {};
  if (value.from && value.from >= ORDER_INSTANTS.to)
    throw new UserInputError(`filter.${name}.from: no order is dated after ${ORDER_INSTANTS.to.toISOString()}`, `filter.${name}`);
  if (value.to && value.to < ORDER_INSTANTS.from)
    throw new UserInputError(`filter.${name}.to: no order is dated before ${ORDER_INSTANTS.from.toISOString()}`, `filter.${name}`);
  if (value.from && value.from > ORDER_INSTANTS.from) out.from = value.from;
  if (value.to && value.to < ORDER_INSTANTS.to) out.to = value.to;

  if (out.from && out.to && out.from > out.to) throw new UserInputError(`filter.${name}: from is after to`, `filter.${name}`);
  return out.from || out.to ? out : undefined;
}

function list<T>(value: readonly T[] | null | undefined): T[] | undefined {
  return value ? [...new Set(value)] : undefined;
}

function boundedList(value: readonly string[] | null | undefined, name: string): string[] | undefined {
  const values = list(value);
  if (values && values.length > MAX_FILTER_LIST) {
    throw new UserInputError(`filter.${name}: at most ${MAX_FILTER_LIST} values`, `filter.${name}`);
  }
  return values;
}

/** Native codes as the provider spells them (so not trimmed), each a single line of 1 to MAX_TEXT characters. */
function codes(value: readonly string[] | null | undefined, name: string): string[] | undefined {
  const values = boundedList(value, name);
  for (const code of values ?? []) {
    if (!isShortLine(code)) {
      throw new UserInputError(`filter.${name}: each code must be a single line of 1 to ${MAX_TEXT} characters`, `filter.${name}`);
    }
    noControlCharacter(code, `filter.${name}`);
  }
  return values;
}

/**
 * The first text in an input value (a filter as the client sent it, any
 * depth) that holds a control character: its argument path (`filter.search`,
 * `filter.nativeStatus`) and the character; null when there is none.
 */
export function controlCharacterInInput(value: unknown, path: string): { argument: string; found: string } | null {
  if (typeof value === "string") {
    const found = controlCharacterIn(value);
    return found ? { argument: path, found } : null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = controlCharacterInInput(item, path);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const problem = controlCharacterInInput(item, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return null;
}

/** The FORBIDDEN answer to a personal filter used without pii:read. */
export function personalFilterForbidden(field: string, argument: string): GraphQLError {
  return new GraphQLError(`${field}: ${argument} matches personal data and needs the pii:read scope`, {
    extensions: { code: "FORBIDDEN", field, argument, scope: "pii:read" },
  });
}

/** The first personal filter ({@link PERSONAL_FILTERS}) an OrderFilter input sets, or null. */
export function personalFilterIn(
  input: Partial<Record<(typeof PERSONAL_FILTERS)[number], unknown>> | null | undefined,
): (typeof PERSONAL_FILTERS)[number] | null {
  if (!input) return null;
  return PERSONAL_FILTERS.find((name) => input[name] !== null && input[name] !== undefined) ?? null;
}

/**
 * Refuses an OrderFilter that uses a personal filter for a client without
 * pii:read, naming the field (`Query.orders`), the argument (`filter.email`)
 * and the scope.
 */
export function requireFilterScope(
  input: Partial<Record<(typeof PERSONAL_FILTERS)[number], unknown>> | null | undefined,
  scopes: ReadonlySet<Scope>,
  field: string,
): void {
  if (scopes.has("pii:read")) return;
  const used = personalFilterIn(input);
  if (used) throw personalFilterForbidden(field, `filter.${used}`);
}

/** The engine filter and, when customers are named, their native ids per provider. */
export interface ResolvedFilter {
  filter: OrderFilter;
  customerIdsByProvider: Map<string, string[]> | undefined;
}

/** Validates an OrderFilter input. */
export function resolveFilter(input: OrderFilterInput | null | undefined): ResolvedFilter {
  if (!input) return { filter: {}, customerIdsByProvider: undefined };
  const filter: OrderFilter = {};
  const set = <K extends keyof OrderFilter>(key: K, value: OrderFilter[K] | undefined) => {
    if (value !== undefined) filter[key] = value;
  };
  set("status", list(input.status));
  set("nativeStatus", codes(input.nativeStatus, "nativeStatus"));
  set("paymentStatus", list(input.paymentStatus));
  set("createdAt", range(input.createdAt, "createdAt"));
  set("updatedAt", range(input.updatedAt, "updatedAt"));
  set("email", text(input.email, "email"));
  set("search", text(input.search, "search"));
  set("vendorReference", text(input.vendorReference, "vendorReference"));
  if (input.total && (input.total.min != null || input.total.max != null)) {
    const total: { min?: string; max?: string } = {};
    if (input.total.min != null) total.min = input.total.min;
    if (input.total.max != null) total.max = input.total.max;
    filter.total = total;
  }
  let customerIdsByProvider: Map<string, string[]> | undefined;
  const customerIds = boundedList(input.customerIds, "customerIds");
  if (customerIds) {
    customerIdsByProvider = new Map();
    for (const id of customerIds) {
      const decoded = decodeGlobalId(id);
      // A native id is percent-encoded inside the id: a control character can hide there.
      if (decoded?.type !== "Customer" || controlCharacterIn(decoded.nativeId))
        throw new UserInputError(`filter.customerIds: "${id.slice(0, 80)}" is not a customer id`, "filter.customerIds");
      const ids = customerIdsByProvider.get(decoded.provider) ?? [];
      ids.push(decoded.nativeId);
      customerIdsByProvider.set(decoded.provider, ids);
    }
    // The set of customers is part of the query (and of its cursors).
    filter.customerIds = customerIds.sort();
  }
  return { filter, customerIdsByProvider };
}

/** Validates sort input; duplicates of a field are refused. */
export function resolveSort(input: readonly OrderSortInput[] | null | undefined): SortKey[] {
  if (!input) return [];
  const seen = new Set<string>();
  return input.map((key) => {
    if (seen.has(key.field)) throw new UserInputError(`sort: ${key.field} is given twice`, "sort");
    seen.add(key.field);
    return { field: key.field, direction: key.direction ?? "DESC" };
  });
}
