/**
 * Federation routers and the end users they act for. A router is a client
 * whose config entry says `router: true`: it authenticates with its own key
 * (`Authorization: Bearer <router key>`), which gets it the federation
 * subgraph schema (`_service`, `_entities`), and passes the end user's key on
 * in `X-Forwarded-Authorization`. The request then acts as that end user:
 * their scopes, providers and budget shares apply, with the router's
 * `_entities` cap (the router's plans decide how many references it sends).
 * Without that header a router acts as itself (composition reading
 * `_service`, or a supergraph without end-user keys).
 */
import type { ClientIdentity } from "../graph/context.ts";

/** The header in which a router passes the end user's `Authorization` value on (as sent: `Bearer <key>`). */
export const FORWARDED_AUTHORIZATION = "x-forwarded-authorization";

/**
 * The identities of end users acting through routers, one per (router, user)
 * pair and made once: identities live as long as the server, and what is
 * worked out per client (its reach for the cost estimate) is kept by identity.
 */
export class RouterIdentities {
  private readonly byRouter = new Map<ClientIdentity, Map<ClientIdentity, ClientIdentity>>();

  /** The identity of `user` acting through `router`. */
  actingFor(router: ClientIdentity, user: ClientIdentity): ClientIdentity {
    let users = this.byRouter.get(router);
    if (!users) {
      users = new Map();
      this.byRouter.set(router, users);
    }
    let identity = users.get(user);
    if (!identity) {
      identity = { ...user, router: true, maxEntities: router.maxEntities };
      users.set(user, identity);
    }
    return identity;
  }
}
