/**
 * Filter translation for the shop: which parts of a unified filter its
 * django-filter parameters can apply (the plan), and the query string of one
 * list window. Pure functions, unit-tested on their own.
 */
import { narrowCodes, type OrderFilter, type QueryPlan, type SortKey } from "../core/connector.ts";
import { DJANGOSHOP_STATUS_LOOKUP } from "./djangoshop.status.ts";

/** The `ordering` terms of a sort; the id term makes ties follow the key's direction, as the global order does. */
const ORDERING: Partial<Record<SortKey["field"], readonly string[]>> = {
  CREATED_AT: ["created_at", "id"],
  UPDATED_AT: ["updated_at", "id"],
  NUMBER: ["id"],
};

/** The shop's own default (`-created_at,-id`), sent explicitly for a read in any order. */
const DEFAULT_ORDERING = "-created_at,-id";

/** Whether the shop sorts by a field itself. */
export function sortsNatively(field: SortKey["field"]): boolean {
  return ORDERING[field] !== undefined;
}

/** The `ordering` value of a sort; null (any order) gives the shop's default. */
export function orderingParam(sort: SortKey | null): string {
  const terms = sort ? ORDERING[sort.field] : undefined;
  if (!sort || !terms) return DEFAULT_ORDERING;
  return terms.map((term) => (sort.direction === "DESC" ? `-${term}` : term)).join(",");
}

/** Customer ids the shop can have: positive integers (guest orders have none). */
export function isDjangoShopId(id: string): boolean {
  return /^[1-9]\d{0,18}$/.test(id);
}

/** A search term the shop's SearchFilter keeps whole: no whitespace, quotes, commas or backslashes. */
function isPlainTerm(term: string): boolean {
  return term !== "" && !/[\s,"'\\]/.test(term);
}

/**
 * Whether `status_in` can carry a code as itself: django-filter splits the
 * value at commas and strips each part, so "new,hold" would ask for two codes
 * and " new" for "new". No shop code has a comma or outer whitespace, so such
 * a code matches no order.
 */
function isListableCode(code: string): boolean {
  return code !== "" && !code.includes(",") && code.trim() === code;
}

/**
 * Splits a filter into what the shop applies and what the engine re-checks.
 *
 * - status, nativeStatus and paymentStatus narrow one set of native codes
 *   (`status` / `status_in`); paymentStatus stays residual, as the codes only
 *   bound it (REFUNDED is exactly `refunded`).
 * - customerIds: `customer` / `customer_in`, exact.
 * - createdAt / updatedAt: `*_from` / `*_to`, exact (see {@link listParams}).
 * - search: the shop searches a superset of our fields (id, the customer's
 *   names, ...), so its `search` narrows and the residual decides.
 * - email: the API never returns an e-mail, so no residual could ever match;
 *   the shop's `search` covers `customer__email`, which is the only way to
 *   find these orders. It is a substring match (documented as approximate).
 * - total: no parameter; residual.
 * - vendorReference: the shop has none, so nothing matches.
 */
export function planDjangoShop(filter: OrderFilter, sort: SortKey): QueryPlan {
  const native: OrderFilter = {};
  const residual: OrderFilter = {};
  let empty = false;

  let codes: string[] | undefined;
  if (filter.status) codes = narrowCodes(codes, DJANGOSHOP_STATUS_LOOKUP.codesFor(filter.status));
  // Unknown codes are kept: a status added to the shop since still matches through `status_in`.
  // A code `status_in` cannot carry as itself matches no order, so it is dropped rather than sent.
  if (filter.nativeStatus) codes = narrowCodes(codes, filter.nativeStatus.filter(isListableCode));
  if (filter.paymentStatus) {
    residual.paymentStatus = filter.paymentStatus;
    // Only REFUNDED and FAILED tie to codes (refunded, failed); the others occur in every status,
    // and narrowing to the eight known codes would lose a status added to the shop since.
    if (filter.paymentStatus.every((p) => p === "REFUNDED" || p === "FAILED"))
      codes = narrowCodes(codes, DJANGOSHOP_STATUS_LOOKUP.codesForPayments(filter.paymentStatus));
  }
  if (codes !== undefined) {
    if (codes.length === 0) empty = true;
    native.nativeStatus = codes;
  }

  if (filter.customerIds) {
    const ids = filter.customerIds.filter(isDjangoShopId);
    if (ids.length === 0) empty = true;
    native.customerIds = ids;
  }
  if (filter.createdAt) native.createdAt = filter.createdAt;
  if (filter.updatedAt) native.updatedAt = filter.updatedAt;

  const terms: string[] = [];
  if (filter.search !== undefined) {
    residual.search = filter.search;
    const words = filter.search.split(/\s+/).filter(Boolean);
    // A word the shop would split or unquote differently could make its match narrower than ours: leave it to the residual.
    terms.push(...words.filter(isPlainTerm));
  }
  if (filter.email !== undefined) {
    if (isPlainTerm(filter.email)) terms.push(filter.email);
    else empty = true;
  }
  if (terms.length > 0) native.search = terms.join(" ");

  if (filter.total) residual.total = filter.total;
  if (filter.vendorReference !== undefined) empty = true;
  return { native, residual, sortNative: sortsNatively(sort.field), empty };
}

/**
 * Formats a range bound for `*_from` / `*_to`: UTC with `Z` (so no `+` needs
 * encoding). The shop keeps microseconds while a Date keeps milliseconds, and
 * the mapper floors: an upper bound therefore ends at the last microsecond of
 * its millisecond, so the native range is exactly the mapped range.
 */
export function rangeBound(instant: Date, end: "from" | "to"): string {
  const iso = instant.toISOString();
  return end === "from" ? iso : iso.replace(/Z$/, "999Z");
}

/** The query string of one list window for a native filter (from {@link planDjangoShop}). */
export function listParams(filter: OrderFilter, sort: SortKey | null, offset: number, limit: number): URLSearchParams {
  const params = new URLSearchParams();
  const codes = filter.nativeStatus;
  // `status` answers 400 for a code it does not know; `status_in` just matches nothing.
  if (codes?.length === 1 && DJANGOSHOP_STATUS_LOOKUP.isKnown(codes[0] as string)) params.set("status", codes[0] as string);
  else if (codes && codes.length > 0) params.set("status_in", codes.join(","));
  const customers = filter.customerIds;
  if (customers?.length === 1) params.set("customer", customers[0] as string);
  else if (customers && customers.length > 1) params.set("customer_in", customers.join(","));
  if (filter.createdAt?.from) params.set("created_from", rangeBound(filter.createdAt.from, "from"));
  if (filter.createdAt?.to) params.set("created_to", rangeBound(filter.createdAt.to, "to"));
  if (filter.updatedAt?.from) params.set("updated_from", rangeBound(filter.updatedAt.from, "from"));
  if (filter.updatedAt?.to) params.set("updated_to", rangeBound(filter.updatedAt.to, "to"));
  if (filter.search !== undefined) params.set("search", filter.search);
  params.set("ordering", orderingParam(sort));
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  return params;
}
