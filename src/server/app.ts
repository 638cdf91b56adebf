/**
 * The HTTP server: Fastify with Apollo Server on /graphql (GET and POST),
 * GraphiQL on /graphiql, /healthz and /readyz, client auth, and the
 * `extensions.upstream` figures on every response.
 */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import { createGraphContext, type GraphContext } from "../graph/context.ts";
import { createResolvers } from "../graph/resolvers.ts";
import { WriteCoordinator } from "../graph/write-coordinator.ts";
import { UpstreamMeter } from "../providers/core/call-context.ts";
import type { Connector } from "../providers/core/connector.ts";
import type { ProviderDefinition } from "../providers/core/provider-definition.ts";
import type { ObserverHub } from "../providers/core/upstream-events.ts";
import { ClientKeys } from "./auth.ts";
import { formatError } from "./error-format.ts";
import { graphiqlAsset, graphiqlHtml } from "./graphiql-page.ts";
import { buildApiSchema } from "./schema.ts";

/** What the server is built from. */
export interface ServerOptions {
  config: OrdergraphConfig;
  connectors: readonly Connector[];
  definitions: readonly ProviderDefinition[];
  /** A key to pre-fill in GraphiQL (the demo only). */
  demoKey?: string | undefined;
  /** Fastify's logger setting; off in tests. */
  logger?: boolean;
  /**
   * The services the connectors were built with: the server subscribes its
   * logger and metrics to their upstream observer, and releases them on close.
   */
  services?: { observer?: ObserverHub; close(): Promise<void> } | undefined;
}

/** A built server: call `listen`, and `close` to stop it (connectors included). */
export interface OrdergraphServer {
  app: FastifyInstance;
  /** The configured connectors, by provider id. */
  connectors: ReadonlyMap<string, Connector>;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const upstreamPlugin = (expose: boolean): ApolloServerPlugin<GraphContext> => ({
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (!expose || response.body.kind !== "single") return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, upstream: contextValue.call.meter.toJSON() };
      },
    };
  },
});

/** Builds the server (does not listen yet). */
export async function buildServer(options: ServerOptions): Promise<OrdergraphServer> {
  const { config } = options;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  const connectors = new Map(options.connectors.map((c) => [c.id, c]));
  const typeNameByKind = Object.fromEntries(options.definitions.map((d) => [d.kind, d.orderType.typeName]));
  const keys = new ClientKeys(config.clients);
  const writes = new WriteCoordinator();

  const apollo = new ApolloServer<GraphContext>({
    schema: buildApiSchema(
      createResolvers(
        options.definitions.map((d) => d.orderType),
        typeNameByKind,
      ),
    ),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: config.server.introspection,
    csrfPrevention: true,
    plugins: [fastifyApolloDrainPlugin(app), upstreamPlugin(config.server.exposeUpstreamFigures)],
  });
  await apollo.start();

  const unauthenticated = {
    errors: [{ message: "missing or invalid client key: send Authorization: Bearer <key>", extensions: { code: "UNAUTHENTICATED" } }],
  };
  const handler = fastifyApolloHandler(apollo, {
    context: async (request) => {
      const client = keys.authenticate(request.headers.authorization);
      if (!client) throw new Error("unreachable: auth is checked before the handler");
      const controller = new AbortController();
      request.raw.once("close", () => {
        if (!request.raw.complete) controller.abort();
      });
      // The request's deadline bounds every upstream call and retry made for it.
      const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(config.server.requestDeadlineMs)]);
      return createGraphContext({
        client,
        connectors,
        call: { meter: new UpstreamMeter(), signal, requestId: String(request.id) },
        limits: config.engine,
        writes,
      });
    },
  });
  app.route({
    url: "/graphql",
    method: ["GET", "POST", "OPTIONS"],
    preHandler: async (request, reply) => {
      if (request.method === "OPTIONS") return;
      if (!keys.authenticate(request.headers.authorization)) {
        reply
          .code(401)
          .header("www-authenticate", `Bearer realm="ordergraph"`)
          .type("application/json; charset=utf-8")
          .send(JSON.stringify(unauthenticated));
      }
    },
    handler,
  });

  app.get("/graphiql", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(graphiqlHtml({ endpoint: "/graphql", demoKey: options.demoKey })),
  );
  app.get<{ Params: { name: string } }>("/graphiql/assets/:name", async (request, reply) => {
    const asset = await graphiqlAsset(request.params.name);
    if (!asset) return reply.code(404).send({ error: "not found" });
    return reply.type(asset.type).header("cache-control", "public, max-age=86400").send(asset.body);
  });
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const ready = connectors.size > 0;
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "no providers", providers: [...connectors.keys()] });
  });
  app.get("/", async (_request, reply) => reply.redirect("/graphiql"));

  return {
    app,
    connectors,
    async listen(port = config.server.port, host = config.server.host) {
      return app.listen({ port, host });
    },
    async close() {
      await app.close();
      await Promise.all(options.connectors.map((c) => c.close()));
      await options.services?.close();
    },
  };
}
