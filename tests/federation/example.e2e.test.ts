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
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** The example gateway's own key: a router client without scopes, as the demo's. */
const ROUTER_KEY = "test-example-router-key-0123456789";

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
  ordergraph = await startTestServer({
    providers: emulators.map((e) => e.entry),
    clients: [
      { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
      { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
      { name: "example-gateway", key: ROUTER_KEY, scopes: [], router: true },
    ],
    server: { trustedProxies: ["loopback"] },
  });
  child = spawn(
    process.execPath,
    [join(projectRoot(), "examples/federation/gateway.ts"), "--url", `${ordergraph.url}/graphql`, "--port", "0"],
    { env: { ...process.env, ORDERGRAPH_ROUTER_KEY: ROUTER_KEY, ORDERGRAPH_KEY: ADMIN_KEY }, stdio: ["ignore", "pipe", "pipe"] },
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
  it("prints how to query it, and answers a query that spans both subgraphs with the client's key passed on", async () => {
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

  // Deliberately changed by issue 24: the gateway calls ordergraph with its router key, which reads nothing as
  // itself; the client's own key decides what it reads.
  it("reads nothing for a client without a key, and what the client's key allows for one with a key", async () => {
    const query = (authorization?: string) =>
      fetch(gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: "{ orders(first: 1) { nodes { id email } } }" }),
      }).then(
        async (r) =>
          (await r.json()) as {
            data?: { orders: { nodes: Array<{ email: string | null }> } } | null;
            errors?: Array<{ extensions?: Record<string, unknown> }>;
          },
      );
    const anonymous = await query();
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const reader = await query(`Bearer ${READER_KEY}`);
    expect(reader.data?.orders.nodes[0]?.email).toBeNull();
    expect(reader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const admin = await query(`Bearer ${ADMIN_KEY}`);
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.orders.nodes).toHaveLength(1);
  });
});
