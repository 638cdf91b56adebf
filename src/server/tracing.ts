/**
 * OpenTelemetry tracing of one server: a span per GraphQL operation and a
 * child span per upstream HTTP call. Each server has its own tracer provider
 * and nothing is registered globally, so tests can trace into an in-memory
 * exporter while other servers run in the same process.
 *
 * Spans carry names, codes, counts and redacted routes only: never variables,
 * headers, query strings or credentials.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import type { GraphContext } from "../graph/context.ts";
import type { UpstreamObserver } from "../providers/core/upstream-events.ts";
import { answeredOperation, graphqlOutcome } from "./metrics.ts";

/** The `observability.tracing` config section. */
export type TracingConfig = OrdergraphConfig["observability"]["tracing"];

/** A server's tracer and the hooks that feed it. */
export interface ServerTracing {
  tracer: Tracer;
  /** One span per GraphQL operation. */
  plugin: ApolloServerPlugin<GraphContext>;
  /** Subscribe to the services' ObserverHub: one span per upstream call, retries as events. */
  observer: UpstreamObserver;
  /** Exports what is pending and stops the tracer provider. */
  shutdown(): Promise<void>;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Builds the tracing of a server, or undefined when tracing is off. A given
 * `exporter` (tests) turns tracing on and replaces the configured one; it gets
 * every span as soon as it ends.
 */
export function createServerTracing(
  config: TracingConfig,
  options: { exporter?: SpanExporter | undefined } = {},
): ServerTracing | undefined {
  if (!config.enabled && !options.exporter) return undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": config.serviceName }),
    spanProcessors: [processorFor(config, options.exporter)],
  });
  const tracer = provider.getTracer("ordergraph");
  // Upstream calls find their operation's span by request id; an id seen twice
  // at once (a client-chosen id) is ambiguous and links nothing rather than the wrong span.
  const operations = new Map<string, Span | null>();

  const plugin: ApolloServerPlugin<GraphContext> = {
    async requestDidStart({ contextValue, request }) {
      const requestId = contextValue.call.requestId;
      const span = tracer.startSpan(
        "graphql.unknown",
        { kind: SpanKind.SERVER, attributes: requestId ? { "ordergraph.request_id": requestId } : {} },
        remoteParent(request.http?.headers.get("traceparent")),
      );
      span.setAttribute("ordergraph.client", contextValue.client.name);
      if (requestId) operations.set(requestId, operations.has(requestId) ? null : span);
      return {
        async willSendResponse(context) {
          const operation = answeredOperation(context);
          if (operation) {
            const name = operation.name && GRAPHQL_NAME.test(operation.name.value) ? operation.name.value : undefined;
            span.updateName(name ? `graphql.${operation.operation} ${name}` : `graphql.${operation.operation}`);
            span.setAttribute("graphql.operation.type", operation.operation);
            if (name) span.setAttribute("graphql.operation.name", name);
          }
          const outcome = graphqlOutcome(context.response);
          span.setAttributes({
            "ordergraph.outcome": outcome,
            "ordergraph.upstream.calls": contextValue.call.meter.calls,
            "ordergraph.upstream.cached": contextValue.call.meter.cached,
          });
          if (outcome !== "ok") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
          if (requestId) operations.delete(requestId);
        },
      };
    },
  };

  const parentOf = (requestId: string | undefined): Context => {
    const span = requestId ? operations.get(requestId) : undefined;
    return span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT;
  };

  const observer: UpstreamObserver = {
    call(event) {
      const end = Date.now();
      const span = tracer.startSpan(
        `upstream ${event.provider} ${event.method}`,
        {
          kind: SpanKind.CLIENT,
          startTime: end - event.durationMs,
          attributes: {
            "ordergraph.provider": event.provider,
            "http.request.method": event.method,
            "url.path": event.route,
            ...(event.status !== null ? { "http.response.status_code": event.status } : {}),
            ...(event.errorCode ? { "error.type": event.errorCode } : {}),
            ...(event.requestId ? { "ordergraph.request_id": event.requestId } : {}),
          },
        },
        parentOf(event.requestId),
      );
      if (event.errorCode) span.setStatus({ code: SpanStatusCode.ERROR, message: event.errorCode });
      span.end(end);
    },
    retry(event) {
      const span = event.requestId ? operations.get(event.requestId) : undefined;
      span?.addEvent("upstream.retry", { "ordergraph.provider": event.provider, attempt: event.attempt, delay_ms: event.delayMs });
    },
  };

  return { tracer, plugin, observer, shutdown: () => provider.shutdown() };
}

function processorFor(config: TracingConfig, exporter: SpanExporter | undefined): SpanProcessor {
  if (exporter) return new SimpleSpanProcessor(exporter);
  if (config.exporter === "console") return new SimpleSpanProcessor(new ConsoleSpanExporter());
  return new BatchSpanProcessor(new OTLPTraceExporter(config.endpoint ? { url: config.endpoint } : {}));
}

/** The caller's trace (a W3C `traceparent` header, e.g. from a federation router) as the parent, if valid. */
function remoteParent(header: string | undefined): Context {
  const match = header ? TRACEPARENT.exec(header.trim().toLowerCase()) : null;
  if (!match) return ROOT_CONTEXT;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1, isRemote: true });
}
