/**
 * The per-request context: who is calling, which providers they may use, the
 * upstream meter and the request's DataLoaders.
 */
import { GraphQLError } from "graphql";
import type { Scope } from "../config/config.schema.ts";
import type { EngineLimits } from "../engine/order-query.ts";
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector } from "../providers/core/connector.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { ProblemReport } from "./partial-errors.ts";
import type { WriteCoordinator } from "./write-coordinator.ts";

/** An authenticated client, as the auth step resolved it. */
export interface ClientIdentity {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Provider ids the client may use; null for all. */
  providers: ReadonlySet<string> | null;
  /**
   * A federation router's key (`clients[].router`), or an end user a router
   * acts for: such a request is served the federation subgraph schema
   * (`_service`, `_entities`); every other, the public schema.
   */
  router: boolean;
  /** Most representations one `_entities` field may name (`clients[].maxEntities`). */
  maxEntities: number;
}

/** The GraphQL context of one operation. */
export interface GraphContext extends ProblemReport {
  client: ClientIdentity;
  /** Every configured connector, by provider id. */
  connectors: ReadonlyMap<string, Connector>;
  call: CallContext;
  loaders: Loaders;
  limits: EngineLimits;
  /** Server-wide write state (idempotency, per-order locks). */
  writes: WriteCoordinator;
  /** Told the size of every DataLoader batch (metrics); optional. */
  onBatch?: ((loader: string, size: number) => void) | undefined;
}

/**
 * One operation's context. Its loaders are made when a resolver first needs
 * one: most list queries never load by id, and three DataLoaders per request
 * were garbage for them.
 */
class OperationContext implements GraphContext {
  readonly client: ClientIdentity;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly call: CallContext;
  readonly limits: EngineLimits;
  readonly writes: WriteCoordinator;
  readonly onBatch: ((loader: string, size: number) => void) | undefined;
  readonly problems: ProblemReport["problems"] = [];
  private made: Loaders | undefined;

  constructor(input: Omit<GraphContext, "loaders" | "problems">) {
    this.client = input.client;
    this.connectors = input.connectors;
    this.call = input.call;
    this.limits = input.limits;
    this.writes = input.writes;
    this.onBatch = input.onBatch;
  }

  get loaders(): Loaders {
    this.made ??= createLoaders(this);
    return this.made;
  }
}

/** Builds a context for one operation. */
export function createGraphContext(input: Omit<GraphContext, "loaders" | "problems">): GraphContext {
  return new OperationContext(input);
}

/** Whether the client may use a provider. */
export function mayUse(context: Pick<GraphContext, "client">, providerId: string): boolean {
  return context.client.providers === null || context.client.providers.has(providerId);
}

/** The connectors a client may use, optionally narrowed to listed ids (unknown or forbidden ids are refused). */
export function allowedConnectors(context: GraphContext, ids?: readonly string[] | null): Connector[] {
  if (ids === undefined || ids === null) return [...context.connectors.values()].filter((c) => mayUse(context, c.id));
  const unique = [...new Set(ids)];
  return unique.map((id) => {
    const connector = context.connectors.get(id);
    if (!connector || !mayUse(context, id)) {
      throw new GraphQLError(`unknown provider "${id}" (or not allowed for this client)`, {
        extensions: { code: connector ? "FORBIDDEN" : "BAD_USER_INPUT", provider: id },
      });
    }
    return connector;
  });
}

/** Throws FORBIDDEN unless the client has a scope. */
export function requireScope(context: GraphContext, scope: Scope, what: string): void {
  if (!context.client.scopes.has(scope)) {
    throw new GraphQLError(`${what} needs the ${scope} scope`, { extensions: { code: "FORBIDDEN", scope } });
  }
}
