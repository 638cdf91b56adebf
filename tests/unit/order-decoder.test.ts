/** Parse, don't trust: each raw order passes its schema before the mapper; a bad row is a placeholder in place, a bad detail an error of that order. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OrderDecoder } from "../../src/providers/core/order-decoder.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { testOrder } from "../helpers/order-record.ts";

const schema = z.looseObject({ ref: z.string().regex(/^\d+$/), status: z.string().min(1) });
const decoder = new OrderDecoder({
  provider: "shop",
  kind: "CSCART",
  schema,
  map: (raw) => testOrder({ provider: "shop", nativeId: raw.ref, nativeStatus: { code: raw.status, label: raw.status } }),
  idField: "ref",
});

describe("OrderDecoder", () => {
  it("maps valid rows and keeps a malformed one in its place as a placeholder named by its id", () => {
    const rows = decoder.rows([{ ref: "1", status: "a" }, { ref: "2", status: "" }, "not an object", { ref: "4", status: "b" }], false);
    expect(rows.length).toBe(4);
    expect([...rows].map((row) => [row.nativeId, row.malformed !== undefined])).toEqual([
      ["1", false],
      ["2", true],
      ["malformed", true],
      ["4", false],
    ]);
    const placeholder = rows.at(1);
    expect(placeholder.malformed).toBeInstanceOf(UpstreamError);
    expect(placeholder.malformed?.message).toBe("provider shop answered order 2 in an order list in an unexpected shape");
    expect(placeholder.kind).toBe("CSCART");
  });

  it("decodes rows kept as JSON texts only when read, and a text that is not JSON as a placeholder", () => {
    let mapped = 0;
    const counting = new OrderDecoder({
      provider: "shop",
      kind: "CSCART",
      schema,
      map: (raw) => {
        mapped += 1;
        return testOrder({ provider: "shop", nativeId: raw.ref });
      },
      idField: "ref",
    });
    const rows = counting.rows(['{"ref":"7","status":"a"}', '{"ref":"8","status":"a"}', "{oops"], true);
    expect(mapped).toBe(0);
    expect(rows.at(1).nativeId).toBe("8");
    expect(mapped).toBe(1);
    expect(rows.at(2).malformed).toBeDefined();
  });

  it("names a placeholder as the provider compares its ids", () => {
    const trimmed = new OrderDecoder({
      provider: "shop",
      kind: "ITERAS",
      schema,
      map: () => testOrder({ provider: "shop", nativeId: "x" }),
      idField: "ref",
      placeholderId: (id) => id.replace(/^0+(?=\d)/, ""),
    });
    expect(trimmed.row({ ref: "007", status: "" }).nativeId).toBe("7");
    expect(trimmed.row({ status: "" }).nativeId).toBe("malformed");
  });

  it("reads a detail as the order, or as the error of that order", () => {
    expect(decoder.detail({ ref: "5", status: "a" }, "5")).toMatchObject({ nativeId: "5" });
    const error = decoder.detail({ ref: "5" }, "5");
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe("UPSTREAM_INVALID_RESPONSE");
    expect((error as UpstreamError).message).toContain("order 5");
    expect(decoder.parse({ ref: "x", status: "a" })).toBeUndefined();
  });
});
