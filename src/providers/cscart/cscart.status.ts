/**
 * CS-Cart's one-letter statuses and their canonical statuses, both ways.
 * Two letters share PENDING (O and E): O is the default when a client sets
 * PENDING; E stays reachable through nativeStatus.
 */
import type { OrderStatus } from "../core/model.ts";
import { type PaidStatusRow, StatusTable } from "../core/status-table.ts";

/** One row of the status table. */
export interface CsCartStatusRow extends PaidStatusRow {
  /** False for N: CS-Cart does not let an administrator set it. */
  settable: boolean;
}

/** Every documented status. */
export const CSCART_STATUS_TABLE: readonly CsCartStatusRow[] = [
  { code: "N", label: "Incomplete", status: "DRAFT", payment: "UNPAID", settable: false },
  { code: "O", label: "Open", status: "PENDING", payment: "UNPAID", settable: true },
  { code: "E", label: "Unpaid", status: "PENDING", payment: "UNPAID", settable: true },
  { code: "P", label: "Processed", status: "PROCESSING", payment: "PAID", settable: true },
  { code: "B", label: "Backordered", status: "ON_HOLD", payment: "UNKNOWN", settable: true },
  { code: "C", label: "Complete", status: "COMPLETED", payment: "PAID", settable: true },
  { code: "F", label: "Failed", status: "FAILED", payment: "FAILED", settable: true },
  { code: "D", label: "Declined", status: "DECLINED", payment: "UNKNOWN", settable: true },
  { code: "I", label: "Canceled", status: "CANCELLED", payment: "UNKNOWN", settable: true },
  { code: "G", label: "Return in progress", status: "RETURN_REQUESTED", payment: "PAID", settable: true },
  { code: "H", label: "Return complete", status: "RETURNED", payment: "REFUNDED", settable: true },
];

/** The table's lookups; unknown codes (custom statuses) map to ON_HOLD and keep their code. */
export const CSCART_STATUS_LOOKUP = new StatusTable<CsCartStatusRow>(CSCART_STATUS_TABLE, (code) => ({
  code,
  label: `Custom status ${code}`,
  status: "ON_HOLD",
  payment: "UNKNOWN",
  settable: false,
}));

/** The row of a native code (see {@link CSCART_STATUS_LOOKUP}). */
export function csCartStatus(code: string): CsCartStatusRow {
  return CSCART_STATUS_LOOKUP.row(code);
}

/** The code a canonical status is written as (the documented default where two share one). */
export const CSCART_DEFAULT_CODE: Partial<Record<OrderStatus, string>> = {
  DRAFT: "N",
  PENDING: "O",
  PROCESSING: "P",
  ON_HOLD: "B",
  COMPLETED: "C",
  FAILED: "F",
  DECLINED: "D",
  CANCELLED: "I",
  RETURN_REQUESTED: "G",
  RETURNED: "H",
};
