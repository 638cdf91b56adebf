/**
 * Prometheus metrics of one server: GraphQL operations, upstream calls,
 * retries, circuit breakers, the shared cache and DataLoader batches, plus
 * Node's process metrics. Each server has its own registry, so many servers in
 * one process (the tests) never share or clash on counters.
 *
 * Labels come from sets fixed when the server starts, never from what a client
 * sends: operation names from `observability.metrics.operationNames` (any
 * other is "other"), providers from the config (by id, or by position unless
 * `observability.showProviderIds`: the scrape needs no key), loader names,
 * methods and outcomes from the code, statuses from 100 to 599.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLResponse } from "@apollo/server";
import { getOperationAST, type OperationDefinitionNode } from "graphql";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GraphContext } from "../graph/context.ts";
import type { UpstreamObserver } from "../providers/core/upstream-events.ts";

/** The breaker states as the gauge reports them. */
export const BREAKER_STATE_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/** A server's metrics and the hooks that feed them. */
export interface ServerMetrics {
  registry: Registry;
  /** Counts and times every GraphQL operation. */
  plugin: ApolloServerPlugin<GraphContext>;
  /** Subscribe to the services' ObserverHub: upstream calls, retries, breakers, cache. */
  observer: UpstreamObserver;
  /** Pass to createGraphContext: DataLoader batch sizes. */
  onBatch(loader: string, size: number): void;
  /** The Prometheus text exposition and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,49}$/;

/**
 * Folds operation names into a bounded set: "anonymous" when the operation has
 * none, "unknown" when none could be resolved (a parse error, an unknown name),
 * a known name as itself, "other" for any other name. Names are known from the
 * config, never learnt from requests: a client choosing names could otherwise
 * fill the label slots (and every series they multiply) with its own.
 */
export class OperationNames {
  private readonly known: ReadonlySet<string>;

  constructor(known: Iterable<string> = []) {
    this.known = new Set(known);
  }

  /** The label for an operation. */
  label(name: string | null | undefined, resolved: boolean): string {
    if (!resolved) return "unknown";
    if (!name) return "anonymous";
    return this.known.has(name) ? name : "other";
  }
}

/**
 * The provider label of each configured provider id: the id itself when
 * `showIds`, else `provider-<n>` by its position (1-based) in the config, so
 * an unauthenticated scrape does not list whose shops ordergraph reads.
 */
export function providerLabels(providers: readonly string[], showIds: boolean): ReadonlyMap<string, string> {
  return new Map(providers.map((id, i) => [id, showIds ? id : `provider-${i + 1}`]));
}

/**
 * The outcome of a response: "ok" without errors, else the public code of its
 * first error (after formatError), or "INTERNAL_SERVER_ERROR" when it has none.
 */
export function graphqlOutcome(response: GraphQLResponse): string {
  const errors = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
  if (!errors || errors.length === 0) return "ok";
  return errorCode(errors[0]?.extensions?.code);
}

/** Every error code of a response (one per error), bounded to code-shaped strings. */
export function graphqlErrorCodes(response: GraphQLResponse): string[] {
  const errors = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
  return (errors ?? []).map((e) => errorCode(e.extensions?.code));
}

function errorCode(code: unknown): string {
  return typeof code === "string" && ERROR_CODE.test(code) ? code : "INTERNAL_SERVER_ERROR";
}

/**
 * The operation a response answers: the resolved one, else the one the parsed
 * document names (an operation that failed validation, e.g. a query limit),
 * else undefined (the document did not parse).
 */
export function answeredOperation(context: GraphQLRequestContextWillSendResponse<GraphContext>): OperationDefinitionNode | undefined {
  if (context.operation) return context.operation;
  return (context.document && getOperationAST(context.document, context.request.operationName)) || undefined;
}

/** The status label of an upstream call: the HTTP status, or "error" when no answer came. */
export function upstreamStatusLabel(status: number | null): string {
  return status !== null && Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "error";
}

/** What a server's metrics are labelled with. */
export interface ServerMetricsOptions {
  /** The configured provider ids, in config order; their breaker gauges start at 0 (closed). */
  providers?: readonly string[];
  /** Label providers by id rather than by position (`observability.showProviderIds`). */
  showProviderIds?: boolean;
  /** Operation names with a label of their own (`observability.metrics.operationNames`). */
  operationNames?: readonly string[];
}

/** Builds a server's registry and its hooks. */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const names = new OperationNames(options.operationNames);
  const labels = providerLabels(options.providers ?? [], options.showProviderIds ?? false);
  // Events come from configured connectors only; "other" keeps the label set closed regardless.
  const providerOf = (id: string) => labels.get(id) ?? "other";

  const requests = new Counter({
    name: "ordergraph_graphql_requests_total",
    help: "GraphQL operations by operation type, name and outcome (ok, or the code of the first error).",
    labelNames: ["type", "operation", "outcome"],
    registers,
  });
  const errors = new Counter({
    name: "ordergraph_graphql_errors_total",
    help: "Errors in GraphQL responses by operation name and error code.",
    labelNames: ["operation", "code"],
    registers,
  });
  const duration = new Histogram({
    name: "ordergraph_graphql_request_duration_seconds",
    help: "Time from receiving a GraphQL operation to sending its answer.",
    labelNames: ["type", "operation"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const upstreamCalls = new Counter({
    name: "ordergraph_upstream_requests_total",
    help: 'Upstream HTTP calls (each retry attempt counts) by provider, method, status ("error" when no answer came) and error code ("none" when it succeeded).',
    labelNames: ["provider", "method", "status", "code"],
    registers,
  });
  const upstreamDuration = new Histogram({
    name: "ordergraph_upstream_request_duration_seconds",
    help: "Latency of upstream HTTP calls, by provider.",
    labelNames: ["provider"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const retries = new Counter({
    name: "ordergraph_upstream_retries_total",
    help: "Upstream reads retried after a network error, 429 or 5xx, by provider.",
    labelNames: ["provider"],
    registers,
  });
  const breaker = new Gauge({
    name: "ordergraph_upstream_circuit_state",
    help: "Circuit breaker state by provider: 0 closed, 1 half-open, 2 open.",
    labelNames: ["provider"],
    registers,
  });
  const cache = new Counter({
    name: "ordergraph_upstream_cache_requests_total",
    help: "Cacheable upstream reads by provider and result (hit: answered from the shared cache, miss: sent).",
    labelNames: ["provider", "result"],
    registers,
  });
  const batches = new Histogram({
    name: "ordergraph_dataloader_batch_size",
    help: "Keys per DataLoader batch, by loader.",
    labelNames: ["loader"],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers,
  });
  for (const provider of labels.values()) breaker.set({ provider }, BREAKER_STATE_VALUE.closed);

  const plugin: ApolloServerPlugin<GraphContext> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(context) {
          const { response } = context;
          const operation = answeredOperation(context);
          const type = operation?.operation ?? "unknown";
          const label = names.label(operation?.name?.value, operation !== undefined);
          requests.inc({ type, operation: label, outcome: graphqlOutcome(response) });
          for (const code of graphqlErrorCodes(response)) errors.inc({ operation: label, code });
          duration.observe({ type, operation: label }, (performance.now() - started) / 1000);
        },
      };
    },
  };

  const observer: UpstreamObserver = {
    call(event) {
      upstreamCalls.inc({
        provider: providerOf(event.provider),
        method: event.method,
        status: upstreamStatusLabel(event.status),
        code: event.errorCode ?? "none",
      });
      upstreamDuration.observe({ provider: providerOf(event.provider) }, event.durationMs / 1000);
    },
    retry(event) {
      retries.inc({ provider: providerOf(event.provider) });
    },
    breaker(event) {
      breaker.set({ provider: providerOf(event.provider) }, BREAKER_STATE_VALUE[event.state]);
    },
    cache(event) {
      cache.inc({ provider: providerOf(event.provider), result: event.hit ? "hit" : "miss" });
    },
  };

  return {
    registry,
    plugin,
    observer,
    onBatch(loader, size) {
      batches.observe({ loader }, size);
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
