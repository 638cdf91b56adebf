/**
 * Iteras' order statuses and their canonical statuses. Iteras has no payment
 * state on orders: subscriptions are billed separately (card agreement,
 * invoice, Betalingsservice), so a completed order says nothing about payment.
 * The waiting states have taken no money yet.
 */
import type { OrderStatus, PaymentStatus } from "../core/model.ts";

/** One row of the status table. */
export interface IterasStatusRow {
  code: string;
  label: string;
  status: OrderStatus;
  payment: PaymentStatus;
}

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

const BY_CODE = new Map(ITERAS_STATUS_TABLE.map((row) => [row.code, row]));

/** Whether a code is in the table (only those may be sent as `status=`). */
export function isKnownIterasStatus(code: string): boolean {
  return BY_CODE.has(code);
}

/** The row of a native code; unknown codes keep their code and map to ON_HOLD / UNKNOWN. */
export function iterasStatus(code: string): IterasStatusRow {
  return BY_CODE.get(code) ?? { code, label: `Unknown status ${code}`, status: ITERAS_UNKNOWN_STATUS, payment: ITERAS_UNKNOWN_PAYMENT };
}

/** The native codes whose canonical status is one of `statuses`. */
export function iterasCodesForStatuses(statuses: readonly OrderStatus[]): string[] {
  return ITERAS_STATUS_TABLE.filter((row) => statuses.includes(row.status)).map((row) => row.code);
}

/** The native codes whose payment status is one of `payments`. */
export function iterasCodesForPayments(payments: readonly PaymentStatus[]): string[] {
  return ITERAS_STATUS_TABLE.filter((row) => payments.includes(row.payment)).map((row) => row.code);
}
