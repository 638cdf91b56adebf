/**
 * Iteras' order statuses and their canonical statuses. Iteras has no payment
 * state on orders: subscriptions are billed separately (card agreement,
 * invoice, Betalingsservice), so a completed order says nothing about payment.
 * The waiting states have taken no money yet.
 */
import type { OrderStatus, PaymentStatus } from "../core/model.ts";
import { type PaidStatusRow, StatusTable } from "../core/status-table.ts";

/** One row of the status table. */
export type IterasStatusRow = PaidStatusRow;

/** Every documented status (`approved` is in the docs' example, not in the parameter's list). */
export const ITERAS_STATUS_TABLE: readonly IterasStatusRow[] = [
  { code: "approved", label: "Approved", status: "COMPLETED", payment: "UNKNOWN" },
  { code: "awaiting", label: "Awaiting", status: "PENDING", payment: "UNPAID" },
  {
    code: "awaitingconfirmation",
    label: "Awaiting confirmation (the customer has not finished ordering)",
    status: "PENDING",
    payment: "UNPAID",
  },
  { code: "awaitingpaymentprocessor", label: "Awaiting the payment processor", status: "PENDING", payment: "UNPAID" },
  { code: "awaitingemailconfirmation", label: "Awaiting e-mail confirmation", status: "PENDING", payment: "UNPAID" },
  { code: "awaitingapproval", label: "Awaiting approval", status: "AWAITING_APPROVAL", payment: "UNPAID" },
  { code: "denied", label: "Denied", status: "DECLINED", payment: "UNPAID" },
];

/** Canonical status of a code Iteras may add later: kept readable, never guessed as done. */
export const ITERAS_UNKNOWN_STATUS: OrderStatus = "ON_HOLD";
/** Payment status of an unknown code. */
export const ITERAS_UNKNOWN_PAYMENT: PaymentStatus = "UNKNOWN";

/**
 * The table's lookups: unknown codes keep their code and map to ON_HOLD /
 * UNKNOWN. Only documented codes may be sent as `status=`.
 */
export const ITERAS_STATUS_LOOKUP = new StatusTable<IterasStatusRow>(ITERAS_STATUS_TABLE, (code) => ({
  code,
  label: `Unknown status ${code}`,
  status: ITERAS_UNKNOWN_STATUS,
  payment: ITERAS_UNKNOWN_PAYMENT,
}));

/** The row of a native code (see {@link ITERAS_STATUS_LOOKUP}). */
export function iterasStatus(code: string): IterasStatusRow {
  return ITERAS_STATUS_LOOKUP.row(code);
}
