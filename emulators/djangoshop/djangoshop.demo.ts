/** The djangoshop emulator as a demo provider, with the config entry that points ordergraph at it. */
import type { DemoEntry } from "../../src/demo/demo-entry.ts";
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "./djangoshop.emulator.ts";

/** Starts the djangoshop emulator (EUR, two decimals) as the demo provider `shop-djangoshop`. */
export const djangoShopDemo: DemoEntry = {
  id: "shop-djangoshop",
  async start({ host, port, size, seed }) {
    const server = await startDjangoShopEmulator({ host, port, size, seed });
    return {
      server,
      baseUrl: `${server.url}/api`,
      credentials: { token: DJANGOSHOP_DEFAULT_TOKEN },
      settings: { name: "Django shop demo", currency: "EUR", currencyExponent: 2, timeZone: "UTC" },
    };
  },
};
