/**
 * A provider's status table, both ways: the row of a native code (a code the
 * table does not know keeps its text and gets the provider's fallback), and
 * the native codes a filter on canonical or payment statuses comes down to.
 * Each provider folder writes its rows and its fallback; the lookups are here.
 */
import type { OrderStatus, PaymentStatus } from "./model.ts";

/** One row of a status table. */
export interface StatusRow {
  /** The native code, as the provider sends it and as its filter takes it. */
  code: string;
  label: string;
  status: OrderStatus;
  /** The payment status an order in this status has, where the status tells it. */
  payment?: PaymentStatus;
  /** The payment statuses an order in this status can have, where the status only bounds it. */
  payments?: readonly PaymentStatus[];
}

/** A row whose status tells its payment status (most providers' tables). */
export interface PaidStatusRow extends StatusRow {
  payment: PaymentStatus;
}

/** The rows of one provider and the lookups every plan and mapper makes of them. */
export class StatusTable<Row extends StatusRow> {
  /** Every documented row, in the provider's order. */
  readonly rows: readonly Row[];
  private readonly byCode: ReadonlyMap<string, Row>;
  private readonly unknown: (code: string) => Row;

  /** `unknown` gives the row of a code outside the table (a status added since, a custom one). */
  constructor(rows: readonly Row[], unknown: (code: string) => Row) {
    this.rows = rows;
    this.byCode = new Map(rows.map((row) => [row.code, row]));
    this.unknown = unknown;
  }

  /** The row of a native code; a code outside the table gets the fallback row, with its code kept. */
  row(code: string): Row {
    return this.byCode.get(code) ?? this.unknown(code);
  }

  /** The documented row of a code, or undefined. */
  find(code: string): Row | undefined {
    return this.byCode.get(code);
  }

  /** Whether a code is one of the documented statuses. */
  isKnown(code: string): boolean {
    return this.byCode.has(code);
  }

  /** The documented codes whose canonical status is one of `statuses`, in table order. */
  codesFor(statuses: readonly OrderStatus[]): string[] {
    return this.rows.filter((row) => statuses.includes(row.status)).map((row) => row.code);
  }

  /** The documented codes an order with one of `payments` can be in, in table order. */
  codesForPayments(payments: readonly PaymentStatus[]): string[] {
    return this.rows
      .filter((row) => (row.payments ?? (row.payment === undefined ? [] : [row.payment])).some((p) => payments.includes(p)))
      .map((row) => row.code);
  }
}
