/**
 * The Iteras mapper on raw orders as Iteras sends them: the docs' example
 * (made valid JSON, with an id), an order with almost nothing filled in, an
 * order without id, invoice lines, and exact money. Every raw body passes the
 * zod schema first, as in the connector.
 */
import { describe, expect, it } from "vitest";
import { addDecimal, multiplyDecimal } from "../../src/providers/core/decimal.ts";
import {
  isSyntheticId,
  iterasAddress,
  iterasOrderDay,
  iterasRowDay,
  iterasSyntheticId,
  iterasToOrder,
  syntheticIdDay,
} from "../../src/providers/iteras/iteras.mapper.ts";
import { iterasListSchema, iterasOrderSchema } from "../../src/providers/iteras/iteras.schemas.ts";
import { ITERAS_STATUS_TABLE, iterasStatus } from "../../src/providers/iteras/iteras.status.ts";

const context = { provider: "news-iteras", currency: "DKK", timeZone: "Europe/Copenhagen" };
const PASSWORD = "rnfy98r57485tnf398r9n8347";

/** The docs' example order, as valid JSON, with the numeric id the README assumes. */
const docsOrder = {
  id: 83529,
  created: "2025-02-26T04:26:33",
  ordering_form: "3-months",
  resume_ordering_url: "https://app.iteras.dk/example/iframe/order/myOrderingForm/?order=vnt3eb683b4833v8",
  address: { name: "John Doe", address: "Sneglevej 78\n6000 Kolding", country: "DK" },
  email: "johndoe@example.com",
  billing_address: { company: "Business Corp", address: "Business road 56\n4637 Town", country: "NO" },
  password: PASSWORD,
  ":Receive newsletter": true,
  ip: "123.123.123.123",
  ordering_code: "EXTRA20OFF",
  products: [
    {
      campaign_id: "3months",
      campaign_name: "Product for 3 months",
      campaign_customer_facing_name: "Receive the product for 3 months",
      text: "Receive the product for 3 months (100,00 DKK)",
      quantity: 1,
      subscribed_to: [{ name: "Test Magazine", external_id: "testexternal" }],
      price: 100.0,
    },
    {
      name: "Standard size book",
      customer_facing_name: "A good book",
      external_id: "book_offer_34",
      text: "A good book at a good price (50,00 DKK)",
      ":Special": "Holiday special",
      price: 50.0,
    },
  ],
  status: "approved",
  customer: "452",
  payment_agreement: { id: "7453106", text: "Mastercard: XX...XX2451 (04/2027)" },
  subscriptions: ["56469"],
};

/** What Iteras may send when a form asks almost nothing: only filled-in fields are returned. */
const bareOrder = { id: "70004", created: "2024-07-01T23:59:59", status: "awaitingconfirmation" };

const parse = (raw: unknown) => iterasOrderSchema.parse(raw);

describe("iterasToOrder on the docs' example", () => {
  const order = iterasToOrder(parse(docsOrder), context, { withInvoiceLines: false });

  it("maps the interface fields", () => {
    expect(order).toMatchObject({
      provider: "news-iteras",
      kind: "ITERAS",
      nativeId: "83529",
      number: "83529",
      status: "COMPLETED",
      nativeStatus: { code: "approved", label: "Approved" },
      paymentStatus: "UNKNOWN",
      updatedAt: null,
      email: "johndoe@example.com",
      vendorReference: null,
      complete: false,
    });
    // Winter: Copenhagen is UTC+1.
    expect(order.createdAt?.toISOString()).toBe("2025-02-26T03:26:33.000Z");
    expect(order.customer).toEqual({
      provider: "news-iteras",
      nativeId: "452",
      name: "John Doe",
      email: "johndoe@example.com",
      phone: null,
    });
  });

  it("splits addresses into lines, postal code and city", () => {
    expect(order.shippingAddress).toEqual({
      name: "John Doe",
      company: null,
      lines: ["Sneglevej 78"],
      city: "Kolding",
      postalCode: "6000",
      region: null,
      country: "DK",
      countryName: null,
      phone: null,
    });
    expect(order.billingAddress).toMatchObject({
      name: null,
      company: "Business Corp",
      lines: ["Business road 56"],
      postalCode: "4637",
      city: "Town",
      country: "NO",
    });
  });

  it("maps products to items with exact totals in the configured currency", () => {
    expect(order.items).toEqual([
      {
        nativeId: null,
        productId: "3months",
        sku: "3months",
        name: "Receive the product for 3 months",
        quantity: "1",
        unitPrice: { amount: "100.00", currency: "DKK" },
        total: { amount: "100.00", currency: "DKK" },
      },
      {
        nativeId: null,
        productId: "book_offer_34",
        sku: "book_offer_34",
        name: "A good book",
        quantity: "1",
        unitPrice: { amount: "50.00", currency: "DKK" },
        total: { amount: "50.00", currency: "DKK" },
      },
    ]);
    expect(order.total).toEqual({ amount: "150.00", currency: "DKK" });
    expect(order.subtotal).toEqual(order.total);
  });

  it("keeps Iteras' own fields, typed", () => {
    expect(order.native).toEqual({
      orderingForm: "3-months",
      orderingCode: "EXTRA20OFF",
      resumeOrderingUrl: docsOrder.resume_ordering_url,
      campaignProducts: [
        {
          campaignId: "3months",
          name: "Product for 3 months",
          customerFacingName: "Receive the product for 3 months",
          text: "Receive the product for 3 months (100,00 DKK)",
          quantity: "1",
          price: { amount: "100.00", currency: "DKK" },
          subscribedTo: [{ name: "Test Magazine", externalId: "testexternal" }],
        },
      ],
      standaloneProducts: [
        {
          name: "Standard size book",
          customerFacingName: "A good book",
          externalId: "book_offer_34",
          text: "A good book at a good price (50,00 DKK)",
          price: { amount: "50.00", currency: "DKK" },
          customFields: [{ name: "Special", value: "Holiday special" }],
        },
      ],
      subscriptions: ["56469"],
      paymentAgreement: { id: "7453106", text: "Mastercard: XX...XX2451 (04/2027)" },
      customFields: [{ name: "Receive newsletter", value: true }],
      ip: "123.123.123.123",
      customerId: "452",
    });
    // Not asked for: unknown, so the resolvers load it on demand.
    expect(order.native.invoiceLines).toBeUndefined();
  });

  it("never carries the password hash", () => {
    expect(JSON.stringify(order)).not.toContain(PASSWORD);
    expect(JSON.stringify(order)).not.toContain("password");
  });
});

describe("iterasToOrder on sparse and odd orders", () => {
  it("maps an order with most fields missing without inventing values", () => {
    const order = iterasToOrder(parse(bareOrder), context, { withInvoiceLines: false });
    expect(order).toMatchObject({
      nativeId: "70004",
      number: "70004",
      status: "PENDING",
      paymentStatus: "UNPAID",
      customer: null,
      email: null,
      billingAddress: null,
      shippingAddress: null,
      items: [],
      total: { amount: "0.00", currency: "DKK" },
    });
    // Summer: UTC+2, so the instant is still on the same local day.
    expect(order.createdAt?.toISOString()).toBe("2024-07-01T21:59:59.000Z");
    expect(order.native).toEqual({
      orderingForm: null,
      orderingCode: null,
      resumeOrderingUrl: null,
      campaignProducts: [],
      standaloneProducts: [],
      subscriptions: [],
      paymentAgreement: null,
      customFields: [],
      ip: null,
      customerId: null,
    });
    expect(iterasOrderDay(parse(bareOrder), context.timeZone)).toBe("2024-07-01");
  });

  it("reads the day of a row not validated only from a readable created text", () => {
    // A row that fails its schema (a number as status) still tells where a capped answer may be split.
    expect(iterasRowDay({ id: 5, created: "2024-07-01T23:59:59", status: 42 }, context.timeZone)).toBe("2024-07-01");
    expect(iterasRowDay({ created: "2024-07-01T22:30:00Z" }, context.timeZone)).toBe("2024-07-02");
    for (const raw of [{ created: "soon" }, { created: 20240701 }, {}, null, "2024-07-01", [{ created: "2024-07-01" }]]) {
      expect(iterasRowDay(raw, context.timeZone)).toBeNull();
    }
  });

  it("multiplies unit prices by quantities exactly", () => {
    const raw = parse({
      id: 1,
      created: "2025-01-05T10:00:00",
      status: "approved",
      products: [
        { campaign_id: "6m", campaign_name: "Product for 6 months", text: "x", quantity: 3, price: 649.5 },
        { campaign_id: "x", campaign_name: "Cheap", quantity: "3", price: "0.1" },
        { name: "Tote bag", price: 79.95 },
      ],
    });
    const order = iterasToOrder(raw, context, { withInvoiceLines: false });
    expect(order.items.map((i) => [i.name, i.quantity, i.total?.amount])).toEqual([
      ["Product for 6 months", "3", "1948.50"],
      ["Cheap", "3", "0.30"],
      ["Tote bag", "1", "79.95"],
    ]);
    expect(order.total?.amount).toBe("2028.75");
    expect(multiplyDecimal("0.10", "3")).toBe("0.30");
    expect(addDecimal("0.10", "0.2")).toBe("0.30");
    expect(addDecimal("-1.5", "1.5")).toBe("0.00");
  });

  it("has no total when a product has no price", () => {
    const raw = parse({
      id: 2,
      created: "2025-01-05T10:00:00",
      status: "denied",
      products: [{ name: "Mystery" }, { name: "Book", price: 5 }],
    });
    const order = iterasToOrder(raw, context, { withInvoiceLines: false });
    expect(order.items[0]).toMatchObject({ name: "Mystery", unitPrice: null, total: null });
    expect(order.total).toBeNull();
    expect(order.status).toBe("DECLINED");
  });

  it("gives an order without id a stable synthetic id that names its local day", () => {
    const raw = parse({ ...docsOrder, id: undefined });
    const first = iterasToOrder(raw, context, { withInvoiceLines: false });
    const again = iterasToOrder(parse({ ...docsOrder, id: undefined, status: "denied" }), context, { withInvoiceLines: false });
    expect(first.nativeId).toMatch(/^x-20250226042633-[0-9a-f]{12}$/);
    expect(again.nativeId).toBe(first.nativeId);
    expect(first.number).toBeNull();
    expect(isSyntheticId(first.nativeId)).toBe(true);
    expect(syntheticIdDay(first.nativeId)).toBe("2025-02-26");
    expect(syntheticIdDay(`${first.nativeId}-2`)).toBe("2025-02-26");
    expect(syntheticIdDay("83529")).toBeNull();
    expect(iterasSyntheticId(parse({ ...docsOrder, id: undefined, email: "other@example.com" }), context)).not.toBe(first.nativeId);
    // The connector passes a suffixed id for a twin of the same second.
    expect(iterasToOrder(raw, context, { withInvoiceLines: false, nativeId: `${first.nativeId}-2` }).nativeId).toBe(`${first.nativeId}-2`);
  });

  it("keeps unknown statuses readable", () => {
    const order = iterasToOrder(parse({ ...bareOrder, status: "cancelledbyadmin" }), context, { withInvoiceLines: false });
    expect(order.status).toBe("ON_HOLD");
    expect(order.paymentStatus).toBe("UNKNOWN");
    expect(order.nativeStatus.code).toBe("cancelledbyadmin");
  });

  it("refuses an order without status and a list that is not one", () => {
    expect(iterasOrderSchema.safeParse({ id: 1, created: "2025-01-01T00:00:00" }).success).toBe(false);
    expect(iterasOrderSchema.safeParse({ id: -4, status: "approved" }).success).toBe(false);
    expect(iterasListSchema.safeParse({ orders: "none" }).success).toBe(false);
    expect(iterasListSchema.parse({ orders: [] })).toEqual([]);
    expect(iterasListSchema.parse([{ a: 1 }])).toEqual([{ a: 1 }]);
  });
});

describe("invoice lines", () => {
  it("maps them when asked for, and makes the record complete", () => {
    const raw = parse({
      ...docsOrder,
      invoice_lines: [
        {
          description: "Receive the product for 3 months",
          quantity: 1,
          unit_price: 100,
          amount: 100,
          vat_rate: 25,
          vat_amount: 20,
          campaign_id: "3months",
        },
        { description: "A good book", quantity: 1, unit_price: 50, amount: 50, vat_rate: 25, vat_amount: 10, external_id: "book_offer_34" },
      ],
    });
    const order = iterasToOrder(raw, context, { withInvoiceLines: true });
    expect(order.complete).toBe(true);
    expect(order.native.invoiceLines?.[0]).toMatchObject({
      description: "Receive the product for 3 months",
      quantity: "1",
      unitPrice: { amount: "100.00", currency: "DKK" },
      amount: { amount: "100.00", currency: "DKK" },
      vatRate: "25",
      vatAmount: { amount: "20.00", currency: "DKK" },
      campaignId: "3months",
      externalId: null,
    });
    expect(order.native.invoiceLines?.[1]?.externalId).toBe("book_offer_34");
  });

  it("reads a missing invoice_lines key as no lines when they were asked for", () => {
    const order = iterasToOrder(parse(bareOrder), context, { withInvoiceLines: true });
    expect(order.native.invoiceLines).toEqual([]);
  });

  it("tolerates lines of another shape", () => {
    const order = iterasToOrder(parse({ ...bareOrder, invoice_lines: [{ text: "Discount", total: "-20.00" }] }), context, {
      withInvoiceLines: true,
    });
    expect(order.native.invoiceLines?.[0]).toMatchObject({ description: null, amount: null, data: { text: "Discount", total: "-20.00" } });
  });
});

describe("addresses and statuses", () => {
  it("keeps lines it cannot read as postal code and city", () => {
    expect(iterasAddress({ name: "A", address: "c/o B\nSome street 1\nLondon SW1A 1AA", country: "gb" })).toMatchObject({
      lines: ["c/o B", "Some street 1", "London SW1A 1AA"],
      city: null,
      postalCode: null,
      country: "GB",
    });
    expect(iterasAddress({})).toBeNull();
    expect(iterasAddress(null)).toBeNull();
  });

  it("has a row for every documented status", () => {
    expect(ITERAS_STATUS_TABLE.map((r) => r.code)).toEqual([
      "approved",
      "awaiting",
      "awaitingconfirmation",
      "awaitingpaymentprocessor",
      "awaitingemailconfirmation",
      "awaitingapproval",
      "denied",
    ]);
    expect(iterasStatus("awaitingapproval").status).toBe("AWAITING_APPROVAL");
  });
});
