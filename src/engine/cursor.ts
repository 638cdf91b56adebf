/**
 * Cursors of merged connections: opaque, versioned, signed, and bound to the
 * query they were made for (filter, sort and provider set).
 *
 * A cursor holds keys, not offsets (order-key.ts): the edge's own place in
 * the global order, and for every provider where its reading resumes after
 * that edge: the edge's key for every provider that answered the page, an
 * earlier key for one that failed (it is read again from where it stood),
 * and a hint, the native offset where its next order was last seen, which
 * makes finding the key again cheap where the provider cannot filter on it.
 * Its text is readable base64url; what makes it ours is an HMAC-SHA256 under
 * the server's cursor key (`server.cursorSecret`), which a client cannot
 * recompute after editing it, so only positions the server handed out are
 * ever read from.
 */
import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from "node:crypto";
import type { SortKey } from "../providers/core/connector.ts";
import { UserInputError } from "./engine-errors.ts";
import { isOrderKey, type KeyValue, type OrderKey } from "./order-key.ts";

/**
 * 3: positions are keys of the global order. 2 held offsets (signed with a
 * keyed HMAC), 1 offsets with an unkeyed sha256 a client could recompute.
 */
const VERSION = 3;

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

/** The direction of the page a cursor was made on. */
export type CursorDirection = "forward" | "backward";

/** Where one provider's reading resumes after a cursor's edge. */
export interface ProviderPosition {
  /**
   * The native offset where the provider's next order (the first after the
   * position, in the global order) was seen: where reading starts to look.
   */
  hint: number;
  /**
   * Absent: the edge's own key. Otherwise the provider lags behind the edge
   * (it failed on a page): the key it had reached, or null when it had given
   * nothing yet (read from its start forward, from its end backward). A
   * lagging position holds only for a page in the cursor's own direction.
   */
  key?: OrderKey | null;
}

/** What a cursor carries. */
export interface CursorState {
  /** The direction of the page the cursor was made on (lagging positions hold in that direction only). */
  direction: CursorDirection;
  /** The edge's key. */
  edge: OrderKey;
  /** Per provider id: where its reading resumes after the edge. */
  positions: Record<string, ProviderPosition>;
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

/** A key as a cursor writes it: its values, then provider and native id. */
type KeyText = [...KeyValue[], string, string];

const keyText = (key: OrderKey): KeyText => [...key.values, key.provider, key.id];

/** Encodes and signs a cursor for a query fingerprint. */
export function encodeCursor(state: CursorState, fingerprint: string, key: CursorKey): string {
  const positions: Record<string, number | [number, KeyText | null]> = {};
  for (const [id, position] of Object.entries(state.positions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    positions[id] = position.key === undefined ? position.hint : [position.hint, position.key === null ? null : keyText(position.key)];
  }
  const body = JSON.stringify({
    v: VERSION,
    q: fingerprint,
    d: state.direction === "forward" ? "f" : "b",
    e: keyText(state.edge),
    p: positions,
  });
  return Buffer.from(`${body}.${signature(key, body)}`).toString("base64url");
}

/** The query a cursor is checked against. */
export interface CursorQuery {
  fingerprint: string;
  /** Every provider id of the query. */
  providers: readonly string[];
  sort: readonly SortKey[];
}

/** Decodes and checks a cursor; any problem is a BAD_USER_INPUT naming the argument. */
export function decodeCursor(cursor: string, query: CursorQuery, argument: string, key: CursorKey): CursorState {
  const invalid = (why: string) => new UserInputError(`${argument}: ${why}`, argument);
  if (cursor.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid("not a cursor of this API");
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const dot = text.lastIndexOf(".");
  const body = text.slice(0, dot);
  if (dot < 0 || !sameSignature(signature(key, body), text.slice(dot + 1))) {
    throw invalid("not a cursor of this API (bad signature: changed, or made by a server with another cursor secret)");
  }
  let parsed: { v?: unknown; q?: unknown; d?: unknown; e?: unknown; p?: unknown };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalid("not a cursor of this API");
  }
  if (parsed.v !== VERSION) {
    throw invalid(
      "this cursor was made by an earlier version of ordergraph, whose cursors held positions rather than keys; start again from the first page (without after or before)",
    );
  }
  if (parsed.q !== query.fingerprint) throw invalid("cursor was made for a different filter, sort or provider set");
  const readKey = (value: unknown): OrderKey | undefined => {
    if (!Array.isArray(value) || value.length !== query.sort.length + 2) return undefined;
    const candidate = { values: value.slice(0, -2), provider: value.at(-2), id: value.at(-1) };
    return isOrderKey(candidate, query.sort) && query.providers.includes(candidate.provider) ? candidate : undefined;
  };
  const isHint = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  const edge = readKey(parsed.e);
  if ((parsed.d !== "f" && parsed.d !== "b") || !edge || !parsed.p || typeof parsed.p !== "object") throw invalid("malformed cursor");
  const entries = Object.entries(parsed.p as Record<string, unknown>);
  if (entries.length !== query.providers.length || !entries.every(([id]) => query.providers.includes(id))) {
    throw invalid("cursor was made for a different provider set");
  }
  const positions: Record<string, ProviderPosition> = {};
  for (const [id, value] of entries) {
    if (isHint(value)) {
      positions[id] = { hint: value };
      continue;
    }
    if (!Array.isArray(value) || value.length !== 2 || !isHint(value[0])) throw invalid("malformed cursor");
    const lagging = value[1] === null ? null : readKey(value[1]);
    if (lagging === undefined) throw invalid("malformed cursor");
    positions[id] = { hint: value[0], key: lagging };
  }
  return { direction: parsed.d === "f" ? "forward" : "backward", edge, positions };
}
