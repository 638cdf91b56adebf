/** The emnify emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "./emnify.emulator.ts";

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
      },
    };
  },
};
