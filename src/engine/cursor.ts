/**
 * Cursors of merged connections: opaque, versioned, signed, and bound to the
 * query they were made for (filter, sort and provider set).
 *
 * A cursor names the edge's own provider and native index, and for every
 * provider the native index at which reading resumes after that edge. Its
 * text is readable base64url; what makes it ours is an HMAC-SHA256 under the
 * server's cursor key (`server.cursorSecret`), which a client cannot
 * recompute after editing an index, so only positions the server handed out
 * are ever read from.
 */
import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from "node:crypto";
import { UserInputError } from "./engine-errors.ts";

/** 2: signed with a keyed HMAC (1 carried an unkeyed sha256, which a client could recompute). */
const VERSION = 2;

/** Characters of the signature kept: 22 base64url characters, 132 bits. */
const SIGNATURE_LENGTH = 22;

/** The key that signs and checks cursors. Replicas behind one endpoint need the same one. */
export type CursorKey = KeyObject;

/**
 * The cursor key of a server: from `server.cursorSecret`, or 32 random bytes
 * when none is configured (cursors then hold only for this process).
 */
export function createCursorKey(secret?: string): CursorKey {
  return createSecretKey(secret === undefined ? randomBytes(32) : Buffer.from(secret, "utf8"));
}

function signature(key: CursorKey, body: string): string {
  return createHmac("sha256", key).update(body).digest("base64url").slice(0, SIGNATURE_LENGTH);
}

/** Compares in constant time, so the answer's timing does not show how much of a forged signature was right. */
function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** What a cursor carries. */
export interface CursorState {
  /** Provider of the edge. */
  owner: string;
  /** Native index of the edge in its provider's sequence. */
  index: number;
  /** Per provider: the native index where reading resumes after the edge. */
  resume: Record<string, number>;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 16);
}

/** A stable fingerprint of the query a cursor belongs to. */
export function queryFingerprint(query: unknown): string {
  return digest(canonicalJson(query));
}

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Encodes and signs a cursor for a query fingerprint. */
export function encodeCursor(state: CursorState, fingerprint: string, key: CursorKey): string {
  const body = JSON.stringify({ v: VERSION, q: fingerprint, o: state.owner, i: state.index, r: state.resume });
  return Buffer.from(`${body}.${signature(key, body)}`).toString("base64url");
}

/** Decodes and checks a cursor; any problem is a BAD_USER_INPUT naming the argument. */
export function decodeCursor(
  cursor: string,
  fingerprint: string,
  providers: readonly string[],
  argument: string,
  key: CursorKey,
): CursorState {
  const invalid = (why: string) => new UserInputError(`${argument}: ${why}`, argument);
  if (cursor.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid("not a cursor of this API");
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const dot = text.lastIndexOf(".");
  const body = text.slice(0, dot);
  if (dot < 0 || !sameSignature(signature(key, body), text.slice(dot + 1))) {
    throw invalid("not a cursor of this API (bad signature: changed, or made by a server with another cursor secret)");
  }
  let parsed: { v?: unknown; q?: unknown; o?: unknown; i?: unknown; r?: unknown };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalid("not a cursor of this API");
  }
  if (parsed.v !== VERSION) throw invalid("cursor of an unsupported version; start again from the first page");
  if (parsed.q !== fingerprint) throw invalid("cursor was made for a different filter, sort or provider set");
  const isIndex = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  const resume = parsed.r;
  if (typeof parsed.o !== "string" || !isIndex(parsed.i) || !resume || typeof resume !== "object") throw invalid("malformed cursor");
  const entries = Object.entries(resume as Record<string, unknown>);
  if (
    entries.length !== providers.length ||
    !entries.every(([id, n]) => providers.includes(id) && isIndex(n)) ||
    !providers.includes(parsed.o)
  ) {
    throw invalid("cursor was made for a different provider set");
  }
  return { owner: parsed.o, index: parsed.i, resume: Object.fromEntries(entries) as Record<string, number> };
}
