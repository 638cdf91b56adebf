/**
 * Sparse list reads (`ListRequest.sparse`, what a merge of several providers
 * asks): the connectors with paged lists (every registered one that does not
 * fetch and count its whole set) keep the answer's rows as JSON texts and
 * parse each on first read. Against each emulator, over real HTTP,
 * a sparse read must give what a whole read gives, row for row, and refuse
 * the same damaged answers.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config/load-config.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Connector, ListRequest, SortKey } from "../../src/providers/core/connector.ts";
import { ProviderHttpClient } from "../../src/providers/core/http-client.ts";
import { UpstreamError } from "../../src/providers/core/upstream-error.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { testEntry } from "../helpers/test-server.ts";

/** The registered kinds with paged lists: all but those that fetch (and count) the whole filtered set. */
const PAGED = PROVIDER_DEFINITIONS.filter((d) => d.capabilities.count !== "FETCHED_SET");
/** Their provider ids, as their demo entries name them. */
const PROVIDERS = await Promise.all(PAGED.map(async (d) => (await d.demo()).id));
const NEWEST: SortKey = { field: "CREATED_AT", direction: "DESC" };

const emulators = new Map<string, StartedEmulator>();
const connectors = new Map<string, Connector>();

beforeAll(async () => {
  for (const emulator of await startEmulators({ kinds: PAGED.map((d) => d.configKind), size: 120 })) emulators.set(emulator.id, emulator);
  const config = parseConfig(
    JSON.stringify({
      server: { host: "127.0.0.1", port: 0 },
      clients: [{ name: "test", key: "sparse-list-test-key-0123456789", scopes: ["orders:read"] }],
      providers: [...emulators.values()].map((e) => testEntry(e)),
    }),
    {},
  );
  for (const connector of createConnectors(config)) connectors.set(connector.id, connector);
});

afterAll(async () => {
  await Promise.all([...connectors.values()].map((c) => c.close()));
  await Promise.all([...emulators.values()].map((e) => e.close()));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const connector = (id: string) => connectors.get(id) as Connector;

/** "answered", or the code of the upstream error a read failed with. */
const outcomeOf = (read: Promise<unknown>): Promise<string> =>
  read.then(
    () => "answered",
    (error: unknown) => (error instanceof UpstreamError ? error.code : String(error)),
  );

/** The rows of a list answer: the body itself, or its array member (`orders`, `results`). */
const rowsOf = (body: unknown): unknown[] =>
  Array.isArray(body) ? body : ((Object.values(body as object).find(Array.isArray) as unknown[] | undefined) ?? []);
const emulator = (id: string) => emulators.get(id) as StartedEmulator;

describe.each(PROVIDERS)("%s: a sparse list read", (id) => {
  it.each([
    [0, 51],
    [37, 20],
    [100, 51],
  ])("gives what a whole read gives, row for row (offset %i, limit %i)", async (offset, limit) => {
    const request: ListRequest = { filter: {}, sort: NEWEST, offset, limit };
    const sent = vi.spyOn(ProviderHttpClient.prototype, "request");
    const whole = await connector(id).list(request, standaloneCall());
    const wholeCalls = sent.mock.calls.length;
    const sparse = await connector(id).list({ ...request, sparse: true }, standaloneCall());
    // The whole read parses its answers; the sparse one asks for the rows as texts, and gets texts.
    const asText = sent.mock.calls.map(([, upstream]) => upstream.rowsAsText === true);
    expect(asText.slice(0, wholeCalls).every((text) => !text)).toBe(true);
    expect(asText.slice(wholeCalls).filter(Boolean).length).toBeGreaterThan(0);
    for (const [i, text] of asText.entries()) {
      // (emnify's sign-in call, which has no rows, is among them.)
      const answer = await (sent.mock.results[i]?.value as ReturnType<ProviderHttpClient["request"]>);
      const rows = rowsOf(answer.body);
      if (text) expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => typeof row === (text ? "string" : "object"))).toBe(true);
    }
    expect(sparse.lazy).toBeDefined();
    expect(sparse.total).toBe(whole.total);
    expect(sparse.end).toBe(whole.end);
    // Read from the end first: each row decodes on its own, in any order.
    const lazy = sparse.lazy as NonNullable<typeof sparse.lazy>;
    expect(lazy.length).toBe(whole.rows.length);
    for (let i = lazy.length - 1; i >= 0; i--) expect(lazy.at(i)).toEqual(whole.rows[i]);
    expect(sparse.rows).toEqual(whole.rows);
    expect(whole.rows.length).toBeGreaterThan(0);
    expect(whole.rows.every((row) => !row.malformed)).toBe(true);
  });

  it.each([
    ["a body cut short", { malformedJson: true as const }],
    ["valid JSON of the wrong shape", { wrongShape: true as const }],
  ])("refuses %s, as a whole read does", async (_what, fault) => {
    const server = emulator(id).server;
    server.faults = fault;
    try {
      const read = (sparse: boolean) => connector(id).list({ filter: {}, sort: NEWEST, offset: 3, limit: 11, sparse }, standaloneCall());
      expect(await outcomeOf(read(true))).toBe("UPSTREAM_INVALID_RESPONSE");
      expect(await outcomeOf(read(false))).toBe("UPSTREAM_INVALID_RESPONSE");
    } finally {
      server.faults = {};
    }
  });
});

describe("a row whose own JSON is damaged, in an answer whose frame is sound", () => {
  it("is a malformed row of a sparse read, while a whole read refuses the answer", async () => {
    // Three real CS-Cart rows; the second one's first colon doubled: its brackets and quotes still balance.
    const cscart = emulator("shop-cscart");
    const { email, apiKey } = cscart.credentials as { email: string; apiKey: string };
    const real = await fetch(`${cscart.url}/orders?items_per_page=3&page=1&sort_by=date&sort_order=desc`, {
      headers: { authorization: `Basic ${Buffer.from(`${email}:${apiKey}`).toString("base64")}` },
    });
    const rows = ((await real.json()) as { orders: unknown[] }).orders.map((row) => JSON.stringify(row));
    expect(rows).toHaveLength(3);
    const damaged = (rows[1] as string).replace(":", "::");
    const body = `{"orders":[${rows[0]},${damaged},${rows[2]}],"params":{"total_items":3}}`;
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const [damagedShop] = createConnectors(
      parseConfig(
        JSON.stringify({
          server: { host: "127.0.0.1", port: 0 },
          clients: [{ name: "test", key: "sparse-list-test-key-0123456789", scopes: ["orders:read"] }],
          providers: [{ ...cscart.entry, baseUrl: `http://127.0.0.1:${port}/api` }],
        }),
        {},
      ),
    ) as [Connector];
    try {
      const request: ListRequest = { filter: {}, sort: NEWEST, offset: 0, limit: 3 };
      const sparse = await damagedShop.list({ ...request, sparse: true }, standaloneCall());
      expect(sparse.rows.map((row) => row.malformed !== undefined)).toEqual([false, true, false]);
      expect((sparse.rows[1]?.malformed as UpstreamError | undefined)?.code).toBe("UPSTREAM_INVALID_RESPONSE");
      expect(await outcomeOf(damagedShop.list(request, standaloneCall()))).toBe("UPSTREAM_INVALID_RESPONSE");
    } finally {
      await damagedShop.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
