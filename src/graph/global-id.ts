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

/** Encodes a global id. */
export function encodeGlobalId(type: NodeType, provider: string, nativeId: string): string {
  return Buffer.from(`${type}:${provider}:${encodeURIComponent(nativeId)}`).toString("base64url");
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
