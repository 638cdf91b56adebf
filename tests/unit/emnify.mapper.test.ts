/**
 * The emnify mapper on its own: realistic raw orders (full, draft, mostly
 * null), exact money in the order's currency, status and payment tables,
 * addresses, lines, and timestamps with and without a zone.
 */
import { describe, expect, it } from "vitest";
import { generateEmnifyData } from "../../emulators/emnify/emnify.data.ts";
import { emnifyToOrder, parseEmnifyDate } from "../../src/providers/emnify/emnify.mapper.ts";
import { emnifyOrderSchema } from "../../src/providers/emnify/emnify.schemas.ts";
import { EMNIFY_STATUS_TABLE, emnifyStatus } from "../../src/providers/emnify/emnify.status.ts";

const context = { provider: "sims", currency: "EUR", timeZone: "Europe/Berlin" };

const delivered = {
  id: 271,
  line: [
    {
      id: 50001,
      product: { id: 102, name: "emnify SIM Card Commercial 3-in-1", sku: "SIM-COM-3IN1" },
      quantity: 1000,
      unit_price: 2.7,
      total: 2700,
    },
    { id: 50002, product: { id: 106, name: "emnify IoT Developer Kit", sku: "DEVKIT-01" }, quantity: 1, unit_price: 52.92, total: 52.92 },
  ],
  paid: true,
  status: { id: 3, description: "DELIVERED" },
  customer_organisation: { id: 44, name: "org44" },
  customer_user: { id: 1754, name: "Mia Jensen", username: "mia.jensen@org44.example" },
  shipping_option: {
    id: 4,
    name: "UPS Express Saver",
    description: "Express delivery by end of day",
    currency: { id: 2, code: "USD", symbol: "$" },
  },
  shipped_with: { id: 2, name: "UPS" },
  payment_option: { id: 4, name: "Prepaid balance" },
  invoice_address: {
    name: "Accounts Payable",
    company: "org44 Inc.",
    street: "Main Street 5",
    zip: "10001",
    city: "New York",
    state: "NY",
    country: { id: 207, code: "US", name: "United States" },
    phone: "+1 212 555000",
  },
  shipping_address: {
    name: "Mia Jensen",
    company: "org44 Inc.",
    street: "Dock 3",
    zip: "07302",
    city: "Jersey City",
    state: "NJ",
    country: { id: 207, code: "US", name: "United States" },
    phone: null,
  },
  currency: { id: 2, code: "USD", symbol: "$" },
  submit_date: "2023-11-02T14:29:23.000Z",
  shipped_date: "2023-11-05T14:57:19.000Z",
  delivered_date: "2023-11-08T18:19:02.000Z",
  external_payment_reference: "PREPAID-271",
  external_shipping_reference: "1Z1234A12345678901",
  total: 2752.92,
  vat: 0,
  vat_rate: 0,
  meta: { source: "sales", sim_count: 1000 },
  auto_provisioning: true,
  purchase_order_number: "PO-2023-00042",
};

function map(raw: unknown) {
  return emnifyToOrder(emnifyOrderSchema.parse(raw), context);
}

describe("emnifyToOrder", () => {
  it("maps a delivered order with every field", () => {
    const order = map(delivered);
    expect(order).toMatchObject({
      provider: "sims",
      kind: "EMNIFY",
      nativeId: "271",
      number: "271",
      status: "DELIVERED",
      nativeStatus: { code: "3", label: "DELIVERED" },
      paymentStatus: "PAID",
      createdAt: new Date("2023-11-02T14:29:23.000Z"),
      updatedAt: null,
      customer: { provider: "sims", nativeId: "44", name: "org44", email: null, phone: null },
      email: "mia.jensen@org44.example",
      subtotal: null,
      total: { amount: "2752.92", currency: "USD" },
      vendorReference: null,
      complete: true,
    });
    expect(order.billingAddress).toEqual({
      name: "Accounts Payable",
      company: "org44 Inc.",
      lines: ["Main Street 5"],
      city: "New York",
      postalCode: "10001",
      region: "NY",
      country: "US",
      countryName: "United States",
      phone: "+1 212 555000",
    });
    expect(order.shippingAddress).toMatchObject({ name: "Mia Jensen", lines: ["Dock 3"], postalCode: "07302", phone: null });
    expect(order.items).toEqual([
      {
        nativeId: "50001",
        productId: "102",
        sku: "SIM-COM-3IN1",
        name: "emnify SIM Card Commercial 3-in-1",
        quantity: "1000",
        unitPrice: { amount: "2.70", currency: "USD" },
        total: { amount: "2700.00", currency: "USD" },
      },
      {
        nativeId: "50002",
        productId: "106",
        sku: "DEVKIT-01",
        name: "emnify IoT Developer Kit",
        quantity: "1",
        unitPrice: { amount: "52.92", currency: "USD" },
        total: { amount: "52.92", currency: "USD" },
      },
    ]);
    expect(order.native).toMatchObject({
      paid: true,
      customerOrganisation: { id: "44", name: "org44" },
      customerUser: { id: "1754", name: "Mia Jensen", username: "mia.jensen@org44.example" },
      shippingOption: {
        id: "4",
        name: "UPS Express Saver",
        description: "Express delivery by end of day",
        currency: { id: "2", code: "USD", symbol: "$" },
      },
      shippedWith: { id: "2", name: "UPS" },
      paymentOption: { id: "4", name: "Prepaid balance" },
      currency: { id: "2", code: "USD", symbol: "$" },
      shippedDate: new Date("2023-11-05T14:57:19.000Z"),
      deliveredDate: new Date("2023-11-08T18:19:02.000Z"),
      externalPaymentReference: "PREPAID-271",
      externalShippingReference: "1Z1234A12345678901",
      vat: { amount: "0.00", currency: "USD" },
      vatRate: "0",
      meta: { source: "sales", sim_count: 1000 },
      autoProvisioning: true,
      purchaseOrderNumber: "PO-2023-00042",
    });
    expect(order.native.lines[0]).toEqual({
      id: "50001",
      product: { id: "102", name: "emnify SIM Card Commercial 3-in-1", sku: "SIM-COM-3IN1" },
      quantity: "1000",
      unitPrice: { amount: "2.70", currency: "USD" },
      total: { amount: "2700.00", currency: "USD" },
    });
  });

  it("keeps money exact (no float arithmetic) and the VAT rate as a decimal", () => {
    const order = map({ ...delivered, total: 0.1 + 0.2, vat: 1234567.89, vat_rate: 0.19, currency: { id: 1, code: "eur", symbol: "€" } });
    expect(order.total).toEqual({ amount: "0.30000000000000004", currency: "EUR" });
    expect(order.native.vat).toEqual({ amount: "1234567.89", currency: "EUR" });
    expect(order.native.vatRate).toBe("0.19");
    const asText = map({ ...delivered, total: "99.5" });
    expect(asText.total?.amount).toBe("99.50");
  });

  it("maps a draft with most fields null", () => {
    const order = map({
      id: 1002,
      line: [],
      paid: false,
      status: { id: 0, description: "EDITING" },
      customer_organisation: { id: 45, name: "Hansen Fleet Solutions ApS" },
      customer_user: null,
      shipping_option: null,
      shipped_with: null,
      payment_option: null,
      invoice_address: null,
      shipping_address: null,
      currency: null,
      submit_date: null,
      shipped_date: null,
      delivered_date: null,
      external_payment_reference: null,
      external_shipping_reference: null,
      total: 0,
      vat: null,
      vat_rate: null,
      meta: null,
      auto_provisioning: null,
      purchase_order_number: null,
    });
    expect(order).toMatchObject({
      status: "DRAFT",
      nativeStatus: { code: "0", label: "EDITING" },
      paymentStatus: "UNPAID",
      createdAt: null,
      email: null,
      billingAddress: null,
      shippingAddress: null,
      items: [],
      // No currency in the order: the configured one.
      total: { amount: "0.00", currency: "EUR" },
    });
    expect(order.native).toEqual({
      paid: false,
      customerOrganisation: { id: "45", name: "Hansen Fleet Solutions ApS" },
      customerUser: null,
      shippingOption: null,
      shippedWith: null,
      paymentOption: null,
      currency: null,
      shippedDate: null,
      deliveredDate: null,
      externalPaymentReference: null,
      externalShippingReference: null,
      vat: null,
      vatRate: null,
      meta: null,
      autoProvisioning: null,
      purchaseOrderNumber: null,
      lines: [],
    });
  });

  it("maps an order that has nothing but an id", () => {
    const order = map({ id: "77" });
    expect(order).toMatchObject({
      nativeId: "77",
      status: "ON_HOLD",
      nativeStatus: { code: "unknown", label: "Unknown status" },
      paymentStatus: "UNKNOWN",
      customer: null,
      total: null,
      items: [],
    });
    expect(emnifyToOrder(emnifyOrderSchema.parse({ id: 1, total: 5 }), { provider: "p", timeZone: "UTC" }).total).toBeNull();
  });

  it("refuses an order without an id or with a malformed date", () => {
    expect(emnifyOrderSchema.safeParse({ paid: true }).success).toBe(false);
    expect(emnifyOrderSchema.safeParse({ id: 1, submit_date: "yesterday" }).success).toBe(false);
    expect(emnifyOrderSchema.safeParse({ id: 1, total: "12,5" }).success).toBe(true);
    expect(map({ id: 1, total: "12,5", currency: { code: "EUR" } }).total).toBeNull();
  });

  it("maps every order of the emulator's data set without loss", () => {
    const { orders } = generateEmnifyData({ seed: 3, size: 200 });
    for (const raw of orders) {
      const order = map(raw);
      expect(order.nativeId).toBe(String(raw.id));
      expect(Number(order.total?.amount)).toBe(raw.total);
      expect(order.total?.currency).toBe(raw.currency?.code);
      expect(order.items).toHaveLength(raw.line?.length ?? 0);
      expect(order.createdAt?.toISOString() ?? null).toBe(raw.submit_date);
      expect(order.nativeStatus.label).toBe(raw.status?.description);
    }
  });
});

describe("emnify status table", () => {
  it("maps the five documented statuses", () => {
    expect(EMNIFY_STATUS_TABLE.map((row) => [row.code, row.label, row.status])).toEqual([
      ["0", "EDITING", "DRAFT"],
      ["1", "SUBMITTED", "PENDING"],
      ["2", "SHIPPED", "SHIPPED"],
      ["3", "DELIVERED", "DELIVERED"],
      ["4", "CANCELED", "CANCELLED"],
    ]);
    expect(emnifyStatus({ id: 9, description: "RETURNED" })).toEqual({ code: "9", label: "RETURNED", status: "ON_HOLD" });
    // The id decides; a description that disagrees does not.
    expect(emnifyStatus({ id: 2, description: "whatever" }).status).toBe("SHIPPED");
  });
});

describe("parseEmnifyDate", () => {
  it("reads zoned timestamps as they are and naive ones in the configured zone", () => {
    expect(parseEmnifyDate("2024-03-01T10:00:00.000Z", "Europe/Berlin")?.toISOString()).toBe("2024-03-01T10:00:00.000Z");
    expect(parseEmnifyDate("2024-03-01T10:00:00+02:00", "UTC")?.toISOString()).toBe("2024-03-01T08:00:00.000Z");
    expect(parseEmnifyDate("2024-03-01T10:00:00", "Europe/Berlin")?.toISOString()).toBe("2024-03-01T09:00:00.000Z");
    expect(parseEmnifyDate("2024-07-01 10:00:00.5", "Europe/Berlin")?.toISOString()).toBe("2024-07-01T08:00:00.500Z");
    expect(parseEmnifyDate("2024-07-01", "UTC")?.toISOString()).toBe("2024-07-01T00:00:00.000Z");
    expect(parseEmnifyDate(null, "UTC")).toBeNull();
  });
});
