/**
 * The one global order of merged connections: the sort keys, then provider id,
 * then native id, all in the direction of the first key. Reversing the
 * direction reverses the order exactly, which backward paging relies on.
 */
import type { SortKey } from "./connector.ts";
import { compareDecimal } from "./decimal.ts";
import type { OrderRecord } from "./model.ts";

/** Compares ids numerically when both are whole numbers, else as text. */
export function compareNativeIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) {
    if (a.length !== b.length) return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullable<T>(a: T | null, b: T | null, compare: (x: T, y: T) => number): number {
  // Absent values sort as the smallest, so they come last in the default newest-first order.
  if (a === null) return b === null ? 0 : -1;
  if (b === null) return 1;
  return compare(a, b);
}

/** Compares two orders on one sort field, ascending. */
export function compareOnField(a: OrderRecord, b: OrderRecord, field: SortKey["field"]): number {
  switch (field) {
    case "CREATED_AT":
      return compareNullable(a.createdAt?.getTime() ?? null, b.createdAt?.getTime() ?? null, (x, y) => x - y);
    case "UPDATED_AT":
      return compareNullable(a.updatedAt?.getTime() ?? null, b.updatedAt?.getTime() ?? null, (x, y) => x - y);
    case "TOTAL":
      return compareNullable(a.total?.amount ?? null, b.total?.amount ?? null, compareDecimal);
    case "NUMBER":
      return compareNullable(a.number, b.number, compareNativeIds);
  }
}

/** Builds the comparator of the global order for a list of sort keys. */
export function orderComparator(sort: readonly SortKey[]): (a: OrderRecord, b: OrderRecord) => number {
  const tieDirection = sort[0]?.direction === "ASC" ? 1 : -1;
  return (a, b) => {
    for (const key of sort) {
      const c = compareOnField(a, b, key.field);
      if (c !== 0) return key.direction === "ASC" ? c : -c;
    }
    if (a.provider !== b.provider) return (a.provider < b.provider ? -1 : 1) * tieDirection;
    return compareNativeIds(a.nativeId, b.nativeId) * tieDirection;
  };
}
