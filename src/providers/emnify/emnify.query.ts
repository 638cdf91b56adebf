/**
 * Building emnify's `q` and `sort` parameters, and splitting a unified filter
 * into what `q` can say and what the engine must check. All pure.
 *
 * `q` has no escaping: a comma always ends a term, and the operator is read
 * right after the field name. So every value is checked against the grammar of
 * its field before it is put in a term, and anything else is refused rather
 * than passed through: a value can never smuggle in a second term. A refusal
 * is the client's input ({@link ProviderInputError}), never an emnify failure.
 */
import type { OrderFilter, QueryPlan, SortKey } from "../core/connector.ts";
import type { PaymentStatus } from "../core/model.ts";
import { ProviderInputError } from "../core/provider-input-error.ts";
import { EMNIFY_STATUS_LOOKUP, EMNIFY_STATUS_TABLE, EMNIFY_UNKNOWN_STATUS } from "./emnify.status.ts";

/** The fields `q` knows. */
export type EmnifyQField = "id" | "submit_date" | "status" | "paid";
/** The operators of `q`. */
export type EmnifyQOperator = ":" | "!:" | ">" | ">=" | "<" | "<=" | "^~";

/** The operators each field supports, as the excerpt lists them. */
export const EMNIFY_Q_OPERATORS: Readonly<Record<EmnifyQField, readonly EmnifyQOperator[]>> = {
  id: [":", "!:", ">", ">=", "<", "<=", "^~"],
  submit_date: [":", ">", ">=", "<", "<="],
  status: [":", "!:", ">", ">=", "<", "<="],
  paid: [":", "!:"],
};

/** What a value of each field may look like (a whitelist, checked after the blacklist). */
const VALUE_GRAMMAR: Readonly<Record<EmnifyQField, RegExp>> = {
  id: /^\d{1,19}$/,
  // Exactly what toISOString gives for years 0000-9999: the instant, in UTC, to the millisecond.
  submit_date: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  status: /^[0-4]$/,
  paid: /^[01]$/,
};

/** Characters that would end a term or start an operator (`:` is allowed only inside a date-time). */
const FORBIDDEN = /[,!<>^~\s]/;

/** The argument of the client's request each `q` field comes from (ids come from an order's id). */
const ARGUMENT: Readonly<Record<EmnifyQField, string>> = {
  id: "id",
  submit_date: "filter.createdAt",
  status: "filter.status",
  paid: "filter.paymentStatus",
};

function refuse(provider: string, argument: string, message: string): never {
  throw new ProviderInputError(provider, argument, `provider ${provider}: ${message}`);
}

/**
 * One `q` term `<field><operator><value>`. Throws a {@link ProviderInputError}
 * (BAD_USER_INPUT) for a field or operator emnify does not document, and for a
 * value that contains a comma, whitespace or an operator character, or does
 * not fit its field's grammar.
 */
export function emnifyTerm(field: EmnifyQField, operator: EmnifyQOperator, value: string, provider: string): string {
  const operators = EMNIFY_Q_OPERATORS[field] as readonly string[] | undefined;
  if (!operators) refuse(provider, "filter", `cannot filter on "${String(field).slice(0, 40)}"`);
  const argument = ARGUMENT[field];
  if (!operators.includes(operator)) refuse(provider, argument, `operator "${String(operator).slice(0, 4)}" is not supported for ${field}`);
  const shown = JSON.stringify(value.slice(0, 40));
  if (FORBIDDEN.test(value) || (field !== "submit_date" && value.includes(":"))) {
    refuse(provider, argument, `the ${field} value ${shown} contains a character emnify's q cannot carry`);
  }
  if (!VALUE_GRAMMAR[field].test(value)) refuse(provider, argument, `the ${field} value ${shown} is not valid`);
  return `${field}${operator}${value}`;
}

/** Joins terms (ANDed by emnify); undefined when there is none, so no `q` is sent. */
export function joinEmnifyQ(terms: readonly string[]): string | undefined {
  return terms.length === 0 ? undefined : terms.join(",");
}

/** A date-time value for `submit_date`: the exact instant in UTC, to the millisecond. */
export function emnifyDateValue(date: Date, provider: string): string {
  if (Number.isNaN(date.getTime())) refuse(provider, ARGUMENT.submit_date, "invalid date");
  // Years past 9999 or before 0 come out as ±YYYYYY, which emnify cannot read: refused by the grammar.
  return date.toISOString();
}

/**
 * Terms that select exactly the status ids in `ids` (a subset of 0..4): the
 * range of the set, minus each gap with `!:` (terms are ANDed, so no OR is
 * needed). An order with a null status matches none of them, as in SQL.
 */
export function emnifyStatusTerms(ids: readonly number[], provider: string): string[] {
  const set = [...new Set(ids)].sort((a, b) => a - b);
  const low = set[0];
  const high = set.at(-1);
  if (low === undefined || high === undefined) return [];
  if (low === high) return [emnifyTerm("status", ":", String(low), provider)];
  const terms = [emnifyTerm("status", ">=", String(low), provider), emnifyTerm("status", "<=", String(high), provider)];
  for (let id = low + 1; id < high; id += 1) if (!set.includes(id)) terms.push(emnifyTerm("status", "!:", String(id), provider));
  return terms;
}

/**
 * The `q` of a native filter (the `native` part of {@link splitEmnifyFilter}):
 * `nativeStatus` holds documented status ids, `paymentStatus` one of PAID or
 * UNPAID, `createdAt` the submit date range. Other fields are not read.
 */
export function emnifyQuery(filter: OrderFilter, provider: string): string | undefined {
  const terms: string[] = [];
  if (filter.nativeStatus) {
    const ids = filter.nativeStatus.map((code) => {
      if (!/^[0-4]$/.test(code))
        refuse(provider, "filter.nativeStatus", `status ${JSON.stringify(code.slice(0, 40))} cannot be sent to emnify`);
      return Number(code);
    });
    terms.push(...emnifyStatusTerms(ids, provider));
  }
  if (filter.paymentStatus) {
    const paid = filter.paymentStatus.includes("PAID");
    const unpaid = filter.paymentStatus.includes("UNPAID");
    if (paid !== unpaid) terms.push(emnifyTerm("paid", ":", paid ? "1" : "0", provider));
  }
  if (filter.createdAt?.from) terms.push(emnifyTerm("submit_date", ">=", emnifyDateValue(filter.createdAt.from, provider), provider));
  if (filter.createdAt?.to) terms.push(emnifyTerm("submit_date", "<=", emnifyDateValue(filter.createdAt.to, provider), provider));
  return joinEmnifyQ(terms);
}

/**
 * The `sort` of a sort key. The tie-break on id follows the key's direction
 * (emnify itself breaks ties by ascending id), so the sequence is the global
 * order. Null (any order) reads by ascending id: stable while paging.
 */
export function emnifySort(sort: SortKey | null): string {
  if (sort === null) return "+id";
  const sign = sort.direction === "ASC" ? "+" : "-";
  switch (sort.field) {
    case "CREATED_AT":
      return `${sign}submit_date,${sign}id`;
    case "TOTAL":
      return `${sign}total_amount,${sign}id`;
    case "NUMBER":
      return `${sign}id`;
    case "UPDATED_AT":
      throw new Error("emnify has no update time to sort by");
  }
}

/** True when `sort` can be done by emnify. */
export function emnifySortsNatively(sort: SortKey): boolean {
  return sort.field !== "UPDATED_AT";
}

const KNOWN_CODES = EMNIFY_STATUS_TABLE.map((row) => row.code);

/**
 * Splits a filter: status, native status, payment status and the created
 * range go to `q` when `q` can say them exactly; the rest (customers, e-mail,
 * search, totals) is residual. Filters no emnify order can match (an update
 * time, a vendor reference: emnify has neither) make the plan empty.
 */
export function splitEmnifyFilter(filter: OrderFilter): Omit<QueryPlan, "sortNative"> {
  const native: OrderFilter = {};
  const residual: OrderFilter = {};
  let empty = false;

  if (filter.status || filter.nativeStatus) {
    let codes: string[] = KNOWN_CODES;
    if (filter.status) codes = EMNIFY_STATUS_LOOKUP.codesFor(filter.status);
    if (filter.nativeStatus) codes = codes.filter((code) => filter.nativeStatus?.includes(code));
    // Orders with a null or undocumented status (ON_HOLD) cannot be asked for in q.
    const statusAllowsOther = !filter.status || filter.status.includes(EMNIFY_UNKNOWN_STATUS);
    const nativeAllowsOther = !filter.nativeStatus || filter.nativeStatus.some((code) => !EMNIFY_STATUS_LOOKUP.isKnown(code));
    if (statusAllowsOther && nativeAllowsOther) {
      if (filter.status) residual.status = filter.status;
      if (filter.nativeStatus) residual.nativeStatus = filter.nativeStatus;
    } else if (codes.length === 0) {
      empty = true;
    } else {
      native.nativeStatus = codes;
    }
  }

  if (filter.paymentStatus) {
    const wanted = filter.paymentStatus;
    const paid = wanted.includes("PAID");
    const unpaid = wanted.includes("UNPAID");
    const unknown = wanted.includes("UNKNOWN");
    if (!paid && !unpaid && !unknown) empty = true;
    else if (paid !== unpaid && !unknown) native.paymentStatus = [paid ? "PAID" : "UNPAID"] as PaymentStatus[];
    // Both, or a null `paid`, cannot be said in q (no IS NULL): checked here.
    else residual.paymentStatus = wanted;
  }

  if (filter.createdAt) native.createdAt = filter.createdAt;
  if (filter.updatedAt) empty = true;
  if (filter.vendorReference !== undefined) empty = true;
  if (filter.customerIds) residual.customerIds = filter.customerIds;
  if (filter.email !== undefined) residual.email = filter.email;
  if (filter.search !== undefined) residual.search = filter.search;
  if (filter.total) residual.total = filter.total;
  return { native, residual, empty };
}
