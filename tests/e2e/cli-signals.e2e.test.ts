/**
 * `ordergraph serve` as a process: on SIGTERM it answers the request in
 * flight, then exits 0 (Apollo's own signal handler, which would race the
 * CLI's and end the process by the signal, is off).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { ADMIN_KEY } from "../helpers/test-server.ts";

let emulator: CsCartEmulator;
let folder: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 20 });
  folder = await mkdtemp(join(tmpdir(), "ordergraph-cli-"));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }
  await emulator?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Starts `serve` and resolves with its URL once it prints that it listens. */
async function serve(config: string): Promise<{ child: ChildProcess; url: string }> {
  const started = spawn(process.execPath, [join(import.meta.dirname, "../../src/cli.ts"), "serve", "--config", config, "--port", "0"], {
    // Not "test": Apollo installs its signal handlers only outside tests, and that is what is checked here.
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = started;
  let output = "";
  started.stderr?.on("data", () => {});
  const url = await new Promise<string>((resolve, reject) => {
    started.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const found = /ordergraph listening on (http:\/\/\S+) /.exec(output);
      if (found?.[1]) resolve(found[1]);
    });
    started.once("exit", (code) => reject(new Error(`serve exited (${code}) before listening: ${output}`)));
  });
  return { child: started, url };
}

describe("ordergraph serve", () => {
  it("on SIGTERM answers the request in flight, then exits 0", async () => {
    const config = join(folder, "ordergraph.json");
    await writeFile(
      config,
      JSON.stringify({
        server: { host: "127.0.0.1", port: 0 },
        clients: [{ name: "admin", key: ADMIN_KEY, scopes: ["orders:read"] }],
        providers: [
          { id: "shop", kind: "cscart", baseUrl: `${emulator.url}/api`, currency: "EUR", credentials: { ...CSCART_DEFAULT_CREDENTIALS } },
        ],
      }),
    );
    const { child: server, url } = await serve(config);
    const exited = once(server, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    emulator.faults = { latencyMs: 400 };
    const mark = emulator.requests.length;
    const answer = fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ orders(first: 2) { nodes { id } } }" }),
    });
    await expect.poll(() => emulator.requests.length, { interval: 2, timeout: 4_000 }).toBeGreaterThan(mark);
    server.kill("SIGTERM");
    const response = await answer;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { orders: { nodes: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.orders.nodes).toHaveLength(2);
    expect(await exited).toEqual([0, null]);
    emulator.faults = {};
  }, 30_000);
});
