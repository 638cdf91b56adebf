/**
 * The decoding micro-benchmark (`npm run bench:decode`) in a short form, so it
 * keeps working: every list provider's page is read, validated and mapped,
 * also as row texts (what merged list calls read), and the table holds a
 * figure for each step. Speeds are not asserted.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("npm run bench:decode", () => {
  it("prints parse, validate, map and row-text figures for each list provider's page of 51 orders", async () => {
    const { stdout } = await run(process.execPath, ["bench/decode-bench.ts", "--rounds=1", "--iterations=4"], { timeout: 60_000 });
    for (const provider of ["sims-emnify", "shop-cscart", "billing-activeplatform", "shop-djangoshop"]) {
      const row = stdout.split("\n").find((line) => line.startsWith(`| ${provider} |`));
      expect(row, provider).toBeDefined();
      const cells = (row as string)
        .split("|")
        .slice(2, -1)
        .map((cell) => Number(cell.trim()));
      expect(cells, provider).toHaveLength(8);
      for (const cell of cells) expect(cell, `${provider}: ${row}`).toBeGreaterThan(0);
    }
  }, 90_000);
});
