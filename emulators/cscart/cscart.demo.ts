/** The CS-Cart emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "./cscart.emulator.ts";

/** Starts the CS-Cart emulator (seeded data) as the demo provider `shop-cscart`. */
export const csCartDemo: DemoEntry = {
  id: "shop-cscart",
  async start({ host, port, size, seed }) {
    const server = await startCsCartEmulator({ host, port, size, seed });
    return {
      server,
      baseUrl: `${server.url}/api`,
      credentials: { ...CSCART_DEFAULT_CREDENTIALS },
      settings: { name: "CS-Cart demo store", currency: "EUR", timeZone: "Europe/Berlin" },
    };
  },
};
