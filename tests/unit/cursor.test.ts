/** Cursors: opaque, signed with the server's key, versioned, bound to their query and provider set, holding keys. */
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type CursorState, createCursorKey, decodeCursor, encodeCursor, queryFingerprint } from "../../src/engine/cursor.ts";
import { UserInputError } from "../../src/engine/engine-errors.ts";
import type { SortKey } from "../../src/providers/core/connector.ts";

const sort: SortKey[] = [{ field: "CREATED_AT", direction: "DESC" }];
const query = {
  filter: { status: ["COMPLETED"], createdAt: { from: new Date("2025-01-01T00:00:00Z") } },
  sort,
  providers: ["a", "b"],
};
const fingerprint = queryFingerprint(query);
const state: CursorState = {
  direction: "forward",
  edge: { values: [Date.parse("2025-03-01T10:00:00Z")], provider: "a", id: "41" },
  // b failed on the cursor's page: it stays where it stood, a at the edge.
  positions: { a: { hint: 42 }, b: { hint: 17, key: { values: [Date.parse("2025-03-04T08:00:00Z")], provider: "b", id: "9" } } },
};
const secret = "a-cursor-secret-of-32-characters!!";
const key = createCursorKey(secret);
const encode = (s: CursorState) => encodeCursor(s, fingerprint, key);
const decode = (cursor: string, providers = ["a", "b"], argument = "after") =>
  decodeCursor(cursor, { fingerprint, providers, sort }, argument, key);

function refusal(run: () => unknown): UserInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error("expected a UserInputError");
}

/** A cursor's body (the JSON before its signature), edited by `edit`, with the signature left as it was. */
function edited(cursor: string, edit: (body: string) => string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const dot = text.lastIndexOf(".");
  return Buffer.from(`${edit(text.slice(0, dot))}${text.slice(dot)}`).toString("base64url");
}

describe("cursors", () => {
  it("round-trips, lagging positions and positions that have given nothing yet included", () => {
    const cursor = encode(state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(cursor)).toEqual(state);
    const fresh: CursorState = { ...state, direction: "backward", positions: { a: { hint: 0, key: null }, b: { hint: 3 } } };
    expect(decode(encode(fresh))).toEqual(fresh);
  });

  it("holds keys of every kind of sort value, null included", () => {
    const bySort = (field: SortKey["field"], value: number | string | null) => {
      const keyed: CursorState = {
        direction: "forward",
        edge: { values: [value], provider: "b", id: "x-1" },
        positions: { a: { hint: 1 }, b: { hint: 2 } },
      };
      const sorts = [{ field, direction: "ASC" as const }];
      const print = queryFingerprint({ sorts });
      return decodeCursor(encodeCursor(keyed, print, key), { fingerprint: print, providers: ["a", "b"], sort: sorts }, "after", key).edge
        .values;
    };
    expect(bySort("CREATED_AT", 1_700_000_000_123)).toEqual([1_700_000_000_123]);
    expect(bySort("UPDATED_AT", null)).toEqual([null]);
    expect(bySort("TOTAL", "-12.50")).toEqual(["-12.50"]);
    expect(bySort("NUMBER", "A-1001")).toEqual(["A-1001"]);
    // A value of the wrong kind for its field (a signed cursor never has one) is refused, not trusted.
    expect(refusal(() => bySort("TOTAL", 12.5)).message).toMatch(/malformed/);
    expect(refusal(() => bySort("CREATED_AT", "2025-01-01")).message).toMatch(/malformed/);
  });

  it("answers a cursor of the previous format (offsets, version 2) with a clear request to start again", () => {
    // Version 2's body, signed as version 2 signed it: a cursor a client kept from before the upgrade.
    const body = JSON.stringify({ v: 2, q: fingerprint, o: "a", i: 41, r: { a: 42, b: 17 } });
    const signature = createHmac("sha256", key).update(body).digest("base64url").slice(0, 22);
    const error = refusal(() => decode(Buffer.from(`${body}.${signature}`).toString("base64url")));
    expect(error.message).toMatch(/^after: this cursor was made by an earlier version of ordergraph/);
    expect(error.message).toMatch(/start again from the first page/);
    expect(error.argument).toBe("after");
  });

  it("fingerprints ignore key order and undefined values, but not values", () => {
    expect(queryFingerprint({ b: 1, a: [1, 2], c: undefined })).toBe(queryFingerprint({ a: [1, 2], b: 1 }));
    expect(queryFingerprint({ a: [2, 1] })).not.toBe(queryFingerprint({ a: [1, 2] }));
    expect(queryFingerprint({ d: new Date(0) })).not.toBe(queryFingerprint({ d: new Date(1000) }));
  });

  it("refuses an edited cursor, with its old signature or re-hashed as an unkeyed checksum", () => {
    const cursor = encode(state);
    const forged = edited(cursor, (body) => body.replace('"41"]', '"40"]'));
    expect(forged).not.toBe(cursor);
    const error = refusal(() => decode(forged));
    expect(error.message).toMatch(/^after: .*bad signature/);
    expect(error.argument).toBe("after");
    // What a client could do with the old unkeyed sha256: recompute it over the edited body.
    const body = Buffer.from(forged, "base64url").toString("utf8").split(".")[0] as string;
    for (const length of [16, 22, 43]) {
      const rehashed = `${body}.${createHash("sha256").update(body).digest("base64url").slice(0, length)}`;
      expect(refusal(() => decode(Buffer.from(rehashed).toString("base64url"))).message).toMatch(/bad signature/);
    }
  });

  it("refuses a cursor signed with another key (a replica with another secret, or a restart without one)", () => {
    const other = encodeCursor(state, fingerprint, createCursorKey("another-cursor-secret-of-32-chars!"));
    expect(refusal(() => decode(other)).message).toMatch(/another cursor secret/);
    // Two keys from one secret agree: replicas sharing server.cursorSecret read each other's cursors.
    expect(decode(encodeCursor(state, fingerprint, createCursorKey(secret)))).toEqual(state);
    // Without a secret, every key is a new random one.
    expect(() =>
      decodeCursor(
        encodeCursor(state, fingerprint, createCursorKey()),
        { fingerprint, providers: ["a", "b"], sort },
        "after",
        createCursorKey(),
      ),
    ).toThrow(UserInputError);
  });

  it("refuses text that is not a cursor", () => {
    for (const bad of ["", "not a cursor!", "abc", "x".repeat(9000), Buffer.from("{}.abc").toString("base64url")]) {
      refusal(() => decode(bad, ["a", "b"], "before"));
    }
  });

  it("refuses a cursor of another filter or sort", () => {
    const cursor = encode(state);
    const other = queryFingerprint({ ...query, filter: { status: ["PENDING"] } });
    expect(refusal(() => decodeCursor(cursor, { fingerprint: other, providers: ["a", "b"], sort }, "after", key)).message).toMatch(
      /different filter, sort or provider set/,
    );
  });

  it("refuses a cursor of another provider set", () => {
    const cursor = encode(state);
    expect(refusal(() => decode(cursor, ["a"])).message).toMatch(/provider set/);
    expect(refusal(() => decode(cursor, ["a", "c"])).message).toMatch(/provider set/);
    refusal(() => decode(encode({ ...state, edge: { ...state.edge, provider: "z" } })));
  });

  it("refuses negative or fractional hints and keys of another sort even with a valid signature", () => {
    refusal(() => decode(encode({ ...state, positions: { a: { hint: -1 }, b: { hint: 0 } } })));
    refusal(() => decode(encode({ ...state, positions: { a: { hint: 1.5 }, b: { hint: 0 } } })));
    refusal(() => decode(encode({ ...state, edge: { ...state.edge, values: [1, 2] } })));
    refusal(() => decode(encode({ ...state, edge: { ...state.edge, id: "x".repeat(201) } })));
  });
});
