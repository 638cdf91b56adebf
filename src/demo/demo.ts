/**
 * The embedded demo: every emulator and the server in one process, with a
 * client key that has every scope, pre-filled in GraphiQL.
 */
import { randomBytes } from "node:crypto";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import { parseConfig } from "../config/load-config.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../providers/registry.ts";
import { buildServer, type OrdergraphServer } from "../server/app.ts";
import { createServices } from "../server/services.ts";
import { type StartedEmulator, startEmulators } from "./demo-providers.ts";

/** A running demo. */
export interface RunningDemo {
  url: string;
  key: string;
  /** The key of the demo's router client, for a federation gateway in front (examples/federation). */
  routerKey: string;
  config: OrdergraphConfig;
  emulators: StartedEmulator[];
  server: OrdergraphServer;
  close(): Promise<void>;
}

/**
 * Starts the demo; `key` defaults to ORDERGRAPH_DEMO_KEY or a random key, `routerKey` (a router client's, for
 * examples/federation) to ORDERGRAPH_DEMO_ROUTER_KEY or a random key.
 */
export async function startDemo(
  options: { host?: string; port?: number; key?: string; routerKey?: string; logger?: boolean; onProgress?: (line: string) => void } = {},
): Promise<RunningDemo> {
  const progress = options.onProgress ?? (() => {});
  const key = options.key ?? process.env.ORDERGRAPH_DEMO_KEY ?? `demo-${randomBytes(18).toString("base64url")}`;
  const routerKey = options.routerKey ?? process.env.ORDERGRAPH_DEMO_ROUTER_KEY ?? `demo-router-${randomBytes(18).toString("base64url")}`;
  progress("starting provider emulators…");
  const emulators = await startEmulators({ host: "127.0.0.1" });
  try {
    const config = parseConfig(
      JSON.stringify({
        // A federation gateway in front (examples/federation) runs on this machine: it forwards its clients' addresses.
        server: { host: options.host ?? "127.0.0.1", port: options.port ?? 4000, trustedProxies: ["loopback"] },
        clients: [
          { name: "demo", key, scopes: ["orders:read", "orders:write", "pii:read"] },
          { name: "demo-router", key: routerKey, scopes: [], router: true },
        ],
        providers: emulators.map((e) => e.entry),
      }),
      {},
    );
    progress(`emulators ready: ${emulators.map((e) => e.kind).join(", ")}; starting ordergraph…`);
    const budgets = config.providers.flatMap(({ id, resilience: { rateLimit } }) =>
      rateLimit ? [`${id} ${rateLimit.calls} calls per ${rateLimit.perMs / 1000} s`] : [],
    );
    if (budgets.length) {
      progress(
        `rate budgets raised for the demo, so that paging through every order at any page size completes: ${budgets.join(", ")} ` +
          "(a provider entry of your own keeps its kind's default, e.g. emnify's 100 calls per 5 minutes)",
      );
    }
    const services = await createServices(config);
    const server = await buildServer({
      config,
      services,
      connectors: createConnectors(config, services),
      definitions: PROVIDER_DEFINITIONS,
      demoKey: key,
      logger: options.logger ?? false,
    });
    const address = await server.listen(config.server.port, config.server.host);
    return {
      url: address,
      key,
      routerKey,
      config,
      emulators,
      server,
      async close() {
        await server.close();
        await Promise.all(emulators.map((e) => e.close()));
      },
    };
  } catch (error) {
    await Promise.all(emulators.map((e) => e.close()));
    throw error;
  }
}
