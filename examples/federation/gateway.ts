/**
 * A runnable federation example: ordergraph behind @apollo/gateway, composed
 * with a tiny "fulfilment" subgraph that adds `Order.shippingEstimate` to every
 * order (through `@interfaceObject`) and lists shipments pointing at
 * ordergraph's orders. Run it beside `npm start` (the demo prints its key):
 *
 *   node examples/federation/gateway.ts --key <key> [--url http://127.0.0.1:4000/graphql] [--port 4100]
 *
 * then send queries to the printed gateway URL with the same
 * `Authorization: Bearer <key>` header; the gateway passes it on to ordergraph.
 * See docs/federation.md for the same with Apollo Router and rover.
 */
import { parseArgs } from "node:util";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const USAGE = `Usage: node examples/federation/gateway.ts [--url URL] [--key KEY] [--port N]

  --url   ordergraph's GraphQL endpoint (default: $ORDERGRAPH_URL, else http://127.0.0.1:4000/graphql)
  --key   a client key of ordergraph, used to read its SDL (default: $ORDERGRAPH_KEY)
  --port  the gateway's port (default 4100; 0 = any free port)`;

/** The example subgraph: knows orders only by their id. */
const FULFILMENT_SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

  type Order @key(fields: "id") @interfaceObject {
    id: ID!
    "A made-up estimate, derived from the id so that it is stable."
    shippingEstimate: ShippingEstimate!
  }

  type ShippingEstimate {
    carrier: String!
    days: Int!
  }

  type Shipment {
    id: ID!
    order: Order
  }

  type Query {
    "Shipments of the orders given to the example at start."
    shipments: [Shipment!]!
  }
`);

/** A stable made-up estimate for an order id. */
export function shippingEstimate(orderId: string): { carrier: string; days: number } {
  let sum = 0;
  for (const char of orderId) sum = (sum + char.charCodeAt(0)) % 997;
  return { carrier: sum % 2 === 0 ? "DHL" : "GLS", days: 1 + (sum % 5) };
}

/** Reads a subgraph's SDL the way a router's tooling does: `{ _service { sdl } }`. */
export async function subgraphSdl(url: string, key: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== "string") throw new Error(`${url} gave no SDL (HTTP ${response.status}): ${JSON.stringify(body)}`);
  return sdl;
}

interface GatewayContext {
  authorization?: string | undefined;
}

/** Passes the client's Authorization header on to every subgraph. */
class ForwardAuthorization extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Schema loading has no client context; with a static supergraph it never happens.
    if (context?.authorization) request.http?.headers.set("authorization", context.authorization);
  }
}

/** A running example: the gateway's URL, and `close` for everything it started. */
export interface FederationExample {
  gatewayUrl: string;
  fulfilmentUrl: string;
  close(): Promise<void>;
}

/** Starts the fulfilment subgraph and the gateway in front of a running ordergraph. */
export async function startFederationExample(options: { ordergraphUrl: string; key: string; port?: number }): Promise<FederationExample> {
  const ordergraphSdl = await subgraphSdl(options.ordergraphUrl, options.key);

  // Ship the newest orders, so that a query starting at `shipments` has something to resolve.
  const newest = await fetch(options.ordergraphUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${options.key}` },
    body: JSON.stringify({ query: "{ orders(first: 5) { nodes { id } } }" }),
  });
  const orderIds =
    ((await newest.json()) as { data?: { orders?: { nodes?: Array<{ id: string }> } } }).data?.orders?.nodes?.map((n) => n.id) ?? [];

  const fulfilment = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: FULFILMENT_SDL,
        resolvers: {
          Query: { shipments: () => orderIds.map((id, index) => ({ id: `shipment-${index + 1}`, order: { id } })) },
          Order: {
            __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
            shippingEstimate: (order: { id: string }) => shippingEstimate(order.id),
          },
        },
      },
    ]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url: fulfilmentUrl } = await startStandaloneServer(fulfilment, { listen: { port: 0, host: "127.0.0.1" } });

  // Composition, as `rover supergraph compose` does it; a failure names the subgraph and the rule.
  const composed = composeServices([
    { name: "ordergraph", url: options.ordergraphUrl, typeDefs: parse(ordergraphSdl) },
    { name: "fulfilment", url: fulfilmentUrl, typeDefs: FULFILMENT_SDL },
  ]);
  if (composed.errors) {
    await fulfilment.stop();
    throw new Error(`composition failed:\n${composed.errors.map((e) => e.message).join("\n")}`);
  }

  const gateway = new ApolloServer<GatewayContext>({
    gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl, buildService: ({ url }) => new ForwardAuthorization({ url }) }),
  });
  const { url: gatewayUrl } = await startStandaloneServer(gateway, {
    listen: { port: options.port ?? 4100, host: "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return {
    gatewayUrl,
    fulfilmentUrl,
    async close() {
      await gateway.stop();
      await fulfilment.stop();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: "string" }, key: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const key = values.key ?? process.env.ORDERGRAPH_KEY;
  if (!key) {
    process.stderr.write(`a client key is needed (--key or ORDERGRAPH_KEY)\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const ordergraphUrl = values.url ?? process.env.ORDERGRAPH_URL ?? "http://127.0.0.1:4000/graphql";
  const example = await startFederationExample({ ordergraphUrl, key, port: values.port === undefined ? 4100 : Number(values.port) });
  process.stdout.write(
    [
      `gateway:     ${example.gatewayUrl}`,
      `subgraphs:   ordergraph ${ordergraphUrl}, fulfilment ${example.fulfilmentUrl}`,
      `try: curl -s ${example.gatewayUrl} -H 'content-type: application/json' -H 'authorization: Bearer ${key}' \\`,
      `       -d '{"query":"{ shipments { id order { id number status provider { id } shippingEstimate { carrier days } } } }"}'`,
      "",
    ].join("\n"),
  );
  const stop = () => void example.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
