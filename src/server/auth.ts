/**
 * Client authentication: `Authorization: Bearer <key>` mapped to the client's
 * scopes and providers. Keys are compared as sha256 digests with a
 * constant-time comparison, so clear and hashed keys in the config behave alike.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ClientConfig, Scope } from "../config/config.schema.ts";
import type { ClientIdentity } from "../graph/context.ts";

/** sha256 of a key, as hex. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

interface StoredClient {
  digest: Buffer;
  identity: ClientIdentity;
}

/** Resolves bearer keys to client identities. */
export class ClientKeys {
  private readonly clients: StoredClient[];

  constructor(clients: readonly ClientConfig[]) {
    this.clients = clients.map((client) => ({
      digest: Buffer.from(client.keySha256 ? client.keySha256.toLowerCase() : sha256Hex(client.key as string), "hex"),
      identity: {
        name: client.name,
        scopes: new Set<Scope>(client.scopes),
        providers: client.providers.includes("*") ? null : new Set(client.providers),
      },
    }));
  }

  /** The client for an Authorization header value; null when missing or wrong. */
  authenticate(header: string | undefined): ClientIdentity | null {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    const digest = Buffer.from(sha256Hex(match[1] as string), "hex");
    let found: ClientIdentity | null = null;
    // Compare against every client so that timing does not tell which one matched.
    for (const client of this.clients) {
      if (timingSafeEqual(client.digest, digest)) found = client.identity;
    }
    return found;
  }
}
