/**
 * The emulated providers the demo and `ordergraph emulators` start, with the
 * config entry that points ordergraph at each.
 */
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { activeplatformDemoEmulator } from "./activeplatform.demo.ts";
import { djangoshopDemoEmulator } from "./djangoshop.demo.ts";
import { emnifyDemoEmulator } from "./emnify.demo.ts";
import { iterasDemoEmulator } from "./iteras.demo.ts";

/** A started emulator and how to configure ordergraph for it. */
export interface StartedEmulator {
  id: string;
  kind: string;
  url: string;
  /** Credentials in the shape the provider's config entry takes. */
  credentials: Record<string, string>;
  /** The provider entry of an ordergraph config. */
  entry: Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts one emulator on a host and port (0 = any free port), with its default data size unless `size` is given. */
export type EmulatorStarter = (options: { host: string; port: number; size?: number | undefined }) => Promise<StartedEmulator>;

/** The demo's providers, in the order they start. */
export const DEMO_EMULATORS: Record<string, EmulatorStarter> = {
  iteras: (options) => iterasDemoEmulator(options),
  emnify: (options) => emnifyDemoEmulator(options),
  activeplatform: (options) => activeplatformDemoEmulator(options),
  djangoshop: (options) => djangoshopDemoEmulator(options),
  cscart: async ({ host, port, size }) => {
    const emulator = await startCsCartEmulator({ host, port, size });
    const credentials = { ...CSCART_DEFAULT_CREDENTIALS };
    return {
      id: "shop-cscart",
      kind: "cscart",
      url: `${emulator.url}/api`,
      credentials,
      entry: {
        id: "shop-cscart",
        kind: "cscart",
        name: "CS-Cart demo store",
        baseUrl: `${emulator.url}/api`,
        currency: "EUR",
        timeZone: "Europe/Berlin",
        credentials,
      },
      close: () => emulator.close(),
    };
  },
};

/** Starts the listed emulators (all by default), each on `basePort + index` or a free port. */
export async function startEmulators(
  options: { host?: string; basePort?: number; kinds?: readonly string[]; size?: number } = {},
): Promise<StartedEmulator[]> {
  const host = options.host ?? "127.0.0.1";
  const kinds = options.kinds ?? Object.keys(DEMO_EMULATORS);
  const started: StartedEmulator[] = [];
  try {
    for (const [index, kind] of kinds.entries()) {
      const start = DEMO_EMULATORS[kind];
      if (!start) throw new Error(`no emulator for provider kind "${kind}"`);
      started.push(await start({ host, port: options.basePort ? options.basePort + index : 0, size: options.size }));
    }
  } catch (error) {
    await Promise.all(started.map((e) => e.close()));
    throw error;
  }
  return started;
}
