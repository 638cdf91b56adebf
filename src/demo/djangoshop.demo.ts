/** The djangoshop emulator as a demo provider, with the config entry that points ordergraph at it. */
import { DJANGOSHOP_DEFAULT_TOKEN, startDjangoShopEmulator } from "../../emulators/djangoshop/djangoshop.emulator.ts";
import type { EmulatorStarter } from "./demo-providers.ts";

/** Starts the djangoshop emulator (EUR, two decimals) and describes its provider entry. */
export const djangoshopDemoEmulator: EmulatorStarter = async ({ host, port, size }) => {
  const emulator = await startDjangoShopEmulator({ host, port, size });
  const credentials = { token: DJANGOSHOP_DEFAULT_TOKEN };
  const baseUrl = `${emulator.url}/api`;
  return {
    id: "shop-djangoshop",
    kind: "djangoshop",
    url: baseUrl,
    credentials,
    entry: {
      id: "shop-djangoshop",
      kind: "djangoshop",
      name: "Django shop demo",
      baseUrl,
      currency: "EUR",
      currencyExponent: 2,
      timeZone: "UTC",
      credentials,
    },
    server: emulator,
    close: () => emulator.close(),
  };
};
