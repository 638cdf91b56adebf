/**
 * The example consumer (examples/consumer) against the demo's five emulated
 * providers: it type-checks, and what it prints is what the API answers.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { OrderByIdDocument, OrdersPageDocument } from "../../src/generated/client/graphql.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { projectRoot } from "../../src/server/paths.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const run = promisify(execFile);
const root = projectRoot();
const CONSUMER = join(root, "examples/consumer/consumer.ts");
/** The registered providers' order types, as a regular expression's alternatives. */
const ORDER_TYPES = PROVIDER_DEFINITIONS.map((d) => d.orderType.typeName).join("|");

/** The consumer's `--json` report (the part the test reads). */
interface Report {
  pages: Array<{ totalCount: number | null; orders: Array<{ id: string; provider: string }>; endCursor: string | null }>;
  order: { id: string; items: Array<{ name: string; quantity: string }> } | null;
  canWrite: boolean;
  providers: Array<{ id: string; capabilities: { writes: Array<{ operation: string; supported: boolean }> } }> | null;
  warnings: string[];
}

let emulators: StartedEmulator[];
let server: TestServer;

beforeAll(async () => {
  emulators = await startEmulators({ size: 12 });
  server = await startTestServer({ providers: emulators.map((e) => e.entry) });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

/** Runs the consumer as a user would (Node strips the types); resolves with its stdout, rejects on a non-zero exit. */
async function consumer(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [CONSUMER, ...args], {
    cwd: root,
    env: { ...process.env, ORDERGRAPH_URL: "", ORDERGRAPH_KEY: "", ...env },
    timeout: 30_000,
  });
  return stdout;
}

describe("examples/consumer", () => {
  it("type-checks with its own tsconfig", async () => {
    const tsc = join(root, "node_modules/.bin/tsc");
    const result = await run(tsc, ["-p", "examples/consumer/tsconfig.json", "--noEmit"], { cwd: root, timeout: 60_000 }).catch(
      (error: { code?: number; stdout?: string }) => ({ stdout: error.stdout ?? "", code: error.code }),
    );
    expect("code" in result ? result : { code: 0 }, result.stdout).toEqual({ code: 0 });
  }, 90_000);

  it("lists the newest orders across providers, pages with the cursor, and fetches one order with items", async () => {
    const report = JSON.parse(
      await consumer(["--url", `${server.url}/graphql`, "--key", ADMIN_KEY, "--page-size", "4", "--pages", "2", "--json"]),
    ) as Report;

    const first = await server.run(OrdersPageDocument, { first: 4 });
    const firstIds = first.data?.orders.edges.map((e) => e.node.id);
    const second = await server.run(OrdersPageDocument, { first: 4, after: first.data?.orders.pageInfo.endCursor });
    const secondIds = second.data?.orders.edges.map((e) => e.node.id);

    expect(report.warnings).toEqual([]);
    expect(report.pages).toHaveLength(2);
    expect(report.pages[0]?.orders.map((o) => o.id)).toEqual(firstIds);
    expect(report.pages[1]?.orders.map((o) => o.id)).toEqual(secondIds);
    expect(new Set([...(firstIds ?? []), ...(secondIds ?? [])]).size).toBe(8);
    // Newest first across providers: the demo's first pages mix several of them.
    const providers = new Set(report.pages.flatMap((p) => p.orders.map((o) => o.provider)));
    expect(providers.size).toBeGreaterThan(1);
    expect(report.pages[0]?.totalCount === null || (report.pages[0]?.totalCount ?? 0) >= 8).toBe(true);

    const newest = firstIds?.[0] as string;
    const detail = await server.run(OrderByIdDocument, { id: newest });
    expect(report.order?.id).toBe(newest);
    expect(report.order?.items.map((i) => [i.name, i.quantity])).toEqual(detail.data?.order?.items.map((i) => [i.name, i.quantity]));
  });

  it("shows the providers' capabilities to a key with orders:write", async () => {
    const report = JSON.parse(
      await consumer(["--json", "--pages", "1"], { ORDERGRAPH_URL: `${server.url}/graphql`, ORDERGRAPH_KEY: ADMIN_KEY }),
    ) as Report;
    expect(report.canWrite).toBe(true);
    expect(report.providers?.map((p) => p.id).sort()).toEqual(emulators.map((e) => e.id).sort());
    const cscart = report.providers?.find((p) => p.id === "shop-cscart");
    expect(cscart?.capabilities.writes).toContainEqual({ operation: "UPDATE_ORDER_STATUS", supported: true });
  });

  it("prints a readable report, and leaves capabilities out for a read-only key", async () => {
    const text = await consumer(["--url", `${server.url}/graphql`, "--key", READER_KEY, "--page-size", "3", "--pages", "2"]);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^newest orders, page 1 \(3 per page, (\d+ in total|total unknown)\)$/);
    expect(lines.filter((l) => /^newest orders, page \d/.test(l))).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}next cursor: \S+$/));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^order #\\S+ \\((${ORDER_TYPES}) of [a-z-]+\\)$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}items \(\d+\):$/));
    expect(lines).toContain("capabilities: not shown, this key has no orders:write scope");
  });

  it("fails with the server's error code for a wrong key", async () => {
    const failure = await consumer(["--url", `${server.url}/graphql`, "--key", "not-a-key-0123456789"]).catch(
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/HTTP 401: UNAUTHENTICATED: missing or invalid client key/) });
  });
});
