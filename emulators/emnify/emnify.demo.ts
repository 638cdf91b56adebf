/** The emnify emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "./emnify.emulator.ts";

/**
 * The demo's rate budget for emnify: emnify's own 100 calls per 5 minutes
 * (ordergraph's default for an emnify entry, see emnify.definition.ts) would
 * let a newcomer page through about 50 small pages before every page lacks
 * emnify's orders; the emulator enforces no limit, so the demo allows a walk
 * at any page size, several times over.
 */
export const EMNIFY_DEMO_RATE_BUDGET = { calls: 100_000, perMs: 300_000 } as const;

/** Starts the emnify emulator (seeded data) as the demo provider `sims-emnify`, logging in with a user. */
export const emnifyDemo: DemoEntry = {
  id: "sims-emnify",
  async start({ host, port, size, seed }) {
    const server = await startEmnifyEmulator({ host, port, size, seed });
    return {
      server,
      baseUrl: server.url,
      // A username login, so the demo also shows the refresh-token path.
      credentials: { username: EMNIFY_DEFAULT_CREDENTIALS.username, password: EMNIFY_DEFAULT_CREDENTIALS.password },
      settings: {
        name: "emnify demo SIM orders",
        // Orders carry their own currency; this is only the fallback for one without.
        currency: "EUR",
        timeZone: "UTC",
        resilience: { rateLimit: { ...EMNIFY_DEMO_RATE_BUDGET } },
      },
    };
  },
};
