/**
 * The djangoshop mapper on its own: minor units at exponents 0, 2 and 3, the
 * decimal alternative for order-level amounts, timestamps with offsets and
 * microseconds, statuses and payment statuses, and orders with fields missing.
 */
import { describe, expect, it } from "vitest";
import { generateDjangoShopData } from "../../emulators/djangoshop/djangoshop.data.ts";
import {
  type DjangoShopMapContext,
  djangoShopToOrder,
  parseDjangoShopTimestamp,
} from "../../src/providers/djangoshop/djangoshop.mapper.ts";
import { type DjangoShopRawOrder, djangoShopOrderSchema } from "../../src/providers/djangoshop/djangoshop.schemas.ts";
import { djangoShopPaymentStatus, djangoShopStatus } from "../../src/providers/djangoshop/djangoshop.status.ts";

const context = (currencyExponent = 2, orderAmounts: "minor" | "decimal" = "minor"): DjangoShopMapContext => ({
  provider: "shop-dj",
  currency: "EUR",
  currencyExponent,
  orderAmounts,
  timeZone: "Europe/Copenhagen",
});

/** A full order as the docs describe it, amounts in cents. */
function rawOrder(overrides: Record<string, unknown> = {}): DjangoShopRawOrder {
  return djangoShopOrderSchema.parse({
    id: 1042,
    key: "abcdefghijklmnopqrstuvwx",
    status: "processing",
    customer_data: { id: 7, username: "anna", full_name: "Anna Berg" },
    payment_method_data: { id: 2, name: "Card", image: { url: "/card.png" } },
    shipping_method_data: { id: 3, name: "Post", code: "post", description: "Letter post", price: 495 },
    shipping_cost: 495,
    notes: "Leave at the door",
    extra: { source: "web" },
    created_at: "2025-03-01T10:00:00.123456+01:00",
    updated_at: "2025-03-02T08:30:00Z",
    billing_country_data: { id: 1, active: true, name: "Denmark", code: "dk" },
    billing_state_data: { id: 101, active: true, name: "Syddanmark", code: "SD" },
    billing_city_data: { id: 1001, active: true, name: "Odense" },
    billing_address: "Vestergade 1",
    billing_postal_code: "5000",
    billing_national_code: "0101901234",
    billing_mobile_number: "+4512345678",
    billing_first_name: "Anna",
    billing_last_name: "Berg",
    count: 2,
    quantity: 3,
    items_subtotal: 5997,
    items_discount: 500,
    subtotal: 5497,
    total_discount: 500,
    total: 5992,
    amount_paid: 5992,
    amount_outstanding: 0,
    is_paid: true,
    items: [
      {
        id: 11,
        product: 501,
        product_name: "Blue mug (new)",
        product_data: { name: "Blue mug", sku: "MUG-1", price: 1999, category: "kitchen" },
        unit_price: 1999,
        unit_discount: 250,
        quantity: 2,
        notes: "",
        subtotal: 3998,
        discount: 500,
        total: 3498,
        created_at: "2025-03-01T10:00:00.123456+01:00",
        updated_at: "2025-03-01T10:00:00.123456+01:00",
      },
      {
        id: 12,
        product: null,
        product_name: null,
        product_data: { name: "Old plate", sku: "PL-9", price: 1999, category: "kitchen" },
        unit_price: 1999,
        unit_discount: 0,
        quantity: 1,
        notes: "gift",
        subtotal: 1999,
        discount: 0,
        total: 1999,
        created_at: "2025-03-01T10:00:00.123456+01:00",
        updated_at: "2025-03-01T10:00:00.123456+01:00",
      },
    ],
    payments: [{ id: 900, amount: 5992, method: "credit-card", reference: "tx-1", created_at: "2025-03-01T09:01:00Z" }],
    ...overrides,
  });
}

describe("djangoShopToOrder", () => {
  it("maps a full order at exponent 2", () => {
    const order = djangoShopToOrder(rawOrder(), context(2));
    expect(order).toMatchObject({
      provider: "shop-dj",
      kind: "DJANGOSHOP",
      nativeId: "1042",
      number: "1042",
      status: "PROCESSING",
      nativeStatus: { code: "processing", label: "Processing" },
      paymentStatus: "PAID",
      customer: { provider: "shop-dj", nativeId: "7", name: "Anna Berg", email: null, phone: null },
      email: null,
      shippingAddress: null,
      subtotal: { amount: "54.97", currency: "EUR" },
      total: { amount: "59.92", currency: "EUR" },
      vendorReference: null,
      complete: true,
    });
    expect(order.createdAt?.toISOString()).toBe("2025-03-01T09:00:00.123Z");
    expect(order.updatedAt?.toISOString()).toBe("2025-03-02T08:30:00.000Z");
    expect(order.billingAddress).toEqual({
      name: "Anna Berg",
      company: null,
      lines: ["Vestergade 1"],
      city: "Odense",
      postalCode: "5000",
      region: "Syddanmark",
      country: "DK",
      countryName: "Denmark",
      phone: "+4512345678",
    });
    expect(order.items).toEqual([
      {
        nativeId: "11",
        productId: "501",
        sku: "MUG-1",
        name: "Blue mug",
        quantity: "2",
        unitPrice: { amount: "19.99", currency: "EUR" },
        total: { amount: "34.98", currency: "EUR" },
      },
      {
        nativeId: "12",
        productId: null,
        sku: "PL-9",
        name: "Old plate",
        quantity: "1",
        unitPrice: { amount: "19.99", currency: "EUR" },
        total: { amount: "19.99", currency: "EUR" },
      },
    ]);
    const native = order.native;
    expect(native).toMatchObject({
      key: "abcdefghijklmnopqrstuvwx",
      notes: "Leave at the door",
      extra: { source: "web" },
      shippingCost: { amount: "4.95", currency: "EUR" },
      shippingMethod: { id: "3", name: "Post", code: "post", description: "Letter post", price: { amount: "4.95", currency: "EUR" } },
      paymentMethod: { id: "2", name: "Card", image: { url: "/card.png" } },
      amountPaid: { amount: "59.92", currency: "EUR" },
      amountOutstanding: { amount: "0.00", currency: "EUR" },
      isPaid: true,
      itemsSubtotal: { amount: "59.97", currency: "EUR" },
      itemsDiscount: { amount: "5.00", currency: "EUR" },
      totalDiscount: { amount: "5.00", currency: "EUR" },
      itemCount: 2,
      quantity: "3",
      customerUsername: "anna",
      billingFirstName: "Anna",
      billingLastName: "Berg",
      billingNationalCode: "0101901234",
      billingMobileNumber: "+4512345678",
      billingPostalCode: "5000",
      billingCountry: { id: "1", active: true, name: "Denmark", code: "dk" },
      billingCity: { id: "1001", active: true, name: "Odense", code: null },
    });
    expect(native.payments).toEqual([
      {
        id: "900",
        amount: { amount: "59.92", currency: "EUR" },
        method: "credit-card",
        reference: "tx-1",
        createdAt: new Date("2025-03-01T09:01:00Z"),
      },
    ]);
    expect(native.djangoItems[0]).toMatchObject({
      id: "11",
      productId: "501",
      productName: "Blue mug (new)",
      productData: { name: "Blue mug", sku: "MUG-1", price: 1999, category: "kitchen" },
      unitPrice: { amount: "19.99" },
      unitDiscount: { amount: "2.50" },
      quantity: "2",
      notes: null,
      subtotal: { amount: "39.98" },
      discount: { amount: "5.00" },
      total: { amount: "34.98" },
    });
    expect(native.djangoItems[1]?.productName).toBeNull();
  });

  it.each([
    [0, "5992", "1999", "495"],
    [2, "59.92", "19.99", "4.95"],
    [3, "5.992", "1.999", "0.495"],
  ])("converts minor units at exponent %i", (exponent, total, unit, shipping) => {
    const order = djangoShopToOrder(rawOrder(), context(exponent));
    expect(order.total?.amount).toBe(total);
    expect(order.items[0]?.unitPrice?.amount).toBe(unit);
    expect(order.native.shippingCost?.amount).toBe(shipping);
  });

  it("keeps every digit of the emulator's amounts at exponents 0, 2 and 3", () => {
    for (const exponent of [0, 2, 3]) {
      const data = generateDjangoShopData({ seed: 3, size: 40, currencyExponent: exponent });
      for (const raw of data.orders) {
        const order = djangoShopToOrder(djangoShopOrderSchema.parse(raw), context(exponent));
        const digits = (amount: string | undefined) => BigInt((amount ?? "x").replace(".", ""));
        expect(digits(order.total?.amount)).toBe(BigInt(raw.total));
        expect(order.total?.amount.split(".")[1]?.length ?? 0).toBe(exponent);
        expect(order.items.map((item) => digits(item.unitPrice?.amount))).toEqual(raw.items.map((item) => BigInt(item.unit_price)));
      }
    }
  });

  it("reads order-level decimals when configured so, items stay in minor units", () => {
    const order = djangoShopToOrder(
      rawOrder({ total: "59.92", shipping_cost: "4.95", amount_paid: "59.92", amount_outstanding: "0.00" }),
      context(2, "decimal"),
    );
    expect(order.total?.amount).toBe("59.92");
    expect(order.native.shippingCost?.amount).toBe("4.95");
    expect(order.items[0]?.unitPrice?.amount).toBe("19.99");
  });

  it("reads decimal amounts as JSON numbers and as strings to the same exact digits", () => {
    // With COERCE_DECIMAL_TO_STRING off DRF writes float(Decimal): Python's shortest digits, which JS reads back alike.
    const numbers = djangoShopOrderSchema.parse(
      JSON.parse(
        '{"id":1,"status":"new","created_at":"2025-01-01T00:00:00Z","total":1234567890123.45,"subtotal":0.1,' +
          '"shipping_cost":20.0,"amount_paid":19.9,"payments":[{"amount":0.3}]}',
      ),
    );
    const strings = djangoShopOrderSchema.parse({
      id: 1,
      status: "new",
      created_at: "2025-01-01T00:00:00Z",
      total: "1234567890123.45",
      subtotal: "0.10",
      shipping_cost: "20.00",
      amount_paid: "19.90",
      payments: [{ amount: "0.30" }],
    });
    for (const raw of [numbers, strings]) {
      const order = djangoShopToOrder(raw, context(2, "decimal"));
      expect([order.total?.amount, order.subtotal?.amount, order.native.shippingCost?.amount, order.native.amountPaid?.amount]).toEqual([
        "1234567890123.45",
        "0.10",
        "20.00",
        "19.90",
      ]);
      expect(order.native.payments[0]?.amount?.amount).toBe("0.30");
    }
    // A string keeps digits a double could not hold.
    expect(djangoShopToOrder(rawOrder({ total: "90071992547409931.07" }), context(2, "decimal")).total?.amount).toBe(
      "90071992547409931.07",
    );
    expect(djangoShopToOrder(rawOrder({ total: 20 }), context(0, "decimal")).total?.amount).toBe("20");
    expect(djangoShopToOrder(rawOrder({ total: 19.99 }), context(3, "decimal")).total?.amount).toBe("19.990");
  });

  it("gives null, never a made-up value, for missing or unusable fields", () => {
    const order = djangoShopToOrder(
      djangoShopOrderSchema.parse({ id: "5", status: "new", created_at: "2025-01-01T00:00:00Z", total: 12.5, billing_first_name: "" }),
      context(2),
    );
    expect(order).toMatchObject({
      nativeId: "5",
      status: "PENDING",
      paymentStatus: "UNKNOWN",
      updatedAt: null,
      customer: null,
      billingAddress: null,
      shippingAddress: null,
      items: [],
      subtotal: null,
      // 12.5 is not an integer amount in minor units.
      total: null,
    });
    expect(order.native).toMatchObject({
      key: null,
      notes: null,
      extra: null,
      shippingCost: null,
      shippingMethod: null,
      paymentMethod: null,
      isPaid: null,
      itemCount: null,
      quantity: null,
      payments: [],
      djangoItems: [],
      billingFirstName: null,
      billingCountry: null,
    });
  });

  it("names a guest order's customer null and an empty full name null", () => {
    expect(djangoShopToOrder(rawOrder({ customer_data: null }), context()).customer).toBeNull();
    expect(djangoShopToOrder(rawOrder({ customer_data: { id: 9, username: "x", full_name: "" } }), context()).customer).toMatchObject({
      nativeId: "9",
      name: null,
    });
  });

  it("refuses orders without id, status or creation time", () => {
    expect(djangoShopOrderSchema.safeParse({ status: "new", created_at: "2025-01-01T00:00:00Z" }).success).toBe(false);
    expect(djangoShopOrderSchema.safeParse({ id: 1, created_at: "2025-01-01T00:00:00Z" }).success).toBe(false);
    expect(djangoShopOrderSchema.safeParse({ id: 1, status: "new" }).success).toBe(false);
  });
});

describe("parseDjangoShopTimestamp", () => {
  it("reads offsets, Z, fractions (floored to the millisecond) and naive wall time in the zone", () => {
    expect(parseDjangoShopTimestamp("2025-03-01T10:00:00.999999-05:00", "UTC")?.toISOString()).toBe("2025-03-01T15:00:00.999Z");
    expect(parseDjangoShopTimestamp("2025-03-01 10:00:00Z", "UTC")?.toISOString()).toBe("2025-03-01T10:00:00.000Z");
    expect(parseDjangoShopTimestamp("2025-07-01T10:00:00", "Europe/Copenhagen")?.toISOString()).toBe("2025-07-01T08:00:00.000Z");
    expect(parseDjangoShopTimestamp("2025-01-01T10:00:00", "Europe/Copenhagen")?.toISOString()).toBe("2025-01-01T09:00:00.000Z");
    expect(parseDjangoShopTimestamp("yesterday", "UTC")).toBeNull();
    expect(parseDjangoShopTimestamp(null, "UTC")).toBeNull();
  });
});

describe("status table", () => {
  it("maps every native status, and an unknown one to ON_HOLD with its code", () => {
    const mapped = ["new", "hold", "failed", "cancelled", "processing", "shipped", "completed", "refunded", "deleted"].map(
      (code) => djangoShopStatus(code).status,
    );
    expect(mapped).toEqual(["PENDING", "ON_HOLD", "FAILED", "CANCELLED", "PROCESSING", "SHIPPED", "COMPLETED", "REFUNDED", "DELETED"]);
    expect(djangoShopStatus("archived")).toMatchObject({ code: "archived", status: "ON_HOLD" });
  });

  it("derives the payment status from is_paid and the amounts", () => {
    const facts = (code: string, isPaid: boolean | null, amountPaid: string | null, amountOutstanding: string | null) =>
      djangoShopPaymentStatus({ code, isPaid, amountPaid, amountOutstanding });
    expect(facts("refunded", true, "10.00", "0.00")).toBe("REFUNDED");
    expect(facts("completed", true, "10.00", "0.00")).toBe("PAID");
    expect(facts("hold", false, "4.00", "6.00")).toBe("PARTIALLY_PAID");
    expect(facts("new", false, "0.00", "10.00")).toBe("UNPAID");
    expect(facts("failed", false, "0.00", "10.00")).toBe("FAILED");
    expect(facts("new", null, null, "0.00")).toBe("PAID");
    expect(facts("new", null, null, null)).toBe("UNKNOWN");
  });
});
