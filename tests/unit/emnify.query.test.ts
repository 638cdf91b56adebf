/**
 * Building emnify's `q` and `sort`, and splitting filters: documented fields
 * and operators only, exact status sets, and hostile values refused before
 * they could add a term of their own.
 */
import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../src/providers/core/model.ts";
import { ProviderInputError } from "../../src/providers/core/provider-input-error.ts";
import {
  type EmnifyQField,
  type EmnifyQOperator,
  emnifyDateValue,
  emnifyQuery,
  emnifySort,
  emnifyStatusTerms,
  emnifyTerm,
  joinEmnifyQ,
  splitEmnifyFilter,
} from "../../src/providers/emnify/emnify.query.ts";

const P = "sims";

/** A refused input (answered BAD_USER_INPUT), never an emnify failure: it names the provider and the argument to change. */
function refused(run: () => unknown, argument?: string): ProviderInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderInputError);
    expect((error as ProviderInputError).provider).toBe(P);
    if (argument !== undefined) expect((error as ProviderInputError).argument).toBe(argument);
    return error as ProviderInputError;
  }
  throw new Error("expected the value to be refused");
}

describe("emnifyTerm", () => {
  it("builds documented terms", () => {
    expect(emnifyTerm("id", ">=", "1001", P)).toBe("id>=1001");
    expect(emnifyTerm("id", "^~", "12", P)).toBe("id^~12");
    expect(emnifyTerm("status", "!:", "2", P)).toBe("status!:2");
    expect(emnifyTerm("paid", ":", "1", P)).toBe("paid:1");
    expect(emnifyTerm("submit_date", "<=", "2024-01-31T23:59:59.999Z", P)).toBe("submit_date<=2024-01-31T23:59:59.999Z");
  });

  it("refuses undocumented fields and operators", () => {
    refused(() => emnifyTerm("total" as EmnifyQField, ":", "1", P));
    refused(() => emnifyTerm("paid", ">", "0", P));
    refused(() => emnifyTerm("submit_date", "!:", "2024-01-01T00:00:00.000Z", P));
    refused(() => emnifyTerm("submit_date", "^~", "2024-01-01T00:00:00.000Z", P));
    refused(() => emnifyTerm("status", "=" as EmnifyQOperator, "1", P));
  });

  it.each([
    ["id", "1,paid:1"],
    ["id", "1 "],
    ["id", " 1"],
    ["id", "1\tpaid:1"],
    ["id", "1:2"],
    ["id", "!1"],
    ["id", "<1"],
    ["id", ">1"],
    ["id", "^1"],
    ["id", "~1"],
    ["id", ""],
    ["id", "1%"],
    ["id", "-1"],
    ["status", "1,status:4"],
    ["status", "5"],
    ["status", "10"],
    ["paid", "true"],
    ["paid", "1,id>0"],
    ["submit_date", "2024-01-01T00:00:00.000Z,paid:1"],
    ["submit_date", "2024-01-01 00:00:00"],
    ["submit_date", "2024-01-01T00:00:00.000+02:00"],
    ["submit_date", "+275760-09-13T00:00:00.000Z"],
    ["submit_date", "2024-01-01"],
    ["submit_date", "2024-01-01T00:00:00.000Z\n"],
  ] as Array<[EmnifyQField, string]>)("refuses the %s value %j", (field, value) => {
    const operator = field === "paid" ? ":" : ">=";
    const error = refused(() => emnifyTerm(field, operator, value, P));
    expect(error.message).toMatch(/^provider sims: /);
  });

  it("refuses dates that cannot be written as emnify reads them", () => {
    refused(() => emnifyQuery({ createdAt: { from: new Date(8.64e15) } }, P), "filter.createdAt");
    refused(() => emnifyQuery({ createdAt: { to: new Date(-8.64e15) } }, P), "filter.createdAt");
    refused(() => emnifyDateValue(new Date(Number.NaN), P), "filter.createdAt");
  });
});

describe("emnifyStatusTerms", () => {
  it("says every subset of the five statuses exactly with ANDed terms", () => {
    expect(emnifyStatusTerms([], P)).toEqual([]);
    expect(emnifyStatusTerms([2], P)).toEqual(["status:2"]);
    expect(emnifyStatusTerms([3, 2, 2], P)).toEqual(["status>=2", "status<=3"]);
    expect(emnifyStatusTerms([0, 2], P)).toEqual(["status>=0", "status<=2", "status!:1"]);
    expect(emnifyStatusTerms([0, 4], P)).toEqual(["status>=0", "status<=4", "status!:1", "status!:2", "status!:3"]);
    // Check every subset against a direct membership test.
    for (let mask = 1; mask < 32; mask += 1) {
      const ids = [0, 1, 2, 3, 4].filter((id) => mask & (1 << id));
      const terms = emnifyStatusTerms(ids, P);
      const matches = (status: number) =>
        terms.every((term) => {
          const [, op, value] = /^status(:|!:|>=|<=)(\d)$/.exec(term) ?? [];
          const v = Number(value);
          if (op === ":") return status === v;
          if (op === "!:") return status !== v;
          if (op === ">=") return status >= v;
          return status <= v;
        });
      expect([0, 1, 2, 3, 4, 5, 6].filter(matches)).toEqual(ids);
    }
  });
});

describe("emnifyQuery", () => {
  it("joins the native filter into one q", () => {
    expect(emnifyQuery({}, P)).toBeUndefined();
    expect(
      emnifyQuery(
        {
          nativeStatus: ["2", "3"],
          paymentStatus: ["PAID"],
          createdAt: { from: new Date("2024-01-01T00:00:00Z"), to: new Date("2024-02-01T12:30:00.5Z") },
        },
        P,
      ),
    ).toBe("status>=2,status<=3,paid:1,submit_date>=2024-01-01T00:00:00.000Z,submit_date<=2024-02-01T12:30:00.500Z");
    expect(emnifyQuery({ paymentStatus: ["UNPAID"] }, P)).toBe("paid:0");
    expect(joinEmnifyQ(["a:1", "b:2"])).toBe("a:1,b:2");
  });

  it("refuses native status codes that are not documented ids", () => {
    refused(() => emnifyQuery({ nativeStatus: ["1,paid:1"] }, P), "filter.nativeStatus");
    refused(() => emnifyQuery({ nativeStatus: ["9"] }, P), "filter.nativeStatus");
  });
});

describe("emnifySort", () => {
  it("breaks ties by id in the direction of the key", () => {
    expect(emnifySort({ field: "CREATED_AT", direction: "DESC" })).toBe("-submit_date,-id");
    expect(emnifySort({ field: "CREATED_AT", direction: "ASC" })).toBe("+submit_date,+id");
    expect(emnifySort({ field: "TOTAL", direction: "DESC" })).toBe("-total_amount,-id");
    expect(emnifySort({ field: "NUMBER", direction: "ASC" })).toBe("+id");
    expect(emnifySort(null)).toBe("+id");
    expect(() => emnifySort({ field: "UPDATED_AT", direction: "ASC" })).toThrow();
  });
});

describe("splitEmnifyFilter", () => {
  const statuses = (list: OrderStatus[]) => splitEmnifyFilter({ status: list });

  it("pushes status sets down as native ids", () => {
    expect(statuses(["SHIPPED", "DELIVERED"])).toEqual({ native: { nativeStatus: ["2", "3"] }, residual: {}, empty: false });
    expect(statuses(["DRAFT", "CANCELLED"]).native).toEqual({ nativeStatus: ["0", "4"] });
    expect(statuses(["REFUNDED"]).empty).toBe(true);
    expect(splitEmnifyFilter({ status: ["SHIPPED", "DELIVERED"], nativeStatus: ["3", "4"] }).native).toEqual({ nativeStatus: ["3"] });
    expect(splitEmnifyFilter({ nativeStatus: ["1"] }).native).toEqual({ nativeStatus: ["1"] });
  });

  it("keeps statuses q cannot ask for (null or undocumented) in the residual", () => {
    expect(statuses(["ON_HOLD", "SHIPPED"])).toEqual({ native: {}, residual: { status: ["ON_HOLD", "SHIPPED"] }, empty: false });
    expect(splitEmnifyFilter({ nativeStatus: ["7"] })).toEqual({ native: {}, residual: { nativeStatus: ["7"] }, empty: false });
    // ON_HOLD asked, but the native codes exclude the unknown ones: exact in q.
    expect(splitEmnifyFilter({ status: ["ON_HOLD", "PENDING"], nativeStatus: ["1"] }).native).toEqual({ nativeStatus: ["1"] });
  });

  it("pushes one of PAID/UNPAID, keeps other payment sets in the residual", () => {
    expect(splitEmnifyFilter({ paymentStatus: ["PAID"] }).native).toEqual({ paymentStatus: ["PAID"] });
    expect(splitEmnifyFilter({ paymentStatus: ["UNPAID", "REFUNDED"] }).native).toEqual({ paymentStatus: ["UNPAID"] });
    expect(splitEmnifyFilter({ paymentStatus: ["PAID", "UNPAID"] }).residual).toEqual({ paymentStatus: ["PAID", "UNPAID"] });
    expect(splitEmnifyFilter({ paymentStatus: ["UNKNOWN"] }).residual).toEqual({ paymentStatus: ["UNKNOWN"] });
    expect(splitEmnifyFilter({ paymentStatus: ["REFUNDED"] }).empty).toBe(true);
  });

  it("pushes the created range, keeps the rest, and knows what never matches", () => {
    const createdAt = { from: new Date("2024-01-01T00:00:00Z") };
    expect(splitEmnifyFilter({ createdAt, customerIds: ["44"], email: "a@b.example", search: "x", total: { min: "10" } })).toEqual({
      native: { createdAt },
      residual: { customerIds: ["44"], email: "a@b.example", search: "x", total: { min: "10" } },
      empty: false,
    });
    expect(splitEmnifyFilter({ updatedAt: createdAt }).empty).toBe(true);
    expect(splitEmnifyFilter({ vendorReference: "x" }).empty).toBe(true);
  });
});
