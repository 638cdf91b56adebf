/**
 * Prometheus metrics of one server: GraphQL operations, upstream calls,
 * retries, circuit breakers, the shared cache and DataLoader batches, plus
 * Node's process metrics. Each server has its own registry, so many servers in
 * one process (the tests) never share or clash on counters.
 *
 * Labels are bounded and never secret: provider ids and loader names come from
 * the code and the config, operation names are capped, outcomes are error codes.
 */
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse, GraphQLResponse } from "@apollo/server";
import { getOperationAST, type OperationDefinitionNode } from "graphql";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GraphContext } from "../graph/context.ts";
import type { UpstreamObserver } from "../providers/core/upstream-events.ts";

/** Distinct operation names tracked before the rest are counted as "other". */
export const MAX_OPERATION_NAMES = 100;

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

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,49}$/;

/**
 * Folds operation names into a bounded set: "anonymous" when the operation has
 * none, "unknown" when none could be resolved (a parse error, an unknown name),
 * the first `max` distinct names as themselves, "other" after that.
 */
export class OperationNames {
  private readonly seen = new Set<string>();
  private readonly max: number;

  constructor(max = MAX_OPERATION_NAMES) {
    this.max = max;
  }

  /** The label for an operation. */
  label(name: string | null | undefined, resolved: boolean): string {
    if (!resolved) return "unknown";
    if (!name) return "anonymous";
    if (!GRAPHQL_NAME.test(name)) return "unknown";
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return "other";
    this.seen.add(name);
    return name;
  }
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

/** Builds a server's registry and its hooks. `providers` pre-seeds the breaker gauge at 0 (closed). */
export function createServerMetrics(options: { providers?: readonly string[]; maxOperationNames?: number } = {}): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const names = new OperationNames(options.maxOperationNames);

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
  for (const provider of options.providers ?? []) breaker.set({ provider }, BREAKER_STATE_VALUE.closed);

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
        provider: event.provider,
        method: event.method,
        status: upstreamStatusLabel(event.status),
        code: event.errorCode ?? "none",
      });
      upstreamDuration.observe({ provider: event.provider }, event.durationMs / 1000);
    },
    retry(event) {
      retries.inc({ provider: event.provider });
    },
    breaker(event) {
      breaker.set({ provider: event.provider }, BREAKER_STATE_VALUE[event.state]);
    },
    cache(event) {
      cache.inc({ provider: event.provider, result: event.hit ? "hit" : "miss" });
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
