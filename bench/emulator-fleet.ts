/**
 * Parent side of the emulators: one child process per emulator
 * (bench/emulator-process.ts), behind one handle that answers the commands the
 * runner and the soak run use, by sending each to every emulator: `latency`,
 * `faults` and `clearRequests` to all, `requests` merged into one
 * `{ [provider id]: count }`.
 */
import { fileURLToPath } from "node:url";
import { BENCH_EMULATOR_IDS, type BenchSizes, type DescribedEmulator } from "./bench-emulators.ts";
import { type BenchProcess, startBenchProcess } from "./bench-process.ts";

const script = fileURLToPath(new URL("./emulator-process.ts", import.meta.url));

/** The emulators, each in its own process, behind one handle. */
export interface EmulatorFleet {
  /** The emulators in config order (the registered providers, then the Iteras archive). */
  readonly info: { emulators: DescribedEmulator[] };
  readonly processes: ReadonlyArray<BenchProcess<{ emulator: DescribedEmulator }>>;
  call<T = unknown>(command: "latency" | "faults" | "requests" | "clearRequests", args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts every emulator of the bench (or the given ids), each in its own process, all at once. */
export async function startEmulatorFleet(sizes: BenchSizes, ids: readonly string[] = BENCH_EMULATOR_IDS): Promise<EmulatorFleet> {
  const started = await Promise.allSettled(
    ids.map((id) =>
      startBenchProcess<{ emulator: DescribedEmulator }>(script, {
        env: { BENCH_EMULATOR: id, BENCH_SIZE: String(sizes.size), BENCH_ARCHIVE_SIZE: String(sizes.archiveSize) },
      }),
    ),
  );
  const processes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(processes.map((p) => p.stop()));
    throw failed.reason;
  }
  return {
    info: { emulators: processes.map((p) => p.info.emulator) },
    processes,
    async call<T>(command: string, args?: unknown): Promise<T> {
      const results = await Promise.all(processes.map((p) => p.call(command, args)));
      if (command === "requests") return Object.assign({}, ...(results as Array<Record<string, number>>)) as T;
      return true as T;
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}
