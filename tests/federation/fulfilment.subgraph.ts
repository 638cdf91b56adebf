/**
 * Small subgraphs beside ordergraph for the federation tests. "fulfilment"
 * knows nothing about providers: it adds `Order.shippingEstimate` to every
 * order through `@interfaceObject` (so it needs no list of concrete types) and
 * lists shipments that point at ordergraph's orders by id (the router resolves
 * those in ordergraph). "warehouse" extends one concrete type,
 * `CsCartOrder.warehouse`: a subgraph that uses `@interfaceObject` for Order
 * may not also define an implementation of it, so that one lives apart.
 */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { type DocumentNode, parse } from "graphql";

/** The fulfilment subgraph's SDL. */
export const FULFILMENT_TYPE_DEFS: DocumentNode = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

  "Any order of ordergraph, seen from fulfilment: only its id is known here."
  type Order @key(fields: "id") @interfaceObject {
    id: ID!
    shippingEstimate: ShippingEstimate!
  }

  type ShippingEstimate {
    carrier: String!
    days: Int!
  }

  type Shipment {
    id: ID!
    carrier: String!
    order: Order
  }

  type Query {
    shipments: [Shipment!]!
  }
`);

/** A deterministic estimate from the id alone, so tests can predict it. */
export function estimateFor(orderId: string): { carrier: string; days: number } {
  let sum = 0;
  for (const char of orderId) sum = (sum + char.charCodeAt(0)) % 997;
  return { carrier: sum % 2 === 0 ? "DHL" : "GLS", days: 1 + (sum % 5) };
}

/** The warehouse subgraph's SDL. */
export const WAREHOUSE_TYPE_DEFS: DocumentNode = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  "CS-Cart orders ship from a warehouse of their own."
  type CsCartOrder @key(fields: "id") {
    id: ID!
    warehouse: String!
  }
`);

/** The warehouse of a CS-Cart order, from its id. */
export function warehouseFor(orderId: string): string {
  return `WH-${orderId.length % 3}`;
}

/** A running test subgraph. */
export interface TestSubgraph {
  url: string;
  /** How many `_entities` representations it was asked to resolve, by typename. */
  references: Map<string, number>;
  close(): Promise<void>;
}

type Counter = (typename: string) => void;

async function startSubgraph(typeDefs: DocumentNode, resolvers: (count: Counter) => GraphQLResolverMap): Promise<TestSubgraph> {
  const references = new Map<string, number>();
  const count = (typename: string) => references.set(typename, (references.get(typename) ?? 0) + 1);
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers(count) }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, references, close: () => server.stop() };
}

/** Starts the fulfilment subgraph on 127.0.0.1 (free port) with shipments for the given order ids. */
export function startFulfilmentSubgraph(shipmentOrderIds: readonly string[]): Promise<TestSubgraph> {
  return startSubgraph(FULFILMENT_TYPE_DEFS, (count) => ({
    Query: {
      shipments: () =>
        shipmentOrderIds.map((orderId, index) => ({ id: `shipment-${index + 1}`, carrier: estimateFor(orderId).carrier, orderId })),
    },
    Shipment: {
      order: (shipment: { orderId: string }) => ({ id: shipment.orderId }),
    },
    Order: {
      __resolveReference: (reference: { id: string }) => {
        count("Order");
        return { id: reference.id };
      },
      shippingEstimate: (order: { id: string }) => estimateFor(order.id),
    },
  }));
}

/** Starts the warehouse subgraph on 127.0.0.1 (free port). */
export function startWarehouseSubgraph(): Promise<TestSubgraph> {
  return startSubgraph(WAREHOUSE_TYPE_DEFS, (count) => ({
    CsCartOrder: {
      __resolveReference: (reference: { id: string }) => {
        count("CsCartOrder");
        return { id: reference.id };
      },
      warehouse: (order: { id: string }) => warehouseFor(order.id),
    },
  }));
}
