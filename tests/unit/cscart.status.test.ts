/** The CS-Cart status table, both ways. */
import { describe, expect, it } from "vitest";
import { CSCART_STATUSES } from "../../emulators/cscart/cscart.data.ts";
import { CSCART_DEFAULT_CODE, CSCART_STATUS_LOOKUP, CSCART_STATUS_TABLE, csCartStatus } from "../../src/providers/cscart/cscart.status.ts";

const EXPECTED: Record<string, string> = {
  C: "COMPLETED",
  P: "PROCESSING",
  O: "PENDING",
  F: "FAILED",
  D: "DECLINED",
  I: "CANCELLED",
  G: "RETURN_REQUESTED",
  H: "RETURNED",
  B: "ON_HOLD",
  N: "DRAFT",
  E: "PENDING",
};

describe("CS-Cart status table", () => {
  it("covers every documented letter exactly once", () => {
    const codes = CSCART_STATUS_TABLE.map((row) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(["C", "P", "O", "F", "D", "I", "G", "H", "B", "N", "E"].sort());
    // The emulator (written from the docs) knows the same letters.
    expect([...codes].sort()).toEqual([...CSCART_STATUSES].sort());
  });

  it.each(Object.entries(EXPECTED))("maps %s to %s with a label", (code, status) => {
    const row = csCartStatus(code);
    expect(row.status).toBe(status);
    expect(row.code).toBe(code);
    expect(row.label.length).toBeGreaterThan(0);
  });

  it("knows N cannot be set by an administrator, and every other letter can", () => {
    for (const row of CSCART_STATUS_TABLE) expect(row.settable).toBe(row.code !== "N");
  });

  it("writes PENDING as O (E stays reachable through nativeStatus)", () => {
    expect(CSCART_DEFAULT_CODE.PENDING).toBe("O");
    expect(CSCART_STATUS_LOOKUP.codesFor(["PENDING"]).sort()).toEqual(["E", "O"]);
  });

  it("has a default code for each canonical status it uses, mapping back to that status", () => {
    for (const status of new Set(CSCART_STATUS_TABLE.map((row) => row.status))) {
      const code = CSCART_DEFAULT_CODE[status];
      expect(code, status).toBeDefined();
      expect(csCartStatus(code as string).status).toBe(status);
    }
  });

  it("finds the codes for canonical and payment statuses", () => {
    expect(CSCART_STATUS_LOOKUP.codesFor(["DRAFT"])).toEqual(["N"]);
    expect(CSCART_STATUS_LOOKUP.codesFor(["COMPLETED", "RETURNED"]).sort()).toEqual(["C", "H"]);
    expect(CSCART_STATUS_LOOKUP.codesFor(["SHIPPED"])).toEqual([]);
    expect(CSCART_STATUS_LOOKUP.codesForPayments(["PAID"]).sort()).toEqual(["C", "G", "P"]);
    expect(CSCART_STATUS_LOOKUP.codesForPayments(["REFUNDED"])).toEqual(["H"]);
  });

  it("maps an unknown (custom) letter to ON_HOLD, not settable, code kept", () => {
    expect(csCartStatus("Z")).toMatchObject({ code: "Z", status: "ON_HOLD", settable: false, payment: "UNKNOWN" });
  });
});
