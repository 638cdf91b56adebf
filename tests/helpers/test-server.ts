/**
 * Starts ordergraph over real HTTP for end-to-end tests, with a typed GraphQL
 * client (graphql-request) for the codegen documents.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ClientError, GraphQLClient } from "graphql-request";
import { CSCART_DEFAULT_CREDENTIALS } from "../../emulators/cscart/cscart.emulator.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { createConnectors, definitionFor, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { buildServer, type OrdergraphServer } from "../../src/server/app.ts";
import { createLogger, type Logger, type LogLevel } from "../../src/server/logging.ts";
import { createServices } from "../../src/server/services.ts";

/** The key of the all-scopes test client. */
export const ADMIN_KEY = "test-admin-key-0123456789";
/** A key with orders:read only (no PII, no writes). */
export const READER_KEY = "test-reader-key-0123456789";

/** A logger that keeps its JSON lines in memory, for assertions on what is logged. */
export interface MemoryLog {
  logger: Logger;
  /** Every line written so far, as text. */
  raw: string[];
  /** Every line written so far, parsed. */
  lines(): Array<Record<string, unknown>>;
}

/** A server logger (pino, with the server's redaction) writing into memory. */
export function memoryLog(level: LogLevel = "debug"): MemoryLog {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void raw.push(line) } });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/**
 * A demo emulator's provider entry with extra `resilience` settings, and, for a
 * kind whose entry has a rate budget by default (emnify: 100 calls per 5
 * minutes), one far above it: tests that read such a provider hundreds of
 * times need it, and the emulators do not enforce that limit.
 */
export function testEntry(
  emulator: { kind: string; entry: Record<string, unknown> },
  resilience: Record<string, unknown> = {},
  definitions: readonly ProviderDefinition[] = PROVIDER_DEFINITIONS,
) {
  const defaults = definitionFor(emulator.kind, definitions)?.schema.safeParse(emulator.entry).data;
  const budget = defaults?.resilience.rateLimit !== undefined ? { rateLimit: { calls: 100_000, perMs: 60_000 } } : {};
  return { ...emulator.entry, resilience: { ...resilience, ...budget } };
}

/** The provider entry `shop-cscart` for a CS-Cart emulator, with `extra` settings (timeouts, resilience). */
export function csCartEntry(emulator: { url: string }, extra: Record<string, unknown> = {}) {
  return {
    id: "shop-cscart",
    kind: "cscart",
    baseUrl: `${emulator.url}/api`,
    currency: "EUR",
    credentials: { ...CSCART_DEFAULT_CREDENTIALS },
    ...extra,
  };
}

/** A GraphQL answer with its errors and extensions, for assertions. */
export interface RawResult<T> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> | undefined;
  extensions: {
    upstream?: { calls: number; cached: number; providers: Record<string, { calls: number; ms: number; cached: number }> };
  } & Record<string, unknown>;
}

/** A running test server. */
export interface TestServer {
  url: string;
  server: OrdergraphServer;
  /** A graphql-request client with a key (default: ADMIN_KEY). */
  client(key?: string): GraphQLClient;
  /** Runs a typed document and returns data, errors and extensions without throwing on GraphQL errors. */
  run<TData, TVars extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars>,
    variables?: TVars,
    key?: string,
  ): Promise<RawResult<TData>>;
  close(): Promise<void>;
}

/** Starts a server for provider entries (and extra clients / config sections). */
export async function startTestServer(options: {
  providers: Array<Record<string, unknown>>;
  definitions?: readonly ProviderDefinition[];
  clients?: Array<Record<string, unknown>>;
  engine?: Record<string, unknown>;
  cache?: Record<string, unknown>;
  /** Extra `server` settings (limits, authFailures, production, ...); host and port stay the test's. */
  server?: Record<string, unknown>;
  /** The `observability` section (metrics labels, provider ids, ...). */
  observability?: Record<string, unknown>;
  /** A logger for the server (default: none), e.g. one writing into a memory stream. */
  logger?: Logger;
}): Promise<TestServer> {
  const config = parseConfig(
    JSON.stringify({
      server: { ...options.server, host: "127.0.0.1", port: 0 },
      engine: options.engine ?? {},
      cache: options.cache ?? {},
      observability: options.observability ?? {},
      clients: options.clients ?? [
        { name: "admin", key: ADMIN_KEY, scopes: ["orders:read", "orders:write", "pii:read"] },
        { name: "reader", key: READER_KEY, scopes: ["orders:read"] },
      ],
      providers: options.providers,
    }),
    {},
  );
  const services = await createServices(config);
  const definitions = options.definitions ?? PROVIDER_DEFINITIONS;
  const server = await buildServer({
    config,
    connectors: createConnectors(config, services, definitions),
    definitions,
    services,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const url = await server.listen(0, "127.0.0.1");
  const client = (key = ADMIN_KEY) => new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${key}` } });
  return {
    url,
    server,
    client,
    async run(document, variables, key) {
      try {
        const response = await client(key).rawRequest(document as never, variables as never);
        return {
          status: response.status,
          data: response.data as never,
          errors: response.errors as never,
          extensions: (response.extensions ?? {}) as never,
        };
      } catch (error) {
        if (error instanceof ClientError) {
          const r = error.response as unknown as {
            status: number;
            data?: unknown;
            errors?: RawResult<unknown>["errors"];
            extensions?: RawResult<unknown>["extensions"];
          };
          return { status: r.status, data: r.data as never, errors: r.errors, extensions: r.extensions ?? {} };
        }
        throw error;
      }
    },
    close: () => server.close(),
  };
}
