/** The ActivePlatform emulator as a demo provider, with the config entry that points ordergraph at it. */
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "../../emulators/activeplatform/activeplatform.emulator.ts";
import type { EmulatorStarter } from "./demo-providers.ts";

/** Starts the ActivePlatform emulator (seeded data) as the demo provider `billing-activeplatform`. */
export const activeplatformDemoEmulator: EmulatorStarter = async ({ host, port, size }) => {
  const emulator = await startActivePlatformEmulator({ host, port, size });
  const credentials = { apiToken: ACTIVEPLATFORM_DEFAULT_TOKEN };
  return {
    id: "billing-activeplatform",
    kind: "activeplatform",
    url: emulator.url,
    credentials,
    entry: {
      id: "billing-activeplatform",
      kind: "activeplatform",
      name: "ActivePlatform demo billing",
      baseUrl: emulator.url,
      currency: "RUB",
      timeZone: "Europe/Moscow",
      // The emulator's accounts print their timestamps in Moscow time or in UTC.
      accountUtcOffsets: ["+03:00", "+00:00"],
      credentials,
    },
    server: emulator,
    close: () => emulator.close(),
  };
};
