/**
 * The HTTP status of a GraphQL request error, by the media type of the
 * answer, as the GraphQL over HTTP spec asks:
 *
 * - `application/graphql-response+json`: a request error (nothing was
 *   executed, so the answer has no `data`) is 4xx: 400 for a document that
 *   does not parse or validate, an operation that cannot be resolved, variables
 *   that cannot be coerced, a query over a limit; 403 for a personal filter
 *   without `pii:read`. Apollo and our plugins set these.
 * - `application/json` (what a client gets that accepts nothing better, or
 *   sends no `Accept`): 200 for every request that was well-formed as HTTP,
 *   request errors included, so that a client treating any other status as a
 *   transport failure still reads the errors ("legacy watershed").
 *
 * Faults of the HTTP request itself (a body that is not JSON, a missing or
 * non-string `query`, a GET of a mutation, `BAD_REQUEST`) and refusals before
 * GraphQL (401, 429) keep their status whatever the client accepts.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";

/**
 * Codes of GraphQL request errors: a request well-formed as HTTP that was
 * refused before anything ran. Apollo's (parse, validation, operation,
 * variables, persisted query miss) and ours raised before execution
 * (QUERY_TOO_COMPLEX, the FORBIDDEN of a personal filter, the BAD_USER_INPUT
 * of a control character in a filter, the NOT_SUPPORTED of a subscription).
 */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "BAD_USER_INPUT",
  "QUERY_TOO_COMPLEX",
  "FORBIDDEN",
  "NOT_SUPPORTED",
]);

/** An answer as far as the check needs it: Apollo's single result. */
interface ResultLike {
  data?: unknown;
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
}

/** Whether an answer is a request error: no `data` at all, and only errors of {@link REQUEST_ERROR_CODES}. */
export function isRequestError(result: ResultLike): boolean {
  if ("data" in result || !result.errors?.length) return false;
  return result.errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)));
}

/** A media type that is plain JSON (`application/json`, with parameters), not `application/graphql-response+json`. */
const PLAIN_JSON = /^application\/json\s*(;|$)/i;

/**
 * The status to answer with: 200 instead of a 4xx for a request error
 * answered as `application/json`; `status` otherwise.
 */
export function statusFor(status: number, contentType: unknown, requestError: boolean): number {
  if (!requestError || status < 400 || status > 499) return status;
  return typeof contentType === "string" && PLAIN_JSON.test(contentType) ? 200 : status;
}

/**
 * Tells `onRequestError` about every answer that is a request error (with the
 * operation's context), once Apollo has formatted it; the caller sets the
 * status once the media type is known (Apollo chooses it after the plugins).
 */
export function requestErrorPlugin<TContext extends object>(onRequestError: (context: TContext) => void): ApolloServerPlugin<TContext> {
  const listener: GraphQLRequestListener<TContext> = {
    async willSendResponse({ response, contextValue }) {
      if (response.body.kind === "single" && isRequestError(response.body.singleResult)) onRequestError(contextValue);
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
