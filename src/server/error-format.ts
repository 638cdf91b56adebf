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
]);

/** Apollo's codes for parse/validation failures, mapped to ours. */
const APOLLO_CODES: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: "BAD_USER_INPUT",
  GRAPHQL_VALIDATION_FAILED: "BAD_USER_INPUT",
  BAD_REQUEST: "BAD_USER_INPUT",
  PERSISTED_QUERY_NOT_FOUND: "BAD_USER_INPUT",
  PERSISTED_QUERY_NOT_SUPPORTED: "BAD_USER_INPUT",
  OPERATION_RESOLUTION_FAILURE: "BAD_USER_INPUT",
};

/** Apollo's formatError: maps our error classes, keeps known codes, masks the rest. */
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
  if (APOLLO_CODES[code]) return { ...base, extensions: { code: APOLLO_CODES[code] } };
  // A variable of the wrong type and similar input problems come as plain GraphQLErrors without a path.
  if (original instanceof GraphQLError && !formatted.path && code === "") return { ...base, extensions: { code: "BAD_USER_INPUT" } };
  return { ...base, message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
