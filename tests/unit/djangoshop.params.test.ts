/**
 * Filter translation of the djangoshop connector: what each part of a unified
 * filter becomes (native parameter, residual, or no call at all) and the exact
 * query string of a window.
 */
import { describe, expect, it } from "vitest";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";
import { listParams, orderingParam, planDjangoShop, rangeBound } from "../../src/providers/djangoshop/djangoshop.params.ts";

const byCreated: SortKey = { field: "CREATED_AT", direction: "DESC" };

function query(filter: OrderFilter, sort: SortKey | null = byCreated, offset = 0, limit = 20): Record<string, string> {
  return Object.fromEntries(listParams(planDjangoShop(filter, sort ?? byCreated).native, sort, offset, limit));
}

describe("planDjangoShop", () => {
  it("pushes statuses down through the table: one code as status, several as status_in", () => {
    expect(query({ status: ["PROCESSING"] })).toMatchObject({ status: "processing" });
    expect(query({ status: ["PENDING", "ON_HOLD", "REFUNDED"] })).toMatchObject({ status_in: "new,hold,refunded" });
    expect(planDjangoShop({ status: ["PENDING"] }, byCreated).residual).toEqual({});
  });

  it("intersects status with native status and answers empty for a status the shop never uses", () => {
    expect(query({ status: ["PENDING", "ON_HOLD"], nativeStatus: ["hold", "shipped"] })).toMatchObject({ status: "hold" });
    expect(planDjangoShop({ status: ["DRAFT"] }, byCreated).empty).toBe(true);
    expect(planDjangoShop({ status: ["SHIPPED"], nativeStatus: ["new"] }, byCreated).empty).toBe(true);
  });

  it("never sends a native status status_in would split or strip into other codes", () => {
    // "new,hold" asks for no code of the shop; sent as is, status_in would match new and hold orders.
    expect(planDjangoShop({ nativeStatus: ["new,hold"] }, byCreated).empty).toBe(true);
    expect(planDjangoShop({ nativeStatus: [" new"] }, byCreated).empty).toBe(true);
    expect(query({ nativeStatus: ["new,hold", "archived", "hold "] })).toMatchObject({ status_in: "archived" });
    expect(query({ nativeStatus: ["shipped", "x,shipped"] })).toMatchObject({ status: "shipped" });
  });

  it("sends an unknown native status through status_in, which does not refuse it", () => {
    expect(query({ nativeStatus: ["archived"] })).toMatchObject({ status_in: "archived" });
    expect(query({ nativeStatus: ["archived"] }).status).toBeUndefined();
  });

  it("narrows a payment status by the statuses it can occur in and re-checks it", () => {
    const refunded = planDjangoShop({ paymentStatus: ["REFUNDED"] }, byCreated);
    expect(refunded.native.nativeStatus).toEqual(["refunded"]);
    expect(refunded.residual.paymentStatus).toEqual(["REFUNDED"]);
    expect(planDjangoShop({ paymentStatus: ["FAILED"] }, byCreated).native.nativeStatus).toEqual(["failed"]);
    expect(planDjangoShop({ paymentStatus: ["FAILED", "REFUNDED"] }, byCreated).native.nativeStatus).toEqual(["failed", "refunded"]);
    expect(planDjangoShop({ paymentStatus: ["PAID"] }, byCreated)).toMatchObject({ native: {}, residual: { paymentStatus: ["PAID"] } });
  });

  it("asks for many customers in one call and drops ids the shop cannot have", () => {
    expect(query({ customerIds: ["7"] })).toMatchObject({ customer: "7" });
    expect(query({ customerIds: ["7", "12", "x", "0"] })).toMatchObject({ customer_in: "7,12" });
    expect(planDjangoShop({ customerIds: ["guest"] }, byCreated).empty).toBe(true);
  });

  it("sends exact UTC bounds for created and updated ranges, the upper one to its last microsecond", () => {
    const from = new Date("2025-03-01T10:00:00.000Z");
    const to = new Date("2025-03-31T12:30:15.250Z");
    const plan = planDjangoShop({ createdAt: { from, to }, updatedAt: { from } }, byCreated);
    expect(plan.residual).toEqual({});
    expect(query({ createdAt: { from, to }, updatedAt: { from, to } })).toMatchObject({
      created_from: "2025-03-01T10:00:00.000Z",
      created_to: "2025-03-31T12:30:15.250999Z",
      updated_from: "2025-03-01T10:00:00.000Z",
      updated_to: "2025-03-31T12:30:15.250999Z",
    });
    expect(rangeBound(from, "to")).toBe("2025-03-01T10:00:00.000999Z");
  });

  it("uses the shop's search as a superset for free text and keeps the residual", () => {
    const plan = planDjangoShop({ search: "anna  1042" }, byCreated);
    expect(plan.native.search).toBe("anna 1042");
    expect(plan.residual.search).toBe("anna  1042");
    // Words the shop would split or unquote differently are left to the residual alone.
    expect(planDjangoShop({ search: 'a,b "c' }, byCreated).native.search).toBeUndefined();
  });

  it("finds an e-mail through the shop's search (the only place it is visible), not the residual", () => {
    const plan = planDjangoShop({ email: "anna@example.com", search: "berg" }, byCreated);
    expect(plan.native.search).toBe("berg anna@example.com");
    expect(plan.residual.email).toBeUndefined();
    expect(planDjangoShop({ email: "a b@example.com" }, byCreated).empty).toBe(true);
  });

  it("keeps the total range residual and answers a vendor reference with no call", () => {
    expect(planDjangoShop({ total: { min: "10" } }, byCreated)).toMatchObject({ native: {}, residual: { total: { min: "10" } } });
    expect(planDjangoShop({ vendorReference: "PO-1" }, byCreated).empty).toBe(true);
  });

  it("sorts natively by created, updated and number, not by total", () => {
    expect(planDjangoShop({}, { field: "CREATED_AT", direction: "ASC" }).sortNative).toBe(true);
    expect(planDjangoShop({}, { field: "UPDATED_AT", direction: "ASC" }).sortNative).toBe(true);
    expect(planDjangoShop({}, { field: "NUMBER", direction: "ASC" }).sortNative).toBe(true);
    expect(planDjangoShop({}, { field: "TOTAL", direction: "ASC" }).sortNative).toBe(false);
  });
});

describe("orderingParam and listParams", () => {
  it("breaks ties by id in the key's direction", () => {
    expect(orderingParam({ field: "CREATED_AT", direction: "DESC" })).toBe("-created_at,-id");
    expect(orderingParam({ field: "CREATED_AT", direction: "ASC" })).toBe("created_at,id");
    expect(orderingParam({ field: "UPDATED_AT", direction: "DESC" })).toBe("-updated_at,-id");
    expect(orderingParam({ field: "NUMBER", direction: "ASC" })).toBe("id");
    expect(orderingParam(null)).toBe("-created_at,-id");
    expect(orderingParam({ field: "TOTAL", direction: "ASC" })).toBe("-created_at,-id");
  });

  it("pages with limit and offset and encodes + and commas", () => {
    const params = listParams({ search: "a+b" }, { field: "NUMBER", direction: "DESC" }, 40, 100);
    expect(Object.fromEntries(params)).toEqual({ search: "a+b", ordering: "-id", limit: "100", offset: "40" });
    expect(params.toString()).toBe("search=a%2Bb&ordering=-id&limit=100&offset=40");
    expect(listParams({ customerIds: ["1", "2"] }, null, 0, 1).toString()).toContain("customer_in=1%2C2");
  });

  it("never sends a has_* boolean (the shop would ignore an unreadable one and widen the answer)", () => {
    const everything: OrderFilter = {
      status: ["PENDING", "SHIPPED"],
      nativeStatus: ["new", "shipped"],
      paymentStatus: ["REFUNDED"],
      customerIds: ["7", "9"],
      createdAt: { from: new Date("2025-01-01T00:00:00Z"), to: new Date("2025-02-01T00:00:00Z") },
      updatedAt: { from: new Date("2025-01-01T00:00:00Z") },
      search: "anna",
      email: "anna@example.com",
      total: { min: "1.00" },
    };
    const sent = Object.keys(query(everything));
    expect(sent.length).toBeGreaterThan(4);
    expect(sent.filter((name) => name.startsWith("has_"))).toEqual([]);
  });

  it("sends nothing for an empty filter but ordering and the window", () => {
    expect(query({}, null, 0, 5)).toEqual({ ordering: "-created_at,-id", limit: "5", offset: "0" });
  });
});
