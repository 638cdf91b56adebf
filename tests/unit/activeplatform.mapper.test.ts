/**
 * The ActivePlatform mapper on its own: totals as numbers and strings, offsets
 * to UTC, naive timestamps, items, charges, missing fields, the status table.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ActivePlatformMapContext,
  activePlatformToOrder,
  localDate,
  parseActivePlatformTimestamp,
} from "../../src/providers/activeplatform/activeplatform.mapper.ts";
import { activePlatformOrderSchema } from "../../src/providers/activeplatform/activeplatform.schemas.ts";
import { ACTIVEPLATFORM_STATUS_TABLE, activePlatformStatus } from "../../src/providers/activeplatform/activeplatform.status.ts";

const context: ActivePlatformMapContext = { provider: "billing", currency: "RUB", timeZone: "Europe/Moscow" };

/** The docs' own example order. */
const docsExample = {
  id: 2000219,
  document_id: "SO000002",
  status: "cancelled",
  account_id: 2000036,
  type: "SalesOrder",
  created_at: "2014-12-01T17:28:15.942+03:00",
  updated_at: "2014-12-15T01:00:29.505+03:00",
  expiration_date: "2014-12-15",
  total: "0.0",
  promo_code: null,
  payment_id: null,
  items: [
    { id: 4203, target_id: 2000173, target_type: "Subscription", type: "ProvisioningItem::New", status: "cancelled", description: "iMind" },
  ],
  charges: [],
};

function map(raw: unknown) {
  return activePlatformToOrder(activePlatformOrderSchema.parse(raw), context);
}

describe("activePlatformToOrder", () => {
  it("maps the docs' example", () => {
    const order = map(docsExample);
    expect(order).toMatchObject({
      provider: "billing",
      kind: "ACTIVEPLATFORM",
      nativeId: "2000219",
      number: "SO000002",
      status: "CANCELLED",
      nativeStatus: { code: "cancelled", label: "Cancelled" },
      paymentStatus: "UNKNOWN",
      customer: { provider: "billing", nativeId: "2000036", name: null, email: null, phone: null },
      email: null,
      billingAddress: null,
      shippingAddress: null,
      subtotal: null,
      total: { amount: "0.00", currency: "RUB" },
      vendorReference: null,
      complete: true,
    });
    expect(order.createdAt?.toISOString()).toBe("2014-12-01T14:28:15.942Z");
    expect(order.updatedAt?.toISOString()).toBe("2014-12-14T22:00:29.505Z");
    expect(order.items).toEqual([
      { nativeId: "4203", productId: null, sku: null, name: "iMind", quantity: "1", unitPrice: null, total: null },
    ]);
    expect(order.native).toEqual({
      documentNumber: "SO000002",
      orderType: "SalesOrder",
      accountId: "2000036",
      expirationDate: "2014-12-15",
      promoCode: null,
      paymentId: null,
      activePlatformItems: [
        {
          id: "4203",
          targetId: "2000173",
          targetType: "Subscription",
          type: "ProvisioningItem::New",
          status: "cancelled",
          description: "iMind",
        },
      ],
      charges: [],
    });
  });

  it.each([
    [149.95, "149.95"],
    ["149.95", "149.95"],
    [39.8, "39.80"],
    ["39.8", "39.80"],
    [0, "0.00"],
    ["0.0", "0.00"],
    [1234567.891, "1234567.891"],
    ["1234567890123456789.125", "1234567890123456789.125"],
    [0.1, "0.10"],
  ])("keeps total %j exact as %s", (total, amount) => {
    expect(map({ ...docsExample, total }).total).toEqual({ amount, currency: "RUB" });
  });

  it("refuses a total that is not a number", () => {
    expect(activePlatformOrderSchema.safeParse({ ...docsExample, total: "abc" }).success).toBe(false);
    expect(activePlatformOrderSchema.safeParse({ ...docsExample, total: true }).success).toBe(false);
  });

  it("converts every offset to UTC", () => {
    expect(map({ ...docsExample, created_at: "2025-04-01T00:00:05.312+03:00" }).createdAt?.toISOString()).toBe("2025-03-31T21:00:05.312Z");
    expect(map({ ...docsExample, created_at: "2025-03-31T21:00:05.312+00:00" }).createdAt?.toISOString()).toBe("2025-03-31T21:00:05.312Z");
    expect(map({ ...docsExample, created_at: "2025-03-31T21:00:05Z" }).createdAt?.toISOString()).toBe("2025-03-31T21:00:05.000Z");
    expect(map({ ...docsExample, created_at: "2025-03-31T16:30:00-0430" }).createdAt?.toISOString()).toBe("2025-03-31T21:00:00.000Z");
  });

  it("reads a naive timestamp in the configured time zone, across DST", () => {
    expect(parseActivePlatformTimestamp("2025-04-01 00:00:05", "Europe/Moscow")?.toISOString()).toBe("2025-03-31T21:00:05.000Z");
    expect(parseActivePlatformTimestamp("2025-07-01T12:00:00", "Europe/Berlin")?.toISOString()).toBe("2025-07-01T10:00:00.000Z");
    expect(parseActivePlatformTimestamp("2025-01-01T12:00:00", "Europe/Berlin")?.toISOString()).toBe("2025-01-01T11:00:00.000Z");
    expect(parseActivePlatformTimestamp("2025-01-01T12:00:00", "UTC")?.toISOString()).toBe("2025-01-01T12:00:00.000Z");
    expect(parseActivePlatformTimestamp("yesterday", "UTC")).toBeNull();
    expect(parseActivePlatformTimestamp(null, "UTC")).toBeNull();
  });

  it("refuses an order without id, status or a readable creation time", () => {
    const { id: _id, ...noId } = docsExample;
    expect(activePlatformOrderSchema.safeParse(noId).success).toBe(false);
    expect(activePlatformOrderSchema.safeParse({ ...docsExample, status: "" }).success).toBe(false);
    expect(activePlatformOrderSchema.safeParse({ ...docsExample, created_at: "last week" }).success).toBe(false);
  });

  it("maps an order with only the required fields, leaving the rest null or empty", () => {
    const order = map({ id: "7", status: "completed", created_at: "2025-01-02T03:04:05+00:00" });
    expect(order).toMatchObject({
      nativeId: "7",
      number: null,
      status: "COMPLETED",
      paymentStatus: "PAID",
      customer: null,
      updatedAt: null,
      total: null,
      items: [],
    });
    expect(order.native).toEqual({
      documentNumber: null,
      orderType: null,
      accountId: null,
      expirationDate: null,
      promoCode: null,
      paymentId: null,
      activePlatformItems: [],
      charges: [],
    });
  });

  it("maps items with missing fields to a nameless line of quantity 1", () => {
    const order = map({ ...docsExample, items: [{ id: 1 }] });
    expect(order.items).toEqual([{ nativeId: "1", productId: null, sku: null, name: "", quantity: "1", unitPrice: null, total: null }]);
    expect((order.native as { activePlatformItems: unknown }).activePlatformItems).toEqual([
      { id: "1", targetId: null, targetType: null, type: null, status: null, description: null },
    ]);
  });

  it("types charges with exact amounts in the configured currency", () => {
    const order = map({
      ...docsExample,
      status: "completed",
      total: 137.5,
      promo_code: "SPRING10",
      payment_id: 5001,
      charges: [
        {
          id: 3000001,
          subscription_id: 2000977,
          type: "recurring",
          status: "closed",
          description: "Microsoft 365 Business Standard",
          amount: 137.5,
          start_date: "2023-07-11",
          end_date: "2023-08-10",
          close_date: "2023-12-09",
        },
        { id: 3000002, amount: "0.1", close_date: null },
        {},
      ],
    });
    expect(order.native.promoCode).toBe("SPRING10");
    expect(order.native.paymentId).toBe("5001");
    expect(order.native.charges).toEqual([
      {
        id: "3000001",
        subscriptionId: "2000977",
        type: "recurring",
        status: "closed",
        description: "Microsoft 365 Business Standard",
        amount: { amount: "137.50", currency: "RUB" },
        startDate: "2023-07-11",
        endDate: "2023-08-10",
        closeDate: "2023-12-09",
      },
      {
        id: "3000002",
        subscriptionId: null,
        type: null,
        status: null,
        description: null,
        amount: { amount: "0.10", currency: "RUB" },
        startDate: null,
        endDate: null,
        closeDate: null,
      },
      {
        id: null,
        subscriptionId: null,
        type: null,
        status: null,
        description: null,
        amount: null,
        startDate: null,
        endDate: null,
        closeDate: null,
      },
    ]);
  });

  it("keeps only real calendar dates", () => {
    expect(localDate("2025-02-28")).toBe("2025-02-28");
    expect(localDate("2025-02-28T10:00:00+03:00")).toBe("2025-02-28");
    expect(localDate("2025-02-30")).toBeNull();
    expect(localDate(null)).toBeNull();
    expect(activePlatformOrderSchema.safeParse({ ...docsExample, expiration_date: "soon" }).success).toBe(false);
  });

  it("takes a date exactly when the calendar (proleptic Gregorian) has it", () => {
    // What a Date says: the day exists when parsing it and writing it back gives the same text.
    const real = (date: string) => {
      const ms = Date.parse(`${date}T00:00:00Z`);
      return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
    };
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const date = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        expect(localDate(date)).toBe(real(date) ? date : null);
      }),
      { numRuns: 5000 },
    );
    for (const date of ["2000-02-29", "1900-02-29", "2024-02-29", "2023-02-29", "2024-04-31", "2024-12-31"]) {
      expect(localDate(date), date).toBe(real(date) ? date : null);
    }
  });
});

describe("status table", () => {
  it.each([
    ["waiting for payment", "PENDING", "UNPAID"],
    ["waiting for provisioning", "PROCESSING", "PAID"],
    ["provisioning", "PROCESSING", "PAID"],
    ["provisioning failed", "FAILED", "UNKNOWN"],
    ["completed", "COMPLETED", "PAID"],
    ["cancelled", "CANCELLED", "UNKNOWN"],
  ])("maps %s to %s (%s)", (code, status, payment) => {
    expect(activePlatformStatus(code)).toMatchObject({ code, status, payment });
    expect(map({ ...docsExample, status: code })).toMatchObject({ status, paymentStatus: payment, nativeStatus: { code } });
  });

  it("has exactly the six documented statuses", () => {
    expect(ACTIVEPLATFORM_STATUS_TABLE.map((row) => row.code)).toHaveLength(6);
  });

  it("keeps an unknown code readable and maps it to the documented fallback", () => {
    expect(map({ ...docsExample, status: "on review" })).toMatchObject({
      status: "ON_HOLD",
      paymentStatus: "UNKNOWN",
      nativeStatus: { code: "on review", label: "on review" },
    });
  });
});
