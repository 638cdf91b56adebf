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

  it("encodes exactly the base64url of the id's text, for any provider and native id", () => {
    const reference = (type: string, provider: string, nativeId: string) =>
      Buffer.from(`${type}:${provider}:${encodeURIComponent(nativeId)}`).toString("base64url");
    fc.assert(
      fc.property(
        // Ours, and others (the fuzzer encodes ids of types that do not exist).
        fc.constantFrom("Order" as const, "Customer" as const, "Provider" as "Order", "x" as "Order"),
        // Config ids, and anything else (decoding encodes whatever provider id an id claims).
        fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), fc.string({ maxLength: 12, unit: "grapheme" })),
        fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }),
        (type, provider, nativeId) => {
          expect(encodeGlobalId(type, provider, nativeId)).toBe(reference(type, provider, nativeId));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps encoding correctly past the providers it remembers", () => {
    for (let i = 0; i < 200; i++) {
      const provider = `p-${i}`;
      expect(decodeGlobalId(encodeGlobalId("Order", provider, String(i)))).toEqual({ type: "Order", provider, nativeId: String(i) });
    }
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
