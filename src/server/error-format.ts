/**
 * Turns every error into the public contract: a code in `extensions.code`,
 * the provider where one is involved, and no internal detail.
 */
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { NotSupportedError, ScanLimitError, UserInputError } from "../engine/engine-errors.ts";
import { ProviderInputError } from "../providers/core/provider-input-error.ts";
import { UpstreamError, upstreamExtensions } from "../providers/core/upstream-error.ts";
import { queryLimitAnswer } from "./query-limits.ts";

/** Codes answered as they are: ours, and Apollo's standard codes of request faults (clients know those). */
const KNOWN_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "NOT_SUPPORTED",
  "PROVIDER_UNAVAILABLE",
  "PROVIDER_TIMEOUT",
  "PROVIDER_RATE_LIMITED",
  "PROVIDER_ERROR",
  "UPSTREAM_INVALID_RESPONSE",
  "QUERY_TOO_COMPLEX",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Apollo's formatError: maps our error classes, keeps known codes (Apollo's standard ones too), masks the rest. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  // Limits refused while parsing or validating come wrapped in Apollo's own codes.
  const limit = queryLimitAnswer(original);
  if (limit) return { ...base, ...limit };
  if (original instanceof UpstreamError) {
    return { ...base, message: original.message, extensions: upstreamExtensions(original) };
  }
  if (original instanceof ProviderInputError) {
    return {
      ...base,
      message: original.message,
      extensions: { code: "BAD_USER_INPUT", provider: original.provider, argument: original.argument },
    };
  }
  if (original instanceof UserInputError) {
    return {
      ...base,
      message: original.message,
      extensions: { code: "BAD_USER_INPUT", ...(original.argument ? { argument: original.argument } : {}) },
    };
  }
  if (original instanceof NotSupportedError) {
    return { ...base, message: original.message, extensions: { code: "NOT_SUPPORTED", provider: original.provider } };
  }
  if (original instanceof ScanLimitError) {
    return { ...base, message: original.message, extensions: { code: "QUERY_TOO_COMPLEX", provider: original.provider } };
  }
  const code = String(formatted.extensions?.code ?? "");
  if (KNOWN_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  // Apollo's own refusals of a request's parameters (a persisted query whose hash does not match it, an unknown
  // persisted-query version) are plain GraphQLErrors of no code, cause or path: the request is at fault.
  if (original instanceof GraphQLError && !original.path && !original.originalError && original.extensions.code === undefined) {
    return { ...base, extensions: { code: "BAD_REQUEST" } };
  }
  return { ...base, message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
