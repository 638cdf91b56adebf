/** The emnify emulator as a demo provider, with the config entry that points ordergraph at it. */
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import type { EmulatorStarter } from "./demo-providers.ts";

/**
 * The demo's rate budget for emnify: emnify's own 100 calls per 5 minutes
 * (ordergraph's default for an emnify entry, see emnify.definition.ts) would
 * let a newcomer page through about 50 small pages before every page lacks
 * emnify's orders; the emulator enforces no limit, so the demo allows a walk
 * at any page size, several times over.
 */
export const EMNIFY_DEMO_RATE_BUDGET = { calls: 100_000, perMs: 300_000 } as const;

/** Starts the emnify emulator (seeded data) as the demo provider `sims-emnify`, logging in with a user. */
export const emnifyDemoEmulator: EmulatorStarter = async ({ host, port, size }) => {
  const emulator = await startEmnifyEmulator({ host, port, size });
  // A username login, so the demo also shows the refresh-token path.
  const credentials = { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password };
  return {
    id: "sims-emnify",
    kind: "emnify",
    url: emulator.url,
    credentials,
    entry: {
      id: "sims-emnify",
      kind: "emnify",
      name: "emnify demo SIM orders",
      baseUrl: emulator.url,
      // Orders carry their own currency; this is only the fallback for one without.
      currency: "EUR",
      timeZone: "UTC",
      credentials,
      resilience: { rateLimit: { ...EMNIFY_DEMO_RATE_BUDGET } },
    },
    server: emulator,
    close: () => emulator.close(),
  };
};
