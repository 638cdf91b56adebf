/**
 * `npm run soak` (and `npm run soak -- --short`, run by the test suite): a
 * bounded load-and-soak run over loopback. ordergraph runs in its own process
 * against the five emulators; workers send a mix of typical queries at fixed
 * concurrency through phases that switch provider faults on and off (errors,
 * 429 with Retry-After, latency, resets). It reports errors by code, p50/p99
 * latency per phase and ordergraph's memory (peak RSS, and live memory after
 * a full collection) per phase, and fails (exit 1) on a crash, an HTTP 500,
 * an error without a contract code, or live memory growing beyond the stated
 * bound.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { FaultSettings } from "../emulators/shared/emulator-http.ts";
import { type BenchProcess, mb, RECOMMENDED_NODE_OPTIONS, startOrdergraph } from "./bench-process.ts";
import { startEmulatorFleet } from "./emulator-fleet.ts";

const here = dirname(fileURLToPath(import.meta.url));
const KEY = "soak-admin-key-0123456789";

const { values: flags } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    phases: { type: "string" },
    seconds: { type: "string" },
    concurrency: { type: "string" },
    out: { type: "string" },
  },
});
const short = flags.short ?? false;
const settings = {
  form: short ? "short" : "full",
  phases: Number(flags.phases ?? (short ? 4 : 8)),
  phaseSeconds: Number(flags.seconds ?? (short ? 3 : 20)),
  concurrency: Number(flags.concurrency ?? 8),
  /** Long enough for the heap to reach its working size before memory is compared. */
  warmupSeconds: short ? 5 : 10,
  /**
   * The stated bound: ordergraph's live memory (after a full collection) may grow at most this
   * much from the end of the first phase to the end of the last. Peak RSS is reported, not bounded:
   * it moves with how far V8 grows its heap between collections (see BENCHMARKS.md, soak run).
   */
  maxGrowthMb: 32,
};
const out = flags.out ?? join(here, "results", short ? "soak-short.json" : "soak.json");

/** Faults of the "on" phases: transient errors, rate limits, slow answers and resets on a share of calls. */
const FAULTS_ON: FaultSettings = {
  error: { status: 503, rate: 0.1 },
  status429: { rate: 0.05, retryAfterSeconds: 0 },
  latencyMs: { ms: 40, rate: 0.2 },
  connectionReset: { rate: 0.02 },
};

/** The codes a refusal or partial answer may carry. */
const CONTRACT_CODES = new Set([
  "PROVIDER_UNAVAILABLE",
  "PROVIDER_TIMEOUT",
  "PROVIDER_RATE_LIMITED",
  "PROVIDER_ERROR",
  "UPSTREAM_INVALID_RESPONSE",
  "BAD_USER_INPUT",
  "QUERY_TOO_COMPLEX",
]);

const QUERIES = [
  "{ orders(first: 50) { nodes { id number status total { amount currency } } pageInfo { endCursor } } }",
  "{ orders(first: 20, sort: [{ field: TOTAL, direction: ASC }]) { nodes { id total { amount } } totalCount } }",
  "{ orders(first: 10) { nodes { id customer { id orders(first: 3) { nodes { id } } } } } }",
  '{ orders(first: 5, providers: ["shop-cscart"]) { nodes { id items { name quantity } } } }',
];

interface PhaseResult {
  phase: number;
  faults: "off" | "on";
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** HTTP statuses other than 200. */
  statuses: Record<string, number>;
  /** GraphQL error codes seen (partial answers included). */
  errorCodes: Record<string, number>;
  peakRssMb: number;
  /** Live memory at the end of the phase, after a full collection: heap in use plus external. */
  liveMb: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function runPhase(url: string, seconds: number): Promise<Omit<PhaseResult, "phase" | "faults" | "peakRssMb" | "liveMb">> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  const until = performance.now() + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const query = QUERIES[next++ % QUERIES.length] as string;
      const started = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ query }),
        });
        const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
        if (response.status !== 200) statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        for (const error of body.errors ?? []) {
          const code = error.extensions?.code ?? "NONE";
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        }
      } catch (error) {
        statuses.network = (statuses.network ?? 0) + 1;
        errorCodes[`NETWORK ${error instanceof Error ? error.message : String(error)}`] = 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
    p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
    statuses,
    errorCodes,
  };
}

async function main(): Promise<number> {
  const processes: Array<Pick<BenchProcess<unknown>, "stop">> = [];
  try {
    const emulators = await startEmulatorFleet({ size: 200, archiveSize: 1000 });
    processes.push(emulators);
    const config = {
      server: { host: "127.0.0.1", port: 0 },
      clients: [{ name: "soak", key: KEY, scopes: ["orders:read", "orders:write", "pii:read"] }],
      // Breakers probe back quickly, so a healthy phase after a faulty one shows recovery.
      providers: emulators.info.emulators.map((e) => ({
        ...e.entry,
        resilience: { ...(e.entry.resilience as Record<string, unknown> | undefined), breakerHalfOpenAfterMs: 500 },
      })),
    };
    // --expose-gc: live memory is measured after a full collection (see liveMemory in bench-process.ts).
    const ordergraph = await startOrdergraph(config, [...RECOMMENDED_NODE_OPTIONS, "--expose-gc"]);
    processes.push(ordergraph);
    let crashed = false;
    ordergraph.child.once("exit", () => {
      crashed = true;
    });
    const url = `${ordergraph.info.url}/graphql`;

    // Warm-up, then measure memory from a settled start.
    await runPhase(url, settings.warmupSeconds);
    const phases: PhaseResult[] = [];
    for (let phase = 0; phase < settings.phases; phase += 1) {
      const on = phase % 2 === 1;
      await emulators.call("faults", on ? FAULTS_ON : {});
      await ordergraph.call("resetPeak");
      const result = await runPhase(url, settings.phaseSeconds);
      await emulators.call("clearRequests");
      const peakRssMb = mb(await ordergraph.call<number>("peak"));
      const liveMb = mb(await ordergraph.call<number>("liveMemory"));
      phases.push({ phase: phase + 1, faults: on ? "on" : "off", ...result, peakRssMb, liveMb });
      console.log(
        `phase ${phase + 1} faults ${on ? "on " : "off"}: ${result.requests} requests, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, peak RSS ${peakRssMb} MB, live ${liveMb} MB, errors ${JSON.stringify(result.errorCodes)}${Object.keys(result.statuses).length ? `, statuses ${JSON.stringify(result.statuses)}` : ""}`,
      );
    }
    const first = phases[0] as PhaseResult;
    const last = phases.at(-1) as PhaseResult;
    const growthMb = Math.round((last.liveMb - first.liveMb) * 10) / 10;
    const problems: string[] = [];
    if (crashed) problems.push("ordergraph exited during the run");
    for (const p of phases) {
      for (const status of Object.keys(p.statuses)) problems.push(`phase ${p.phase}: HTTP ${status} × ${p.statuses[status]}`);
      for (const code of Object.keys(p.errorCodes)) if (!CONTRACT_CODES.has(code)) problems.push(`phase ${p.phase}: error code ${code}`);
      if (p.faults === "off" && Object.keys(p.errorCodes).length > 0 && p.phase > 2) {
        // After a faulty phase the breakers must have closed again: a healthy phase answers cleanly.
        problems.push(`phase ${p.phase}: errors with faults off ${JSON.stringify(p.errorCodes)}`);
      }
    }
    if (growthMb > settings.maxGrowthMb) problems.push(`live memory grew ${growthMb} MB (bound ${settings.maxGrowthMb} MB)`);
    const memory = {
      firstPhaseLiveMb: first.liveMb,
      lastPhaseLiveMb: last.liveMb,
      growthMb,
      firstPhasePeakMb: first.peakRssMb,
      lastPhasePeakMb: last.peakRssMb,
    };
    const report = { settings, phases, memory, problems };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `live memory: ${first.liveMb} MB -> ${last.liveMb} MB (growth ${growthMb} MB, bound ${settings.maxGrowthMb} MB); peak RSS ${first.peakRssMb} -> ${last.peakRssMb} MB`,
    );
    console.log(problems.length === 0 ? `soak passed; report in ${out}` : `soak FAILED:\n- ${problems.join("\n- ")}`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.all(processes.reverse().map((p) => p.stop()));
  }
}

process.exitCode = await main();
