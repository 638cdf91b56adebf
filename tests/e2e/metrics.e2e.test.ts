/**
 * /metrics over HTTP: operations by name and outcome, upstream calls by
 * provider and status, latency and batch-size histograms, and nothing secret
 * in the scrape; by default no provider id (on /readyz either) and no
 * operation name a client chose beyond the configured ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { OrdersPageDocument, OrdersWithItemsDocument } from "../../src/generated/client/graphql.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { buildServer } from "../../src/server/app.ts";
import { OperationNames } from "../../src/server/metrics.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { ADMIN_KEY, memoryLog, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (one sample per line). */
function parseScrape(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = value as string;
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of a metric whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

const KINDS = ["cscart", "djangoshop", "emnify"];
let emulators: StartedEmulator[];
let flaky: CsCartEmulator;
let server: TestServer;

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  // No Authorization header: Prometheus scrapes without a client key.
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, samples: parseScrape(text) };
}

async function post(body: unknown): Promise<{ errors?: Array<{ extensions?: { code?: string } }> }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify(body),
  });
  return (await response.json()) as never;
}

beforeAll(async () => {
  emulators = await startEmulators({ kinds: KINDS, size: 30 });
  flaky = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 10 });
  const cscart = emulators.find((e) => e.kind === "cscart") as StartedEmulator;
  server = await startTestServer({
    // Labelled by id and by these names: the counts below are asserted per provider and operation.
    observability: {
      showProviderIds: true,
      metrics: { operationNames: ["OrdersPage", "OrdersWithItems", "Invalid", "Broken"] },
    },
    providers: [
      ...emulators.map((e) => e.entry),
      // Nothing listens there: every call fails without a status, and the first failure opens the breaker.
      {
        id: "shop-down",
        kind: "cscart",
        baseUrl: `http://127.0.0.1:${await closedPort()}/api`,
        currency: "EUR",
        credentials: { email: "down@example.org", apiKey: "down-api-key-0123" },
        resilience: { retries: 0, breakerFailures: 1 },
      },
      // Answers, after the faults a test injects.
      {
        id: "shop-flaky",
        kind: "cscart",
        baseUrl: `${flaky.url}/api`,
        currency: "EUR",
        credentials: { ...CSCART_DEFAULT_CREDENTIALS },
        resilience: { retries: 2, backoffMs: 1 },
      },
      // A real emulator with a wrong key: it answers 401.
      {
        ...cscart.entry,
        id: "shop-badkey",
        credentials: { ...cscart.credentials, apiKey: "wrong-api-key-0123456" },
        resilience: { retries: 0 },
      },
    ],
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
  await flaky?.close();
});

describe("/metrics", () => {
  it("counts an operation over several providers, its upstream calls by status and their latency", async () => {
    const ids = emulators.map((e) => e.id);
    const before = (await scrape()).samples;
    const result = await server.run(OrdersPageDocument, { first: 10, providers: ids });
    expect(result.errors).toBeUndefined();
    const after = (await scrape()).samples;

    const ok = { type: "query", operation: "OrdersPage", outcome: "ok" };
    expect(total(after, "ordergraph_graphql_requests_total", ok) - total(before, "ordergraph_graphql_requests_total", ok)).toBe(1);
    const timed = { type: "query", operation: "OrdersPage" };
    expect(
      total(after, "ordergraph_graphql_request_duration_seconds_count", timed) -
        total(before, "ordergraph_graphql_request_duration_seconds_count", timed),
    ).toBe(1);

    const upstream = result.extensions.upstream;
    expect(upstream).toBeDefined();
    for (const id of ids) {
      const calls = upstream?.providers[id]?.calls ?? 0;
      expect(calls, id).toBeGreaterThan(0);
      // Every call the response reports is counted, with its status, and timed.
      const counted =
        total(after, "ordergraph_upstream_requests_total", { provider: id }) -
        total(before, "ordergraph_upstream_requests_total", { provider: id });
      expect(counted, id).toBe(calls);
      const ok200 = { provider: id, status: "200", code: "none" };
      expect(total(after, "ordergraph_upstream_requests_total", ok200), id).toBeGreaterThan(0);
      const latency =
        total(after, "ordergraph_upstream_request_duration_seconds_count", { provider: id }) -
        total(before, "ordergraph_upstream_request_duration_seconds_count", { provider: id });
      expect(latency, id).toBe(calls);
      const inf = total(after, "ordergraph_upstream_request_duration_seconds_bucket", { provider: id, le: "+Inf" });
      expect(inf, id).toBe(total(after, "ordergraph_upstream_request_duration_seconds_count", { provider: id }));
      expect(total(after, "ordergraph_upstream_request_duration_seconds_sum", { provider: id }), id).toBeGreaterThan(0);
    }
  });

  it("counts failed operations by error code, and failed upstream calls by status or error", async () => {
    const before = (await scrape()).samples;
    const down = await server.run(OrdersPageDocument, { first: 5, providers: ["shop-down"] });
    expect(down.errors?.[0]?.extensions?.code).toBe("PROVIDER_UNAVAILABLE");
    const badKey = await server.run(OrdersPageDocument, { first: 5, providers: ["shop-badkey"] });
    const badKeyCode = badKey.errors?.[0]?.extensions?.code as string;
    expect(badKeyCode).toMatch(/^PROVIDER_/);
    const unknown = await server.run(OrdersPageDocument, { first: 5, providers: ["no-such-provider"] });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const after = (await scrape()).samples;

    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(delta("ordergraph_graphql_requests_total", { operation: "OrdersPage", outcome: "PROVIDER_UNAVAILABLE" })).toBe(1);
    expect(delta("ordergraph_graphql_requests_total", { operation: "OrdersPage", outcome: badKeyCode })).toBeGreaterThanOrEqual(1);
    expect(delta("ordergraph_graphql_requests_total", { operation: "OrdersPage", outcome: "BAD_USER_INPUT" })).toBe(1);
    expect(delta("ordergraph_graphql_requests_total", { operation: "OrdersPage", outcome: "ok" })).toBe(0);
    expect(delta("ordergraph_graphql_errors_total", { operation: "OrdersPage", code: "PROVIDER_UNAVAILABLE" })).toBeGreaterThanOrEqual(1);

    // No answer at all: status "error" with the error code.
    expect(
      delta("ordergraph_upstream_requests_total", { provider: "shop-down", status: "error", code: "PROVIDER_UNAVAILABLE" }),
    ).toBeGreaterThanOrEqual(1);
    expect(delta("ordergraph_upstream_request_duration_seconds_count", { provider: "shop-down" })).toBeGreaterThanOrEqual(1);
    // An answer with a status: the status itself.
    expect(delta("ordergraph_upstream_requests_total", { provider: "shop-badkey", status: "401" })).toBeGreaterThanOrEqual(1);
    // One failure opened shop-down's breaker.
    expect(total(after, "ordergraph_upstream_circuit_state", { provider: "shop-down" })).toBe(2);
  });

  it("counts retries, and each attempt as an upstream call", async () => {
    flaky.faults.error = { status: 503, times: 1 };
    const before = (await scrape()).samples;
    const result = await server.run(OrdersPageDocument, { first: 5, providers: ["shop-flaky"] });
    expect(result.errors).toBeUndefined();
    const after = (await scrape()).samples;
    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    expect(delta("ordergraph_upstream_retries_total", { provider: "shop-flaky" })).toBe(1);
    expect(delta("ordergraph_upstream_requests_total", { provider: "shop-flaky", status: "503" })).toBe(1);
    expect(delta("ordergraph_upstream_requests_total", { provider: "shop-flaky", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(delta("ordergraph_graphql_requests_total", { operation: "OrdersPage", outcome: "ok" })).toBe(1);
    expect(total(after, "ordergraph_upstream_circuit_state", { provider: "shop-flaky" })).toBe(0);
  });

  it("labels anonymous operations, invalid ones by name, and documents that do not parse without a name", async () => {
    const before = (await scrape()).samples;
    const anonymous = await post({ query: "{ providers { id } }" });
    expect(anonymous.errors).toBeUndefined();
    const broken = await post({ query: "query Broken { providers { id ", operationName: "Broken" });
    expect(broken.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const invalid = await post({ query: "query Invalid { noSuchField }" });
    expect(invalid.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const after = (await scrape()).samples;
    const delta = (labels: Record<string, string>) =>
      total(after, "ordergraph_graphql_requests_total", labels) - total(before, "ordergraph_graphql_requests_total", labels);
    expect(delta({ type: "query", operation: "anonymous", outcome: "ok" })).toBe(1);
    expect(delta({ type: "unknown", operation: "unknown", outcome: "GRAPHQL_PARSE_FAILED" })).toBe(1);
    // A document that parses but fails validation still has its name.
    expect(delta({ type: "query", operation: "Invalid", outcome: "GRAPHQL_VALIDATION_FAILED" })).toBe(1);
    expect(after.some((s) => s.labels.operation === "Broken")).toBe(false);
  });

  it("measures DataLoader batches by loader", async () => {
    const before = (await scrape()).samples;
    const result = await server.run(OrdersWithItemsDocument, { first: 6, providers: ["shop-cscart"] });
    expect(result.errors).toBeUndefined();
    const after = (await scrape()).samples;
    const batches =
      total(after, "ordergraph_dataloader_batch_size_count", { loader: "order" }) -
      total(before, "ordergraph_dataloader_batch_size_count", { loader: "order" });
    expect(batches).toBeGreaterThanOrEqual(1);
    const keys =
      total(after, "ordergraph_dataloader_batch_size_sum", { loader: "order" }) -
      total(before, "ordergraph_dataloader_batch_size_sum", { loader: "order" });
    // The six orders' details are loaded in batches, not one by one.
    expect(keys).toBe(6);
    expect(batches).toBeLessThan(6);
  });

  it("shows the breaker state of every provider and Node's process metrics", async () => {
    const { samples } = await scrape();
    for (const id of [...emulators.map((e) => e.id), "shop-down", "shop-badkey", "shop-flaky"]) {
      expect(
        samples.some((s) => s.name === "ordergraph_upstream_circuit_state" && s.labels.provider === id),
        id,
      ).toBe(true);
    }
    expect(total(samples, "ordergraph_upstream_circuit_state", { provider: emulators[0]?.id ?? "" })).toBe(0);
    expect(samples.some((s) => s.name === "process_cpu_user_seconds_total")).toBe(true);
    expect(samples.some((s) => s.name === "nodejs_heap_size_used_bytes")).toBe(true);
  });

  it("never shows a client key or a provider credential", async () => {
    const { text } = await scrape();
    const secrets = [
      ADMIN_KEY,
      READER_KEY,
      "wrong-api-key-0123456",
      "down-api-key-0123",
      ...emulators.flatMap((e) => Object.values(e.credentials)),
    ];
    expect(secrets.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(text.includes(secret), "a secret is in the scrape").toBe(false);
  });
});

describe("/metrics and /readyz by default", () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer({
      observability: { metrics: { operationNames: ["Known"] } },
      providers: emulators.map((e) => e.entry),
    });
  });
  afterAll(async () => {
    await plain?.close();
  });
  const ids = () => emulators.map((e) => e.id);

  it("/readyz says ready without naming a provider", async () => {
    const response = await fetch(`${plain.url}/readyz`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: "ready" });
    for (const id of ids()) expect(text).not.toContain(id);
  });

  it("labels providers by position and operations from the configured names only, whatever clients send", async () => {
    const result = await plain.run(OrdersPageDocument, { first: 5, providers: ids() });
    expect(result.errors).toBeUndefined();
    const ask = (query: string) =>
      fetch(`${plain.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${READER_KEY}` },
        body: JSON.stringify({ query }),
      }).then((r) => r.json());
    // More distinct names than the 100 label slots that used to fill up first come, first served.
    for (let i = 0; i < 150; i++) await ask(`query Probe${i} { __typename }`);
    await ask("query Known { __typename }");
    const text = await (await fetch(`${plain.url}/metrics`)).text();
    const samples = parseScrape(text);
    const operations = new Set(samples.flatMap((s) => (s.labels.operation === undefined ? [] : [s.labels.operation])));
    expect([...operations].sort()).toEqual(["Known", "other"]);
    expect(total(samples, "ordergraph_graphql_requests_total", { operation: "other" })).toBe(151);
    expect(total(samples, "ordergraph_graphql_requests_total", { operation: "Known" })).toBe(1);
    for (const id of ids()) expect(text, id).not.toContain(id);
    expect(text).not.toContain("Probe");
    const providers = new Set(samples.flatMap((s) => (s.labels.provider === undefined ? [] : [s.labels.provider])));
    expect([...providers].sort()).toEqual(ids().map((_, i) => `provider-${i + 1}`));
    // Each provider's calls are still counted, under its position.
    for (const [i, id] of ids().entries()) {
      expect(total(samples, "ordergraph_upstream_requests_total", { provider: `provider-${i + 1}` }), id).toBe(
        result.extensions.upstream?.providers[id]?.calls,
      );
    }
  });
});

describe("metrics settings", () => {
  const configWith = (metrics: Record<string, unknown>) =>
    parseConfig(
      JSON.stringify({
        observability: { metrics },
        clients: [{ name: "admin", key: ADMIN_KEY, scopes: ["orders:read"] }],
        providers: [
          { id: "shop", kind: "cscart", baseUrl: "http://127.0.0.1:1/api", currency: "EUR", credentials: { email: "a@b.cd", apiKey: "k" } },
        ],
      }),
      {},
    );

  it("serves metrics on the configured path, and not at all when disabled; logs only the real scrapes at debug", async () => {
    for (const [metrics, path, status, level] of [
      [{ path: "/internal/prometheus" }, "/internal/prometheus", 200, "debug"],
      [{ path: "/internal/prometheus" }, "/metrics", 404, "info"],
      [{ enabled: false }, "/metrics", 404, "info"],
    ] as const) {
      const config = configWith(metrics);
      const log = memoryLog("debug");
      const built = await buildServer({
        config,
        connectors: createConnectors(config),
        definitions: PROVIDER_DEFINITIONS,
        logger: log.logger,
      });
      try {
        const response = await built.app.inject({ method: "GET", url: path });
        expect(response.statusCode, `${JSON.stringify(metrics)} ${path}`).toBe(status);
        if (status === 200) expect(response.body).toContain("ordergraph_graphql_requests_total");
        await expect.poll(() => log.lines().find((l) => l.msg === "request" && l.path === path)?.level).toBe(level);
      } finally {
        await built.close();
      }
    }
  });

  it("labels only the configured operation names by name, however many others come first", () => {
    const names = new OperationNames(["A", "B"]);
    for (let i = 0; i < 200; i++) expect(names.label(`Probe${i}`, true)).toBe("other");
    expect(names.label("A", true)).toBe("A");
    expect(names.label("B", true)).toBe("B");
    expect(names.label(null, true)).toBe("anonymous");
    expect(names.label("A", false)).toBe("unknown");
    expect(names.label("not a name", true)).toBe("other");
  });
});
