/**
 * A runnable federation example: ordergraph behind @apollo/gateway, composed
 * with a tiny "fulfilment" subgraph that adds `Order.shippingEstimate` to every
 * order (through `@interfaceObject`) and lists shipments pointing at
 * ordergraph's orders. Run it beside `npm start` (the demo prints its router key and a client key):
 *
 *   node examples/federation/gateway.ts --router-key <router key> --key <client key> [--url http://127.0.0.1:4000/graphql] [--port 4100]
 *
 * then send queries to the printed gateway URL with a client key of ordergraph
 * (`Authorization: Bearer <key>`, the demo's client key). The gateway calls
 * ordergraph as itself, with its router key (a `router: true` client, which is
 * served the federation subgraph schema), and passes the client's key on in
 * `X-Forwarded-Authorization` and the client's address in `X-Forwarded-For`:
 * each request acts as the client. See docs/federation.md for the same with
 * Apollo Router and Hive Gateway.
 */
import type { IncomingMessage } from "node:http";
import { parseArgs } from "node:util";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, parse } from "graphql";

const USAGE = `Usage: node examples/federation/gateway.ts [--url URL] [--router-key KEY] [--key KEY] [--port N]

  --url         ordergraph's GraphQL endpoint (default: $ORDERGRAPH_URL, else http://127.0.0.1:4000/graphql)
  --router-key  the key of a router client of ordergraph (clients[].router; the demo prints one),
                the gateway's own (default: $ORDERGRAPH_ROUTER_KEY)
  --key         a client key, read once at start: the example's shipments point at the newest
                orders it sees (default: $ORDERGRAPH_KEY; without one, there are no shipments)
  --port        the gateway's port (default 4100; 0 = any free port)`;

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

/** Reads a subgraph's SDL the way a router's tooling does, with a router key: `{ _service { sdl } }`. */
export async function subgraphSdl(url: string, routerKey: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${routerKey}` },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== "string") throw new Error(`${url} gave no SDL (HTTP ${response.status}): ${JSON.stringify(body)}`);
  return sdl;
}

/** The ids of the newest orders a client key sees, to make shipments of. */
export async function newestOrderIds(url: string, key: string, count = 5): Promise<string[]> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: `{ orders(first: ${count}) { nodes { id } } }` }),
  });
  const body = (await response.json()) as { data?: { orders?: { nodes?: Array<{ id: string }> } } };
  return body.data?.orders?.nodes?.map((n) => n.id) ?? [];
}

/** What the gateway keeps of a client's request for its calls to ordergraph. */
export interface GatewayContext {
  /** The client's Authorization header: its ordergraph key, passed on as X-Forwarded-Authorization. */
  authorization?: string | undefined;
  /** X-Forwarded-For for ordergraph: what the client's request had, and the address the gateway saw it come from. */
  forwardedFor?: string | undefined;
}

/** The gateway's context of a client's request. */
export function gatewayContext(req: IncomingMessage): GatewayContext {
  const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter((part) => typeof part === "string" && part !== "");
  return { authorization: req.headers.authorization, forwardedFor: forwarded.length > 0 ? forwarded.join(", ") : undefined };
}

/** ordergraph's own error in the body of a refusal (401, 429), if the body is ordergraph's. */
function ordergraphError(body: unknown): { message: string; extensions?: Record<string, unknown> } | null {
  const first = (body as { errors?: unknown[] } | null)?.errors?.[0] as { message?: unknown; extensions?: unknown } | undefined;
  if (typeof first?.message !== "string") return null;
  const extensions = typeof first.extensions === "object" && first.extensions !== null ? (first.extensions as Record<string, unknown>) : {};
  return { message: first.message, extensions };
}

/**
 * ordergraph as a subgraph: the gateway calls it as itself, with its router
 * key, and passes the client's key on in X-Forwarded-Authorization and the
 * client's address in X-Forwarded-For (list the gateway's address in
 * ordergraph's `server.trustedProxies`, so that failed-auth limiting counts
 * each client apart). Other subgraphs get none of these: the router key is
 * ordergraph's business. A refusal (401, and 429 when a client's address is
 * locked out) becomes ordergraph's own error, with its `code` and
 * `retryAfterSeconds`, rather than @apollo/gateway's "429: Too Many Requests".
 */
export class OrdergraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly routerKey: string;

  constructor(options: { url: string; routerKey: string }) {
    super({ url: options.url });
    this.routerKey = options.routerKey;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    headers?.set("authorization", `Bearer ${this.routerKey}`);
    // Schema loading has no client context; with a static supergraph it never happens.
    if (context?.authorization) headers?.set("x-forwarded-authorization", context.authorization);
    if (context?.forwardedFor) headers?.set("x-forwarded-for", context.forwardedFor);
  }

  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const own = ordergraphError((error.extensions.response as { body?: unknown } | undefined)?.body);
    return own ? new GraphQLError(own.message, { extensions: own.extensions }) : error;
  }
}

/**
 * Answers the gateway's client 429 with Retry-After when ordergraph locked
 * its address out (an UNAUTHENTICATED error with `retryAfterSeconds`): a
 * subgraph's status and headers do not reach the client by themselves.
 */
export const lockoutStatusPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== "single") return;
        const seconds = response.body.singleResult.errors?.find(
          (e) => e.extensions?.code === "UNAUTHENTICATED" && typeof e.extensions.retryAfterSeconds === "number",
        )?.extensions?.retryAfterSeconds;
        if (typeof seconds !== "number") return;
        response.http.status = 429;
        response.http.headers.set("retry-after", String(seconds));
      },
    };
  },
};

/** A running example: the gateway's URL, and `close` for everything it started. */
export interface FederationExample {
  gatewayUrl: string;
  fulfilmentUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the fulfilment subgraph and the gateway in front of a running
 * ordergraph. `shipped` are the order ids the fulfilment subgraph lists as
 * shipments (say, the newest orders, read with a client's key).
 */
export async function startFederationExample(options: {
  ordergraphUrl: string;
  routerKey: string;
  shipped: readonly string[];
  port?: number;
}): Promise<FederationExample> {
  const ordergraphSdl = await subgraphSdl(options.ordergraphUrl, options.routerKey);
  const orderIds = [...options.shipped];

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
    gateway: new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      buildService: ({ name, url }) =>
        name === "ordergraph"
          ? new OrdergraphDataSource({ url: url as string, routerKey: options.routerKey })
          : new RemoteGraphQLDataSource({ url }),
    }),
    plugins: [lockoutStatusPlugin],
  });
  const { url: gatewayUrl } = await startStandaloneServer(gateway, {
    listen: { port: options.port ?? 4100, host: "127.0.0.1" },
    context: async ({ req }) => gatewayContext(req),
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
    options: {
      url: { type: "string" },
      "router-key": { type: "string" },
      key: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const routerKey = values["router-key"] ?? process.env.ORDERGRAPH_ROUTER_KEY;
  if (!routerKey) {
    process.stderr.write(`a router key is needed (--router-key or ORDERGRAPH_ROUTER_KEY)\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const ordergraphUrl = values.url ?? process.env.ORDERGRAPH_URL ?? "http://127.0.0.1:4000/graphql";
  const key = values.key ?? process.env.ORDERGRAPH_KEY;
  // The router key reads no orders as itself (the demo's has no scopes): a client's key picks what is shipped.
  const shipped = key ? await newestOrderIds(ordergraphUrl, key) : [];
  const example = await startFederationExample({
    ordergraphUrl,
    routerKey,
    shipped,
    port: values.port === undefined ? 4100 : Number(values.port),
  });
  process.stdout.write(
    [
      `gateway:     ${example.gatewayUrl}`,
      `subgraphs:   ordergraph ${ordergraphUrl}, fulfilment ${example.fulfilmentUrl}`,
      `try: curl -s ${example.gatewayUrl} -H 'content-type: application/json' -H 'authorization: Bearer ${key ?? "<a client key>"}' \\`,
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
