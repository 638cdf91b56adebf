/**
 * The short form of the soak run (`npm run soak -- --short`), as CI runs it:
 * sustained concurrent queries with provider faults switched on and off. It
 * must end without a crash, an HTTP 500 or an error outside the contract's
 * codes, answer cleanly again once faults are off, and stay within its memory
 * bound; the report must show that faults really happened.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

interface SoakReport {
  phases: Array<{
    faults: "on" | "off";
    requests: number;
    p50Ms: number;
    p99Ms: number;
    errorCodes: Record<string, number>;
    peakRssMb: number;
    liveMb: number;
  }>;
  memory: { firstPhaseLiveMb: number; lastPhaseLiveMb: number; growthMb: number };
  problems: string[];
  settings: { maxGrowthMb: number };
}

describe("npm run soak -- --short", () => {
  const dir = mkdtempSync(join(tmpdir(), "ordergraph-soak-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps answering under faults switched on and off, within its memory bound", async () => {
    const out = join(dir, "soak.json");
    // A failed soak exits 1, which rejects here with its output.
    await run(process.execPath, ["bench/soak.ts", "--short", `--out=${out}`], { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(readFileSync(out, "utf8")) as SoakReport;
    expect(report.problems).toEqual([]);
    expect(report.phases.length).toBeGreaterThanOrEqual(4);
    for (const phase of report.phases) {
      expect(phase.requests).toBeGreaterThan(0);
      expect(phase.p99Ms).toBeGreaterThanOrEqual(phase.p50Ms);
      expect(phase.peakRssMb).toBeGreaterThan(0);
      // Live memory, after a full collection: a running server's schema, caches and code hold megabytes.
      expect(phase.liveMb).toBeGreaterThan(5);
    }
    // The faults were real: the faulty phases reported provider errors (partial answers), the healthy ones none.
    const faulty = report.phases.filter((p) => p.faults === "on");
    expect(faulty.some((p) => Object.keys(p.errorCodes).length > 0)).toBe(true);
    expect(report.memory.growthMb).toBe(Math.round((report.memory.lastPhaseLiveMb - report.memory.firstPhaseLiveMb) * 10) / 10);
    expect(report.memory.growthMb).toBeLessThanOrEqual(report.settings.maxGrowthMb);
  }, 180_000);
});
