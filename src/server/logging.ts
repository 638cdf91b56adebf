/**
 * Structured logs (pino, JSON lines): one line per HTTP request, one per
 * GraphQL operation and one per upstream call, all carrying the request id.
 *
 * What is never logged: variables (they can hold personal data), headers,
 * bodies, query strings, keys and provider credentials. Nothing here logs
 * those in the first place; pino's redaction and {@link scrubText} are the
 * second line of defence should a later change pass one in by mistake.
 */
import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { GraphQLError } from "graphql";
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from "pino";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import type { GraphContext } from "../graph/context.ts";
import type { ObserverHub } from "../providers/core/upstream-events.ts";

export type { Logger };

/** A level of `server.logLevel`. */
export type LogLevel = OrdergraphConfig["server"]["logLevel"];

/** The request id header, read from the client (when sane) and always answered. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Paths pino censors wherever they appear in a logged object. */
export const REDACT_PATHS: readonly string[] = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'req.headers["x-iteras-key"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  'headers["x-api-key"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "authorization",
  "*.authorization",
  "variables",
  "*.variables",
  "credentials",
  "*.credentials",
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
];

/** Creates the server's logger: JSON lines at `level`, to stdout unless a destination is given (tests use a memory stream). */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream | undefined }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "ordergraph" },
      redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination(1),
  );
}

/**
 * The logger of `ServerOptions.logger`: false logs nothing, true logs to
 * stdout at `server.logLevel`, a logger is used as it is.
 */
export function serverLogger(setting: boolean | Logger | undefined, level: LogLevel): Logger {
  if (setting === undefined || setting === false) return pino({ level: "silent" });
  if (setting === true) return createLogger({ level });
  return setting;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The request id of an incoming request: the client's `x-request-id` when it is a sane token, else a new UUID. */
export function requestIdFor(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Removes secrets a text could carry by accident: URL query strings and credentials after an auth scheme. */
export function scrubText(text: string): string {
  return text
    .replace(/(\bhttps?:\/\/[^\s?#"'<>]*)\?[^\s"'<>]*/gi, "$1?[redacted]")
    .replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]");
}

/** Paths logged at debug: probes and scrapes come every few seconds and would drown the rest at info. */
const PROBE_PATHS = ["/healthz", "/readyz"];

const pathOf = (request: FastifyRequest): string => request.url.split("?")[0] ?? "/";

/** A short, scrubbed description of an error for a log line (no stack, no request). */
function errorFields(error: Error | null | undefined): Record<string, unknown> | undefined {
  if (!error) return undefined;
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === "string" ? { code } : {}), message: scrubText(error.message) };
}

/**
 * Fastify's own log lines, made safe: its defaults log the URL with its query
 * string (GET /graphql?variables=...) and whole requests with errors. Ours log
 * one line per request (method, path, status, duration) and errors by name
 * and scrubbed message.
 */
class SafeLogController extends LogController {
  private readonly quietPaths: ReadonlySet<string>;

  constructor(quietPaths: readonly string[]) {
    super({ requestIdLogLabel: "requestId" });
    this.quietPaths = new Set(quietPaths);
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Nothing to build when even errors are not logged (level "silent").
    const log = request.log as unknown as Partial<Pick<Logger, "isLevelEnabled">>;
    if (log.isLevelEnabled && !log.isLevelEnabled("error")) return;
    const path = pathOf(request);
    const level: Level = error ? "error" : this.quietPaths.has(path) ? "debug" : "info";
    request.log[level](
      { method: request.method, path, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime), error: errorFields(error) },
      "request",
    );
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    request.log[reply.statusCode >= 500 ? "error" : "info"]({ path: pathOf(request), error: errorFields(error) }, "request failed");
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOf(request) }, "route not found");
  }

  override writeHeadError(error: Error, request: FastifyRequest): void {
    request.log.warn({ path: pathOf(request), error: errorFields(error) }, "could not write the response head");
  }

  override streamError(error: Error, request: FastifyRequest): void {
    request.log.warn({ path: pathOf(request), error: errorFields(error) }, "response stream failed");
  }
}

/**
 * Fastify's options for our logger and request ids (spread into `Fastify({...})`).
 * `metricsPath` is the configured scrape path, logged at debug like the probes.
 */
export function fastifyLogOptions(logger: Logger, metricsPath?: string) {
  return {
    loggerInstance: logger as unknown as FastifyBaseLogger,
    genReqId: requestIdFor,
    // genReqId checks the client's header; Fastify's own use of it would take any value.
    requestIdHeader: false as const,
    logController: new SafeLogController(metricsPath ? [...PROBE_PATHS, metricsPath] : PROBE_PATHS),
    // A request's child logger only binds its id: while nothing is logged (level "silent"), the server's own does.
    childLoggerFactory: (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) =>
      logger.isLevelEnabled("fatal") ? parent.child(bindings, options) : parent,
  };
}

/** Answers the request id header on every response (the log lines carry it as `requestId`). */
export function registerRequestLogging(app: FastifyInstance): void {
  // A callback hook: an async one costs every request a promise.
  app.addHook("onRequest", (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}

/**
 * Logs the upstream calls of every connector: failed ones (no answer, an
 * error code, a 5xx, 401, 403, 429) at warn, the others at debug, as they
 * can be many per operation. The route is a path without its query string.
 */
export function logUpstreamCalls(logger: Logger, hub: ObserverHub): () => void {
  return hub.add({
    call(event) {
      const status = event.status;
      // A refused credential or a rate limit needs attention; a 404 of a detail lookup does not.
      const failed =
        event.errorCode !== undefined || status === null || status >= 500 || status === 401 || status === 403 || status === 429;
      logger[failed ? "warn" : "debug"](
        {
          requestId: event.requestId,
          provider: event.provider,
          method: event.method,
          route: event.route.split("?")[0],
          status: event.status,
          durationMs: Math.round(event.durationMs),
          errorCode: event.errorCode,
        },
        "upstream call",
      );
    },
    retry(event) {
      logger.info(
        {
          requestId: event.requestId,
          provider: event.provider,
          attempt: event.attempt,
          delayMs: event.delayMs,
          reason: scrubText(event.reason),
        },
        "upstream retry",
      );
    },
    breaker(event) {
      logger.warn({ provider: event.provider, state: event.state }, "circuit breaker");
    },
  });
}

/**
 * Logs one line per GraphQL operation (name, type, client, outcome with the
 * error codes, duration, upstream calls) and adds `extensions.requestId` to
 * the answer. Errors masked as INTERNAL_SERVER_ERROR are logged with their
 * real message (scrubbed), since the client never sees it.
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let encountered: readonly GraphQLError[] = [];
      return {
        async didEncounterErrors({ errors }) {
          encountered = errors;
        },
        async willSendResponse({ response, contextValue, operationName, operation }) {
          const requestId = contextValue.call?.requestId;
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          if (requestId) result.extensions = { ...result.extensions, requestId };
          const codes = result.errors?.length ? result.errors.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR")) : [];
          if (codes.length > 0 && logger.isLevelEnabled("error")) {
            const logInternal = (path: string | undefined, cause: Error) =>
              logger.error({ requestId, path, error: { name: cause.name, message: scrubText(cause.message) } }, "internal error");
            codes.forEach((code, i) => {
              const error = encountered[i];
              if (code === "INTERNAL_SERVER_ERROR" && error) logInternal(error.path?.join("."), error.originalError ?? error);
            });
            // Internal faults reported beside the data (see partial-errors.ts) carry their cause for this line.
            for (const problem of contextValue.problems ?? []) {
              if (problem.cause) logInternal(problem.path.join("."), problem.cause);
            }
          }
          // The line is built only when it is written (most of a request's logging cost when it is not).
          if (!logger.isLevelEnabled("info")) return;
          const meter = contextValue.call?.meter;
          logger.info(
            {
              requestId,
              client: contextValue.client?.name,
              operation: operationName ?? null,
              type: operation?.operation ?? null,
              outcome: codes.length === 0 ? "ok" : "error",
              ...(codes.length > 0 ? { errorCodes: [...new Set(codes)] } : {}),
              durationMs: Math.round(performance.now() - started),
              upstream: { calls: meter?.calls ?? 0, cached: meter?.cached ?? 0 },
            },
            "graphql operation",
          );
        },
      };
    },
  };
}
