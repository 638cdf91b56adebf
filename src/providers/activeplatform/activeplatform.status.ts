/**
 * ActivePlatform's order statuses (as its docs list them) and their canonical
 * statuses. `filters[status]` matches one code exactly, so the table also
 * tells the connector which single code a status filter comes down to.
 */
import type { OrderStatus, PaymentStatus } from "../core/model.ts";
import { type PaidStatusRow, StatusTable } from "../core/status-table.ts";

/** One row of the status table. */
export type ActivePlatformStatusRow = PaidStatusRow;

/** Every documented status. */
export const ACTIVEPLATFORM_STATUS_TABLE: readonly ActivePlatformStatusRow[] = [
  { code: "waiting for payment", label: "Waiting for payment", status: "PENDING", payment: "UNPAID" },
  // Provisioning starts once the order is paid (or the account is postpaid).
  { code: "waiting for provisioning", label: "Waiting for provisioning", status: "PROCESSING", payment: "PAID" },
  { code: "provisioning", label: "Provisioning", status: "PROCESSING", payment: "PAID" },
  // Its charges go to "waiting for refund"/"refunded": the money may or may not be back yet.
  { code: "provisioning failed", label: "Provisioning failed", status: "FAILED", payment: "UNKNOWN" },
  { code: "completed", label: "Completed", status: "COMPLETED", payment: "PAID" },
  // Mostly cancelled unpaid at the end of the grace period, but a manual cancel can follow a payment.
  { code: "cancelled", label: "Cancelled", status: "CANCELLED", payment: "UNKNOWN" },
];

/** Canonical status of a code the table does not know (a newer API version, a custom workflow). */
export const ACTIVEPLATFORM_FALLBACK_STATUS: OrderStatus = "ON_HOLD";
/** Payment status of a code the table does not know. */
export const ACTIVEPLATFORM_FALLBACK_PAYMENT: PaymentStatus = "UNKNOWN";

/** The table's lookups; an unknown code keeps its text and maps to the documented fallback. */
export const ACTIVEPLATFORM_STATUS_LOOKUP = new StatusTable<ActivePlatformStatusRow>(ACTIVEPLATFORM_STATUS_TABLE, (code) => ({
  code,
  label: code,
  status: ACTIVEPLATFORM_FALLBACK_STATUS,
  payment: ACTIVEPLATFORM_FALLBACK_PAYMENT,
}));

/** The row of a native code (see {@link ACTIVEPLATFORM_STATUS_LOOKUP}). */
export function activePlatformStatus(code: string): ActivePlatformStatusRow {
  return ACTIVEPLATFORM_STATUS_LOOKUP.row(code);
}
