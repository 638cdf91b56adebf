/**
 * The provider emulators as the benchmark uses them: every registered
 * provider's demo entry (src/providers/registry.ts, emulators/<kind>/<kind>.demo.ts),
 * with the running server kept at hand so the bench can set latency and count
 * requests, plus a second Iteras account for the paging scenario. Each one
 * runs in a process of its own (bench/emulator-process.ts, started by
 * bench/emulator-fleet.ts), as separate provider services would.
 */
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../emulators/iteras/iteras.emulator.ts";
import type { RunningServer } from "../emulators/shared/emulator-http.ts";
import { startDemoEmulator } from "../src/demo/demo-providers.ts";
import type { ProviderDefinition } from "../src/providers/core/provider-definition.ts";
import { PROVIDER_DEFINITIONS } from "../src/providers/registry.ts";

/** One emulator as the runner and the baselines see it: its provider entry and credentials. */
export interface DescribedEmulator {
  id: string;
  kind: string;
  /** The emulator's root URL (where /openapi.json is served). */
  root: string;
  /** The provider API base URL, as in the config entry. */
  baseUrl: string;
  credentials: Record<string, string>;
  /** The provider entry of an ordergraph config. */
  entry: Record<string, unknown>;
}

/** One emulator in the bench: its description and its server. */
export interface BenchEmulator extends DescribedEmulator {
  server: RunningServer;
}

/** Data sizes of the emulators. */
export interface BenchSizes {
  /** Orders of every emulator except Iteras. */
  size: number;
  /** Orders of a second Iteras emulator, `news-iteras-archive`, that only the paging scenario reads (10,000+). */
  archiveSize: number;
}

const host = "127.0.0.1";

/**
 * A rate budget no load test reaches, for providers whose entry has one by
 * default (emnify's documented 100 calls per 5 minutes would stall a load test
 * after its first second); the emulators enforce none.
 */
const UNLIMITED_RATE = { rateLimit: { calls: 1_000_000, perMs: 1000 } };

/** The registered providers' demo entries, by provider id, in the registry's order. */
const DEMOS = new Map(
  await Promise.all(PROVIDER_DEFINITIONS.map(async (definition) => [(await definition.demo()).id, definition] as const)),
);

/** The providers every scenario but the paging one uses: each registered provider, by its demo id. */
export const BENCH_PROVIDERS: readonly string[] = [...DEMOS.keys()];

/** A registered provider's emulator with its demo entry, the rate budget lifted where the kind has one by default. */
async function providerEmulator(definition: ProviderDefinition, sizes: BenchSizes): Promise<BenchEmulator> {
  const started = await startDemoEmulator(definition, { host, port: 0, size: sizes.size });
  const budgeted = definition.schema.parse(started.entry).resilience.rateLimit !== undefined;
  return described(started.id, started.kind, started.server, started.url, started.credentials, {
    ...started.entry,
    ...(budgeted ? { resilience: UNLIMITED_RATE } : {}),
  });
}

/** The paging scenario's Iteras account: its own, so the big set never slows the scenarios that merge providers. */
const ARCHIVE = "news-iteras-archive";

async function archiveEmulator(sizes: BenchSizes): Promise<BenchEmulator> {
  const server = await startIterasEmulator({ host, port: 0, size: sizes.archiveSize, seed: 2 });
  return described(
    ARCHIVE,
    "iteras",
    server,
    `${server.url}/api`,
    { apiKey: ITERAS_DEFAULT_API_KEY },
    { currency: "DKK", timeZone: "Europe/Copenhagen" },
  );
}

/** Every emulator of the bench: the registered providers, then the Iteras archive, in config order. */
export const BENCH_EMULATOR_IDS: readonly string[] = [...BENCH_PROVIDERS, ARCHIVE];

/** Starts one emulator, by provider id, on a free port of 127.0.0.1. */
export async function startBenchEmulator(id: string, sizes: BenchSizes): Promise<BenchEmulator> {
  if (id === ARCHIVE) return archiveEmulator(sizes);
  const definition = DEMOS.get(id);
  if (!definition) throw new Error(`no bench emulator ${id} (known: ${BENCH_EMULATOR_IDS.join(", ")})`);
  return providerEmulator(definition, sizes);
}

function described(
  id: string,
  kind: string,
  server: RunningServer,
  baseUrl: string,
  credentials: Record<string, string>,
  extra: Record<string, unknown>,
): BenchEmulator {
  return {
    id,
    kind,
    root: server.url,
    baseUrl,
    credentials,
    entry: { id, kind, name: id, baseUrl, credentials, ...extra },
    server,
  };
}
