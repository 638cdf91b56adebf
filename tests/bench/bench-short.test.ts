/**
 * The short form of the benchmark (`npm run bench:short`), as CI runs it: every
 * scenario runs against ordergraph and the limit baseline, and the JSON report
 * holds sane figures. Speeds are not asserted (they depend on the machine);
 * upstream calls per operation are, as a bound that must not grow.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBE_SCENARIOS, type Report } from "../../bench/bench-report.ts";
import { LOAD_SCENARIOS } from "../../bench/bench-scenarios.ts";

const run = promisify(execFile);

describe("npm run bench:short", () => {
  let dir: string;
  let report: Report;
  let stdout: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ordergraph-bench-"));
    const out = join(dir, "short.json");
    ({ stdout } = await run(process.execPath, ["bench/run-bench.ts", "--short", `--out=${out}`], {
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
    report = JSON.parse(readFileSync(out, "utf8")) as Report;
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every load scenario on ordergraph and the limit, without errors", () => {
    for (const scenario of LOAD_SCENARIOS) {
      for (const target of ["ordergraph", "limit"] as const) {
        const result = report.loads.find((l) => l.scenario === scenario.name && l.target === target);
        expect(result, `${scenario.name} on ${target}`).toBeDefined();
        expect(result?.reqPerSec, `${scenario.name} on ${target}`).toBeGreaterThan(0);
        expect(result?.errors).toBe(0);
        expect(result?.non2xx).toBe(0);
        expect(result?.p99Ms).toBeGreaterThanOrEqual(result?.p50Ms ?? 0);
        expect(result?.peakRssMb).toBeGreaterThan(0);
      }
    }
  });

  it("keeps ordergraph's upstream calls per operation within each scenario's bound, as counted by the emulators too", () => {
    for (const scenario of LOAD_SCENARIOS) {
      const og = report.loads.find((l) => l.scenario === scenario.name && l.target === "ordergraph");
      expect(og?.callsPerOp, scenario.name).toBeGreaterThan(0);
      expect(og?.callsPerOp, scenario.name).toBeLessThanOrEqual(scenario.expectedCalls);
      // extensions.upstream must count what the providers really received.
      expect(og?.observedSingleCalls, scenario.name).toBe(og?.callsPerOp);
    }
    const limitOf = (name: string) => report.loads.find((l) => l.scenario === name && l.target === "limit")?.callsPerOp;
    expect(limitOf("one-provider-50")).toBe(1);
    expect(limitOf("one-provider-50-items")).toBe(51);
    expect(limitOf("merged-5x50")).toBe(5);
    expect(limitOf("nodes-100")).toBe(100);
  });

  it("pages through the whole Iteras archive, 250 orders a page", () => {
    const walk = report.walks.find((w) => w.target === "ordergraph");
    expect(walk?.orders).toBe(2000);
    expect(walk?.pages).toBe(8);
    expect(walk?.upstreamCalls).toBeGreaterThan(0);
    expect(report.walks.find((w) => w.target === "limit")?.orders).toBe(2000);
  });

  it("probes one provider and five merged, one request at a time, on ordergraph and the limit, without errors", () => {
    expect(PROBE_SCENARIOS).toEqual(["one-provider-50", "merged-5x50"]);
    for (const scenario of PROBE_SCENARIOS) {
      for (const target of ["ordergraph", "limit"] as const) {
        const probe = report.probes?.find((p) => p.scenario === scenario && p.target === target && p.latencyMs === 0);
        expect(probe, `probe ${scenario} on ${target}`).toBeDefined();
        expect(probe?.requests, `probe ${scenario} on ${target}`).toBe(report.settings["probeRequests"]);
        expect(probe?.errors, `probe ${scenario} on ${target}: ${probe?.firstError}`).toBe(0);
        expect(probe?.p50Ms).toBeGreaterThan(0);
        expect(probe?.p99Ms).toBeGreaterThanOrEqual(probe?.p50Ms ?? 0);
        expect(probe?.upstreamCallsPerOp).toBeGreaterThan(0);
      }
    }
    expect(stdout).toContain("Sequential probe");
    expect(stdout).toContain("merged − one p50 ms");
  });

  it("measures the pipeline floor: an operation with no provider call on bare Fastify, bare Apollo Server and ordergraph", () => {
    const floor = report.floor ?? [];
    expect(floor.map((f) => f.target)).toEqual(["limit", "apollo", "ordergraph"]);
    for (const result of floor) {
      expect(result.scenario).toBe("empty-operation");
      expect(result.reqPerSec, result.target).toBeGreaterThan(0);
      expect(result.cpuMsPerOp, result.target).toBeGreaterThan(0);
      expect(result.errors, result.target).toBe(0);
      expect(result.non2xx, result.target).toBe(0);
      // No provider is asked, by ordergraph's own count and by the emulators'.
      expect(result.callsPerOp, result.target).toBe(0);
      expect(result.loadCallsPerOp, result.target).toBe(0);
    }
    expect(stdout).toContain("Pipeline floor");
    expect(stdout).toMatch(/\| apollo \| \d+ \|/);
  });

  it("says that the peer was skipped and prints the table with ratios", () => {
    expect(String(report.settings["peer"])).toMatch(/skipped/);
    expect(stdout).toContain("| one-provider-50 |");
    expect(stdout).toContain("og/limit");
  });
});
