/**
 * ordergraph under test, in its own process (started by bench/run-bench.ts,
 * possibly with --cpu-prof): the real server as `ordergraph serve` builds it,
 * from the config in BENCH_CONFIG (JSON), on a free port of 127.0.0.1.
 */
import { parseConfig } from "../src/config/load-config.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../src/providers/registry.ts";
import { buildServer } from "../src/server/app.ts";
import { createServices } from "../src/server/services.ts";
import { serveParent } from "./bench-process.ts";

const config = parseConfig(process.env.BENCH_CONFIG ?? "", {});
const services = await createServices(config);
const server = await buildServer({
  config,
  services,
  connectors: createConnectors(config, services),
  definitions: PROVIDER_DEFINITIONS,
  logger: false,
});
const url = await server.listen(0, "127.0.0.1");
serveParent({ url }, {}, () => server.close());
