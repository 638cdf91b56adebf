/**
 * Federation entity references: how a router's `_entities` representations
 * (`{ __typename, id }`) become our records. They go through the same lookups
 * as `Query.order` and `Query.customer`, so the client's provider allow-list
 * applies and order references share the request's DataLoader: a router's
 * batch of orders costs one `getMany` per provider, not one call per order.
 * How many representations one request may name is checked before any of
 * this runs (`clients[].maxEntities`, in src/server/query-limits.ts), and
 * each is priced in the cost estimate (src/server/query-cost.ts).
 */
import type { GraphQLInterfaceType, GraphQLResolveInfo } from "graphql";
import type { CustomerResolvers, OrderResolvers } from "../generated/resolvers.ts";
import type { CustomerRecord, OrderRecord } from "../providers/core/model.ts";
import type { GraphContext } from "./context.ts";
import { customerByGlobalId, orderByGlobalId } from "./resolvers.ts";

/** A representation as a router sends it; `id` is untrusted input. */
interface Reference {
  __typename: string;
  id?: unknown;
}

/**
 * @apollo/subgraph stamps `__typename` onto what a reference resolver returns
 * (a non-writable property); a copy keeps the loader's cached record untouched.
 */
function copy<T extends object>(record: T | null): T | null {
  return record === null ? null : { ...record };
}

async function orderReference(reference: Reference, context: GraphContext): Promise<OrderRecord | null> {
  if (typeof reference.id !== "string") return null;
  return copy(await orderByGlobalId(context, reference.id));
}

/** The concrete Order type of a record, as the schema's Order interface resolves it. */
async function concreteTypeOf(record: OrderRecord, context: GraphContext, info: GraphQLResolveInfo): Promise<string | null> {
  // Duck-typed rather than isInterfaceType: under vitest, @apollo/subgraph (CommonJS) and our
  // ESM code load separate copies of graphql, and graphql's instanceof checks refuse the other's types.
  const order = info.schema.getType("Order") as GraphQLInterfaceType | undefined;
  if (!order || typeof order.resolveType !== "function") return null;
  return (await order.resolveType(record, context, info, order)) ?? null;
}

/** The reference resolvers, by entity type name. */
export type FederationResolvers = Record<string, { __resolveReference: unknown }>;

/**
 * Reference resolvers for the entities: the `Order` interface, each concrete
 * order type (listed by name, as the schema declares them) and `Customer`.
 * A reference to a concrete type resolves only to an order of that type, so an
 * Iteras order's id asked for as a `CsCartOrder` gives null, not a mistyped record.
 */
export function federationResolvers(orderTypeNames: readonly string[]): FederationResolvers {
  const resolvers: FederationResolvers = {};
  for (const typeName of orderTypeNames) {
    resolvers[typeName] = {
      __resolveReference: async (reference: Reference, context: GraphContext, info: GraphQLResolveInfo) => {
        const record = await orderReference(reference, context);
        if (record === null) return null;
        return (await concreteTypeOf(record, context, info)) === typeName ? record : null;
      },
    };
  }
  // Typed by the generated resolver types (codegen's `federation: true`).
  const order: Required<Pick<OrderResolvers, "__resolveReference">> = {
    __resolveReference: (reference, context) => orderReference(reference, context),
  };
  const customer: Required<Pick<CustomerResolvers, "__resolveReference">> = {
    __resolveReference: async (reference, context) =>
      typeof reference.id === "string" ? copy<CustomerRecord>(await customerByGlobalId(context, reference.id)) : null,
  };
  return { ...resolvers, Order: order, Customer: customer };
}
