/** The bench's JSON report and its Markdown tables (the ones BENCHMARKS.md quotes). */

/** One scenario on one target at one latency. */
export interface LoadResult {
  scenario: string;
  /** `apollo`: bare Apollo Server on Fastify, in the pipeline-floor table only. */
  target: "ordergraph" | "limit" | "peer" | "apollo";
  latencyMs: number;
  /** Mean requests per second over the measured window. */
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests completed in the measured window. */
  requests: number;
  errors: number;
  non2xx: number;
  /** Upstream calls of one cold operation (ordergraph: its extensions.upstream.calls; baselines: the emulators' logs). */
  callsPerOp: number;
  /** Upstream calls the emulators saw for that one operation (a cross-check of ordergraph's own figure). */
  observedSingleCalls: number;
  /** Upstream calls per completed operation under load (caches and shared in-flight calls lower it). */
  loadCallsPerOp: number;
  /** CPU time (user + system) of the target process per operation. */
  cpuMsPerOp: number;
  peakRssMb: number;
}

/** Scenario 6: paging through the Iteras archive. */
export interface WalkResult {
  scenario: "iteras-walk";
  target: LoadResult["target"];
  latencyMs: number;
  pages: number;
  orders: number;
  seconds: number;
  upstreamCalls: number;
  /** RSS just before the walk (absent in reports older than it). */
  startRssMb?: number;
  peakRssMb: number;
}

/** The scenarios the sequential probe measures: one provider, and five merged (their difference is the cost of merging). */
export const PROBE_SCENARIOS = ["one-provider-50", "merged-5x50"];

/** One scenario on one target at one latency, sent one request at a time over one connection. */
export interface ProbeResult {
  scenario: string;
  target: "ordergraph" | "limit";
  latencyMs: number;
  /** Requests measured (after `warmup` unmeasured ones). */
  requests: number;
  warmup: number;
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  meanMs: number;
  /** Non-200 answers (and, for ordergraph, answers with GraphQL errors); `firstError` shows the first. */
  errors: number;
  firstError?: string;
  /** Upstream calls per measured request, as the emulators counted them. */
  upstreamCallsPerOp: number;
}

/** The whole report (bench/results/*.json). */
export interface Report {
  createdAt: string;
  settings: Record<string, unknown>;
  machine: Record<string, unknown>;
  scenarios: Array<{ name: string; title: string; minimumCalls: number; expectedCalls: number }>;
  loads: LoadResult[];
  walks: WalkResult[];
  /** The sequential probe (absent in reports older than it). */
  probes?: ProbeResult[];
  /** The pipeline floor: `{ __typename }` on the limit's bare Fastify route, bare Apollo Server and ordergraph (absent in reports older than it). */
  floor?: LoadResult[];
  elapsedSeconds: number;
}

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : "–");
const num = (value: number | undefined, digits = 0) => (value === undefined ? "–" : value.toFixed(digits));

/** Markdown tables: one per latency, then the paging walk. */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  const latencies = [...new Set(report.loads.map((l) => l.latencyMs))];
  for (const latency of latencies) {
    lines.push(
      "",
      `Provider latency ${latency} ms, ${String(report.settings["connections"])} connections, ${String(report.settings["durationSeconds"])} s after ${String(report.settings["warmupSeconds"])} s warm-up`,
      "",
      "| scenario | ordergraph req/s | p50 ms | p99 ms | calls/op (min) | CPU ms/op | peak RSS MB | limit req/s | limit p50 | limit calls/op | peer req/s | peer p50 | peer calls/op | og/limit | og/peer |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const scenario of report.scenarios) {
      const of = (target: LoadResult["target"]) =>
        report.loads.find((l) => l.scenario === scenario.name && l.target === target && l.latencyMs === latency);
      const og = of("ordergraph");
      if (!og) continue;
      const limit = of("limit");
      const peer = of("peer");
      lines.push(
        `| ${scenario.name} | ${num(og.reqPerSec)} | ${og.p50Ms} | ${og.p99Ms} | ${og.callsPerOp} (${scenario.minimumCalls}) | ${num(og.cpuMsPerOp, 2)} | ${og.peakRssMb} | ${num(limit?.reqPerSec)} | ${limit?.p50Ms ?? "–"} | ${limit?.callsPerOp ?? "–"} | ${num(peer?.reqPerSec)} | ${peer?.p50Ms ?? "–"} | ${peer?.callsPerOp ?? "–"} | ${ratio(og.reqPerSec, limit?.reqPerSec)} | ${ratio(og.reqPerSec, peer?.reqPerSec)} |`,
      );
    }
  }
  if (report.walks.length > 0) {
    lines.push(
      "",
      "Paging the Iteras archive (first: 250 per page; the limit reads the whole set in one request)",
      "",
      "| latency ms | target | orders | pages | seconds | upstream calls | RSS before MB | peak RSS MB |",
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const w of report.walks) {
      lines.push(
        `| ${w.latencyMs} | ${w.target} | ${w.orders} | ${w.pages} | ${w.seconds} | ${w.upstreamCalls} | ${num(w.startRssMb, 1)} | ${w.peakRssMb} |`,
      );
    }
  }
  const probes = report.probes ?? [];
  if (probes.length > 0) {
    const first = probes[0] as ProbeResult;
    const [single, merged] = PROBE_SCENARIOS as [string, string];
    lines.push(
      "",
      `Sequential probe: ${first.requests} requests one at a time over one connection, after ${first.warmup} warm-up (merged − one: the cost of merging five providers)`,
      "",
      `| latency ms | target | ${single} p50 | p99 | ${merged} p50 | p99 | merged − one p50 ms | calls/op (one, merged) | errors |`,
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const latency of new Set(probes.map((p) => p.latencyMs))) {
      for (const target of ["ordergraph", "limit"] as const) {
        const of = (scenario: string) => probes.find((p) => p.scenario === scenario && p.target === target && p.latencyMs === latency);
        const one = of(single);
        const five = of(merged);
        if (!one && !five) continue;
        const difference = one && five ? (five.p50Ms - one.p50Ms).toFixed(1) : "–";
        lines.push(
          `| ${latency} | ${target} | ${one?.p50Ms ?? "–"} | ${one?.p99Ms ?? "–"} | ${five?.p50Ms ?? "–"} | ${five?.p99Ms ?? "–"} | ${difference} | ${one?.upstreamCallsPerOp ?? "–"}, ${five?.upstreamCallsPerOp ?? "–"} | ${(one?.errors ?? 0) + (five?.errors ?? 0)} |`,
        );
      }
    }
  }
  const floor = report.floor ?? [];
  const fastify = floor.find((f) => f.target === "limit");
  if (floor.length > 0) {
    lines.push(
      "",
      "Pipeline floor: `{ __typename }`, no provider call (limit: a bare Fastify route answering the same JSON, in the limit's process; apollo: bare Apollo Server 5 on Fastify; apollo and ordergraph in fresh processes with ordergraph's node flags)",
      "",
      "| target | req/s | p50 ms | p99 ms | CPU ms/op | CPU over the row above ms/op | req/s / bare Fastify's |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    floor.forEach((f, i) => {
      const above = floor[i - 1];
      const over = above ? (f.cpuMsPerOp - above.cpuMsPerOp).toFixed(2) : "–";
      lines.push(
        `| ${f.target} | ${num(f.reqPerSec)} | ${f.p50Ms} | ${f.p99Ms} | ${num(f.cpuMsPerOp, 2)} | ${over} | ${ratio(f.reqPerSec, fastify?.reqPerSec)} |`,
      );
    });
  }
  lines.push("", `peer: ${String(report.settings["peer"])}; elapsed ${report.elapsedSeconds} s`);
  return lines.join("\n");
}
