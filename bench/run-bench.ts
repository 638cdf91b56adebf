/**
 * `npm run bench` (full) and `npm run bench:short` (CI): starts the emulators,
 * ordergraph, the limit baseline and (full form) the peer, each in its own
 * process, then runs every scenario at fixed concurrency after a warm-up and
 * reports req/s, p50/p99 latency, upstream calls per operation and peak RSS,
 * as a table on stdout and as JSON. After the load scenarios of each latency,
 * a sequential probe sends one-provider-50 and merged-5x50 one request at a
 * time over one connection (to ordergraph and the limit), so their p50s show
 * whether the provider calls of a merged query run in parallel, without the
 * queueing of a saturated CPU.
 *
 * Flags: --short, --no-peer, --cpu-prof (ordergraph writes a .cpuprofile to
 * bench/results/profiles), --only=<scenario,...>, --latency=<ms,...>,
 * --duration=<s>, --warmup=<s>, --connections=<n>, --probe=<n> (sequential
 * requests per probe, 0: none), --out=<file.json>, --node-options="<flags>"
 * (of the ordergraph process; default: the recommended production flags).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Client } from "undici";
import { BENCH_PROVIDERS, type DescribedEmulator } from "./bench-emulators.ts";
import {
  type BenchProcess,
  compiledBenchScript,
  mb,
  RECOMMENDED_NODE_OPTIONS,
  startBenchProcess,
  startOrdergraph,
} from "./bench-process.ts";
import { formatReport, type LoadResult, PROBE_SCENARIOS, type ProbeResult, type Report, type WalkResult } from "./bench-report.ts";
import {
  type BenchFixtures,
  ITERAS_PAGE_QUERY,
  LOAD_SCENARIOS,
  type LoadScenario,
  PEER_TYPEDEFS,
  type RequestSpec,
} from "./bench-scenarios.ts";
import { type EmulatorFleet, startEmulatorFleet } from "./emulator-fleet.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

const { values: flags } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    "no-peer": { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    only: { type: "string" },
    latency: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    probe: { type: "string" },
    out: { type: "string" },
    "node-options": { type: "string" },
  },
});

const short = flags.short ?? false;
const settings = {
  form: short ? "short" : "full",
  connections: Number(flags.connections ?? 10),
  warmupSeconds: Number(flags.warmup ?? (short ? 0.5 : 2)),
  durationSeconds: Number(flags.duration ?? (short ? 1.5 : 6)),
  /** Sequential probe: requests measured one at a time over one connection, after `probeWarmup` unmeasured ones. */
  probeRequests: Number(flags.probe ?? (short ? 20 : 100)),
  probeWarmup: short ? 5 : 10,
  latenciesMs: (flags.latency ?? (short ? "0" : "0,20")).split(",").map(Number),
  size: 300,
  archiveSize: short ? 2_000 : 12_000,
  peer: !short && !flags["no-peer"],
  nodeOptions: (flags["node-options"] ?? RECOMMENDED_NODE_OPTIONS.join(" ")).split(" ").filter((flag) => flag !== ""),
};
const only = flags.only ? new Set(flags.only.split(",")) : null;
const out = flags.out ?? join(root, "bench", "results", short ? "short.json" : "latest.json");
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The client key of the bench's ordergraph (all scopes). */
const KEY = "bench-admin-key-0123456789";

interface Target {
  name: LoadResult["target"];
  url: string;
  headers: Record<string, string>;
  process: BenchProcess<{ url: string }>;
}

/** Installs the peer's own dependencies (about 500 MB) when they are missing. */
function ensurePeerInstalled(): void {
  const peerDir = join(root, "bench", "peer");
  if (existsSync(join(peerDir, "node_modules", "@graphql-hive", "gateway"))) return;
  log("installing the peer (npm ci --prefix bench/peer) ...");
  execFileSync("npm", ["ci", "--prefix", peerDir, "--no-audit", "--no-fund"], { stdio: ["ignore", "inherit", "inherit"] });
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

type GraphQLAnswer = {
  data?: Record<string, unknown>;
  errors?: Array<{ message: string }>;
  extensions?: { upstream?: { calls: number } };
};

async function graphql(target: Target, body: unknown): Promise<GraphQLAnswer & { data: Record<string, unknown> }> {
  const { status, json } = await postJson(`${target.url}/graphql`, body, target.headers);
  const answer = json as GraphQLAnswer;
  if (status !== 200 || answer.errors?.length || !answer.data) {
    throw new Error(`${target.name}: HTTP ${status} ${JSON.stringify(answer.errors ?? json).slice(0, 400)}`);
  }
  return { ...answer, data: answer.data };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the emulators receive no more requests (calls a target still makes
 * for requests the load generator gave up on), then clears their logs, so the
 * next count belongs to the next operation alone.
 */
async function settle(emulators: EmulatorFleet): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const now = sum(await emulators.call<Record<string, number>>("requests"));
    if (now === last) break;
    last = now;
    await sleep(150);
  }
  await emulators.call("clearRequests");
}

async function main(): Promise<void> {
  const started = Date.now();
  const peerWanted = settings.peer;
  if (peerWanted) ensurePeerInstalled();

  const processes: Array<Pick<BenchProcess<unknown>, "stop">> = [];
  const stopAll = () => Promise.all(processes.reverse().map((p) => p.stop()));
  try {
    log(`bench (${settings.form}): starting emulators (one process each) ...`);
    const emulators = await startEmulatorFleet({ size: settings.size, archiveSize: settings.archiveSize });
    processes.push(emulators);
    const described: DescribedEmulator[] = emulators.info.emulators;
    const byId = new Map(described.map((e) => [e.id, e]));

    const config = {
      server: { host: "127.0.0.1", port: 0 },
      clients: [{ name: "bench", key: KEY, scopes: ["orders:read", "orders:write", "pii:read"] }],
      providers: described.map((e) => e.entry),
    };
    const profileDir = join(root, "bench", "results", "profiles");
    if (flags["cpu-prof"]) mkdirSync(profileDir, { recursive: true });
    const ordergraph = await startOrdergraph(config, [
      ...settings.nodeOptions,
      ...(flags["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    ]);
    processes.push(ordergraph);
    const limit = await startBenchProcess<{ url: string }>(compiledBenchScript("baseline-limit"), {
      env: { BENCH_EMULATORS: JSON.stringify(described) },
    });
    processes.push(limit);

    const targets: Target[] = [
      { name: "ordergraph", url: ordergraph.info.url, headers: { authorization: `Bearer ${KEY}` }, process: ordergraph },
      { name: "limit", url: limit.info.url, headers: {}, process: limit },
    ];
    let peerNote = short ? "skipped: the short form (CI) runs without the peer" : "skipped: --no-peer";
    if (peerWanted) {
      const cscart = byId.get("shop-cscart");
      if (!cscart) throw new Error("no CS-Cart emulator");
      const basic = Buffer.from(`${cscart.credentials["email"]}:${cscart.credentials["apiKey"]}`).toString("base64");
      try {
        const peer = await startBenchProcess<{ url: string }>(join(here, "peer", "peer-gateway.mjs"), {
          env: {
            BENCH_PEER_SOURCES: JSON.stringify([{ name: "cscart", root: cscart.root, headers: { authorization: `Basic ${basic}` } }]),
            BENCH_PEER_TYPEDEFS: PEER_TYPEDEFS,
            NODE_ENV: "production",
          },
          timeoutMs: 120_000,
        });
        processes.push(peer);
        targets.push({ name: "peer", url: peer.info.url, headers: {}, process: peer });
        peerNote = "Hive Gateway over the CS-Cart emulator's /openapi.json (single-provider scenarios)";
      } catch (error) {
        peerNote = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
        log(`peer ${peerNote}`);
      }
    }
    const og = targets[0] as Target;

    // A provider that logs in (emnify) does so once per process: before any measurement.
    await graphql(og, {
      query: `query($p: [ID!]) { orders(first: 1, providers: $p) { nodes { id } } }`,
      variables: { p: BENCH_PROVIDERS },
    });
    const fixtures = await loadFixtures(og);

    const loads: LoadResult[] = [];
    const peerFailures: string[] = [];
    const walks: WalkResult[] = [];
    const probes: ProbeResult[] = [];
    for (const latencyMs of settings.latenciesMs) {
      await emulators.call("latency", latencyMs);
      // The walk goes first in each pass, so the Iteras set is not cached from an earlier pass.
      if (!only || only.has("iteras-walk")) {
        for (const target of targets.filter((t) => t.name !== "peer")) {
          const result = await walk(target, latencyMs, emulators);
          walks.push(result);
          log(
            `  ${latencyMs} ms  iteras-walk  ${target.name.padEnd(10)} ${result.orders} orders in ${result.seconds.toFixed(2)} s, ${result.upstreamCalls} calls, RSS ${result.startRssMb} → peak ${result.peakRssMb} MB`,
          );
        }
      }
      for (const scenario of LOAD_SCENARIOS) {
        if (only && !only.has(scenario.name)) continue;
        for (const target of targets) {
          const spec = specOf(scenario, target, fixtures);
          if (!spec) continue;
          let result: LoadResult;
          try {
            result = await measure(scenario, target, spec, latencyMs, emulators);
          } catch (error) {
            // The peer is a comparison, not the subject: its failure is reported, the run goes on.
            if (target.name !== "peer") throw error;
            const message = error instanceof Error ? error.message : String(error);
            peerFailures.push(`${scenario.name} at ${latencyMs} ms: ${message}`);
            log(`  peer failed on ${scenario.name}: ${message}`);
            continue;
          }
          loads.push(result);
          log(
            `  ${latencyMs} ms  ${scenario.name.padEnd(22)} ${target.name.padEnd(10)} ${result.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  calls/op ${result.callsPerOp}`,
          );
        }
      }
      if (settings.probeRequests > 0) {
        for (const scenario of LOAD_SCENARIOS) {
          if (!PROBE_SCENARIOS.includes(scenario.name) || (only && !only.has(scenario.name))) continue;
          for (const target of targets.filter((t) => t.name === "ordergraph" || t.name === "limit")) {
            const spec = specOf(scenario, target, fixtures);
            if (!spec) continue;
            const result = await probe(scenario, target, spec, latencyMs, emulators);
            probes.push(result);
            log(
              `  ${latencyMs} ms  probe ${scenario.name.padEnd(16)} ${target.name.padEnd(10)} ${result.requests} sequential  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  calls/op ${result.upstreamCallsPerOp}  errors ${result.errors}`,
            );
          }
        }
      }
    }

    // The pipeline floor: no provider call, so the provider latency does not matter; once, after the passes.
    const floor: LoadResult[] = [];
    if (!only || only.has(FLOOR_SCENARIO.name)) {
      // Bare Apollo and ordergraph in fresh processes with the same node flags: the ordergraph that
      // served the passes has grown its heap, and V8's default young generation is 8 times larger.
      const apollo = await startBenchProcess<{ url: string }>(compiledBenchScript("baseline-apollo"), {
        env: { NODE_ENV: "production" },
        execArgv: settings.nodeOptions,
      });
      processes.push(apollo);
      const freshOrdergraph = await startOrdergraph(config, settings.nodeOptions);
      processes.push(freshOrdergraph);
      const floorTargets: Target[] = [
        targets.find((t) => t.name === "limit") as Target,
        { name: "apollo", url: apollo.info.url, headers: {}, process: apollo },
        { ...og, url: freshOrdergraph.info.url, process: freshOrdergraph },
      ];
      for (const target of floorTargets) {
        const spec = floorSpec(target);
        const result = await measure(FLOOR_SCENARIO, target, spec, settings.latenciesMs.at(-1) ?? 0, emulators);
        floor.push(result);
        log(
          `  floor  ${FLOOR_SCENARIO.name.padEnd(22)} ${target.name.padEnd(10)} ${result.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  CPU ${result.cpuMsPerOp} ms/op`,
        );
      }
    }

    const report: Report = {
      createdAt: new Date().toISOString(),
      settings: { ...settings, peer: peerFailures.length > 0 ? `${peerNote}; failed: ${peerFailures.join("; ")}` : peerNote },
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGb: Math.round(os.totalmem() / 1024 ** 3),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      scenarios: LOAD_SCENARIOS.filter((s) => !only || only.has(s.name)).map((s) => ({
        name: s.name,
        title: s.title,
        minimumCalls: s.minimumCalls,
        expectedCalls: s.expectedCalls,
      })),
      loads,
      walks,
      probes,
      floor,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
    mkdirSync(dirname(out), { recursive: true });
    // Arrays of numbers on one line, as the repository's formatter (biome) writes JSON.
    const text = JSON.stringify(report, null, 2).replace(
      /\[\s*(-?[\d.]+(?:,\s*-?[\d.]+)*)\s*\]/g,
      (_all, list: string) => `[${list.split(/,\s*/).join(", ")}]`,
    );
    writeFileSync(out, `${text}\n`);
    process.stdout.write(`${formatReport(report)}\nJSON: ${out}\n`);
  } finally {
    await stopAll();
  }
}

/** Looks up, through ordergraph, the ids the scenarios need. */
async function loadFixtures(og: Target): Promise<BenchFixtures> {
  const nodes: BenchFixtures["nodes"] = { ids: [], nativeByProvider: {} };
  for (const provider of BENCH_PROVIDERS) {
    const answer = await graphql(og, {
      query: `query($p: [ID!]) { orders(first: 20, providers: $p) { nodes { id nativeId } } }`,
      variables: { p: [provider] },
    });
    const rows = (answer.data["orders"] as { nodes: Array<{ id: string; nativeId: string }> }).nodes;
    nodes.ids.push(...rows.map((r) => r.id));
    nodes.nativeByProvider[provider] = rows.map((r) => r.nativeId);
  }
  const customerRows = await graphql(og, {
    query: `{ orders(first: 250, providers: ["shop-cscart"]) { nodes { id nativeId customer { id nativeId } } } }`,
  });
  const rows = (
    customerRows.data["orders"] as { nodes: Array<{ id: string; nativeId: string; customer: { id: string; nativeId: string } | null }> }
  ).nodes;
  const customers = new Map<string, string>();
  for (const row of rows) if (row.customer && customers.size < 20) customers.set(row.customer.id, row.customer.nativeId);
  const writable = rows.slice(0, 100);
  return {
    nodes,
    customers: { ids: [...customers.keys()], native: [...customers.values()] },
    writable: { ids: writable.map((r) => r.id), native: writable.map((r) => r.nativeId) },
  };
}

/**
 * `{ __typename }`: an operation that reaches no provider. The pipeline-floor
 * table sends it to the limit's bare Fastify route (which answers the same
 * JSON without GraphQL), to bare Apollo Server on Fastify, and to ordergraph
 * (auth, its plugins, context and figures included).
 */
const FLOOR_SCENARIO: LoadScenario = {
  name: "empty-operation",
  title: "{ __typename }: no provider call",
  minimumCalls: 0,
  expectedCalls: 0,
  providers: [],
  ordergraph: () => ({ path: "/graphql", body: { query: "query { __typename }", variables: {} } }),
  limit: () => ({ path: "/empty-operation", body: { query: "query { __typename }", variables: {} } }),
};

function floorSpec(target: Target): RequestSpec {
  return target.name === "limit" ? FLOOR_SCENARIO.limit(EMPTY_FIXTURES) : FLOOR_SCENARIO.ordergraph(EMPTY_FIXTURES);
}
const EMPTY_FIXTURES: BenchFixtures = {
  nodes: { ids: [], nativeByProvider: {} },
  customers: { ids: [], native: [] },
  writable: { ids: [], native: [] },
};

function specOf(scenario: LoadScenario, target: Target, fixtures: BenchFixtures): RequestSpec | undefined {
  if (target.name === "ordergraph") return scenario.ordergraph(fixtures);
  if (target.name === "limit") return scenario.limit(fixtures);
  return scenario.peer?.(fixtures);
}

/** One cold operation (counted), a warm-up, then the measured window. */
async function measure(
  scenario: LoadScenario,
  target: Target,
  spec: RequestSpec,
  latencyMs: number,
  emulators: EmulatorFleet,
): Promise<LoadResult> {
  const bodyAt = typeof spec.body === "function" ? (spec.body as (n: number) => unknown) : () => spec.body;
  let n = 0;
  await settle(emulators);
  const first = await postJson(`${target.url}${spec.path}`, bodyAt(n++), target.headers);
  const answer = first.json as GraphQLAnswer;
  if (first.status !== 200 || (target.name !== "limit" && answer.errors?.length)) {
    throw new Error(`${scenario.name} on ${target.name}: HTTP ${first.status} ${JSON.stringify(first.json).slice(0, 400)}`);
  }
  const observedSingle = sum(await emulators.call<Record<string, number>>("requests"));
  const callsPerOp = target.name === "ordergraph" ? (answer.extensions?.upstream?.calls ?? -1) : observedSingle;

  const load = (seconds: number) =>
    autocannon({
      url: target.url,
      connections: settings.connections,
      duration: seconds,
      timeout: 30,
      requests: [
        {
          method: "POST",
          path: spec.path,
          headers: { "content-type": "application/json", ...target.headers },
          setupRequest: (request) => ({ ...request, body: JSON.stringify(bodyAt(n++)) }),
        },
      ],
    });
  await load(settings.warmupSeconds);
  await settle(emulators);
  await target.process.call("resetPeak");
  const cpuBefore = await target.process.call<{ user: number; system: number }>("cpu");
  const result = await load(settings.durationSeconds);
  const cpuAfter = await target.process.call<{ user: number; system: number }>("cpu");
  const peak = await target.process.call<number>("peak");
  const upstream = sum(await emulators.call<Record<string, number>>("requests"));
  await settle(emulators);
  const completed = Math.max(1, result.requests.total);
  return {
    scenario: scenario.name,
    target: target.name,
    latencyMs,
    reqPerSec: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    callsPerOp,
    observedSingleCalls: observedSingle,
    loadCallsPerOp: Math.round((upstream / completed) * 100) / 100,
    cpuMsPerOp: Math.round(((cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000 / completed) * 100) / 100,
    peakRssMb: mb(peak),
  };
}

/** Nearest-rank percentile of sorted values, to 0.1 ms. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
  return Math.round(value * 10) / 10;
}

/**
 * The sequential probe: `probeWarmup` then `probeRequests` requests, one at a
 * time over one keep-alive connection, each timed from sending to the last
 * byte of the answer. One request in flight, so the latency is that of one
 * operation and its provider calls, not of a queue for the CPU.
 */
async function probe(
  scenario: LoadScenario,
  target: Target,
  spec: RequestSpec,
  latencyMs: number,
  emulators: EmulatorFleet,
): Promise<ProbeResult> {
  const bodyAt = typeof spec.body === "function" ? (spec.body as (n: number) => unknown) : () => spec.body;
  const client = new Client(target.url, { pipelining: 1 });
  const timings: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let upstream = 0;
  try {
    await settle(emulators);
    for (let i = 0; i < settings.probeWarmup + settings.probeRequests; i++) {
      if (i === settings.probeWarmup) await settle(emulators);
      const body = JSON.stringify(bodyAt(i));
      const t0 = performance.now();
      let status = 0;
      let text = "";
      try {
        const response = await client.request({
          path: spec.path,
          method: "POST",
          headers: { "content-type": "application/json", ...target.headers },
          body,
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        text = error instanceof Error ? error.message : String(error);
      }
      const elapsed = performance.now() - t0;
      if (i < settings.probeWarmup) continue;
      timings.push(elapsed);
      let failed = status !== 200;
      if (!failed && target.name === "ordergraph") failed = ((JSON.parse(text) as GraphQLAnswer).errors?.length ?? 0) > 0;
      if (failed) {
        errors += 1;
        firstError ??= `HTTP ${status} ${text.slice(0, 200)}`;
      }
    }
    upstream = sum(await emulators.call<Record<string, number>>("requests"));
  } finally {
    await client.close();
  }
  await settle(emulators);
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    target: target.name as ProbeResult["target"],
    latencyMs,
    requests: timings.length,
    warmup: settings.probeWarmup,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    minMs: percentile(sorted, 0),
    meanMs: Math.round((timings.reduce((a, b) => a + b, 0) / Math.max(1, timings.length)) * 10) / 10,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    upstreamCallsPerOp: Math.round((upstream / Math.max(1, timings.length)) * 100) / 100,
  };
}

/** Scenario 6: every page (first: 250) of the Iteras archive, one after the other; or the limit's one read of the whole set. */
async function walk(target: Target, latencyMs: number, emulators: EmulatorFleet): Promise<WalkResult> {
  await settle(emulators);
  const startRss = await target.process.call<number>("resetPeak");
  const t0 = performance.now();
  let pages = 0;
  let orders = 0;
  let calls = 0;
  if (target.name === "ordergraph") {
    let after: string | null = null;
    for (;;) {
      const answer = await graphql(target, { query: ITERAS_PAGE_QUERY, variables: { after } });
      const page = answer.data["orders"] as { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      pages += 1;
      orders += page.nodes.length;
      calls += answer.extensions?.upstream?.calls ?? 0;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  } else {
    const { status, json } = await postJson(`${target.url}/iteras-all`, {}, target.headers);
    if (status !== 200) throw new Error(`limit /iteras-all: HTTP ${status}`);
    pages = 1;
    orders = (json as Array<{ orders: unknown[] }>).reduce((total, answer) => total + answer.orders.length, 0);
  }
  const seconds = (performance.now() - t0) / 1000;
  const observed = sum(await emulators.call<Record<string, number>>("requests"));
  return {
    scenario: "iteras-walk",
    target: target.name,
    latencyMs,
    pages,
    orders,
    seconds: Math.round(seconds * 100) / 100,
    upstreamCalls: target.name === "ordergraph" ? calls : observed,
    startRssMb: mb(startRss),
    peakRssMb: mb(await target.process.call<number>("peak")),
  };
}

await main();
