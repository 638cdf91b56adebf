/**
 * The emulated providers the demo and `ordergraph emulators` start, with the
 * config entry that points ordergraph at each.
 */
import { z } from "zod";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { type FaultSettings, type RunningServer, withDefaultFaults } from "../../emulators/shared/emulator-http.ts";
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
  /** The emulator's server: its request log and its fault settings (mutable, per test). */
  server: RunningServer;
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
      server: emulator,
      close: () => emulator.close(),
    };
  },
};

/** The environment variable that injects faults into the demo's emulators, as JSON (see docs/resilience.md). */
export const EMULATOR_FAULTS_ENV = "ORDERGRAPH_EMULATOR_FAULTS";

const target = { rate: z.number().min(0).max(1).optional(), times: z.number().int().min(0).optional() };
const ms = z.number().int().min(0);
const faultSettingsSchema = z
  .object({
    latencyMs: z.union([ms, z.object({ ...target, ms }).strict()]),
    errorRate: z.number().min(0).max(1),
    errorStatus: z.number().int().min(500).max(599),
    error: z.object({ ...target, status: z.number().int().min(500).max(599).optional() }).strict(),
    status429: z.union([
      z.literal(true),
      z.object({ ...target, retryAfterSeconds: z.number().int().min(0).optional(), retryAfterAsDate: z.boolean().optional() }).strict(),
    ]),
    malformedJson: z.union([z.literal(true), z.object(target).strict()]),
    wrongShape: z.union([z.literal(true), z.object({ ...target, body: z.unknown().optional() }).strict()]),
    connectionReset: z.union([z.literal(true), z.object(target).strict()]),
    slowDripMs: z.union([ms, z.object({ ...target, ms, chunkBytes: z.number().int().min(1).optional() }).strict()]),
    oversizedBytes: z.union([ms, z.object({ ...target, bytes: ms }).strict()]),
  })
  .partial()
  .strict();

/**
 * Reads the emulators' fault settings from ORDERGRAPH_EMULATOR_FAULTS (JSON,
 * e.g. `{"latencyMs":20,"errorRate":0.1}`); none when it is unset or empty.
 * A bad value fails with the variable and the key named.
 */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultSettings | undefined {
  const text = env[EMULATOR_FAULTS_ENV]?.trim();
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${EMULATOR_FAULTS_ENV} is not JSON: give an object such as {"latencyMs":20,"errorRate":0.1}`);
  }
  const parsed = faultSettingsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${EMULATOR_FAULTS_ENV}${issue?.path.length ? `.${issue.path.join(".")}` : ""}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * Starts the listed emulators (all by default), each on `basePort + index` or
 * a free port, with the faults of ORDERGRAPH_EMULATOR_FAULTS unless `faults` is given.
 */
export async function startEmulators(
  options: { host?: string; basePort?: number; kinds?: readonly string[]; size?: number; faults?: FaultSettings } = {},
): Promise<StartedEmulator[]> {
  const host = options.host ?? "127.0.0.1";
  const kinds = options.kinds ?? Object.keys(DEMO_EMULATORS);
  const faults = options.faults ?? faultsFromEnv();
  const started: StartedEmulator[] = [];
  try {
    for (const [index, kind] of kinds.entries()) {
      const start = DEMO_EMULATORS[kind];
      if (!start) throw new Error(`no emulator for provider kind "${kind}"`);
      started.push(
        await withDefaultFaults(faults, () => start({ host, port: options.basePort ? options.basePort + index : 0, size: options.size })),
      );
    }
  } catch (error) {
    await Promise.all(started.map((e) => e.close()));
    throw error;
  }
  return started;
}
