/**
 * The five provider emulators as the benchmark uses them: the same config
 * entries and credentials as the demo (src/demo), but with the running server
 * kept at hand, so the bench can set latency and count requests. Each one runs
 * in a process of its own (bench/emulator-process.ts, started by
 * bench/emulator-fleet.ts), as separate provider services would.
 */
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "../emulators/activeplatform/activeplatform.emulator.ts";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../emulators/cscart/cscart.emulator.ts";
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "../emulators/djangoshop/djangoshop.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../emulators/emnify/emnify.emulator.ts";
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../emulators/iteras/iteras.emulator.ts";
import type { RunningServer } from "../emulators/shared/emulator-http.ts";

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

/** The five providers every scenario but the paging one uses. */
export const BENCH_PROVIDERS = ["news-iteras", "sims-emnify", "shop-cscart", "billing-activeplatform", "shop-djangoshop"] as const;

const host = "127.0.0.1";

/** How to start each emulator of the bench, by provider id, in the order of the config's providers. */
const EMULATORS: Record<string, (sizes: BenchSizes) => Promise<BenchEmulator>> = {
  "news-iteras": async (sizes) => {
    const server = await startIterasEmulator({ host, port: 0, size: sizes.size });
    return described(
      "news-iteras",
      "iteras",
      server,
      `${server.url}/api`,
      { apiKey: ITERAS_DEFAULT_API_KEY },
      { currency: "DKK", timeZone: "Europe/Copenhagen" },
    );
  },
  "sims-emnify": async (sizes) => {
    const server = await startEmnifyEmulator({ host, port: 0, size: sizes.size });
    // An application token: one login per process, as a server-side integration would do.
    return described(
      "sims-emnify",
      "emnify",
      server,
      server.url,
      { applicationToken: EMNIFY_DEFAULT_CREDENTIALS.applicationToken },
      // The emulator enforces no rate limit here; ordergraph's default budget (emnify's documented
      // 100 calls per 5 minutes) would stall a load test after its first second.
      { currency: "EUR", resilience: { rateLimit: { calls: 1_000_000, perMs: 1000 } } },
    );
  },
  "shop-cscart": async (sizes) => {
    const server = await startCsCartEmulator({ host, port: 0, size: sizes.size });
    return described(
      "shop-cscart",
      "cscart",
      server,
      `${server.url}/api`,
      { ...CSCART_DEFAULT_CREDENTIALS },
      { currency: "EUR", timeZone: "Europe/Berlin" },
    );
  },
  "billing-activeplatform": async (sizes) => {
    const server = await startActivePlatformEmulator({ host, port: 0, size: sizes.size });
    return described(
      "billing-activeplatform",
      "activeplatform",
      server,
      server.url,
      { apiToken: ACTIVEPLATFORM_DEFAULT_TOKEN },
      { currency: "RUB", timeZone: "Europe/Moscow", accountUtcOffsets: ["+03:00", "+00:00"] },
    );
  },
  "shop-djangoshop": async (sizes) => {
    const server = await startDjangoShopEmulator({ host, port: 0, size: sizes.size });
    return described(
      "shop-djangoshop",
      "djangoshop",
      server,
      `${server.url}/api`,
      { token: DJANGOSHOP_DEFAULT_TOKEN },
      { currency: "EUR", currencyExponent: 2 },
    );
  },
  // Its own account, so the big set never slows the scenarios that merge providers.
  "news-iteras-archive": async (sizes) => {
    const server = await startIterasEmulator({ host, port: 0, size: sizes.archiveSize, seed: 2 });
    return described(
      "news-iteras-archive",
      "iteras",
      server,
      `${server.url}/api`,
      { apiKey: ITERAS_DEFAULT_API_KEY },
      { currency: "DKK", timeZone: "Europe/Copenhagen" },
    );
  },
};

/** Every emulator of the bench: the five providers and the Iteras archive, in config order. */
export const BENCH_EMULATOR_IDS = Object.keys(EMULATORS);

/** Starts one emulator, by provider id, on a free port of 127.0.0.1. */
export async function startBenchEmulator(id: string, sizes: BenchSizes): Promise<BenchEmulator> {
  const start = EMULATORS[id];
  if (!start) throw new Error(`no bench emulator ${id} (known: ${BENCH_EMULATOR_IDS.join(", ")})`);
  return start(sizes);
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
