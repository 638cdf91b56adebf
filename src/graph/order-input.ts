/**
 * Turns GraphQL arguments into the engine's terms: validated filters with
 * customer ids split per provider, and sort keys.
 */

import { UserInputError } from "../engine/engine-errors.ts";
import type { OrderFilter as OrderFilterInput, OrderSort as OrderSortInput } from "../generated/resolvers.ts";
import type { OrderFilter, SortKey } from "../providers/core/connector.ts";
import { decodeGlobalId } from "./global-id.ts";

const MAX_TEXT = 200;
/** The most native codes or customers one filter may name: each becomes part of an upstream URL. */
export const MAX_FILTER_LIST = 100;

/** One line of 1 to MAX_TEXT characters. */
function isShortLine(value: string): boolean {
  return value !== "" && value.length <= MAX_TEXT && !/[\r\n]/.test(value);
}

function text(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (!isShortLine(trimmed)) {
    throw new UserInputError(`filter.${name} must be a single line of 1 to ${MAX_TEXT} characters`, `filter.${name}`);
  }
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
  }
  return values;
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
      if (decoded?.type !== "Customer")
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
