/**
 * emnify end to end: GraphQL over real HTTP against the emulator. Expected
 * orders come from the emulator's store with the documented rules (submit
 * date newest first, drafts without one last, ties by the higher id), not
 * from our mapper.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmnifyOrder } from "../../emulators/emnify/emnify.data.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, type EmnifyEmulator, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import {
  EmnifyOrderDetailsDocument,
  EmnifyOrderPersonalDocument,
  EmnifyOrdersDocument,
  type EmnifyOrdersQuery,
  type EmnifyOrdersQueryVariables,
} from "../../src/generated/client/graphql.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { emnifyDefinition } from "../../src/providers/emnify/emnify.definition.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const PROVIDER = "sims-emnify";
let emulator: EmnifyEmulator;
let server: TestServer;

const submitMs = (o: EmnifyOrder) => (o.submit_date === null ? null : Date.parse(o.submit_date));
/** Newest first; no submit date is the smallest; equal instants by the higher id. */
function newestFirst(a: EmnifyOrder, b: EmnifyOrder): number {
  const x = submitMs(a);
  const y = submitMs(b);
  if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
  return b.id - a.id;
}
const orderId = (id: number | string) => encodeGlobalId("Order", PROVIDER, String(id));
type Edge = EmnifyOrdersQuery["orders"]["edges"][number];

async function readAll(variables: EmnifyOrdersQueryVariables): Promise<{ nodes: Edge["node"][]; totalCount: number | null | undefined }> {
  const nodes: Edge["node"][] = [];
  let after: string | null | undefined;
  let totalCount: number | null | undefined;
  for (let page = 0; page < 50; page += 1) {
    const result = await server.run(EmnifyOrdersDocument, { ...variables, providers: [PROVIDER], after });
    expect(result.errors).toBeUndefined();
    const orders = result.data?.orders;
    if (!orders) throw new Error("no data");
    totalCount = orders.totalCount;
    nodes.push(...orders.edges.map((edge) => edge.node));
    if (!orders.pageInfo.hasNextPage) return { nodes, totalCount };
    after = orders.pageInfo.endCursor;
  }
  throw new Error("paging never ended");
}

beforeAll(async () => {
  emulator = await startEmnifyEmulator({ host: "127.0.0.1", port: 0, seed: 5, size: 300 });
  server = await startTestServer({
    definitions: [emnifyDefinition],
    providers: [
      {
        id: PROVIDER,
        kind: "emnify",
        baseUrl: emulator.url,
        credentials: { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password },
        // These tests read emnify far more often than its default budget allows (budgets.e2e.test.ts tests that).
        resilience: { rateLimit: { calls: 100_000, perMs: 60_000 } },
      },
      {
        id: "sims-bad",
        kind: "emnify",
        baseUrl: emulator.url,
        credentials: { applicationToken: "not-the-app-token" },
      },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

describe("emnify over GraphQL", () => {
  it("pages through every order, newest first, with no gap or repeat", async () => {
    const { nodes, totalCount } = await readAll({ first: 45 });
    expect(nodes.map((n) => n.nativeId)).toEqual([...emulator.orders].sort(newestFirst).map((o) => String(o.id)));
    expect(totalCount).toBe(emulator.orders.length);
    const first = nodes[0];
    expect(first?.__typename).toBe("EmnifyOrder");
    const raw = emulator.orders.find((o) => String(o.id) === first?.nativeId) as EmnifyOrder;
    expect(first).toMatchObject({
      id: orderId(raw.id),
      number: String(raw.id),
      nativeStatus: { code: String(raw.status?.id), label: raw.status?.description },
      createdAt: raw.submit_date,
      total: { amount: expect.any(String), currency: raw.currency?.code },
      paid: raw.paid,
      customerOrganisation: { id: String(raw.customer_organisation?.id), name: raw.customer_organisation?.name },
      customer: { name: raw.customer_organisation?.name },
    });
    expect(Number(first?.total?.amount)).toBe(raw.total);
  });

  it("filters by status, payment and created range, counted by emnify", async () => {
    const from = "2024-01-01T00:00:00.000Z";
    const to = "2024-12-31T23:59:59.999Z";
    const keep = (o: EmnifyOrder) =>
      (o.status?.id === 2 || o.status?.id === 3 || o.status?.id === 0) &&
      o.paid === true &&
      submitMs(o) !== null &&
      (submitMs(o) as number) >= Date.parse(from) &&
      (submitMs(o) as number) <= Date.parse(to);
    const before = emulator.requests.length;
    const { nodes, totalCount } = await readAll({
      first: 30,
      filter: { status: ["SHIPPED", "DELIVERED", "DRAFT"], paymentStatus: ["PAID"], createdAt: { from, to } },
    });
    const want = emulator.orders.filter(keep).sort(newestFirst);
    expect(want.length).toBeGreaterThan(10);
    expect(nodes.map((n) => n.nativeId)).toEqual(want.map((o) => String(o.id)));
    expect(totalCount).toBe(want.length);
    expect(nodes.every((n) => n.paymentStatus === "PAID" && ["SHIPPED", "DELIVERED"].includes(n.status))).toBe(true);
    // Pushed down: every list call carried the q filter; pages after the first narrow its upper
    // bound to the last order shown (key cursors), never past the filter's own.
    const calls = emulator.requests.slice(before).filter((r) => r.url.startsWith("/api/v1/shop/order?"));
    expect(calls.length).toBeGreaterThan(1);
    const prefix = `status>=0,status<=3,status!:1,paid:1,submit_date>=${from},submit_date<=`;
    expect(new URL(calls[0]?.url as string, "http://x").searchParams.get("q")).toBe(`${prefix}${to}`);
    for (const call of calls) {
      const q = new URL(call.url, "http://x").searchParams.get("q") as string;
      expect(q.startsWith(prefix), q).toBe(true);
      expect(Date.parse(q.slice(prefix.length))).toBeLessThanOrEqual(Date.parse(to));
    }
  });

  it("filters by customer (the organisation) here, and sorts by total natively", async () => {
    const org = emulator.orders[0]?.customer_organisation;
    const customerId = encodeGlobalId("Customer", PROVIDER, String(org?.id));
    const { nodes } = await readAll({ first: 50, filter: { customerIds: [customerId] }, sort: [{ field: "TOTAL", direction: "ASC" }] });
    const want = emulator.orders
      .filter((o) => o.customer_organisation?.id === org?.id)
      .sort((a, b) => (a.total ?? -1) - (b.total ?? -1) || a.id - b.id)
      .map((o) => String(o.id));
    expect(nodes.map((n) => n.nativeId)).toEqual(want);
    expect(nodes.every((n) => n.customer?.id === customerId)).toBe(true);
  });

  it("reads one order with emnify's own fields", async () => {
    const raw = emulator.orders.find((o) => o.status?.id === 3 && (o.line?.length ?? 0) > 0 && o.vat !== null) as EmnifyOrder;
    const result = await server.run(EmnifyOrderDetailsDocument, { id: orderId(raw.id) });
    expect(result.errors).toBeUndefined();
    const order = result.data?.order;
    expect(order?.__typename).toBe("EmnifyOrder");
    if (order?.__typename !== "EmnifyOrder") throw new Error("not an EmnifyOrder");
    const currency = raw.currency?.code;
    expect(order).toMatchObject({
      nativeId: String(raw.id),
      status: "DELIVERED",
      paymentStatus: raw.paid ? "PAID" : "UNPAID",
      createdAt: raw.submit_date,
      updatedAt: null,
      subtotal: null,
      paid: raw.paid,
      shippingOption: { id: String(raw.shipping_option?.id), name: raw.shipping_option?.name, currency: { code: currency } },
      shippedWith: raw.shipped_with && { id: String(raw.shipped_with.id), name: raw.shipped_with.name },
      currency: { id: String(raw.currency?.id), code: currency, symbol: raw.currency?.symbol },
      shippedDate: raw.shipped_date,
      deliveredDate: raw.delivered_date,
      externalPaymentReference: raw.external_payment_reference,
      externalShippingReference: raw.external_shipping_reference,
      vat: { currency },
      meta: raw.meta,
      autoProvisioning: raw.auto_provisioning,
      purchaseOrderNumber: raw.purchase_order_number,
    });
    expect(Number(order.vat?.amount)).toBe(raw.vat);
    expect(Number(order.vatRate)).toBe(raw.vat_rate);
    expect(order.items.map((item) => [item.nativeId, item.sku, Number(item.quantity), Number(item.total?.amount)])).toEqual(
      (raw.line ?? []).map((line) => [String(line.id), line.product.sku, line.quantity, line.total]),
    );
    expect(order.lines.map((line) => line.product?.name)).toEqual((raw.line ?? []).map((line) => line.product.name));
  });

  it("answers null for an unknown order and for a malformed id", async () => {
    for (const id of [orderId(999_999), orderId("12ab"), "nonsense"]) {
      const result = await server.run(EmnifyOrderDetailsDocument, { id });
      expect(result.errors).toBeUndefined();
      expect(result.data?.order).toBeNull();
    }
  });

  it("hides personal data without pii:read and shows it with it", async () => {
    const raw = emulator.orders.find(
      (o) => o.customer_user !== null && o.invoice_address !== null && o.external_shipping_reference !== null,
    ) as EmnifyOrder;
    const reader = await server.run(EmnifyOrderPersonalDocument, { id: orderId(raw.id) }, READER_KEY);
    const forbidden = (reader.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN").map((e) => e.path?.at(-1));
    expect(forbidden.sort()).toEqual(["billingAddress", "customerUser", "email", "shippingAddress"]);
    expect(JSON.stringify(reader.data)).not.toContain(raw.customer_user?.username as string);
    // emnify's non-personal fields stay readable: the details differ from an admin's only in the organisation's
    // name (the customer's name) and the tracking number, both personal since issue 23, each null at its own path.
    const details = await server.run(EmnifyOrderDetailsDocument, { id: orderId(raw.id) }, READER_KEY);
    expect(details.errors?.map((e) => [e.extensions?.code, e.path?.join(".")]).sort()).toEqual([
      ["FORBIDDEN", "order.customerOrganisation.name"],
      ["FORBIDDEN", "order.externalShippingReference"],
    ]);
    const detailsWithPii = await server.run(EmnifyOrderDetailsDocument, { id: orderId(raw.id) }, ADMIN_KEY);
    expect(detailsWithPii.errors).toBeUndefined();
    const withPii = detailsWithPii.data?.order;
    if (withPii?.__typename !== "EmnifyOrder") throw new Error("not an EmnifyOrder");
    expect(withPii.customerOrganisation?.name).toBe(raw.customer_organisation?.name);
    expect(withPii.externalShippingReference).toBe(raw.external_shipping_reference);
    expect(details.data?.order).toEqual({
      ...withPii,
      customerOrganisation: { ...withPii.customerOrganisation, name: null },
      externalShippingReference: null,
    });

    const admin = await server.run(EmnifyOrderPersonalDocument, { id: orderId(raw.id) }, ADMIN_KEY);
    expect(admin.errors).toBeUndefined();
    const order = admin.data?.order;
    expect(order?.email).toBe(raw.customer_user?.username);
    expect(order?.billingAddress).toMatchObject({
      name: raw.invoice_address?.name,
      lines: [raw.invoice_address?.street],
      postalCode: raw.invoice_address?.zip,
      country: raw.invoice_address?.country?.code,
    });
    if (order && "customerUser" in order) {
      expect(order.customerUser).toEqual({
        id: String(raw.customer_user?.id),
        name: raw.customer_user?.name,
        username: raw.customer_user?.username,
      });
    } else {
      throw new Error("customerUser missing");
    }
  });

  it("refuses an update-time sort and names rejected credentials", async () => {
    const sort = await server.run(EmnifyOrdersDocument, {
      first: 5,
      providers: [PROVIDER],
      sort: [{ field: "UPDATED_AT", direction: "DESC" }],
    });
    expect(sort.errors?.[0]?.extensions?.code).toBe("NOT_SUPPORTED");
    const bad = await server.run(EmnifyOrdersDocument, { first: 5, providers: ["sims-bad"] });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "PROVIDER_ERROR", provider: "sims-bad" });
    expect(bad.errors?.[0]?.message).toContain("rejected the configured credentials");
    expect(bad.errors?.[0]?.message).not.toContain("not-the-app-token");
  });
});
