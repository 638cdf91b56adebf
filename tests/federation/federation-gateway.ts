/**
 * Federation test plumbing: fetch a running subgraph's SDL, compose a
 * supergraph with @apollo/composition, and run @apollo/gateway in-process on a
 * free port, set up as examples/federation/gateway.ts is: ordergraph is called
 * with the gateway's router key, the client's key passed on in
 * X-Forwarded-Authorization and its address in X-Forwarded-For. Each subgraph
 * fetch is recorded with what it answered (ordergraph's `extensions.upstream`
 * included, which a gateway does not pass on to clients).
 */
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import type { DocumentNode } from "graphql";
import type { Dispatcher } from "undici";
import { type GatewayContext, gatewayContext, lockoutStatusPlugin, OrdergraphDataSource } from "../../examples/federation/gateway.ts";

export type { GatewayContext };

/** One subgraph fetch the gateway made, as the subgraph answered it. */
export interface SubgraphFetch {
  subgraph: string;
  query: string;
  variables: Record<string, unknown> | undefined;
  errors: readonly unknown[] | undefined;
  extensions: Record<string, unknown> | undefined;
}

/** A subgraph for composition: name, URL and SDL. */
export interface SubgraphInput {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** Reads a subgraph's SDL through `{ _service { sdl } }`, as a router or `rover subgraph introspect` does. */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: unknown };
  const sdl = body.data?._service?.sdl;
  if (response.status !== 200 || typeof sdl !== "string") throw new Error(`no SDL from ${url}: ${JSON.stringify(body)}`);
  return sdl;
}

/** Composes subgraphs into a supergraph SDL; throws with the composition errors. */
export function composeSupergraph(subgraphs: readonly SubgraphInput[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: s.typeDefs })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result.supergraphSdl;
}

type Respond = RemoteGraphQLDataSource<GatewayContext>["didReceiveResponse"];

/** A didReceiveResponse that records each answer of subgraph `name` in `fetches`. */
function recorder(name: string, fetches: SubgraphFetch[]): NonNullable<Respond> {
  return ({ request, response }) => {
    fetches.push({
      subgraph: name,
      query: request.query ?? "",
      variables: request.variables,
      errors: response.errors,
      extensions: response.extensions,
    });
    return response;
  };
}

/** A running gateway. */
export interface RunningGateway {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** Every subgraph fetch so far, in order. */
  fetches: SubgraphFetch[];
  /** Runs an operation through the gateway with an optional Authorization header value (from another local address with `dispatcher`). */
  query(
    query: string,
    authorization?: string,
    dispatcher?: Dispatcher,
  ): Promise<{ status: number; retryAfter: string | null; body: GatewayResult }>;
  close(): Promise<void>;
}

/** A gateway's answer. */
export interface GatewayResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Starts @apollo/gateway with a static supergraph on 127.0.0.1 (free port), calling ordergraph with `routerKey`. */
export async function startGateway(supergraphSdl: string, routerKey: string): Promise<RunningGateway> {
  const fetches: SubgraphFetch[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const source =
        name === "ordergraph"
          ? new OrdergraphDataSource({ url: url as string, routerKey })
          : new RemoteGraphQLDataSource<GatewayContext>({ url });
      source.didReceiveResponse = recorder(name, fetches);
      return source;
    },
  });
  const server = new ApolloServer<GatewayContext>({ gateway, plugins: [lockoutStatusPlugin] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => gatewayContext(req),
  });
  return {
    url,
    fetches,
    async query(query, authorization, dispatcher) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query }),
        ...(dispatcher ? { dispatcher } : {}),
      } as RequestInit);
      return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as GatewayResult };
    },
    close: () => server.stop(),
  };
}
