/**
 * The emulated providers the demo, `ordergraph emulators`, the tests and the
 * bench start: each registered provider's demo entry (its definition's `demo`),
 * with the config entry that points ordergraph at it.
 */
import { z } from "zod";
import { type FaultSettings, type RunningServer, withDefaultFaults } from "../../emulators/shared/emulator-http.ts";
import type { ProviderDefinition } from "../providers/core/provider-definition.ts";
import { PROVIDER_DEFINITIONS } from "../providers/registry.ts";
import type { DemoStartOptions } from "./demo-entry.ts";

/** A started emulator and how to configure ordergraph for it. */
export interface StartedEmulator {
  id: string;
  /** The config kind. */
  kind: string;
  /** The provider API's base URL (the entry's `baseUrl`). */
  url: string;
  /** Credentials in the shape the provider's config entry takes. */
  credentials: Record<string, string>;
  /** The provider entry of an ordergraph config. */
  entry: Record<string, unknown>;
  /** Entry settings under which every read reaches the emulator (the demo entry's `uncached`; empty when reads always do). */
  uncached: Record<string, unknown>;
  /** The emulator's server: its request log and its fault settings (mutable, per test). */
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts one provider's demo emulator (size and seed: the emulator's defaults unless given). */
export async function startDemoEmulator(definition: ProviderDefinition, options: DemoStartOptions): Promise<StartedEmulator> {
  const demo = await definition.demo();
  const { server, baseUrl, credentials, settings } = await demo.start(options);
  return {
    id: demo.id,
    kind: definition.configKind,
    url: baseUrl,
    credentials,
    entry: { id: demo.id, kind: definition.configKind, ...settings, baseUrl, credentials },
    uncached: { ...demo.uncached },
    server,
    close: () => server.close(),
  };
}

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
 * Starts the emulators of the listed config kinds (every registered one by
 * default, in the registry's order), each on `basePort + index` or a free
 * port, with the faults of ORDERGRAPH_EMULATOR_FAULTS unless `faults` is given.
 */
export async function startEmulators(
  options: {
    host?: string;
    basePort?: number;
    kinds?: readonly string[];
    size?: number;
    seed?: number;
    faults?: FaultSettings;
    /** The registered providers (default: the shipped registry). */
    definitions?: readonly ProviderDefinition[];
  } = {},
): Promise<StartedEmulator[]> {
  const host = options.host ?? "127.0.0.1";
  const definitions = options.definitions ?? PROVIDER_DEFINITIONS;
  const kinds = options.kinds ?? definitions.map((d) => d.configKind);
  const faults = options.faults ?? faultsFromEnv();
  const started: StartedEmulator[] = [];
  try {
    for (const [index, kind] of kinds.entries()) {
      const definition = definitions.find((d) => d.configKind === kind);
      if (!definition) throw new Error(`no emulator for provider kind "${kind}"`);
      const port = options.basePort ? options.basePort + index : 0;
      started.push(
        await withDefaultFaults(faults, () => startDemoEmulator(definition, { host, port, size: options.size, seed: options.seed })),
      );
    }
  } catch (error) {
    await Promise.all(started.map((e) => e.close()));
    throw error;
  }
  return started;
}
