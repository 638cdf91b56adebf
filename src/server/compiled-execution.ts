/**
 * Execution of operations compiled once per document (graphql-jit), plugged
 * into Apollo Server through its executor hook (the `gateway` option, whose
 * `load()` hands Apollo a schema and an executor). Everything else of
 * Apollo's request pipeline stays as it is: parsing and validation (with
 * their caches), the plugins, error formatting, HTTP.
 *
 * Why: graphql-js interprets the query anew for every order of every page;
 * for a page of 50 orders that was about a fifth of ordergraph's CPU time
 * (BENCHMARKS.md, "Profile-driven changes"). A compiled operation resolves
 * the same fields with straight-line code.
 *
 * A request that asks for a federated trace (`apollo-federation-include-trace`)
 * runs on graphql-js, where Apollo's inline-trace plugin hooks each field.
 * An operation graphql-jit cannot compile runs on graphql-js too.
 */
import type { ApolloServerOptionsWithGateway, ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";
import { type DocumentNode, execute, GraphQLError, type GraphQLSchema, type SourceLocation } from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import { GraphQLError as JitGraphQLError } from "graphql-jit/dist/error";

/**
 * The errors of a compiled run as graphql-js would give them. graphql-jit
 * reports an error thrown synchronously by a resolver as that error itself
 * (with `path` and `locations` set on it), and wraps others in its own
 * GraphQLError whose `extensions` may be undefined; Apollo's error handling
 * expects graphql-js's GraphQLError, with the resolver's error as
 * `originalError` and `extensions` always an object.
 */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && error.extensions && !isJitError(error)) return error;
  const located = error as Error & {
    locations?: SourceLocation[];
    path?: ReadonlyArray<string | number>;
    originalError?: Error | null;
    extensions?: Record<string, unknown>;
  };
  const cause = located instanceof GraphQLError ? (located.originalError ?? undefined) : located;
  const rebuilt = new GraphQLError(located.message, {
    path: located.path,
    originalError: cause,
    extensions: located.extensions ?? (cause as { extensions?: Record<string, unknown> } | undefined)?.extensions,
  });
  if (located.locations?.length) (rebuilt as { locations?: SourceLocation[] }).locations = located.locations;
  return rebuilt;
}

function isJitError(error: GraphQLError): boolean {
  return error instanceof (JitGraphQLError as unknown as typeof GraphQLError);
}

type Gateway = ApolloServerOptionsWithGateway<never>["gateway"];

/** Compiled operations per parsed document (Apollo keeps parsed documents in its own LRU). */
type Compiled = Map<string, CompiledQuery | null>;

const TRACE_HEADER = "apollo-federation-include-trace";

/**
 * Refuses, before any plugin estimates or any resolver runs, an operation the
 * executor cannot run: an `operationName` the document does not hold and a
 * document of several operations without one (Apollo's
 * OPERATION_RESOLUTION_FAILURE), and subscriptions (NOT_SUPPORTED: ordergraph
 * serves none). Request errors: 400, or 200 to a client that accepts only
 * `application/json` (response-status.ts).
 */
export const operationResolutionPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return operationResolution;
  },
};

/** The listener of {@link operationResolutionPlugin}: it keeps no state, so one serves every request. */
const operationResolution: GraphQLRequestListener<BaseContext> = {
  async didResolveOperation({ operation, request, response }) {
    let message: string | undefined;
    let code = "OPERATION_RESOLUTION_FAILURE";
    if (!operation) {
      // An empty name is a name too: graphql-js finds no operation called "".
      message =
        request.operationName != null
          ? `Unknown operation named "${request.operationName}".`
          : "Must provide operation name if query contains multiple operations.";
    } else if (operation.operation === "subscription") {
      message = "Subscriptions are not supported: ordergraph serves queries and mutations.";
      code = "NOT_SUPPORTED";
    }
    if (!message) return;
    // Set here too: Apollo drops the error's own status hint when it re-wraps an error of another graphql copy.
    response.http.status = 400;
    throw new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
  },
};

/** The executor: compiled when possible, graphql-js otherwise. */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  const compiledByDocument = new WeakMap<DocumentNode, Compiled>();

  const compiled = (document: DocumentNode, operationName: string | undefined): CompiledQuery | null => {
    let byName = compiledByDocument.get(document);
    if (!byName) {
      byName = new Map();
      compiledByDocument.set(document, byName);
    }
    const key = operationName ?? "";
    if (byName.has(key)) return byName.get(key) ?? null;
    const result = compileQuery(schema, document, operationName);
    const query = isCompiledQuery(result) ? result : null;
    byName.set(key, query);
    return query;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      // The schema never changes while the server runs; Apollo reads it once, here.
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async load() {
      return {
        executor: async (request) => {
          const { document, context } = request;
          // The name the client sent: Apollo's resolved `operationName` is null when the name matched
          // nothing, and compiling under null would run the document's only operation instead.
          const operationName = request.request.operationName ?? undefined;
          const variables = request.request.variables ?? {};
          const interpreted = () => execute({ schema, document, contextValue: context, variableValues: variables, operationName });
          // graphql-js words the refusal; Apollo answers it as OPERATION_RESOLUTION_FAILURE.
          if (!request.operation) return interpreted();
          const query = request.request.http?.headers.get(TRACE_HEADER) ? null : compiled(document, operationName);
          if (!query) return interpreted();
          const result = await query.query(undefined, context, variables);
          // No data at all: the variables were refused before any resolver ran. graphql-js words
          // (and Apollo codes) those refusals as BAD_USER_INPUT; it refuses them the same way.
          if (result.data === undefined && result.errors?.length) return interpreted();
          return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
        },
      };
    },
    async stop() {},
  };
}
