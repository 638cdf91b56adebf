/**
 * Order records for engine tests that build their own providers: a completed,
 * paid order with nothing else set, plus the fields a test gives.
 */
import type { OrderRecord } from "../../src/providers/core/model.ts";

export function testOrder(fields: Pick<OrderRecord, "provider" | "nativeId"> & Partial<OrderRecord>): OrderRecord {
  return {
    kind: "EMNIFY",
    number: fields.nativeId,
    status: "COMPLETED",
    nativeStatus: { code: "3", label: "DELIVERED" },
    paymentStatus: "PAID",
    createdAt: null,
    updatedAt: null,
    customer: null,
    email: null,
    billingAddress: null,
    shippingAddress: null,
    items: [],
    subtotal: null,
    total: null,
    vendorReference: null,
    complete: true,
    native: {},
    ...fields,
  };
}
