/**
 * The configuration schema (zod). Provider entries share a base here; each
 * provider kind validates its own credentials and options in its definition
 * (src/providers/<kind>), so a bad entry fails at start with the key named.
 */
import { isIP } from "node:net";
import { z } from "zod";

/** Scopes a client key can carry. */
export const SCOPES = ["orders:read", "orders:write", "pii:read"] as const;
export type Scope = (typeof SCOPES)[number];

/** A share of a provider budget, as a fraction of it: more than 0, at most 1 (all of it). */
const shareFraction = z.number().gt(0, "a share is more than 0").max(1, "a share is at most 1 (all of the budget)");

/** One client's own shares of provider budgets (fractions), where they differ from each provider's `resilience.clientShare`. */
const shareOverrides = {
  rate: shareFraction.optional().describe("The most of each window of a provider's rate budget this client may take (0 < x <= 1)."),
  concurrency: shareFraction.optional().describe("The most of a provider's `maxConcurrency` this client may hold at once (0 < x <= 1)."),
};

const clientSchema = z
  .object({
    name: z.string().min(1).describe("A name for logs and metrics."),
    key: z
      .string()
      .min(16, "a client key needs at least 16 characters")
      .optional()
      .describe("The client key in clear (use an environment variable reference)."),
    keySha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, "must be 64 hex digits (sha256 of the key)")
      .optional()
      .describe("The sha256 of the client key, hex, instead of `key`."),
    scopes: z
      .array(z.enum(SCOPES))
      .describe(
        "What the client may do (at least one; a router client may have none: it then reads nothing as itself, only for the end users whose keys it forwards).",
      ),
    providers: z.array(z.string().min(1)).min(1).default(["*"]).describe('Provider ids the client may use; ["*"] (default) for all.'),
    router: z
      .boolean()
      .default(false)
      .describe(
        "A federation router's own key (or the build's that composes the supergraph): its requests get the federation subgraph schema (`_service`, `_entities`), and it may act for an end user whose key it forwards in X-Forwarded-Authorization.",
      ),
    shares: z
      .object({
        ...shareOverrides,
        providers: z
          .record(z.string().min(1), z.object(shareOverrides).strict())
          .optional()
          .describe(
            "Shares for single providers, by provider id (`{ sims: { rate: 0.2 } }`): they win over `rate` and `concurrency` above.",
          ),
      })
      .strict()
      .optional()
      .describe(
        "This client's shares of provider budgets, instead of each provider's `resilience.clientShare` (1: all of a budget, no fair-use limit).",
      ),
    maxEntities: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(250)
      .describe(
        "Most representations one _entities field may name (like nodes' 250 ids); a router client's applies to the end users it acts for, since its plans send one per referenced order.",
      ),
  })
  .strict()
  .refine((c) => (c.key === undefined) !== (c.keySha256 === undefined), { message: "give exactly one of key or keySha256" })
  .refine((c) => c.router || c.scopes.length > 0, {
    path: ["scopes"],
    message: "give at least one scope (only a router client may have none)",
  });

/** Fields every provider entry has. */
export const providerBaseSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "use lower-case letters, digits and dashes")
    .describe("The provider id clients use, e.g. shop-de."),
  // Which kinds exist is the registry's to say: createConnectors refuses a kind no definition has, naming the entry.
  kind: z.string().min(1).describe("Which provider API this is."),
  name: z.string().min(1).optional().describe("A display name; defaults to the id."),
  baseUrl: z.url({ protocol: /^https?$/ }).describe("The provider API's base URL."),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")
    .optional()
    .describe("Currency for providers whose data has none."),
  timeZone: z
    .string()
    .refine(isTimeZone, "an IANA time zone such as Europe/Copenhagen")
    .default("UTC")
    .describe("Time zone of naive timestamps and day filters."),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000).describe("Time allowed for one upstream call."),
  connections: z.number().int().positive().max(256).default(16).describe("Keep-alive connections to the provider."),
  detailConcurrency: z.number().int().positive().max(64).default(8).describe("Detail calls in flight at once."),
  cacheTtlMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(0)
    .describe("How long answers of this provider are cached (0: not cached; identical concurrent calls are still shared)."),
  resilience: z
    .object({
      retries: z.number().int().min(0).max(10).default(2).describe("Retries of an idempotent read after a network error, 429 or 5xx."),
      backoffMs: z.number().int().min(1).max(60_000).default(100).describe("First retry delay; it grows exponentially, with jitter."),
      maxBackoffMs: z
        .number()
        .int()
        .min(1)
        .max(300_000)
        .default(2_000)
        .describe("Longest retry delay (a longer Retry-After is not waited for)."),
      breakerFailures: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(5)
        .describe("Consecutive failed calls that open the circuit breaker (calls then fail fast)."),
      breakerHalfOpenAfterMs: z
        .number()
        .int()
        .min(100)
        .max(3_600_000)
        .default(10_000)
        .describe("How long an open breaker waits before it lets one probe call through."),
      maxConcurrency: z
        .number()
        .int()
        .min(1)
        .max(1024)
        .default(32)
        .describe("Most calls in flight to this provider at once; more wait in a queue."),
      rateLimit: z
        .object({
          calls: z.number().int().min(1).describe("Calls allowed per window."),
          perMs: z.number().int().min(1).describe("The window, in milliseconds."),
        })
        .strict()
        .optional()
        .describe(
          "A client-side rate budget that ordergraph never exceeds in any span of perMs (emnify: 100 calls per 300000 ms by default); kept as shorter windows, see docs/resilience.md.",
        ),
      clientShare: z
        .object({
          rate: shareFraction
            .default(0.5)
            .describe("The most of each window of the rate budget one client (or other budget holder) may take."),
          concurrency: shareFraction
            .default(0.5)
            .describe("The most of `maxConcurrency` one client (or other budget holder) may hold at once."),
        })
        .strict()
        .prefault({})
        .describe("Fair use: no one client may take more than this share of the provider's budgets; a client's `shares` may set its own."),
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(512 * 1024 * 1024)
        .default(20 * 1024 * 1024)
        .describe("Largest upstream answer accepted, in bytes."),
    })
    .strict()
    .prefault({})
    .describe("How calls to this provider are retried, limited and cut off."),
});

export type ProviderBaseConfig = z.infer<typeof providerBaseSchema>;

/** Names of address ranges that Fastify's trustProxy (proxy-addr) knows. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Whether a `server.trustedProxies` entry is an IP address, a CIDR range or a named range. */
function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address = "", prefix, ...rest] = value.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The whole file, with provider entries checked against the base only. */
export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default("127.0.0.1").describe("Interface to listen on."),
        port: z.number().int().min(0).max(65535).default(4000).describe("Port to listen on (PORT and --port override it)."),
        exposeUpstreamFigures: z.boolean().default(true).describe("Add extensions.upstream to every response."),
        introspection: z
          .boolean()
          .default(true)
          .describe(
            "Allow schema introspection (of the public schema; a router client's, of the subgraph schema). `_service { sdl }` is in router clients' schema only, whatever this says.",
          ),
        requestDeadlineMs: z
          .number()
          .int()
          .min(100)
          .max(300_000)
          .default(15_000)
          .describe("Overall time for one GraphQL request: upstream calls and retries stop at it."),
        production: z
          .boolean()
          .default(false)
          .describe("Production mode: no field suggestions in validation errors (and other hardening)."),
        logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level."),
        limits: z
          .object({
            maxDepth: z.number().int().min(1).max(100).default(12).describe("Deepest selection allowed."),
            maxCost: z
              .number()
              .int()
              .min(1)
              .max(10_000_000)
              .default(50_000)
              .describe(
                "Highest estimated cost of one operation: fields (page sizes multiply), introspection, and 10 per upstream call it may make.",
              ),
            maxAliases: z.number().int().min(0).max(1000).default(30).describe("Most aliases in one operation."),
            maxTokens: z.number().int().min(10).max(100_000).default(5_000).describe("Most tokens in one document."),
            maxDirectives: z.number().int().min(0).max(1000).default(50).describe("Most directives in one operation."),
          })
          .strict()
          .prefault({})
          .describe("Query limits; past one, the answer is QUERY_TOO_COMPLEX with the numbers."),
        http: z
          .object({
            headersTimeoutMs: z
              .number()
              .int()
              .min(500)
              .max(120_000)
              .default(10_000)
              .describe(
                "Time a client has to send a request's headers, from the moment it connects (on a kept-alive connection: from the next request's first byte); then 408 and the connection is closed.",
              ),
            bodyTimeoutMs: z
              .number()
              .int()
              .min(500)
              .max(600_000)
              .default(10_000)
              .describe(
                "Time a client has to send a whole request, headers and body (at least headersTimeoutMs); then 408 and the connection is closed. Answering is not counted: requestDeadlineMs bounds that.",
              ),
            keepAliveTimeoutMs: z
              .number()
              .int()
              .min(1000)
              .max(600_000)
              .default(72_000)
              .describe(
                "How long an idle keep-alive connection stays open; keep it longer than the idle timeout of a load balancer in front.",
              ),
          })
          .strict()
          .prefault({})
          .describe("Timeouts of client connections: slow or idle clients cannot hold sockets."),
        cursorSecret: z
          .string()
          .min(32, "a cursor secret needs at least 32 characters")
          .optional()
          .describe(
            "HMAC key that signs cursors (use an environment variable reference); replicas behind one endpoint must share it. Absent: a random key per start, and cursors do not survive a restart.",
          ),
        trustedProxies: z
          .array(z.string().refine(isProxyAddress, "an IP address, a CIDR range such as 10.0.0.0/8, or loopback, linklocal or uniquelocal"))
          .max(1000)
          .default([])
          .describe(
            "Proxies and federation routers in front (IP addresses, CIDR ranges, or loopback / linklocal / uniquelocal): for a request from one of them, the client's address is the last one X-Forwarded-For names that is not itself trusted (Fastify's trustProxy), and failed-auth limiting counts by it. Empty (default): the TCP peer's address.",
          ),
        authFailures: z
          .object({
            max: z.number().int().min(1).max(100_000).default(10).describe("Failed authentications allowed per client address per window."),
            windowMs: z.number().int().min(1000).max(86_400_000).default(60_000).describe("The window, in milliseconds."),
          })
          .strict()
          .prefault({})
          .describe("Failed-auth rate limiting: past it, 429 until the window ends."),
      })
      .strict()
      .prefault({}),
    engine: z
      .object({
        defaultPageSize: z.number().int().min(1).max(250).default(50).describe("Page size when a query gives neither first nor last."),
        maxPageSize: z.number().int().min(1).max(250).default(250).describe("Largest first or last a query may ask for."),
        scanLimit: z
          .number()
          .int()
          .min(100)
          .max(1_000_000)
          .default(10_000)
          .describe("Most rows read from one provider for one page before answering an error."),
        fullReadTtlMs: z
          .number()
          .int()
          .min(0)
          .max(300_000)
          .default(2_000)
          .describe(
            "How long a bounded full read (for a sort a provider cannot do) is reused by later requests; writes through ordergraph invalidate it; 0: per request only.",
          ),
      })
      .strict()
      .prefault({}),
    cache: z
      .object({
        redisUrl: z
          .string()
          .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
          .optional()
          .describe("Share cached answers between replicas through Redis; default: in memory."),
      })
      .strict()
      .prefault({}),
    observability: z
      .object({
        showProviderIds: z
          .boolean()
          .default(false)
          .describe(
            "Show provider ids on /readyz and as metrics labels; off: /readyz gives its status only, and metrics label providers by their position in providers[] (provider-1, provider-2, ...).",
          ),
        metrics: z
          .object({
            enabled: z.boolean().default(true).describe("Serve Prometheus metrics."),
            path: z
              .string()
              .regex(/^\/[a-z0-9/_-]*$/)
              .default("/metrics")
              .describe("Path of the metrics endpoint."),
            operationNames: z
              .array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,99}$/, "a GraphQL operation name"))
              .max(1000)
              .default([])
              .describe('Operation names that get a metrics label of their own; any other named operation is labelled "other".'),
          })
          .strict()
          .prefault({}),
        tracing: z
          .object({
            enabled: z.boolean().default(false).describe("Record OpenTelemetry spans (one per operation and per upstream call)."),
            exporter: z.enum(["otlp-http", "console"]).default("otlp-http").describe("Where spans go."),
            endpoint: z.url().optional().describe("OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces."),
            serviceName: z.string().min(1).default("ordergraph").describe("The service.name resource attribute of the spans."),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    clients: z.array(clientSchema).min(1, "configure at least one client"),
    providers: z.array(providerBaseSchema.loose()).min(1, "configure at least one provider"),
  })
  .strict()
  .superRefine((config, ctx) => {
    // Node refuses a header timeout longer than the whole request's.
    if (config.server.http.bodyTimeoutMs < config.server.http.headersTimeoutMs) {
      ctx.addIssue({ code: "custom", path: ["server", "http", "bodyTimeoutMs"], message: "must be at least server.http.headersTimeoutMs" });
    }
    const ids = new Set<string>();
    config.providers.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: "custom", path: ["providers", i, "id"], message: `duplicate provider id "${p.id}"` });
      ids.add(p.id);
    });
    const names = new Set<string>();
    config.clients.forEach((c, i) => {
      // A client's name keys its shares of provider budgets: two clients of one name would share them.
      if (names.has(c.name)) ctx.addIssue({ code: "custom", path: ["clients", i, "name"], message: `duplicate client name "${c.name}"` });
      names.add(c.name);
      c.providers.forEach((id, j) => {
        if (id !== "*" && !ids.has(id))
          ctx.addIssue({ code: "custom", path: ["clients", i, "providers", j], message: `unknown provider id "${id}"` });
      });
      for (const id of Object.keys(c.shares?.providers ?? {})) {
        if (!ids.has(id))
          ctx.addIssue({ code: "custom", path: ["clients", i, "shares", "providers", id], message: `unknown provider id "${id}"` });
      }
    });
  });

export type OrdergraphConfig = z.infer<typeof configSchema>;
export type ClientConfig = OrdergraphConfig["clients"][number];
