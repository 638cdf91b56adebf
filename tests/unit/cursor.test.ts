/** Cursors: opaque, signed with the server's key, bound to their query and provider set. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCursorKey, decodeCursor, encodeCursor, queryFingerprint } from "../../src/engine/cursor.ts";
import { UserInputError } from "../../src/engine/engine-errors.ts";

const query = {
  filter: { status: ["COMPLETED"], createdAt: { from: new Date("2025-01-01T00:00:00Z") } },
  sort: [{ field: "CREATED_AT", direction: "DESC" }],
  providers: ["a", "b"],
};
const fingerprint = queryFingerprint(query);
const state = { owner: "a", index: 41, resume: { a: 42, b: 17 } };
const key = createCursorKey("a-cursor-secret-of-32-characters!!");
const encode = (s: typeof state) => encodeCursor(s, fingerprint, key);
const decode = (cursor: string, providers = ["a", "b"], argument = "after") => decodeCursor(cursor, fingerprint, providers, argument, key);

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
  it("round-trips", () => {
    const cursor = encode(state);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decode(cursor)).toEqual(state);
  });

  it("fingerprints ignore key order and undefined values, but not values", () => {
    expect(queryFingerprint({ b: 1, a: [1, 2], c: undefined })).toBe(queryFingerprint({ a: [1, 2], b: 1 }));
    expect(queryFingerprint({ a: [2, 1] })).not.toBe(queryFingerprint({ a: [1, 2] }));
    expect(queryFingerprint({ d: new Date(0) })).not.toBe(queryFingerprint({ d: new Date(1000) }));
  });

  it("refuses an edited cursor, with its old signature or re-hashed as an unkeyed checksum", () => {
    const cursor = encode(state);
    const forged = edited(cursor, (body) => body.replace('"i":41', '"i":40'));
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
    expect(decode(encodeCursor(state, fingerprint, createCursorKey("a-cursor-secret-of-32-characters!!")))).toEqual(state);
    // Without a secret, every key is a new random one.
    expect(() =>
      decodeCursor(encodeCursor(state, fingerprint, createCursorKey()), fingerprint, ["a", "b"], "after", createCursorKey()),
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
    expect(refusal(() => decodeCursor(cursor, other, ["a", "b"], "after", key)).message).toMatch(/different filter, sort or provider set/);
  });

  it("refuses a cursor of another provider set", () => {
    const cursor = encode(state);
    expect(refusal(() => decode(cursor, ["a"])).message).toMatch(/provider set/);
    expect(refusal(() => decode(cursor, ["a", "c"])).message).toMatch(/provider set/);
    refusal(() => decode(encode({ ...state, owner: "z" })));
  });

  it("refuses negative or fractional indexes even with a valid signature", () => {
    refusal(() => decode(encode({ ...state, index: -1 })));
    refusal(() => decode(encode({ ...state, resume: { a: 1.5, b: 0 } })));
  });
});
