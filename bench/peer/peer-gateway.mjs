/**
 * The benchmark's peer: Hive Gateway serving a supergraph composed (with
 * GraphQL Mesh's compose-cli and @omnigraph/openapi) from the emulators'
 * `GET /openapi.json`, with the provider credentials as operation headers.
 * Plain JavaScript so that ordergraph's type check never needs this folder's
 * dependencies, which are installed on demand (`npm ci --prefix bench/peer`).
 *
 * Env: BENCH_PEER_SOURCES = JSON [{ name, root, headers }], one OpenAPI source each;
 * BENCH_PEER_TYPEDEFS = additional type definitions (Mesh's `@resolveTo` links).
 */
import { createServer } from "node:http";
import { createGatewayRuntime } from "@graphql-hive/gateway";
import { getComposedSchemaFromConfig } from "@graphql-mesh/compose-cli";
import { loadOpenAPISubgraph } from "@omnigraph/openapi";
import { serveParent } from "../bench-process.ts";

const sources = JSON.parse(process.env.BENCH_PEER_SOURCES ?? "[]");
if (sources.length === 0) throw new Error("BENCH_PEER_SOURCES names no source");

const quiet = {
  debug() {},
  info() {},
  warn: console.warn,
  error: console.error,
  log() {},
  child() {
    return quiet;
  },
};
const supergraph = await getComposedSchemaFromConfig(
  {
    additionalTypeDefs: process.env.BENCH_PEER_TYPEDEFS || undefined,
    subgraphs: sources.map((source) => ({
      sourceHandler: loadOpenAPISubgraph(source.name, {
        source: `${source.root}/openapi.json`,
        endpoint: source.root,
        operationHeaders: source.headers,
      }),
    })),
  },
  quiet,
);

const gateway = createGatewayRuntime({ supergraph, logging: "error", graphqlEndpoint: "/graphql" });
const server = createServer(gateway);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();
serveParent(
  { url: `http://127.0.0.1:${port}`, sdlBytes: supergraph.length, supergraph: process.env.BENCH_PEER_PRINT ? supergraph : undefined },
  {},
  async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    await gateway.dispose?.();
  },
);
