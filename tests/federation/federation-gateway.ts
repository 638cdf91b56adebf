/**
 * Federation test plumbing: fetch a running subgraph's SDL, compose a
 * supergraph with @apollo/composition, and run @apollo/gateway in-process on a
 * free port, forwarding the client's Authorization header to the subgraphs and
 * recording what each subgraph fetch answered (ordergraph's
 * `extensions.upstream` included, which a gateway does not pass on to clients).
 */
import { composeServices } from "@apollo/composition";
import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import type { DocumentNode } from "graphql";

/** What the gateway passes to its data sources. */
export interface GatewayContext {
  authorization?: string | undefined;
}

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

/** Sends the client's Authorization on to the subgraph, and records each answer. */
class AuthForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  name = "";
  fetches: SubgraphFetch[] = [];

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context.authorization) request.http?.headers.set("authorization", context.authorization);
  }

  override didReceiveResponse: RemoteGraphQLDataSource<GatewayContext>["didReceiveResponse"] = ({ request, response }) => {
    this.fetches.push({
      subgraph: this.name,
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
  /** Runs an operation through the gateway with an optional Authorization header value. */
  query(query: string, authorization?: string): Promise<{ status: number; body: GatewayResult }>;
  close(): Promise<void>;
}

/** A gateway's answer. */
export interface GatewayResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Starts @apollo/gateway with a static supergraph on 127.0.0.1 (free port). */
export async function startGateway(supergraphSdl: string): Promise<RunningGateway> {
  const fetches: SubgraphFetch[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const source = new AuthForwardingDataSource({ url });
      source.name = name;
      source.fetches = fetches;
      return source;
    },
  });
  const server = new ApolloServer<GatewayContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return {
    url,
    fetches,
    async query(query, authorization) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as GatewayResult };
    },
    close: () => server.stop(),
  };
}
