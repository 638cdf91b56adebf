/** The Iteras emulator as a demo provider, with the config entry that points ordergraph at it. */
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import type { EmulatorStarter } from "./demo-providers.ts";

/** Starts the Iteras emulator (seeded data) as the demo provider `news-iteras`. */
export const iterasDemoEmulator: EmulatorStarter = async ({ host, port, size }) => {
  const emulator = await startIterasEmulator({ host, port, size });
  const credentials = { apiKey: ITERAS_DEFAULT_API_KEY };
  return {
    id: "news-iteras",
    kind: "iteras",
    url: `${emulator.url}/api`,
    credentials,
    entry: {
      id: "news-iteras",
      kind: "iteras",
      name: "Iteras demo publisher",
      baseUrl: `${emulator.url}/api`,
      // Iteras' data has no currency: the account's is configured.
      currency: "DKK",
      timeZone: "Europe/Copenhagen",
      credentials,
    },
    server: emulator,
    close: () => emulator.close(),
  };
};
