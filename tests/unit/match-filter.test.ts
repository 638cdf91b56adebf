/** The in-memory filter the engine applies to residuals. */
import { describe, expect, it } from "vitest";
import { isEmptyFilter, matchesFilter, matchesSearch } from "../../src/providers/core/match-filter.ts";
import type { OrderRecord } from "../../src/providers/core/model.ts";

function order(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    provider: "shop-de",
    kind: "CSCART",
    nativeId: "1042",
    number: "1042",
    status: "COMPLETED",
    nativeStatus: { code: "C", label: "Complete" },
    paymentStatus: "PAID",
    createdAt: new Date("2025-03-01T10:00:00Z"),
    updatedAt: new Date("2025-03-02T10:00:00Z"),
    customer: { provider: "shop-de", nativeId: "17", name: "Anna Berg", email: "anna@example.net", phone: null },
    email: "Anna@Example.net",
    billingAddress: null,
    shippingAddress: null,
    items: [],
    subtotal: null,
    total: { amount: "120.00", currency: "EUR" },
    vendorReference: "PO-1",
    complete: true,
    native: {},
    ...overrides,
  };
}

describe("matchesFilter", () => {
  it("matches everything with an empty filter", () => {
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ email: undefined })).toBe(true);
    expect(isEmptyFilter({ search: "x" })).toBe(false);
    expect(matchesFilter(order(), {})).toBe(true);
  });

  it("checks statuses (any of the list)", () => {
    expect(matchesFilter(order(), { status: ["PENDING", "COMPLETED"] })).toBe(true);
    expect(matchesFilter(order(), { status: ["PENDING"] })).toBe(false);
    expect(matchesFilter(order(), { nativeStatus: ["C"] })).toBe(true);
    expect(matchesFilter(order(), { nativeStatus: ["c"] })).toBe(false);
    expect(matchesFilter(order(), { paymentStatus: ["UNPAID"] })).toBe(false);
  });

  it("checks inclusive time ranges, and a missing time matches no bounded range", () => {
    const at = new Date("2025-03-01T10:00:00Z");
    expect(matchesFilter(order(), { createdAt: { from: at, to: at } })).toBe(true);
    expect(matchesFilter(order(), { createdAt: { from: new Date(at.getTime() + 1) } })).toBe(false);
    expect(matchesFilter(order(), { createdAt: { to: new Date(at.getTime() - 1) } })).toBe(false);
    expect(matchesFilter(order({ updatedAt: null }), { updatedAt: { from: at } })).toBe(false);
    expect(matchesFilter(order({ updatedAt: null }), { updatedAt: {} })).toBe(true);
  });

  it("checks customer ids; guests match none", () => {
    expect(matchesFilter(order(), { customerIds: ["3", "17"] })).toBe(true);
    expect(matchesFilter(order(), { customerIds: ["3"] })).toBe(false);
    expect(matchesFilter(order({ customer: null }), { customerIds: ["0"] })).toBe(false);
  });

  it("checks e-mail exactly but case-insensitively (not as a substring)", () => {
    expect(matchesFilter(order(), { email: "anna@example.NET" })).toBe(true);
    expect(matchesFilter(order(), { email: "example.net" })).toBe(false);
    expect(matchesFilter(order({ email: null }), { email: "anna@example.net" })).toBe(true);
    expect(matchesFilter(order({ email: null, customer: null }), { email: "anna@example.net" })).toBe(false);
  });

  it("checks vendor references exactly", () => {
    expect(matchesFilter(order(), { vendorReference: "PO-1" })).toBe(true);
    expect(matchesFilter(order(), { vendorReference: "po-1" })).toBe(false);
  });

  it("checks total ranges exactly, inclusive; no total matches no range", () => {
    expect(matchesFilter(order(), { total: { min: "120", max: "120.000" } })).toBe(true);
    expect(matchesFilter(order(), { total: { min: "120.01" } })).toBe(false);
    expect(matchesFilter(order(), { total: { max: "119.999" } })).toBe(false);
    expect(matchesFilter(order({ total: null }), { total: { min: "0" } })).toBe(false);
  });

  it("needs every given field to match", () => {
    expect(matchesFilter(order(), { status: ["COMPLETED"], total: { min: "200" } })).toBe(false);
    expect(matchesFilter(order(), { status: ["COMPLETED"], search: "berg 1042" })).toBe(true);
  });
});

describe("matchesSearch", () => {
  it("needs every word somewhere in number, id, e-mail or customer name", () => {
    expect(matchesSearch(order(), "ANNA")).toBe(true);
    expect(matchesSearch(order(), "anna   104")).toBe(true);
    expect(matchesSearch(order(), "anna smith")).toBe(false);
    expect(matchesSearch(order(), "PO-1")).toBe(false);
    expect(matchesSearch(order(), "   ")).toBe(true);
  });
});
