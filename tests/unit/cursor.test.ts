/** Cursors: opaque, checksummed, bound to their query and provider set. */
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, queryFingerprint } from "../../src/engine/cursor.ts";
import { UserInputError } from "../../src/engine/engine-errors.ts";

const query = {
  filter: { status: ["COMPLETED"], createdAt: { from: new Date("2025-01-01T00:00:00Z") } },
  sort: [{ field: "CREATED_AT", direction: "DESC" }],
  providers: ["a", "b"],
};
const fingerprint = queryFingerprint(query);
const state = { owner: "a", index: 41, resume: { a: 42, b: 17 } };

function refusal(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error("expected a UserInputError");
}

describe("cursors", () => {
  it("round-trips", () => {
    const cursor = encodeCursor(state, fingerprint);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, fingerprint, ["a", "b"], "after")).toEqual(state);
  });

  it("fingerprints ignore key order and undefined values, but not values", () => {
    expect(queryFingerprint({ b: 1, a: [1, 2], c: undefined })).toBe(queryFingerprint({ a: [1, 2], b: 1 }));
    expect(queryFingerprint({ a: [2, 1] })).not.toBe(queryFingerprint({ a: [1, 2] }));
    expect(queryFingerprint({ d: new Date(0) })).not.toBe(queryFingerprint({ d: new Date(1000) }));
  });

  it("refuses a tampered cursor (checksum)", () => {
    const cursor = encodeCursor(state, fingerprint);
    const text = Buffer.from(cursor, "base64url").toString("utf8").replace('"i":41', '"i":40');
    const forged = Buffer.from(text).toString("base64url");
    const error = refusal(() => decodeCursor(forged, fingerprint, ["a", "b"], "after"));
    expect(error.message).toMatch(/^after: .*checksum/);
    expect(error.argument).toBe("after");
  });

  it("refuses text that is not a cursor", () => {
    for (const bad of ["", "not a cursor!", "abc", "x".repeat(9000), Buffer.from("{}.abc").toString("base64url")]) {
      refusal(() => decodeCursor(bad, fingerprint, ["a", "b"], "before"));
    }
  });

  it("refuses a cursor of another filter or sort", () => {
    const cursor = encodeCursor(state, fingerprint);
    const other = queryFingerprint({ ...query, filter: { status: ["PENDING"] } });
    expect(refusal(() => decodeCursor(cursor, other, ["a", "b"], "after")).message).toMatch(/different filter, sort or provider set/);
  });

  it("refuses a cursor of another provider set", () => {
    const cursor = encodeCursor(state, fingerprint);
    expect(refusal(() => decodeCursor(cursor, fingerprint, ["a"], "after")).message).toMatch(/provider set/);
    expect(refusal(() => decodeCursor(cursor, fingerprint, ["a", "c"], "after")).message).toMatch(/provider set/);
    const foreignOwner = encodeCursor({ ...state, owner: "z" }, fingerprint);
    refusal(() => decodeCursor(foreignOwner, fingerprint, ["a", "b"], "after"));
  });

  it("refuses negative or fractional indexes even with a valid checksum", () => {
    refusal(() => decodeCursor(encodeCursor({ ...state, index: -1 }, fingerprint), fingerprint, ["a", "b"], "after"));
    refusal(() => decodeCursor(encodeCursor({ ...state, resume: { a: 1.5, b: 0 } }, fingerprint), fingerprint, ["a", "b"], "after"));
  });
});
