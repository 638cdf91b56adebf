/** The Iteras emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "./iteras.emulator.ts";

/** Starts the Iteras emulator (seeded data) as the demo provider `news-iteras`. */
export const iterasDemo: DemoEntry = {
  id: "news-iteras",
  async start({ host, port, size, seed }) {
    const server = await startIterasEmulator({ host, port, size, seed });
    return {
      server,
      baseUrl: `${server.url}/api`,
      credentials: { apiKey: ITERAS_DEFAULT_API_KEY },
      settings: {
        name: "Iteras demo publisher",
        // Iteras' data has no currency: the account's is configured.
        currency: "DKK",
        timeZone: "Europe/Copenhagen",
      },
    };
  },
  // Iteras has no paging: the connector keeps a fetched set for further pages unless told not to.
  uncached: { setCacheTtlMs: 0 },
};
