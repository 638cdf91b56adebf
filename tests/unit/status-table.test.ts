/** A status table's lookups: rows by code with the provider's fallback, and the codes a status or payment filter comes down to. */
import { describe, expect, it } from "vitest";
import { type StatusRow, StatusTable } from "../../src/providers/core/status-table.ts";

const rows: StatusRow[] = [
  { code: "new", label: "New", status: "PENDING", payment: "UNPAID" },
  { code: "paid", label: "Paid", status: "PROCESSING", payment: "PAID" },
  { code: "sent", label: "Sent", status: "SHIPPED", payments: ["PAID", "PARTIALLY_PAID"] },
  { code: "gone", label: "Gone", status: "CANCELLED" },
];
const table = new StatusTable(rows, (code) => ({ code, label: `Unknown ${code}`, status: "ON_HOLD" }));

describe("StatusTable", () => {
  it("finds a documented row by its code, and gives an unknown code the fallback with its code kept", () => {
    expect(table.row("paid")).toBe(rows[1]);
    expect(table.find("paid")).toBe(rows[1]);
    expect(table.row("custom")).toEqual({ code: "custom", label: "Unknown custom", status: "ON_HOLD" });
    expect(table.find("custom")).toBeUndefined();
    expect(table.isKnown("sent")).toBe(true);
    expect(table.isKnown("custom")).toBe(false);
    expect(table.isKnown("")).toBe(false);
  });

  it("comes down to the documented codes of canonical statuses, in table order", () => {
    expect(table.codesFor(["SHIPPED", "PENDING"])).toEqual(["new", "sent"]);
    expect(table.codesFor(["ON_HOLD"])).toEqual([]);
    expect(table.codesFor([])).toEqual([]);
  });

  it("comes down to the codes an order with a payment status can be in, by one payment or by several", () => {
    expect(table.codesForPayments(["PAID"])).toEqual(["paid", "sent"]);
    expect(table.codesForPayments(["PARTIALLY_PAID", "UNPAID"])).toEqual(["new", "sent"]);
    // A row that tells no payment status matches no payment filter.
    expect(table.codesForPayments(["UNKNOWN"])).toEqual([]);
  });
});
