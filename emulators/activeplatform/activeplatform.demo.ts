/** The ActivePlatform emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "./activeplatform.emulator.ts";

/** Starts the ActivePlatform emulator (seeded data) as the demo provider `billing-activeplatform`. */
export const activePlatformDemo: DemoEntry = {
  id: "billing-activeplatform",
  async start({ host, port, size, seed }) {
    const server = await startActivePlatformEmulator({ host, port, size, seed });
    return {
      server,
      baseUrl: server.url,
      credentials: { apiToken: ACTIVEPLATFORM_DEFAULT_TOKEN },
      settings: {
        name: "ActivePlatform demo billing",
        currency: "RUB",
        timeZone: "Europe/Moscow",
        // The emulator's accounts print their timestamps in Moscow time or in UTC.
        accountUtcOffsets: ["+03:00", "+00:00"],
      },
    };
  },
};
