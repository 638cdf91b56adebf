/**
 * The CS-Cart mapper on raw bodies as CS-Cart sends them: numbers as strings
 * or JSON numbers, PHP's `[]` for empty maps, guests with user_id 0. Every raw
 * body passes the zod schema first, as in the connector.
 */
import { describe, expect, it } from "vitest";
import { csCartDetailsToOrder, csCartRowToOrder } from "../../src/providers/cscart/cscart.mapper.ts";
import { csCartDetailsSchema, csCartListRowSchema } from "../../src/providers/cscart/cscart.schemas.ts";

const context = { provider: "shop-de", currency: "EUR" };

const rowStrings = {
  order_id: "1042",
  issuer_id: null,
  user_id: "17",
  is_parent_order: "N",
  parent_order_id: "0",
  company_id: "1",
  timestamp: "1700000000",
  firstname: "Anna",
  lastname: "Berg",
  email: "anna@example.net",
  phone: "+49 30 1234",
  status: "P",
  total: "120.00",
  invoice_id: "55",
  credit_memo_id: null,
};

const rowNumbers = { ...rowStrings, order_id: 1042, user_id: 17, company_id: 1, timestamp: 1700000000, total: 120 };

const details = {
  ...rowStrings,
  subtotal: "110.50",
  discount: "0.00",
  subtotal_discount: "5.00",
  display_subtotal: 110.5,
  payment_surcharge: "0.00",
  shipping_cost: "14.50",
  display_shipping_cost: 14.5,
  tax_subtotal: 0,
  lang_code: "de",
  payment_id: "3",
  payment_method: { payment_id: "3", payment: "PayPal", description: "Pay with PayPal" },
  payment_info: [],
  repaid: "0",
  products: {
    "2785116425": {
      item_id: "2785116425",
      product_id: "12",
      product_code: "TS-01",
      price: "20.25",
      amount: "2",
      product: "T-Shirt",
      subtotal: 40.5,
    },
    "99": { item_id: 99, product_id: 7, product_code: "MUG", price: 70, amount: 1, product: "Mug", subtotal: 70 },
  },
  promotion_ids: "4,0,9",
  promotions: [],
  need_shipping: true,
  need_shipment: true,
  shipment_ids: "",
  shipping: [{ shipping_id: "1", shipping: "DHL", delivery_time: "1-3 days", rate: "14.50" }],
  tax_exempt: "N",
  taxes: [],
  notes: "",
  details: "call first",
  updated_at: "1700003600",
  vendor_ref: "PO-2024-0007",
  company: "Berg GmbH",
  b_firstname: "Anna",
  b_lastname: "Berg",
  b_address: "Hauptstr. 1",
  b_address_2: "",
  b_city: "Berlin",
  b_state: "BE",
  b_state_descr: "Berlin",
  b_country: "DE",
  b_country_descr: "Germany",
  b_zipcode: "10115",
  b_phone: "+49 30 1234",
  s_firstname: "Carl",
  s_lastname: "Berg",
  s_address: "Ring 2",
  s_address_2: "Hinterhaus",
  s_city: "Hamburg",
  s_state: "HH",
  s_state_descr: "",
  s_country: "DE",
  s_country_descr: "Germany",
  s_zipcode: "20095",
  s_phone: "",
};

const row = (raw: unknown) => csCartRowToOrder(csCartListRowSchema.parse(raw), context);
const full = (raw: unknown) => csCartDetailsToOrder(csCartDetailsSchema.parse(raw), context);

describe("csCartRowToOrder", () => {
  it("maps a row with string numbers to a partial order", () => {
    const order = row(rowStrings);
    expect(order).toMatchObject({
      provider: "shop-de",
      kind: "CSCART",
      nativeId: "1042",
      number: "1042",
      status: "PROCESSING",
      nativeStatus: { code: "P", label: "Processed" },
      paymentStatus: "PAID",
      updatedAt: null,
      email: "anna@example.net",
      total: { amount: "120.00", currency: "EUR" },
      complete: false,
      items: [],
      billingAddress: null,
      subtotal: null,
    });
    expect(order.createdAt?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(order.customer).toEqual({
      provider: "shop-de",
      nativeId: "17",
      name: "Anna Berg",
      email: "anna@example.net",
      phone: "+49 30 1234",
    });
    expect(order.native).toMatchObject({
      userId: "17",
      issuerId: null,
      companyId: "1",
      isParentOrder: false,
      parentOrderId: null,
      invoiceId: "55",
    });
    // Detail-only native fields stay undefined so the resolvers know to load details.
    expect((order.native as unknown as Record<string, unknown>)["shippingCost"]).toBeUndefined();
  });

  it("maps the same row with JSON numbers to the same order", () => {
    expect(row(rowNumbers)).toEqual(row(rowStrings));
  });

  it("keeps exact decimals for totals", () => {
    expect(row({ ...rowStrings, total: 0.1 }).total?.amount).toBe("0.10");
    expect(row({ ...rowStrings, total: "1234567890123.455" }).total?.amount).toBe("1234567890123.455");
    expect(row({ ...rowStrings, total: 120 }).total?.amount).toBe("120.00");
  });

  it("maps a guest (user_id 0) to no customer, but keeps the e-mail", () => {
    for (const userId of ["0", 0]) {
      const order = row({ ...rowStrings, user_id: userId });
      expect(order.customer).toBeNull();
      expect(order.email).toBe("anna@example.net");
      expect((order.native as { userId: string }).userId).toBe("0");
    }
  });

  it("treats a zero or empty timestamp as unknown rather than 1970", () => {
    expect(row({ ...rowStrings, timestamp: "0" }).createdAt).toBeNull();
    expect(row({ ...rowStrings, timestamp: "" }).createdAt).toBeNull();
  });

  it("keeps an unknown (custom) status code readable", () => {
    const order = row({ ...rowStrings, status: "Y" });
    expect(order.status).toBe("ON_HOLD");
    expect(order.nativeStatus.code).toBe("Y");
  });

  it("rejects rows without a usable id or status at the schema", () => {
    expect(csCartListRowSchema.safeParse({ ...rowStrings, order_id: "12a" }).success).toBe(false);
    expect(csCartListRowSchema.safeParse({ ...rowStrings, status: "" }).success).toBe(false);
  });
});

describe("csCartDetailsToOrder", () => {
  it("maps details to a complete order with money, times and addresses", () => {
    const order = full(details);
    expect(order.complete).toBe(true);
    expect(order.updatedAt?.toISOString()).toBe("2023-11-14T23:13:20.000Z");
    expect(order.subtotal).toEqual({ amount: "110.50", currency: "EUR" });
    expect(order.total).toEqual({ amount: "120.00", currency: "EUR" });
    expect(order.vendorReference).toBe("PO-2024-0007");
    expect(order.billingAddress).toEqual({
      name: "Anna Berg",
      company: "Berg GmbH",
      lines: ["Hauptstr. 1"],
      city: "Berlin",
      postalCode: "10115",
      region: "Berlin",
      country: "DE",
      countryName: "Germany",
      phone: "+49 30 1234",
    });
    expect(order.shippingAddress).toEqual({
      name: "Carl Berg",
      company: null,
      lines: ["Ring 2", "Hinterhaus"],
      city: "Hamburg",
      postalCode: "20095",
      region: "HH",
      country: "DE",
      countryName: "Germany",
      phone: null,
    });
  });

  it("maps items from the products object keyed by item id, strings and numbers alike", () => {
    const order = full(details);
    const byId = new Map(order.items.map((item) => [item.nativeId, item]));
    expect(order.items).toHaveLength(2);
    expect(byId.get("2785116425")).toEqual({
      nativeId: "2785116425",
      productId: "12",
      sku: "TS-01",
      name: "T-Shirt",
      quantity: "2",
      unitPrice: { amount: "20.25", currency: "EUR" },
      total: { amount: "40.50", currency: "EUR" },
    });
    expect(byId.get("99")).toEqual({
      nativeId: "99",
      productId: "7",
      sku: "MUG",
      name: "Mug",
      quantity: "1",
      unitPrice: { amount: "70.00", currency: "EUR" },
      total: { amount: "70.00", currency: "EUR" },
    });
  });

  it("accepts PHP's [] for empty maps (products, shipping, payment method)", () => {
    const order = full({ ...details, products: [], shipping: [], payment_method: [], promotions: [], taxes: [] });
    expect(order.items).toEqual([]);
    const native = order.native as unknown as Record<string, unknown>;
    expect(native["shippingMethods"]).toEqual([]);
    expect(native["paymentMethod"]).toBeNull();
  });

  it("accepts shipping as a map keyed by id", () => {
    const order = full({ ...details, shipping: { "1": { shipping_id: 1, shipping: "DHL", delivery_time: "", rate: 14.5 } } });
    expect((order.native as unknown as Record<string, unknown>)["shippingMethods"]).toEqual([
      { id: "1", name: "DHL", deliveryTime: null, rate: { amount: "14.50", currency: "EUR" } },
    ]);
  });

  it("maps CS-Cart's own fields", () => {
    const native = full(details).native as unknown as Record<string, unknown>;
    expect(native).toMatchObject({
      langCode: "de",
      shippingCost: { amount: "14.50", currency: "EUR" },
      displaySubtotal: { amount: "110.50", currency: "EUR" },
      taxSubtotal: { amount: "0.00", currency: "EUR" },
      repaid: false,
      taxExempt: false,
      needShipping: true,
      promotionIds: ["4", "9"],
      shipmentIds: [],
      paymentMethod: { id: "3", name: "PayPal", description: "Pay with PayPal" },
      notes: null,
      adminNotes: "call first",
    });
  });

  it("falls back to the creation time when updated_at is absent, and to null addresses when empty", () => {
    const empty = Object.fromEntries(
      Object.keys(details)
        .filter((k) => /^[bs]_/.test(k))
        .map((k) => [k, ""]),
    );
    const order = full({ ...details, ...empty, updated_at: null, vendor_ref: "" });
    expect(order.updatedAt?.toISOString()).toBe(order.createdAt?.toISOString());
    expect(order.billingAddress).toBeNull();
    expect(order.shippingAddress).toBeNull();
    expect(order.vendorReference).toBeNull();
  });

  it("accepts timestamps as JSON numbers in details", () => {
    const order = full({ ...details, timestamp: 1700000000, updated_at: 1700003600, total: 120 });
    expect(order.createdAt?.getTime()).toBe(1_700_000_000_000);
    expect(order.updatedAt?.getTime()).toBe(1_700_003_600_000);
    expect(order.total?.amount).toBe("120.00");
  });

  it("keeps a country that is not an ISO code out of `country` but in `countryName`", () => {
    const order = full({ ...details, b_country: "Germany" });
    expect(order.billingAddress?.country).toBeNull();
    expect(order.billingAddress?.countryName).toBe("Germany");
  });
});
