#!/usr/bin/env node
/**
 * `ordergraph serve | demo | emulators | check-config`.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfigFile } from "./config/load-config.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "./providers/registry.ts";
import { buildServer } from "./server/app.ts";
import { createServices } from "./server/services.ts";

const HELP: Record<string, string> = {
  main: `ordergraph: one GraphQL API over many order providers

Usage: ordergraph <command> [options]

Commands:
  serve         run the server from a config file
  demo          run every provider emulator and the server in one process
  emulators     run the provider emulators only and print how to configure them
  check-config  validate a config file and exit

Run 'ordergraph <command> --help' for a command's options.`,
  serve: `Usage: ordergraph serve [--config FILE] [--port N] [--host H]

  --config FILE  config file (YAML or JSON); default: $ORDERGRAPH_CONFIG
  --port N       port to listen on; default: $PORT, else server.port of the config
  --host H       interface to listen on; default: server.host of the config`,
  demo: `Usage: ordergraph demo [--port N] [--host H]

Starts every provider emulator and the server in one process, prints the
GraphiQL URL and a client key with every scope (ORDERGRAPH_DEMO_KEY, or a
generated one), pre-filled in GraphiQL.

  --port N   port of the server; default: $PORT, else 4000
  --host H   interface; default: 127.0.0.1`,
  emulators: `Usage: ordergraph emulators [--port N] [--host H]

Starts the provider emulators on ports N, N+1, ... (default: free ports) and
prints their base URLs and credentials as provider entries for a config.`,
  "check-config": `Usage: ordergraph check-config [--config FILE]

Validates the config file (default: $ORDERGRAPH_CONFIG) and every provider
entry, printing each problem with its key path. Exits 1 when invalid.`,
};

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`--port/PORT: "${value}" is not a port number`]);
  return port;
}

function onSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`received ${signal}, shutting down gracefully…\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

async function configPath(value: string | undefined): Promise<string> {
  const path = value ?? process.env.ORDERGRAPH_CONFIG;
  if (!path) throw new ConfigError(["no config file: pass --config FILE or set ORDERGRAPH_CONFIG"]);
  return path;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${HELP.main}\n`);
    return command ? 0 : 1;
  }
  if (!HELP[command] || command === "main") {
    process.stderr.write(`unknown command "${command}"\n\n${HELP.main}\n`);
    return 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: { config: { type: "string" }, port: { type: "string" }, host: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const port = portOf(values.port ?? process.env.PORT);

  if (command === "check-config") {
    const path = await configPath(values.config);
    const config = await loadConfigFile(path);
    const connectors = createConnectors(config);
    await Promise.all(connectors.map((c) => c.close()));
    process.stdout.write(`${path}: valid (${config.providers.length} providers, ${config.clients.length} clients)\n`);
    return 0;
  }
  if (command === "serve") {
    const config = await loadConfigFile(await configPath(values.config));
    const services = await createServices(config);
    const server = await buildServer({
      config,
      connectors: createConnectors(config, services),
      definitions: PROVIDER_DEFINITIONS,
      logger: true,
      services,
    });
    const address = await server.listen(port ?? config.server.port, values.host ?? config.server.host);
    process.stdout.write(`ordergraph listening on ${address} (GraphQL at ${address}/graphql)\n`);
    onSignals(() => server.close());
    return -1;
  }
  // The demo and the emulators are loaded only for their commands: `serve` never carries them.
  if (command === "demo") {
    const { startDemo } = await import("./demo/demo.ts");
    const demo = await startDemo({
      port: port ?? 4000,
      host: values.host ?? "127.0.0.1",
      logger: true,
      onProgress: (line) => process.stdout.write(`… ${line}\n`),
    });
    process.stdout.write(
      [
        "",
        "ordergraph demo is running",
        `  GraphiQL:    ${demo.url}/graphiql   (the key below is pre-filled)`,
        `  GraphQL:     ${demo.url}/graphql`,
        `  client key:  ${demo.key}`,
        `  router key:  ${demo.routerKey}   (a federation gateway's own: node examples/federation/gateway.ts)`,
        `  providers:   ${demo.emulators.map((e) => `${e.id} (${e.kind})`).join(", ")}`,
        "",
        `  try: curl -s ${demo.url}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${demo.key}' \\`,
        `         -d '{"query":"{ orders(first: 3) { nodes { id number status total { amount currency } } } }"}'`,
        "",
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
    onSignals(() => demo.close());
    return -1;
  }
  // emulators
  const { startEmulators } = await import("./demo/demo-providers.ts");
  const started = await startEmulators({ host: values.host ?? "127.0.0.1", ...(port ? { basePort: port } : {}) });
  for (const emulator of started) {
    process.stdout.write(`${emulator.kind.padEnd(15)} ${emulator.url}\n  config entry: ${JSON.stringify(emulator.entry)}\n`);
  }
  onSignals(async () => {
    await Promise.all(started.map((e) => e.close()));
  });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`ordergraph: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
