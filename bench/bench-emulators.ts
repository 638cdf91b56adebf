/**
 * The five provider emulators as the benchmark uses them: the same config
 * entries and credentials as the demo (src/demo), but with the running server
 * kept at hand, so the bench can set latency and count requests.
 */
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "../emulators/activeplatform/activeplatform.emulator.ts";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../emulators/cscart/cscart.emulator.ts";
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "../emulators/djangoshop/djangoshop.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../emulators/emnify/emnify.emulator.ts";
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../emulators/iteras/iteras.emulator.ts";
import type { RunningServer } from "../emulators/shared/emulator-http.ts";

/** One emulator in the bench: its provider entry, its credentials and its server. */
export interface BenchEmulator {
  id: string;
  kind: string;
  /** The emulator's root URL (where /openapi.json is served). */
  root: string;
  /** The provider API base URL, as in the config entry. */
  baseUrl: string;
  credentials: Record<string, string>;
  /** The provider entry of an ordergraph config. */
  entry: Record<string, unknown>;
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

/** Starts the five emulators and the Iteras archive on free ports of 127.0.0.1. */
export async function startBenchEmulators(sizes: BenchSizes): Promise<BenchEmulator[]> {
  const host = "127.0.0.1";
  const started: BenchEmulator[] = [];
  try {
    const iteras = await startIterasEmulator({ host, port: 0, size: sizes.size });
    started.push(
      described(
        "news-iteras",
        "iteras",
        iteras,
        `${iteras.url}/api`,
        { apiKey: ITERAS_DEFAULT_API_KEY },
        { currency: "DKK", timeZone: "Europe/Copenhagen" },
      ),
    );
    const emnify = await startEmnifyEmulator({ host, port: 0, size: sizes.size });
    // An application token: one login per process, as a server-side integration would do.
    started.push(
      described(
        "sims-emnify",
        "emnify",
        emnify,
        emnify.url,
        { applicationToken: EMNIFY_DEFAULT_CREDENTIALS.applicationToken },
        // The emulator enforces no rate limit here; ordergraph's default budget (emnify's documented
        // 100 calls per 5 minutes) would stall a load test after its first second.
        { currency: "EUR", resilience: { rateLimit: { calls: 1_000_000, perMs: 1000 } } },
      ),
    );
    const cscart = await startCsCartEmulator({ host, port: 0, size: sizes.size });
    started.push(
      described(
        "shop-cscart",
        "cscart",
        cscart,
        `${cscart.url}/api`,
        { ...CSCART_DEFAULT_CREDENTIALS },
        { currency: "EUR", timeZone: "Europe/Berlin" },
      ),
    );
    const ap = await startActivePlatformEmulator({ host, port: 0, size: sizes.size });
    started.push(
      described(
        "billing-activeplatform",
        "activeplatform",
        ap,
        ap.url,
        { apiToken: ACTIVEPLATFORM_DEFAULT_TOKEN },
        { currency: "RUB", timeZone: "Europe/Moscow", accountUtcOffsets: ["+03:00", "+00:00"] },
      ),
    );
    const shop = await startDjangoShopEmulator({ host, port: 0, size: sizes.size });
    started.push(
      described(
        "shop-djangoshop",
        "djangoshop",
        shop,
        `${shop.url}/api`,
        { token: DJANGOSHOP_DEFAULT_TOKEN },
        { currency: "EUR", currencyExponent: 2 },
      ),
    );
    // Its own account, so the big set never slows the scenarios that merge providers.
    const archive = await startIterasEmulator({ host, port: 0, size: sizes.archiveSize, seed: 2 });
    started.push(
      described(
        "news-iteras-archive",
        "iteras",
        archive,
        `${archive.url}/api`,
        { apiKey: ITERAS_DEFAULT_API_KEY },
        { currency: "DKK", timeZone: "Europe/Copenhagen" },
      ),
    );
  } catch (error) {
    await Promise.all(started.map((e) => e.server.close()));
    throw error;
  }
  return started;
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
