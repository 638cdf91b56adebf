/**
 * A provider's demo entry: how to start its emulator, and the config entry
 * that points ordergraph at it. Each provider declares one next to its
 * emulator (`emulators/<kind>/<kind>.demo.ts`) and its definition loads it
 * (`demo`), so the demo, `ordergraph emulators`, the tests and the bench
 * start every registered provider the same way (src/demo/demo-providers.ts).
 */
import type { RunningServer } from "../../emulators/shared/emulator-http.ts";

/** Where and how big: what every start of a demo emulator is given. */
export interface DemoStartOptions {
  /** Interface to bind. */
  host: string;
  /** Port to bind; 0 picks a free one. */
  port: number;
  /** Orders to generate; the emulator's default when not given. */
  size?: number | undefined;
  /** Seed of the emulator's data generator; its default when not given. */
  seed?: number | undefined;
}

/** A started demo emulator and what the config entry needs to reach it. */
export interface DemoEmulator {
  /** The emulator's server: its request log and its fault settings (mutable, per test). */
  server: RunningServer;
  /** The provider API's base URL, as the config entry's `baseUrl`. */
  baseUrl: string;
  /** Credentials in the shape the provider's config entry takes (the emulator accepts them). */
  credentials: Record<string, string>;
  /** The rest of the entry: its display name, currency, time zone and the kind's own options. */
  settings: Record<string, unknown>;
}

/** A provider's demo entry. */
export interface DemoEntry {
  /** The provider id the demo gives it, e.g. `shop-de`. */
  id: string;
  /** Starts the emulator with seeded data. */
  start(options: DemoStartOptions): Promise<DemoEmulator>;
  /**
   * Entry settings under which every read reaches the emulator, for a
   * connector that keeps answers of its own between reads (tests that count
   * calls or inject faults use them). None when every read reaches it anyway.
   */
  uncached?: Record<string, unknown>;
}
