/**
 * Client authentication: `Authorization: Bearer <key>` mapped to the client's
 * scopes and providers. Keys are compared as sha256 digests with a
 * constant-time comparison, so clear and hashed keys in the config behave alike.
 */
import { hash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ClientConfig, Scope } from "../config/config.schema.ts";
import type { ClientIdentity } from "../graph/context.ts";
import { FORWARDED_AUTHORIZATION, RouterIdentities } from "./router-access.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The client the /graphql guard authenticated (null until it has, or for OPTIONS). */
    client: ClientIdentity | null;
  }
}

/** sha256 of a key, as hex (one-shot: no Hash object per request; hex then bytes beats node's "buffer" output). */
export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
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
        router: client.router,
        maxEntities: client.maxEntities,
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

/** A refusal of the failed-auth limiter: how long the address stays locked out. */
export interface AuthLockout {
  retryAfterSeconds: number;
}

interface FailureWindow {
  count: number;
  /** When the window (and any lock-out in it) ends, epoch ms. */
  endsAt: number;
}

/**
 * Limits failed authentications per client address: past `max` failures in a
 * window (which starts at the first failure), the address is refused, even
 * with a correct key, until the window ends, so guessing cannot go on.
 * Memory stays bounded: expired windows are dropped, and past `maxTracked`
 * addresses the oldest window is forgotten.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, FailureWindow>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(options: { max: number; windowMs: number; maxTracked?: number; now?: () => number }) {
    this.max = options.max;
    this.windowMs = options.windowMs;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Addresses currently tracked (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  /** The lock-out of an address, or null when it may try to authenticate. */
  check(address: string): AuthLockout | null {
    const window = this.current(address);
    if (!window || window.count < this.max) return null;
    return { retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000)) };
  }

  /** Counts one failed authentication of an address. */
  recordFailure(address: string): void {
    const window = this.current(address);
    if (window) {
      window.count += 1;
      return;
    }
    if (this.windows.size >= this.maxTracked) this.evict();
    this.windows.set(address, { count: 1, endsAt: this.now() + this.windowMs });
  }

  private current(address: string): FailureWindow | null {
    const window = this.windows.get(address);
    if (!window) return null;
    if (window.endsAt > this.now()) return window;
    this.windows.delete(address);
    return null;
  }

  private evict(): void {
    const now = this.now();
    // Every window lasts windowMs and is inserted when it starts, so the map is in end order: expired ones lead.
    for (const [address, window] of this.windows) {
      if (window.endsAt > now) break;
      this.windows.delete(address);
    }
    while (this.windows.size >= this.maxTracked) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
  }
}

/** A GraphQL-shaped error answer outside Apollo (auth happens before it). */
function errorBody(message: string, extensions: Record<string, unknown>, requestId: string): string {
  return JSON.stringify({ errors: [{ message, extensions }], extensions: { requestId } });
}

/** Whether a request announces a body (which, when refused in onRequest, has not been read). */
function announcesBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Sends a refusal. A refused request's body is never read: the connection is
 * closed after the answer (`Connection: close`), or Node would read and
 * discard the rest of the body to keep the connection alive, and a client
 * without a key could still make the server take its bytes.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, body: string): void {
  if (announcesBody(request)) reply.header("connection", "close");
  reply.code(status).type("application/json; charset=utf-8").send(body);
}

/**
 * The /graphql onRequest hook: it runs on the headers alone, before Fastify
 * reads the body, so a request without a valid key never has its body read or
 * parsed. A locked-out address gets 429 with Retry-After (code
 * UNAUTHENTICATED, `retryAfterSeconds`), a missing or wrong key 401; OPTIONS
 * (CORS preflight) passes without a key.
 * Only a key that was sent and is wrong counts as a failure: a missing header
 * guesses nothing, and a browser opening the URL should not lock anyone out.
 * The address is `request.ip`: the TCP peer's, or the client's that a trusted
 * proxy (`server.trustedProxies`) forwarded in X-Forwarded-For.
 * A router client may pass an end user's key on in X-Forwarded-Authorization
 * (router-access.ts): it is checked (and counted when wrong) like any key,
 * and the request acts as that user; any other client sending it is refused.
 * The client it finds is kept as `request.client` (the server must call
 * `app.decorateRequest("client", null)`), so the key is hashed once per request.
 */
export function createAuthGuard(keys: ClientKeys, limiter: AuthFailureLimiter) {
  const routers = new RouterIdentities();
  /** Refuses a request whose key (or the end user's key a router forwarded) is missing or wrong. */
  const unauthenticated = (request: FastifyRequest, reply: FastifyReply, message: string, reason: string, counted: boolean) => {
    if (counted) limiter.recordFailure(request.ip);
    request.log[counted ? "warn" : "info"]({ remoteAddress: request.ip, reason }, "authentication failed");
    reply.header("www-authenticate", `Bearer realm="ordergraph"`);
    refuse(request, reply, 401, errorBody(message, { code: "UNAUTHENTICATED" }, request.id));
  };
  // A callback hook (an async one costs every request a promise): `done` lets the request on; a refusal answers instead.
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (request.method === "OPTIONS") {
      done();
      return;
    }
    const lockout = limiter.check(request.ip);
    if (lockout) {
      request.log.warn({ remoteAddress: request.ip, retryAfterSeconds: lockout.retryAfterSeconds }, "authentication locked out");
      reply.header("retry-after", String(lockout.retryAfterSeconds));
      refuse(
        request,
        reply,
        429,
        errorBody(
          `too many failed authentications from this address: retry in ${lockout.retryAfterSeconds} s`,
          { code: "UNAUTHENTICATED", retryAfterSeconds: lockout.retryAfterSeconds },
          request.id,
        ),
      );
      return;
    }
    const header = request.headers.authorization;
    const caller = keys.authenticate(header);
    if (!caller) {
      unauthenticated(
        request,
        reply,
        "missing or invalid client key: send Authorization: Bearer <key>",
        header === undefined ? "missing key" : "invalid key",
        header !== undefined,
      );
      return;
    }
    const forwarded = request.headers[FORWARDED_AUTHORIZATION];
    // An empty value is no value: a router that forwards whatever the end user sent may have nothing to forward.
    if (forwarded === undefined || forwarded === "") {
      request.client = caller;
      done();
      return;
    }
    if (!caller.router) {
      request.log.warn({ remoteAddress: request.ip, client: caller.name }, "end-user key forwarded by a client that is not a router");
      refuse(
        request,
        reply,
        403,
        errorBody(
          "only a router client (clients[].router) may act for an end user with X-Forwarded-Authorization",
          { code: "FORBIDDEN" },
          request.id,
        ),
      );
      return;
    }
    // One value: a repeated header (Node joins it with ", ") names no one key.
    const user = typeof forwarded === "string" ? keys.authenticate(forwarded) : null;
    if (!user) {
      unauthenticated(
        request,
        reply,
        "invalid end-user key forwarded by the router: X-Forwarded-Authorization must hold the user's Bearer <key>",
        "invalid forwarded key",
        true,
      );
      return;
    }
    request.client = routers.actingFor(caller, user);
    done();
  };
}
