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
 * `iterations` pages each, after a warm-up, in one process. The last three
 * columns read the page as list calls do (rows kept as their JSON texts,
 * see json-stream.ts): the walk of the body alone, then the walk and every
 * row parsed (what a single-provider page reads), then the walk and the
 * first 11 rows parsed (what a merged page of 50 over five providers reads).
 */
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/load-config.ts";
import { activePlatformToOrder } from "../src/providers/activeplatform/activeplatform.mapper.ts";
import { activePlatformOrderSchema } from "../src/providers/activeplatform/activeplatform.schemas.ts";
import type { Connector } from "../src/providers/core/connector.ts";
import { JsonStreamDecoder } from "../src/providers/core/json-stream.ts";
import { csCartRowToOrder } from "../src/providers/cscart/cscart.mapper.ts";
import { csCartListRowSchema } from "../src/providers/cscart/cscart.schemas.ts";
import { djangoShopToOrder } from "../src/providers/djangoshop/djangoshop.mapper.ts";
import { djangoShopOrderSchema } from "../src/providers/djangoshop/djangoshop.schemas.ts";
import { emnifyToOrder } from "../src/providers/emnify/emnify.mapper.ts";
import { emnifyOrderSchema } from "../src/providers/emnify/emnify.schemas.ts";
import { createConnectors } from "../src/providers/registry.ts";
import { type BenchEmulator, startBenchEmulator } from "./bench-emulators.ts";
import { newestListCall, providerAuth } from "./provider-calls.ts";

const { values: flags } = parseArgs({ options: { rounds: { type: "string" }, iterations: { type: "string" } } });
const ROUNDS = Number(flags.rounds ?? 7);
const ITERATIONS = Number(flags.iterations ?? 400);
const PAGE = 51;

interface Reader {
  id: string;
  /** The rows of a parsed body. */
  rows(body: unknown): unknown[];
  validate(row: unknown): unknown;
  /** Maps a validated row with the connector's own map context. */
  map(row: unknown, context: unknown): unknown;
}

const READERS: Reader[] = [
  {
    id: "sims-emnify",
    rows: (body) => body as unknown[],
    validate: (row) => emnifyOrderSchema.parse(row),
    map: (row, context) => emnifyToOrder(row as never, context as never),
  },
  {
    id: "shop-cscart",
    rows: (body) => (body as { orders: unknown[] }).orders,
    validate: (row) => csCartListRowSchema.parse(row),
    map: (row, context) => csCartRowToOrder(row as never, context as never),
  },
  {
    id: "billing-activeplatform",
    rows: (body) => body as unknown[],
    validate: (row) => activePlatformOrderSchema.parse(row),
    map: (row, context) => activePlatformToOrder(row as never, context as never),
  },
  {
    id: "shop-djangoshop",
    rows: (body) => (body as { results: unknown[] }).results,
    validate: (row) => djangoShopOrderSchema.parse(row),
    map: (row, context) => djangoShopToOrder(row as never, context as never),
  },
];

/** The body of a provider's newest-PAGE list call, as ordergraph's list read gets it. */
async function newestPage(emulator: BenchEmulator): Promise<string> {
  const auth = await providerAuth(emulator);
  const call = newestListCall(emulator.id, PAGE);
  const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(call.params).map(([k, v]) => [k, String(v)])), ...auth.query });
  const response = await fetch(`${emulator.baseUrl}${call.path}?${query}`, { headers: auth.headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${emulator.id}: HTTP ${response.status}`);
  return text;
}

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
    "| provider | body KB | JSON.parse | validate | map | total | texts: walk | walk + parse all | walk + parse 11 |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [i, reader] of READERS.entries()) {
    const emulator = emulators[i] as BenchEmulator;
    const text = await newestPage(emulator);
    // The connector's own map context (currency, zone, amounts), as its list reads use it.
    const context = (connectors.get(reader.id) as unknown as { mapContext: unknown }).mapContext;
    const rows = reader.rows(JSON.parse(text));
    if (rows.length !== PAGE) throw new Error(`${reader.id}: ${rows.length} rows, expected ${PAGE}`);
    const valid = rows.map((row) => reader.validate(row));
    const parse = timed(() => JSON.parse(text));
    const validate = timed(() => rows.map((row) => reader.validate(row)));
    const map = timed(() => valid.map((row) => reader.map(row, context)));
    const total = parse + validate + map;
    const bytes = Buffer.from(text);
    const texts = (): string[] => {
      const decoder = new JsonStreamDecoder({ rowsAsText: true });
      decoder.write(bytes);
      return reader.rows(decoder.end()) as string[];
    };
    const walk = timed(texts);
    const walkAll = timed(() => texts().map((row) => JSON.parse(row)));
    const walkSome = timed(() =>
      texts()
        .slice(0, 11)
        .map((row) => JSON.parse(row)),
    );
    const cells = [(text.length / 1024).toFixed(0), parse, validate, map, total, walk, walkAll, walkSome].map((v) =>
      typeof v === "number" ? v.toFixed(0) : v,
    );
    table.push(`| ${reader.id} | ${cells.join(" | ")} |`);
  }
  console.log(table.join("\n"));
} finally {
  await Promise.all(emulators.map((e) => e.server.close()));
}
