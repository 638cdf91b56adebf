/** The emnify emulator as a demo provider, with the config entry that points ordergraph at it. */
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import type { EmulatorStarter } from "./demo-providers.ts";

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
    },
    server: emulator,
    close: () => emulator.close(),
  };
};
