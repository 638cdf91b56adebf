/**
 * Keys of the global order: where an order stands among all orders of a
 * merged query (its sort values, then provider id, then native id), so that
 * a cursor can say "after this order" rather than "after the n-th row".
 * Positions held as keys stay right when orders are inserted, deleted or
 * changed between two pages; offsets do not.
 *
 * Keys compare exactly as the global order does (`orderComparator`): a key is
 * turned into the fields that comparator reads, and the comparator itself
 * decides, so the two can never disagree.
 */
import type { OrderFilter, SortKey } from "../providers/core/connector.ts";
import { compareDecimal, isDecimal } from "../providers/core/decimal.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { orderComparator } from "../providers/core/order-compare.ts";

/** A sort value as a key holds it: epoch milliseconds for times, a decimal string for totals, the text of a number; null when the order has none. */
export type KeyValue = number | string | null;

/** A point in the global order of a sort: one order's place. */
export interface OrderKey {
  /** One value per sort key, in the sort's order. */
  values: KeyValue[];
  /** The provider id of the order. */
  provider: string;
  /** Its native id. */
  id: string;
}

/** Longest native id a key may carry (ids are short; a cursor is bounded). */
const MAX_ID_LENGTH = 200;

/** The value an order has for one sort field. */
function sortValue(record: OrderRecord, field: SortKey["field"]): KeyValue {
  switch (field) {
    case "CREATED_AT":
      return record.createdAt?.getTime() ?? null;
    case "UPDATED_AT":
      return record.updatedAt?.getTime() ?? null;
    case "TOTAL":
      return record.total?.amount ?? null;
    case "NUMBER":
      return record.number;
  }
}

/** The key of an order in a sort. */
export function orderKey(record: OrderRecord, sort: readonly SortKey[]): OrderKey {
  return { values: sort.map((key) => sortValue(record, key.field)), provider: record.provider, id: record.nativeId };
}

/** The fields of an order that the global order reads, rebuilt from a key. */
function keyRecord(key: OrderKey, sort: readonly SortKey[]): OrderRecord {
  const fields: Partial<OrderRecord> = {
    provider: key.provider,
    nativeId: key.id,
    createdAt: null,
    updatedAt: null,
    total: null,
    number: null,
  };
  sort.forEach((sortKey, i) => {
    const value = key.values[i] ?? null;
    if (sortKey.field === "CREATED_AT") fields.createdAt = typeof value === "number" ? new Date(value) : null;
    else if (sortKey.field === "UPDATED_AT") fields.updatedAt = typeof value === "number" ? new Date(value) : null;
    else if (sortKey.field === "TOTAL") fields.total = typeof value === "string" ? { amount: value, currency: "" } : null;
    else fields.number = typeof value === "string" ? value : null;
  });
  return fields as OrderRecord;
}

/** Compares orders with keys in the global order of one sort. */
export interface KeyOrder {
  /** Negative when the order comes before the key, 0 when it is the key's order, positive after it. */
  compare(record: OrderRecord, key: OrderKey): number;
  /** Compares two keys. */
  compareKeys(a: OrderKey, b: OrderKey): number;
}

/** The key comparisons of a sort (the global order: sort keys, then provider id, then native id, in the first key's direction). */
export function keyOrder(sort: readonly SortKey[]): KeyOrder {
  const compare = orderComparator(sort);
  // A key is compared many times while a page is read: its record is built once.
  const records = new WeakMap<OrderKey, OrderRecord>();
  const recordOf = (key: OrderKey) => {
    let record = records.get(key);
    if (!record) {
      record = keyRecord(key, sort);
      records.set(key, record);
    }
    return record;
  };
  return {
    compare: (record, key) => compare(record, recordOf(key)),
    compareKeys: (a, b) => compare(recordOf(a), recordOf(b)),
  };
}

/** Whether a value is a key of this sort (for cursors read back: signed, but checked all the same). */
export function isOrderKey(value: unknown, sort: readonly SortKey[]): value is OrderKey {
  if (!value || typeof value !== "object") return false;
  const key = value as Partial<OrderKey>;
  if (typeof key.provider !== "string" || typeof key.id !== "string" || key.id.length > MAX_ID_LENGTH) return false;
  if (!Array.isArray(key.values) || key.values.length !== sort.length) return false;
  return sort.every((sortKey, i) => {
    const v = (key.values as unknown[])[i];
    if (v === null) return true;
    switch (sortKey.field) {
      case "CREATED_AT":
      case "UPDATED_AT":
        return typeof v === "number" && Number.isSafeInteger(v);
      case "TOTAL":
        return typeof v === "string" && isDecimal(v);
      case "NUMBER":
        return typeof v === "string" && v.length <= MAX_ID_LENGTH;
    }
    return false;
  });
}

/** The OrderFilter range of a sort field, where OrderFilter has one. */
const RANGE_OF: Partial<Record<SortKey["field"], "createdAt" | "updatedAt" | "total">> = {
  CREATED_AT: "createdAt",
  UPDATED_AT: "updatedAt",
  TOTAL: "total",
};

/**
 * The filter narrowed to the orders at or after `key` in the direction of
 * `sort` (an inclusive bound on the sort field: orders that tie with the key
 * stay, and the reader skips those at or before it by the full order). Null
 * where no bound can be said: a field OrderFilter cannot range over (NUMBER),
 * or a key without a value (orders without one sort at the end descending,
 * at the start ascending, and no filter selects them).
 */
export function boundedFilter(filter: OrderFilter, sort: SortKey, key: OrderKey): OrderFilter | null {
  const range = RANGE_OF[sort.field];
  const value = key.values[0];
  if (range === undefined || value === null || value === undefined) return null;
  const upper = sort.direction === "DESC";
  if (range === "total") {
    if (typeof value !== "string") return null;
    const total = { ...filter.total };
    if (upper) total.max = total.max !== undefined && compareDecimal(total.max, value) < 0 ? total.max : value;
    else total.min = total.min !== undefined && compareDecimal(total.min, value) > 0 ? total.min : value;
    return { ...filter, total };
  }
  if (typeof value !== "number") return null;
  const instants = { ...filter[range] };
  if (upper) instants.to = instants.to !== undefined && instants.to.getTime() < value ? instants.to : new Date(value);
  else instants.from = instants.from !== undefined && instants.from.getTime() > value ? instants.from : new Date(value);
  return { ...filter, [range]: instants };
}

/**
 * Whether orders without a value of the first sort field may still come
 * after every order that has one: descending (they sort last) and unless the
 * filter ranges over that field (a range matches no order without a value).
 */
export function valuelessMayFollow(filter: OrderFilter, sort: SortKey): boolean {
  const range = RANGE_OF[sort.field];
  return sort.direction === "DESC" && (range === undefined || filter[range] === undefined);
}
