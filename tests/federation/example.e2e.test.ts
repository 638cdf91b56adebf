/**
 * The runnable federation example of docs/federation.md
 * (examples/federation/gateway.ts), run as a newcomer runs it: a separate Node
 * process beside a running ordergraph, answering federated queries.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shippingEstimate } from "../../examples/federation/gateway.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { projectRoot } from "../../src/server/paths.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

let emulators: StartedEmulator[] = [];
let ordergraph: TestServer;
let child: ChildProcess | undefined;
let gatewayUrl: string;
let output = "";

/** Waits until the example prints its gateway URL (or exits). */
async function gatewayUrlOf(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no gateway URL within 20 s:\n${output}`)), 20_000);
    process.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /^gateway:\s+(\S+)/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    process.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    process.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  emulators = await startEmulators({ kinds: ["cscart", "djangoshop"], size: 20 });
  ordergraph = await startTestServer({ providers: emulators.map((e) => e.entry) });
  child = spawn(
    process.execPath,
    [join(projectRoot(), "examples/federation/gateway.ts"), "--url", `${ordergraph.url}/graphql`, "--port", "0"],
    { env: { ...process.env, ORDERGRAPH_KEY: ADMIN_KEY }, stdio: ["ignore", "pipe", "pipe"] },
  );
  gatewayUrl = await gatewayUrlOf(child);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  }
  await ordergraph?.close();
  await Promise.all(emulators.map((e) => e.close()));
});

describe("examples/federation/gateway.ts", () => {
  it("prints how to query it, and answers a query that spans both subgraphs with the forwarded key", async () => {
    expect(output).toContain(`authorization: Bearer ${ADMIN_KEY}`);
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ shipments { id order { id number provider { id } shippingEstimate { carrier days } } } }" }),
    });
    const body = (await response.json()) as {
      data?: { shipments: Array<{ order: { id: string; number: string; provider: { id: string }; shippingEstimate: unknown } }> };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    const shipments = body.data?.shipments ?? [];
    expect(shipments).toHaveLength(5);
    const own = await fetch(`${ordergraph.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ orders(first: 5) { nodes { id number provider { id } } } }" }),
    });
    const newest = ((await own.json()) as { data: { orders: { nodes: unknown[] } } }).data.orders.nodes;
    expect(shipments.map(({ order: { shippingEstimate: _, ...order } }) => order)).toEqual(newest);
    for (const { order } of shipments) expect(order.shippingEstimate).toEqual(shippingEstimate(order.id));
  });

  it("refuses a query without the key, as ordergraph does", async () => {
    const response = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ orders(first: 1) { nodes { id } } }" }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toContain("401");
  });
});
