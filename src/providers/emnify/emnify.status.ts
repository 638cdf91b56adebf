/**
 * emnify's five order statuses (`q=status:<id>`) and their canonical statuses.
 * The native code is the status id as text ("1"), the label its description.
 */
import type { OrderStatus, PaymentStatus } from "../core/model.ts";
import { type StatusRow, StatusTable } from "../core/status-table.ts";

/** One row of the status table. */
export interface EmnifyStatusRow extends StatusRow {
  /** The status id as text, as `q` takes it. */
  code: string;
}

/** Every documented status. SUBMITTED is PENDING: placed, not yet shipped; emnify has no separate processing state. */
export const EMNIFY_STATUS_TABLE: readonly EmnifyStatusRow[] = [
  { code: "0", label: "EDITING", status: "DRAFT" },
  { code: "1", label: "SUBMITTED", status: "PENDING" },
  { code: "2", label: "SHIPPED", status: "SHIPPED" },
  { code: "3", label: "DELIVERED", status: "DELIVERED" },
  { code: "4", label: "CANCELED", status: "CANCELLED" },
];

/**
 * Where a missing or undocumented status lands. It is outside the table, so a
 * status filter that includes it cannot be pushed down (q cannot ask for null).
 */
export const EMNIFY_UNKNOWN_STATUS: OrderStatus = "ON_HOLD";

/** The table's lookups; an undocumented status id maps to {@link EMNIFY_UNKNOWN_STATUS}. */
export const EMNIFY_STATUS_LOOKUP = new StatusTable<EmnifyStatusRow>(EMNIFY_STATUS_TABLE, (code) => ({
  code,
  label: `Status ${code}`,
  status: EMNIFY_UNKNOWN_STATUS,
}));

/** The row for a raw status; a null or unknown one keeps what it has and maps to ON_HOLD. */
export function emnifyStatus(raw: { id?: number | null; description?: string | null } | null | undefined): EmnifyStatusRow {
  const id = raw?.id;
  const known = id === null || id === undefined ? undefined : EMNIFY_STATUS_LOOKUP.find(String(id));
  if (known) return known;
  const description = raw?.description?.trim() || null;
  if (id === null || id === undefined) {
    return { code: description ?? "unknown", label: description ?? "Unknown status", status: EMNIFY_UNKNOWN_STATUS };
  }
  return { code: String(id), label: description ?? `Status ${id}`, status: EMNIFY_UNKNOWN_STATUS };
}

/** The payment status of `paid`: emnify tells only paid or not. */
export function emnifyPaymentStatus(paid: boolean | null | undefined): PaymentStatus {
  if (paid === true) return "PAID";
  if (paid === false) return "UNPAID";
  return "UNKNOWN";
}
