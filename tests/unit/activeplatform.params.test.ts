/**
 * Planning and native params of the ActivePlatform connector: what is pushed
 * down (one status, one account, one-date ranges, every sort), what stays
 * residual, and what is known to match nothing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { activePlatformConfigSchema, parseUtcOffset } from "../../src/providers/activeplatform/activeplatform.config.ts";
import {
  ActivePlatformConnector,
  activePlatformListParams,
  singleLocalDate,
} from "../../src/providers/activeplatform/activeplatform.connector.ts";
import type { OrderFilter, SortKey } from "../../src/providers/core/connector.ts";

const NEWEST: SortKey = { field: "CREATED_AT", direction: "DESC" };
const entry = {
  id: "billing",
  kind: "activeplatform",
  baseUrl: "http://127.0.0.1:9",
  currency: "RUB",
  credentials: { apiToken: "secret-token-123" },
};
const withOffsets = new ActivePlatformConnector(activePlatformConfigSchema.parse({ ...entry, accountUtcOffsets: ["+03:00", "+00:00"] }));
const withoutOffsets = new ActivePlatformConnector(activePlatformConfigSchema.parse(entry));
afterAll(async () => {
  await withOffsets.close();
  await withoutOffsets.close();
});

const params = (filter: OrderFilter, sort: SortKey | null = null, offsets: number[] = [180, 0]) =>
  Object.fromEntries(activePlatformListParams(filter, sort, offsets));
const utc = (text: string) => new Date(text);

describe("sort params", () => {
  it.each([
    ["CREATED_AT", "created_at"],
    ["UPDATED_AT", "updated_at"],
    ["TOTAL", "total"],
    ["NUMBER", "document_id"],
  ] as const)("sorts %s by %s in both directions", (field, native) => {
    expect(params({}, { field, direction: "ASC" })).toEqual({ "sorting[field]": native, "sorting[reversed]": "false" });
    expect(params({}, { field, direction: "DESC" })).toEqual({ "sorting[field]": native, "sorting[reversed]": "true" });
    expect(withOffsets.plan({}, { field, direction: "ASC" }).sortNative).toBe(true);
  });

  it("sends no sort for the provider's own order", () => {
    expect(params({}, null)).toEqual({});
  });
});

describe("filter params", () => {
  it("sends one status, one account and one-date ranges", () => {
    expect(
      params({
        nativeStatus: ["waiting for payment"],
        customerIds: ["2000036"],
        createdAt: { from: utc("2025-04-01T03:00:00Z"), to: utc("2025-04-01T20:59:59Z") },
        updatedAt: { from: utc("2025-04-02T00:00:00Z"), to: utc("2025-04-02T01:00:00Z") },
      }),
    ).toEqual({
      "filters[status]": "waiting for payment",
      "filters[account_id]": "2000036",
      "filters[created_at]": "2025-04-01",
      "filters[updated_at]": "2025-04-02",
    });
  });

  it("refuses what the API cannot take (the plan never hands it over)", () => {
    expect(() => params({ nativeStatus: ["completed", "cancelled"] })).toThrow(/exactly one/);
    expect(() => params({ customerIds: ["1", "2"] })).toThrow(/exactly one/);
    expect(() => params({ createdAt: { from: utc("2025-04-01T00:00:00Z"), to: utc("2025-04-01T23:00:00Z") } })).toThrow(/one local date/);
  });
});

describe("singleLocalDate", () => {
  it("finds the date every instant shows in every offset", () => {
    const offsets = [180, 0];
    expect(singleLocalDate({ from: utc("2025-04-01T00:00:00Z"), to: utc("2025-04-01T20:59:59.999Z") }, offsets)).toBe("2025-04-01");
    // 21:00Z is already the next day in +03:00.
    expect(singleLocalDate({ from: utc("2025-04-01T00:00:00Z"), to: utc("2025-04-01T21:00:00Z") }, offsets)).toBeNull();
    // 23:00Z of the day before is still the day before in +00:00.
    expect(singleLocalDate({ from: utc("2025-03-31T23:00:00Z"), to: utc("2025-04-01T10:00:00Z") }, offsets)).toBeNull();
    expect(singleLocalDate({ from: utc("2025-03-31T21:00:00Z"), to: utc("2025-04-01T20:59:59Z") }, [180])).toBe("2025-04-01");
    expect(singleLocalDate({ from: utc("2025-04-01T00:00:00Z") }, offsets)).toBeNull();
    expect(singleLocalDate({ to: utc("2025-04-01T00:00:00Z") }, offsets)).toBeNull();
    expect(singleLocalDate({ from: utc("2025-04-01T00:00:00Z"), to: utc("2025-04-01T01:00:00Z") }, [])).toBeNull();
  });

  it("parses offsets", () => {
    expect(parseUtcOffset("+03:00")).toBe(180);
    expect(parseUtcOffset("-0530")).toBe(-330);
    expect(parseUtcOffset("Z")).toBe(0);
    expect(parseUtcOffset("+3")).toBeNull();
    expect(parseUtcOffset("+15:00")).toBeNull();
    expect(activePlatformConfigSchema.safeParse({ ...entry, accountUtcOffsets: ["Moscow"] }).success).toBe(false);
  });
});

describe("plan", () => {
  it("pushes a status down when it comes down to one native code, exactly", () => {
    const plan = withOffsets.plan({ status: ["PENDING"] }, NEWEST);
    expect(plan.native).toEqual({ nativeStatus: ["waiting for payment"] });
    expect(plan.residual).toEqual({});
    expect(withOffsets.plan({ status: ["FAILED"] }, NEWEST).native).toEqual({ nativeStatus: ["provisioning failed"] });
    expect(withOffsets.plan({ paymentStatus: ["UNPAID"] }, NEWEST).native).toEqual({ nativeStatus: ["waiting for payment"] });
    expect(withOffsets.plan({ nativeStatus: ["completed"] }, NEWEST).native).toEqual({ nativeStatus: ["completed"] });
    expect(withOffsets.plan({ status: ["PROCESSING"], nativeStatus: ["provisioning", "completed"] }, NEWEST).native).toEqual({
      nativeStatus: ["provisioning"],
    });
  });

  it("keeps several codes as a residual", () => {
    const plan = withOffsets.plan({ status: ["PROCESSING"] }, NEWEST);
    expect(plan.native).toEqual({});
    expect(plan.residual).toEqual({ nativeStatus: ["waiting for provisioning", "provisioning"] });
    expect(withOffsets.plan({ nativeStatus: ["completed", "cancelled"] }, NEWEST).residual).toEqual({
      nativeStatus: ["completed", "cancelled"],
    });
    expect(withOffsets.plan({ status: ["COMPLETED", "CANCELLED"] }, NEWEST).residual).toEqual({ nativeStatus: ["completed", "cancelled"] });
  });

  it("keeps the whole status filter residual when unknown codes (the ON_HOLD fallback) could match", () => {
    const plan = withOffsets.plan({ status: ["ON_HOLD"] }, NEWEST);
    expect(plan.native).toEqual({});
    expect(plan.residual).toEqual({ status: ["ON_HOLD"] });
    expect(plan.empty).toBe(false);
    expect(withOffsets.plan({ paymentStatus: ["UNKNOWN"] }, NEWEST).residual).toEqual({ paymentStatus: ["UNKNOWN"] });
    // An unknown code named explicitly is sent as it is.
    expect(withOffsets.plan({ nativeStatus: ["on review"] }, NEWEST).native).toEqual({ nativeStatus: ["on review"] });
  });

  it("knows when no status can match", () => {
    expect(withOffsets.plan({ status: ["SHIPPED"] }, NEWEST).empty).toBe(true);
    expect(withOffsets.plan({ status: ["PENDING"], paymentStatus: ["PAID"] }, NEWEST).empty).toBe(true);
    expect(withOffsets.plan({ nativeStatus: [""] }, NEWEST).empty).toBe(true);
  });

  it("pushes one account down, keeps several residual, and refuses non-canonical ids", () => {
    expect(withOffsets.plan({ customerIds: ["2000036"] }, NEWEST)).toMatchObject({ native: { customerIds: ["2000036"] }, residual: {} });
    expect(withOffsets.plan({ customerIds: ["1", "2"] }, NEWEST)).toMatchObject({ native: {}, residual: { customerIds: ["1", "2"] } });
    expect(withOffsets.plan({ customerIds: ["0123", "x"] }, NEWEST).empty).toBe(true);
    expect(withOffsets.plan({ customerIds: ["0123", "5"] }, NEWEST).native).toEqual({ customerIds: ["5"] });
  });

  it("pushes a one-date range down and always keeps the exact range", () => {
    const range = { from: utc("2025-04-01T06:00:00Z"), to: utc("2025-04-01T18:00:00Z") };
    for (const field of ["createdAt", "updatedAt"] as const) {
      const plan = withOffsets.plan({ [field]: range }, NEWEST);
      expect(plan.native).toEqual({ [field]: range });
      expect(plan.residual).toEqual({ [field]: range });
      expect(withoutOffsets.plan({ [field]: range }, NEWEST)).toMatchObject({ native: {}, residual: { [field]: range } });
    }
    const wide = { from: utc("2025-04-01T00:00:00Z"), to: utc("2025-04-02T00:00:00Z") };
    expect(withOffsets.plan({ createdAt: wide }, NEWEST)).toMatchObject({ native: {}, residual: { createdAt: wide } });
  });

  it("declares the date filters native only with configured offsets", () => {
    const native = (c: ActivePlatformConnector) => c.capabilities.filters.filter((f) => f.field === "CREATED_AT").map((f) => f.native);
    expect(native(withOffsets)).toEqual([true, true]);
    expect(native(withoutOffsets)).toEqual([false, false]);
    expect(withOffsets.capabilities.count).toBe("SCAN");
    expect(withOffsets.maxPageSize).toBe(100);
  });

  it("knows that e-mail and vendor reference match nothing, and keeps total and search residual", () => {
    expect(withOffsets.plan({ email: "a@b.c" }, NEWEST).empty).toBe(true);
    expect(withOffsets.plan({ vendorReference: "X" }, NEWEST).empty).toBe(true);
    const plan = withOffsets.plan({ total: { min: "10" }, search: "SO0" }, NEWEST);
    expect(plan).toMatchObject({ native: {}, residual: { total: { min: "10" }, search: "SO0" }, empty: false });
  });

  it("validates native ids", () => {
    expect(withOffsets.isValidNativeId("2000219")).toBe(true);
    expect(withOffsets.isValidNativeId("0")).toBe(false);
    expect(withOffsets.isValidNativeId("12a")).toBe(false);
    expect(withOffsets.isValidNativeId("../orders")).toBe(false);
  });
});
