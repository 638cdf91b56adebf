/** Global ids: opaque, round-trip, and no native id can change their structure. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGlobalId, encodeGlobalId } from "../../src/graph/global-id.ts";

describe("global ids", () => {
  it("round-trips orders and customers", () => {
    const order = encodeGlobalId("Order", "shop-de", "1042");
    expect(order).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeGlobalId(order)).toEqual({ type: "Order", provider: "shop-de", nativeId: "1042" });
    expect(decodeGlobalId(encodeGlobalId("Customer", "shop-de", "17"))).toEqual({ type: "Customer", provider: "shop-de", nativeId: "17" });
  });

  it("escapes ':' and '/' in native ids", () => {
    const id = encodeGlobalId("Order", "shop-de", "a:b/c");
    expect(Buffer.from(id, "base64url").toString()).toBe("Order:shop-de:a%3Ab%2Fc");
    expect(decodeGlobalId(id)).toEqual({ type: "Order", provider: "shop-de", nativeId: "a:b/c" });
  });

  it("round-trips any native id", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }), (nativeId) => {
        expect(decodeGlobalId(encodeGlobalId("Order", "p-1", nativeId))).toEqual({ type: "Order", provider: "p-1", nativeId });
      }),
    );
  });

  it.each([
    ["empty", ""],
    ["not base64url", "abc+/="],
    ["unknown type", Buffer.from("Invoice:shop-de:1").toString("base64url")],
    ["bad provider id", Buffer.from("Order:Shop_DE:1").toString("base64url")],
    ["no native id", Buffer.from("Order:shop-de:").toString("base64url")],
    ["unescaped colon", Buffer.from("Order:shop-de:1:2").toString("base64url")],
    ["broken escape", Buffer.from("Order:shop-de:%E0%A4%A").toString("base64url")],
    ["non-canonical escape", Buffer.from("Order:shop-de:%31").toString("base64url")],
    ["too long", "A".repeat(600)],
  ])("refuses %s", (_why, id) => {
    expect(decodeGlobalId(id)).toBeNull();
  });
});
