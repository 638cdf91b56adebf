/**
 * Opaque ids of orders and customers. They read as `Order:<provider>:<native>`
 * once base64url-decoded; the native part is percent-encoded so no character of
 * it can change the id's structure, and it is checked by the provider's
 * connector before any call is made.
 */

/** The kinds of object that have global ids. */
export type NodeType = "Order" | "Customer";

/** A decoded global id. */
export interface GlobalId {
  type: NodeType;
  provider: string;
  nativeId: string;
}

/** Printable ASCII: one byte each in UTF-8, so each character is its own byte. */
const PRINTABLE_ASCII = /^[ -~]*$/;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** The two base64url characters of every 12-bit value. */
const PAIRS = Array.from({ length: 4096 }, (_, v) => `${BASE64URL[v >> 6]}${BASE64URL[v & 63]}`);

/** Unpadded base64url of a text of printable ASCII (one byte a character). */
function base64url(text: string): string {
  let out = "";
  const length = text.length;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const bits = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8) | text.charCodeAt(i + 2);
    out += (PAIRS[bits >> 12] as string) + (PAIRS[bits & 4095] as string);
  }
  if (length - i === 1) out += PAIRS[text.charCodeAt(i) << 4] as string;
  else if (length - i === 2) {
    const bits = (text.charCodeAt(i) << 8) | text.charCodeAt(i + 1);
    out += (PAIRS[bits >> 4] as string) + (BASE64URL[(bits & 15) << 2] as string);
  }
  return out;
}

/**
 * The start of the ids of one type and provider: the base64url of its whole
 * 3-byte groups (which no later byte changes) and the bytes left over.
 */
interface IdPrefix {
  encoded: string;
  rest: string;
}

/** Prefixes by type and provider id; bounded, since decoding encodes whatever provider id a client sent. */
const prefixes = new Map<string, Map<string, IdPrefix>>([
  ["Order", new Map()],
  ["Customer", new Map()],
]);
const MAX_PREFIXES = 64;

/** The prefix of a type and provider, or null when their text is not printable ASCII (or the type not ours). */
function prefixOf(type: NodeType, provider: string): IdPrefix | null {
  const byProvider = prefixes.get(type);
  if (!byProvider) return null;
  const known = byProvider.get(provider);
  if (known) return known;
  if (!PRINTABLE_ASCII.test(provider)) return null;
  const text = `${type}:${provider}:`;
  const whole = text.length - (text.length % 3);
  const prefix = { encoded: base64url(text.slice(0, whole)), rest: text.slice(whole) };
  if (byProvider.size < MAX_PREFIXES) byProvider.set(provider, prefix);
  return prefix;
}

/**
 * Encodes a global id. Ids are encoded for every order of every answer, so
 * the usual case (a printable ASCII provider id, as config ids are) encodes
 * only the native id's part, in JavaScript: the whole text is then ASCII
 * (`encodeURIComponent` leaves nothing else), and this is several times
 * faster than a Buffer round trip.
 */
export function encodeGlobalId(type: NodeType, provider: string, nativeId: string): string {
  const native = encodeURIComponent(nativeId);
  const prefix = prefixOf(type, provider);
  if (!prefix) return Buffer.from(`${type}:${provider}:${native}`).toString("base64url");
  return prefix.encoded + base64url(prefix.rest + native);
}

/** Decodes a global id; null for anything that is not one of ours. */
export function decodeGlobalId(id: string): GlobalId | null {
  if (id.length === 0 || id.length > 512 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, "base64url").toString("utf8");
  const match = /^(Order|Customer):([a-z0-9][a-z0-9-]{0,62}):([^:]+)$/.exec(text);
  if (!match) return null;
  let nativeId: string;
  try {
    nativeId = decodeURIComponent(match[3] as string);
  } catch {
    return null;
  }
  if (encodeGlobalId(match[1] as NodeType, match[2] as string, nativeId) !== id) return null;
  return { type: match[1] as NodeType, provider: match[2] as string, nativeId };
}
