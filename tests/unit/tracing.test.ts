/**
 * Tracing into an in-memory exporter: one span per GraphQL operation, one
 * child span per upstream call, the caller's trace continued, and no secret,
 * header or variable in any span.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { buildServer, type OrdergraphServer } from "../../src/server/app.ts";
import { createServices } from "../../src/server/services.ts";
import { createServerTracing } from "../../src/server/tracing.ts";
import { closedPort } from "../helpers/closed-port.ts";

const KEY = "tracing-test-key-0123456789";
const VARIABLE_MARKER = "variable-marker-5c1e@example.org";
const exporter = new InMemorySpanExporter();
let emulators: StartedEmulator[];
let server: OrdergraphServer;
let url: string;

const ORDERS = `query TracedOrders($first: Int, $providers: [ID!], $filter: OrderFilter) {
  orders(first: $first, providers: $providers, filter: $filter) { nodes { id number } }
}`;

async function graphql(
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ errors?: Array<{ extensions?: { code?: string } }>; extensions: { upstream: { calls: number } } }> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify({ query: ORDERS, variables, operationName: "TracedOrders" }),
  });
  return (await response.json()) as never;
}

const operationSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
const upstreamSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

beforeAll(async () => {
  emulators = await startEmulators({ kinds: ["cscart", "emnify"], size: 20 });
  const config = parseConfig(
    JSON.stringify({
      server: { host: "127.0.0.1", port: 0 },
      observability: { tracing: { serviceName: "ordergraph-test" } },
      clients: [{ name: "tracer", key: KEY, scopes: ["orders:read", "pii:read"] }],
      providers: [
        ...emulators.map((e) => e.entry),
        {
          id: "shop-down",
          kind: "cscart",
          baseUrl: `http://127.0.0.1:${await closedPort()}/api`,
          currency: "EUR",
          credentials: { email: "down@example.org", apiKey: "down-api-key-0123" },
          resilience: { retries: 0 },
        },
      ],
    }),
    {},
  );
  const services = await createServices(config);
  server = await buildServer({
    config,
    connectors: createConnectors(config, services),
    definitions: PROVIDER_DEFINITIONS,
    services,
    spanExporter: exporter,
  });
  url = await server.listen(0, "127.0.0.1");
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

beforeEach(() => exporter.reset());

describe("tracing", () => {
  it("records an operation span and a child span per upstream call", async () => {
    const ids = emulators.map((e) => e.id);
    const result = await graphql({ first: 5, providers: ids, filter: { email: VARIABLE_MARKER } });
    expect(result.errors).toBeUndefined();

    const [operation, ...more] = operationSpans();
    expect(more).toEqual([]);
    if (!operation) throw new Error("no operation span");
    expect(operation.name).toBe("graphql.query TracedOrders");
    expect(operation.attributes).toMatchObject({
      "graphql.operation.type": "query",
      "graphql.operation.name": "TracedOrders",
      "ordergraph.outcome": "ok",
      "ordergraph.upstream.calls": result.extensions.upstream.calls,
      "ordergraph.client": "tracer",
    });
    expect(operation.status.code).toBe(SpanStatusCode.UNSET);
    expect(operation.resource.attributes["service.name"]).toBe("ordergraph-test");

    const calls = upstreamSpans();
    expect(calls.length).toBe(result.extensions.upstream.calls);
    expect(new Set(calls.map((s) => s.attributes["ordergraph.provider"]))).toEqual(new Set(ids));
    // emnify's login is shared by concurrent requests, so it carries no request id and starts its own trace.
    const shared = calls.filter((s) => s.attributes["ordergraph.request_id"] === undefined);
    for (const login of shared) expect(login.name).toBe("upstream sims-emnify POST");
    const children = calls.filter((s) => s.attributes["ordergraph.request_id"] !== undefined);
    expect(new Set(children.map((s) => s.attributes["ordergraph.provider"]))).toEqual(new Set(ids));
    for (const call of calls) {
      expect(call.name).toMatch(/^upstream (shop-cscart|sims-emnify) (GET|POST)$/);
      expect(call.attributes["http.response.status_code"]).toBe(200);
      expect(String(call.attributes["url.path"])).not.toContain("?");
    }
    for (const call of children) {
      expect(call.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(operation.spanContext().traceId);
      expect(call.attributes["ordergraph.request_id"]).toBe(operation.attributes["ordergraph.request_id"]);
      // The call's span lies within the operation's.
      expect(toNanos(call.startTime)).toBeGreaterThanOrEqual(toNanos(operation.startTime) - 5_000_000);
      expect(toNanos(call.endTime)).toBeLessThanOrEqual(toNanos(operation.endTime));
    }
    expectNoSecrets(exporter.getFinishedSpans());
  });

  it("marks a failed operation and its failed upstream call as errors", async () => {
    const result = await graphql({ first: 5, providers: ["shop-down"] });
    expect(result.errors?.[0]?.extensions?.code).toBe("PROVIDER_UNAVAILABLE");
    const [operation] = operationSpans();
    expect(operation?.attributes["ordergraph.outcome"]).toBe("PROVIDER_UNAVAILABLE");
    expect(operation?.status).toEqual({ code: SpanStatusCode.ERROR, message: "PROVIDER_UNAVAILABLE" });
    const calls = upstreamSpans();
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.attributes["error.type"]).toBe("PROVIDER_UNAVAILABLE");
      expect(call.attributes["http.response.status_code"]).toBeUndefined();
      expect(call.status.code).toBe(SpanStatusCode.ERROR);
      expect(call.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
    }
    expectNoSecrets(exporter.getFinishedSpans());
  });

  it("names the span of an operation that fails validation, and of a document that does not parse", async () => {
    for (const [query, name, code] of [
      ["query Invalid { noSuchField }", "graphql.query Invalid", "GRAPHQL_VALIDATION_FAILED"],
      ["query Broken { orders", "graphql.unknown", "GRAPHQL_PARSE_FAILED"],
    ]) {
      exporter.reset();
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query }),
      });
      // A request error, answered as application/json (the client accepts nothing else): 200.
      expect(response.status).toBe(200);
      const [operation] = operationSpans();
      expect(operation?.name).toBe(name);
      expect(operation?.attributes["ordergraph.outcome"]).toBe(code);
      expect(operation?.status.code).toBe(SpanStatusCode.ERROR);
      expect(upstreamSpans()).toEqual([]);
    }
  });

  it("continues the caller's trace from a traceparent header, and ignores a malformed one", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await graphql({ first: 1, providers: ["shop-cscart"] }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const [continued] = operationSpans();
    expect(continued?.spanContext().traceId).toBe(traceId);
    expect(continued?.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");

    exporter.reset();
    await graphql({ first: 1, providers: ["shop-cscart"] }, { traceparent: "00-not-a-trace-01" });
    const [fresh] = operationSpans();
    expect(fresh?.parentSpanContext).toBeUndefined();
    expect(fresh?.spanContext().traceId).not.toBe(traceId);
  });

  it("is off unless configured or given an exporter", () => {
    const config = { enabled: false, exporter: "otlp-http", serviceName: "x" } as const;
    expect(createServerTracing(config)).toBeUndefined();
    expect(createServerTracing(config, { exporter: new InMemorySpanExporter() })).toBeDefined();
    expect(createServerTracing({ ...config, enabled: true, exporter: "console" })).toBeDefined();
  });
});

function toNanos([seconds, nanos]: readonly [number, number]): number {
  return seconds * 1e9 + nanos;
}

/** No credential, client key, authorization header or variable value in any span's name, attributes or events. */
function expectNoSecrets(spans: ReadableSpan[]): void {
  expect(spans.length).toBeGreaterThan(0);
  const text = JSON.stringify(
    spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, resource: s.resource.attributes })),
  );
  const secrets = [KEY, `Bearer ${KEY}`, "down-api-key-0123", VARIABLE_MARKER, ...emulators.flatMap((e) => Object.values(e.credentials))];
  expect(secrets.length).toBeGreaterThan(4);
  for (const secret of secrets) expect(text.includes(secret), "a secret is in a span").toBe(false);
  expect(text.toLowerCase()).not.toContain("authorization");
}
