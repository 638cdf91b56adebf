/**
 * The provider emulators in one process of their own, so that their work
 * is not counted against ordergraph or a baseline. Commands: `latency`
 * (set every emulator's added latency in ms), `faults` (set every emulator's
 * fault settings) and `requests` (requests each emulator has received so far,
 * by provider id).
 */

import type { FaultSettings } from "../emulators/shared/emulator-http.ts";
import { startBenchEmulators } from "./bench-emulators.ts";
import { serveParent } from "./bench-process.ts";

const emulators = await startBenchEmulators({
  size: Number(process.env.BENCH_SIZE ?? 300),
  archiveSize: Number(process.env.BENCH_ARCHIVE_SIZE ?? 12_000),
});
serveParent(
  { emulators: emulators.map(({ server: _server, ...described }) => described) },
  {
    latency: (ms) => {
      for (const e of emulators) e.server.faults.latencyMs = Number(ms);
      return true;
    },
    // Fault settings of every emulator (the soak run switches them on and off); {} clears them.
    faults: (settings) => {
      for (const e of emulators) e.server.faults = { ...(settings as FaultSettings) };
      return true;
    },
    requests: () => Object.fromEntries(emulators.map((e) => [e.id, e.server.requests.length])),
    // The logs would otherwise grow with every request of a long run.
    clearRequests: () => {
      for (const e of emulators) e.server.requests.length = 0;
      return true;
    },
  },
  async () => {
    await Promise.all(emulators.map((e) => e.server.close()));
  },
);
