/**
 * What one list page costs to read, per provider, apart from HTTP and GraphQL:
 * JSON.parse of the body, validation of each row (the zod schemas) and mapping
 * to the unified model. The page is the one `orders(first: 50)` asks each
 * provider for (51 rows, newest first), as the bench's emulators answer it.
 * This is most of what a merged query adds over a single-provider one
 * (BENCHMARKS.md, sixth round).
 *
 *   node bench/decode-bench.ts [--rounds=7] [--iterations=400]
 *
 * Prints µs per page for each step: the best of `rounds` timed runs of
 * `iterations` pages each, after a warm-up, in one process.
 */
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/load-config.ts";
import { activePlatformToOrder } from "../src/providers/activeplatform/activeplatform.mapper.ts";
import { activePlatformOrderSchema } from "../src/providers/activeplatform/activeplatform.schemas.ts";
import type { Connector } from "../src/providers/core/connector.ts";
import { csCartRowToOrder } from "../src/providers/cscart/cscart.mapper.ts";
import { csCartListRowSchema } from "../src/providers/cscart/cscart.schemas.ts";
import { djangoShopToOrder } from "../src/providers/djangoshop/djangoshop.mapper.ts";
import { djangoShopOrderSchema } from "../src/providers/djangoshop/djangoshop.schemas.ts";
import { emnifyToOrder } from "../src/providers/emnify/emnify.mapper.ts";
import { emnifyOrderSchema } from "../src/providers/emnify/emnify.schemas.ts";
import { createConnectors } from "../src/providers/registry.ts";
import { type BenchEmulator, startBenchEmulator } from "./bench-emulators.ts";

const { values: flags } = parseArgs({ options: { rounds: { type: "string" }, iterations: { type: "string" } } });
const ROUNDS = Number(flags.rounds ?? 7);
const ITERATIONS = Number(flags.iterations ?? 400);
const PAGE = 51;

interface Reader {
  id: string;
  /** The list call ordergraph makes for the newest PAGE orders (path, query and auth). */
  url(emulator: BenchEmulator): Promise<{ url: string; headers: Record<string, string> }>;
  /** The rows of a parsed body. */
  rows(body: unknown): unknown[];
  validate(row: unknown): unknown;
  /** Maps a validated row with the connector's own map context. */
  map(row: unknown, context: unknown): unknown;
}

const basic = (e: BenchEmulator) => `Basic ${Buffer.from(`${e.credentials["email"]}:${e.credentials["apiKey"]}`).toString("base64")}`;

const READERS: Reader[] = [
  {
    id: "sims-emnify",
    async url(e) {
      const login = await fetch(`${e.baseUrl}/api/v1/authenticate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ application_token: e.credentials["applicationToken"] }),
      });
      const { auth_token: token } = (await login.json()) as { auth_token: string };
      return {
        url: `${e.baseUrl}/api/v1/shop/order?sort=-submit_date&page=1&per_page=${PAGE}`,
        headers: { authorization: `Bearer ${token}` },
      };
    },
    rows: (body) => body as unknown[],
    validate: (row) => emnifyOrderSchema.parse(row),
    map: (row, context) => emnifyToOrder(row as never, context as never),
  },
  {
    id: "shop-cscart",
    url: async (e) => ({
      url: `${e.baseUrl}/orders?sort_by=date&sort_order=desc&page=1&items_per_page=${PAGE}`,
      headers: { authorization: basic(e) },
    }),
    rows: (body) => (body as { orders: unknown[] }).orders,
    validate: (row) => csCartListRowSchema.parse(row),
    map: (row, context) => csCartRowToOrder(row as never, context as never),
  },
  {
    id: "billing-activeplatform",
    url: async (e) => ({
      url: `${e.baseUrl}/api/vendor/v1/orders.json?sorting[field]=created_at&sorting[reversed]=true&page=1&per_page=${PAGE}&api_token=${e.credentials["apiToken"]}`,
      headers: {},
    }),
    rows: (body) => body as unknown[],
    validate: (row) => activePlatformOrderSchema.parse(row),
    map: (row, context) => activePlatformToOrder(row as never, context as never),
  },
  {
    id: "shop-djangoshop",
    url: async (e) => ({
      url: `${e.baseUrl}/orders/?limit=${PAGE}&offset=0`,
      headers: { authorization: `Token ${e.credentials["token"]}` },
    }),
    rows: (body) => (body as { results: unknown[] }).results,
    validate: (row) => djangoShopOrderSchema.parse(row),
    map: (row, context) => djangoShopToOrder(row as never, context as never),
  },
];

/** µs per call of `run`: the best of ROUNDS timed runs, after a warm-up. */
function timed(run: () => unknown): number {
  for (let i = 0; i < ITERATIONS / 2; i++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < ITERATIONS; i++) run();
    best = Math.min(best, ((performance.now() - started) * 1000) / ITERATIONS);
  }
  return best;
}

const emulators = await Promise.all(READERS.map((r) => startBenchEmulator(r.id, { size: 300, archiveSize: 0 })));
try {
  const config = parseConfig(
    JSON.stringify({
      server: { host: "127.0.0.1", port: 0 },
      clients: [{ name: "bench", key: "bench-decode-key-0123456789", scopes: ["orders:read"] }],
      providers: emulators.map((e) => e.entry),
    }),
    {},
  );
  const connectors = new Map<string, Connector>(createConnectors(config).map((c) => [c.id, c]));
  const table: string[] = [
    `One list page of ${PAGE} orders, µs (best of ${ROUNDS} × ${ITERATIONS}; Node ${process.version})`,
    "",
    "| provider | body KB | JSON.parse | validate | map | total |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [i, reader] of READERS.entries()) {
    const emulator = emulators[i] as BenchEmulator;
    const { url, headers } = await reader.url(emulator);
    const response = await fetch(url, { headers });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${reader.id}: HTTP ${response.status}`);
    // The connector's own map context (currency, zone, amounts), as its list reads use it.
    const context = (connectors.get(reader.id) as unknown as { mapContext: unknown }).mapContext;
    const rows = reader.rows(JSON.parse(text));
    if (rows.length !== PAGE) throw new Error(`${reader.id}: ${rows.length} rows, expected ${PAGE}`);
    const valid = rows.map((row) => reader.validate(row));
    const parse = timed(() => JSON.parse(text));
    const validate = timed(() => rows.map((row) => reader.validate(row)));
    const map = timed(() => valid.map((row) => reader.map(row, context)));
    const total = parse + validate + map;
    const cells = [(text.length / 1024).toFixed(0), parse, validate, map, total].map((v) => (typeof v === "number" ? v.toFixed(0) : v));
    table.push(`| ${reader.id} | ${cells.join(" | ")} |`);
  }
  console.log(table.join("\n"));
} finally {
  await Promise.all(emulators.map((e) => e.server.close()));
}
