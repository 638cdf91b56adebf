/** The compact builders of a capability table: rows in the order given, each support level spelled out as the schema shows it. */
import { describe, expect, it } from "vitest";
import { filterCapabilities, sortCapabilities, writeCapabilities } from "../../src/providers/core/connector.ts";

describe("capability rows", () => {
  it("spells a sort done by the provider, done here, or not at all", () => {
    expect(
      sortCapabilities([
        ["TOTAL", "here"],
        ["CREATED_AT", "native"],
        ["UPDATED_AT", "none"],
      ]),
    ).toEqual([
      { field: "TOTAL", supported: true, native: false },
      { field: "CREATED_AT", supported: true, native: true },
      { field: "UPDATED_AT", supported: false, native: false },
    ]);
  });

  it("lists every write operation, supported only where named", () => {
    expect(writeCapabilities()).toEqual([
      { operation: "UPDATE_ORDER_STATUS", supported: false },
      { operation: "SET_VENDOR_REFERENCE", supported: false },
    ]);
    expect(writeCapabilities(["SET_VENDOR_REFERENCE"])).toEqual([
      { operation: "UPDATE_ORDER_STATUS", supported: false },
      { operation: "SET_VENDOR_REFERENCE", supported: true },
    ]);
  });

  it("gives a filter row per operator, with its note where there is one", () => {
    expect(
      filterCapabilities([
        ["CREATED_AT", ["GTE", "LTE"], true, "by day"],
        ["EMAIL", ["EQ"], false],
      ]),
    ).toEqual([
      { field: "CREATED_AT", operator: "GTE", native: true, note: "by day" },
      { field: "CREATED_AT", operator: "LTE", native: true, note: "by day" },
      { field: "EMAIL", operator: "EQ", native: false },
    ]);
  });
});
