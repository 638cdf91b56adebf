/**
 * One provider emulator in a process of its own (BENCH_EMULATOR: its provider
 * id), so that its work is not counted against ordergraph or a baseline, and
 * so that the providers of a merged query answer in parallel, as separate
 * services would, instead of one after another on one event loop. The runner
 * starts one per emulator through bench/emulator-fleet.ts.
 *
 * Commands: `latency` (added latency in ms), `faults` (the whole fault
 * settings; {} clears them), `requests` (requests received so far, as
 * `{ [id]: count }`) and `clearRequests`.
 */

import type { FaultSettings } from "../emulators/shared/emulator-http.ts";
import { startBenchEmulator } from "./bench-emulators.ts";
import { serveParent } from "./bench-process.ts";

const id = process.env.BENCH_EMULATOR ?? "";
const { server, ...described } = await startBenchEmulator(id, {
  size: Number(process.env.BENCH_SIZE ?? 300),
  archiveSize: Number(process.env.BENCH_ARCHIVE_SIZE ?? 12_000),
});
serveParent(
  { emulator: described },
  {
    latency: (ms) => {
      server.faults.latencyMs = Number(ms);
      return true;
    },
    // The soak run switches faults on and off.
    faults: (settings) => {
      server.faults = { ...(settings as FaultSettings) };
      return true;
    },
    requests: () => ({ [id]: server.requests.length }),
    // The log would otherwise grow with every request of a long run.
    clearRequests: () => {
      server.requests.length = 0;
      return true;
    },
  },
  () => server.close(),
);
