/**
 * The HTTP server: Fastify with Apollo Server on /graphql (GET and POST; one
 * Apollo Server for the public schema, one for routers' subgraph schema),
 * GraphiQL on /graphiql, /healthz and /readyz, client auth, and the
 * `extensions.upstream` figures on every response.
 */
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import { createCursorKey } from "../engine/cursor.ts";
import { FullReadCache } from "../engine/full-read-cache.ts";
import { createGraphContext, type GraphContext } from "../graph/context.ts";
import { filterGuardPlugin } from "../graph/filter-guard.ts";
import { partialErrorsPlugin } from "../graph/partial-errors.ts";
import { createResolvers } from "../graph/resolvers.ts";
import { WriteCoordinator } from "../graph/write-coordinator.ts";
import type { Connector } from "../providers/core/connector.ts";
import { clientBudgetHolder } from "../providers/core/provider-budget.ts";
import type { ProviderDefinition } from "../providers/core/provider-definition.ts";
import type { ObserverHub } from "../providers/core/upstream-events.ts";
import { AuthFailureLimiter, ClientKeys, createAuthGuard } from "./auth.ts";
import { compiledExecution, operationResolutionPlugin } from "./compiled-execution.ts";
import { formatError } from "./error-format.ts";
import { graphiqlAsset, graphiqlPage } from "./graphiql-page.ts";
import { fastifyLogOptions, type Logger, logUpstreamCalls, operationLogPlugin, registerRequestLogging, serverLogger } from "./logging.ts";
import { createServerMetrics } from "./metrics.ts";
import { createQueryLimits } from "./query-limits.ts";
import { RequestCall } from "./request-call.ts";
import { requestErrorPlugin, statusFor } from "./response-status.ts";
import { buildServedSchemas } from "./schema.ts";

/** What the server is built from. */
export interface ServerOptions {
  config: OrdergraphConfig;
  connectors: readonly Connector[];
  definitions: readonly ProviderDefinition[];
  /** A key to pre-fill in GraphiQL (the demo only). */
  demoKey?: string | undefined;
  /** Logs: false (default) none, true JSON lines to stdout at server.logLevel, or this pino logger (tests: a memory stream). */
  logger?: boolean | Logger;
  /**
   * The services the connectors were built with: the server subscribes its
   * logger and metrics to their upstream observer, and releases them on close.
   */
  services?: { observer?: ObserverHub; close(): Promise<void> } | undefined;
  /** Traces into this exporter (tests), whatever observability.tracing says. */
  spanExporter?: SpanExporter | undefined;
}

/** A built server: call `listen`, and `close` to stop it (connectors included). */
export interface OrdergraphServer {
  app: FastifyInstance;
  /** The configured connectors, by provider id. */
  connectors: ReadonlyMap<string, Connector>;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Ends the request's deadline timer when the answer goes out, and adds the
 * `extensions.upstream` figures (when exposed). One listener object serves
 * every request: it keeps no state of its own.
 */
const upstreamPlugin = (expose: boolean): ApolloServerPlugin<GraphContext> => {
  const listener: GraphQLRequestListener<GraphContext> = {
    async willSendResponse({ contextValue, response }) {
      const call = contextValue.call;
      if (call instanceof RequestCall) call.finish();
      if (!expose || response.body.kind !== "single") return;
      response.body.singleResult.extensions = { ...response.body.singleResult.extensions, upstream: call.meter.toJSON() };
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
};

/**
 * Headers of every /graphql answer (data, errors and auth refusals alike):
 * answers hold personal data and are never to be stored by a browser or a
 * proxy, and a JSON answer must not be sniffed into something executable.
 */
const GRAPHQL_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" } as const;

function graphqlHeaders(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.headers(GRAPHQL_HEADERS);
  done();
}

/**
 * Headers that make a request safe from CSRF for Apollo's check: a browser
 * sends none of them cross-site without a CORS preflight (which ordergraph
 * does not grant). `authorization` is ours: every request that reaches Apollo
 * carries the client's key in it (the auth guard refuses any other), so a GET
 * with the key runs as it is (urql's default); a simple request without these
 * headers would still be refused, were any to get past the guard.
 */
export const CSRF_REQUEST_HEADERS = ["authorization", "x-apollo-operation-name", "apollo-require-preflight"] as const;

/** How often Node looks for connections past their header or body timeout (its default, 30 s, would let them overstay by that much). */
const TIMEOUT_CHECK_MS = 1000;

/** Added to the request deadline: a socket silent both ways for that long is dropped. */
const SOCKET_IDLE_MARGIN_MS = 10_000;

/**
 * Fastify's connection timeouts. A client has `headersTimeoutMs` for its
 * headers and `bodyTimeoutMs` for the whole request (then Node answers 408 and
 * closes), and an idle keep-alive connection closes after `keepAliveTimeoutMs`.
 * Answering is bounded by the request deadline instead; a socket with no byte
 * either way for longer than that (a client that stopped reading its answer)
 * is dropped.
 */
function connectionOptions(server: OrdergraphConfig["server"]) {
  const { headersTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs } = server.http;
  return {
    connectionTimeout: server.requestDeadlineMs + SOCKET_IDLE_MARGIN_MS,
    keepAliveTimeout: keepAliveTimeoutMs,
    requestTimeout: bodyTimeoutMs,
    http: { headersTimeout: headersTimeoutMs, requestTimeout: bodyTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
  };
}

/** Builds the server (does not listen yet). */
export async function buildServer(options: ServerOptions): Promise<OrdergraphServer> {
  const { config } = options;
  const logger = serverLogger(options.logger, config.server.logLevel);
  if (config.clients.some((c) => c.router) && config.server.trustedProxies.length === 0) {
    // Failed-auth limiting then counts every end user behind a router as the router's one address.
    logger.warn(
      "router clients are configured but server.trustedProxies is empty: the end users a router acts for share its address for failed-auth limiting",
    );
  }
  // Closing drops idle keep-alive connections and lets requests in flight finish (see close()).
  const app = Fastify({
    ...fastifyLogOptions(logger, config.observability.metrics.enabled ? config.observability.metrics.path : undefined),
    ...connectionOptions(config.server),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: "idle",
    // From a trusted proxy or router, request.ip is the client's address it forwarded (X-Forwarded-For).
    trustProxy: config.server.trustedProxies.length > 0 ? [...config.server.trustedProxies] : false,
  });
  registerRequestLogging(app);
  app.decorateRequest("client", null);
  const connectors = new Map(options.connectors.map((c) => [c.id, c]));
  const typeNameByKind = Object.fromEntries(options.definitions.map((d) => [d.kind, d.orderType.typeName]));
  const limits = createQueryLimits({
    limits: config.server.limits,
    defaultPageSize: config.engine.defaultPageSize,
    production: config.server.production,
    upstream: { connectors, engine: config.engine, orderTypeByKind: typeNameByKind },
  });
  const keys = new ClientKeys(config.clients);
  // Each client spends provider budgets as itself: its share of each applies (names are unique in the config).
  const budgetHolders = new Map(config.clients.map((c) => [c.name, clientBudgetHolder(c)]));
  const writes = new WriteCoordinator();
  const metrics = config.observability.metrics.enabled
    ? createServerMetrics({
        providers: [...connectors.keys()],
        showProviderIds: config.observability.showProviderIds,
        operationNames: config.observability.metrics.operationNames,
      })
    : undefined;
  // OpenTelemetry is loaded only when tracing is on: it is a few MB of heap a server without it never uses.
  const tracing =
    config.observability.tracing.enabled || options.spanExporter
      ? (await import("./tracing.ts")).createServerTracing(config.observability.tracing, { exporter: options.spanExporter })
      : undefined;
  const hub = options.services?.observer;
  const unsubscribe = hub ? [metrics?.observer, tracing?.observer].flatMap((o) => (o ? [hub.add(o)] : [])) : [];
  if (hub) unsubscribe.push(logUpstreamCalls(logger, hub));

  // The request each operation's call was made for (Apollo hands plugins a copy of the context, whose `call` is the
  // request's own), and the requests whose answer is a request error: its status depends on the media type, which
  // Apollo chooses after the plugins have run.
  const requestOfCall = new WeakMap<object, FastifyRequest>();
  const requestErrors = new WeakSet<FastifyRequest>();
  // Every plugin keeps its per-request state in the listener it returns, so both servers share them.
  const plugins: ApolloServerPlugin<GraphContext>[] = [
    // ordergraph sets no cache hints; the default cache-control plugin would still hook every field.
    ApolloServerPluginCacheControlDisabled(),
    upstreamPlugin(config.server.exposeUpstreamFigures),
    requestErrorPlugin<GraphContext>((context) => {
      const request = requestOfCall.get(context.call);
      if (request) requestErrors.add(request);
    }),
    // Before the log and metrics plugins, so that they see what a partial answer lacks.
    partialErrorsPlugin<GraphContext>(),
    // Apollo runs every plugin's didResolveOperation at once: the cost plugin skips what this one refuses.
    operationResolutionPlugin,
    // Before the cost plugin: a refused filter is answered as such, whatever it would cost.
    filterGuardPlugin(),
    ...limits.plugins,
    operationLogPlugin(logger),
    ...(metrics ? [metrics.plugin] : []),
    ...(tracing ? [tracing.plugin] : []),
  ];
  const schemas = buildServedSchemas(
    createResolvers(
      options.definitions.map((d) => d.orderType),
      typeNameByKind,
    ),
    options.definitions,
  );
  // Apollo Server runs one schema, so each schema has a server of its own (with its own parsed-document cache):
  // the public API for every client, the federation subgraph for routers (clients[].router). Which one answers
  // is decided per request by the client the key names, a field read; nothing about a schema is done per request.
  const serverFor = (schema: GraphQLSchema, own: ApolloServerPlugin<GraphContext>[]) =>
    new ApolloServer<GraphContext>({
      gateway: compiledExecution(schema),
      formatError,
      includeStacktraceInErrorResponses: false,
      logger: logger.child({ component: "apollo" }),
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      hideSchemaDetailsFromClientErrors: limits.hideSchemaDetailsFromClientErrors,
      introspection: config.server.introspection,
      csrfPrevention: { requestHeaders: [...CSRF_REQUEST_HEADERS] },
      // The CLI owns the signals and closes everything in order; Apollo's own handler would race it.
      stopOnTerminationSignals: false,
      plugins: [...own, ...plugins],
    });
  // The public server drains Fastify on stop (the router server's requests included).
  const publicApollo = serverFor(schemas.public, [fastifyApolloDrainPlugin(app)]);
  const routerApollo = serverFor(schemas.router, []);
  await Promise.all([publicApollo.start(), routerApollo.start()]);

  const engineLimits = {
    ...config.engine,
    // Without a configured secret, a key of this process's own: its cursors fail on any other (see docs/operations.md).
    cursorKey: createCursorKey(config.server.cursorSecret),
    // One full-read cache per server, given to the engine with its limits (writes tell it to forget a provider's reads).
    fullReads: new FullReadCache(config.engine.fullReadTtlMs),
  };
  const authGuard = createAuthGuard(keys, new AuthFailureLimiter(config.server.authFailures));
  const handlerOptions = {
    context: async (request: FastifyRequest) => {
      const client = request.client;
      if (!client) throw new Error("unreachable: auth is checked before the handler");
      // The request's deadline bounds every upstream call and retry made for it.
      const call = new RequestCall(String(request.id), config.server.requestDeadlineMs, budgetHolders.get(client.name));
      requestOfCall.set(call, request);
      return createGraphContext({
        client,
        connectors,
        call,
        limits: engineLimits,
        writes,
        onBatch: metrics?.onBatch,
      });
    },
  };
  const publicHandler = fastifyApolloHandler(publicApollo, handlerOptions);
  const routerHandler = fastifyApolloHandler(routerApollo, handlerOptions);
  app.route({
    url: "/graphql",
    method: ["GET", "POST", "OPTIONS"],
    // Both run on the headers alone, before the body is read: refusals carry the headers too.
    onRequest: [graphqlHeaders, authGuard],
    async handler(request, reply) {
      // OPTIONS (no client) is answered by the public server.
      const body = await (request.client?.router ? routerHandler : publicHandler).call(this, request, reply);
      if (requestErrors.has(request)) reply.code(statusFor(reply.statusCode, reply.getHeader("content-type"), true));
      return body;
    },
  });

  // The page is the same for every request, and so is its CSP (which holds its inline script's hash).
  const graphiql = graphiqlPage({ endpoint: "/graphql", demoKey: options.demoKey });
  app.get("/graphiql", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .headers({
        "cache-control": "no-store",
        "content-security-policy": graphiql.contentSecurityPolicy,
        // For browsers that know no frame-ancestors.
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      })
      .send(graphiql.html),
  );
  app.get<{ Params: { name: string } }>("/graphiql/assets/:name", async (request, reply) => {
    const asset = await graphiqlAsset(request.params.name);
    if (!asset) return reply.code(404).send({ error: "not found" });
    return reply
      .type(asset.type)
      .headers({ "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff" })
      .send(asset.body);
  });
  app.get("/healthz", async () => ({ status: "ok" }));
  // Unauthenticated, like the metrics: which providers are configured is shown only when the config says so.
  const readyProviders = config.observability.showProviderIds ? { providers: [...connectors.keys()] } : {};
  app.get("/readyz", async (_request, reply) => {
    const ready = connectors.size > 0;
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "no providers", ...readyProviders });
  });
  app.get("/", async (_request, reply) => reply.redirect("/graphiql"));
  if (metrics) {
    // No auth: Prometheus scrapes it; labels hold no keys, credentials or client-chosen text (see metrics.ts).
    app.get(config.observability.metrics.path, async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      return reply.type(contentType).header("cache-control", "no-store").send(body);
    });
  }

  return {
    app,
    connectors,
    async listen(port = config.server.port, host = config.server.host) {
      return app.listen({ port, host });
    },
    async close() {
      // Apollo drains through fastifyApolloDrainPlugin, which closes Fastify: no new connections,
      // idle ones dropped, requests in flight answered, and connections still open after 10 s cut.
      // A keep-alive connection whose answer went out while closing is idle again: drop it then,
      // rather than waiting for the 10 s.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
      try {
        await publicApollo.stop();
        await routerApollo.stop();
      } finally {
        clearInterval(sweep);
        // Only now: the requests answered while draining still log, count and trace their upstream calls.
        for (const stop of unsubscribe) stop();
      }
      await tracing?.shutdown();
      await Promise.all(options.connectors.map((c) => c.close()));
      await options.services?.close();
    },
  };
}
