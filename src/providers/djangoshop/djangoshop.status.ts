/**
 * The shop's nine statuses and their canonical statuses, both ways, and the
 * payment status derived from an order's amounts (the API has no payment
 * status of its own, only `is_paid`, `amount_paid` and `amount_outstanding`).
 */
import type { PaymentStatus } from "../core/model.ts";
import { type StatusRow, StatusTable } from "../core/status-table.ts";

/** One row of the status table. */
export interface DjangoShopStatusRow extends StatusRow {
  /** The payment statuses an order in this status can have (see {@link djangoShopPaymentStatus}). */
  payments: readonly PaymentStatus[];
}

const ANY_PAYMENT: readonly PaymentStatus[] = ["PAID", "PARTIALLY_PAID", "UNPAID", "UNKNOWN"];

/** Every documented status, in the excerpt's order. */
export const DJANGOSHOP_STATUS_TABLE: readonly DjangoShopStatusRow[] = [
  { code: "new", label: "New", status: "PENDING", payments: ANY_PAYMENT },
  { code: "hold", label: "On hold", status: "ON_HOLD", payments: ANY_PAYMENT },
  { code: "failed", label: "Failed", status: "FAILED", payments: ["PAID", "PARTIALLY_PAID", "FAILED", "UNKNOWN"] },
  { code: "cancelled", label: "Cancelled", status: "CANCELLED", payments: ANY_PAYMENT },
  { code: "processing", label: "Processing", status: "PROCESSING", payments: ANY_PAYMENT },
  { code: "shipped", label: "Shipped", status: "SHIPPED", payments: ANY_PAYMENT },
  { code: "completed", label: "Completed", status: "COMPLETED", payments: ANY_PAYMENT },
  { code: "refunded", label: "Refunded", status: "REFUNDED", payments: ["REFUNDED"] },
  { code: "deleted", label: "Deleted", status: "DELETED", payments: ANY_PAYMENT },
];

/**
 * The table's lookups. An unknown code (a status added to the shop since) maps
 * to ON_HOLD, the canonical status that asks a person to look, and keeps its
 * code. Only documented codes are values `status` accepts.
 */
export const DJANGOSHOP_STATUS_LOOKUP = new StatusTable<DjangoShopStatusRow>(DJANGOSHOP_STATUS_TABLE, (code) => ({
  code,
  label: `Unknown status ${code}`,
  status: "ON_HOLD",
  payments: ANY_PAYMENT,
}));

/** The row of a native code (see {@link DJANGOSHOP_STATUS_LOOKUP}). */
export function djangoShopStatus(code: string): DjangoShopStatusRow {
  return DJANGOSHOP_STATUS_LOOKUP.row(code);
}

/** What the payment status is derived from; amounts are exact decimal strings. */
export interface DjangoShopPaymentFacts {
  code: string;
  isPaid: boolean | null;
  amountPaid: string | null;
  amountOutstanding: string | null;
}

function isPositive(amount: string): boolean {
  return !amount.startsWith("-") && /[1-9]/.test(amount);
}

/**
 * A refunded order is REFUNDED (the refund is not a payment, so `is_paid` stays
 * true); otherwise `is_paid` says PAID, money paid with some outstanding says
 * PARTIALLY_PAID, nothing paid on a failed order says FAILED, and UNPAID else.
 * Without the amounts nothing is guessed: UNKNOWN.
 */
export function djangoShopPaymentStatus(facts: DjangoShopPaymentFacts): PaymentStatus {
  if (facts.code === "refunded") return "REFUNDED";
  const { amountPaid, amountOutstanding } = facts;
  const paid = facts.isPaid ?? (amountOutstanding !== null ? !isPositive(amountOutstanding) : null);
  if (paid === true) return "PAID";
  if (paid === null && amountPaid === null) return "UNKNOWN";
  if (amountPaid !== null && isPositive(amountPaid)) return "PARTIALLY_PAID";
  return facts.code === "failed" ? "FAILED" : "UNPAID";
}
