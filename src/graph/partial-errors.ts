/**
 * Partial results: a page that lacks a provider (it failed) or a malformed
 * order still answers with what it has, and says what it lacks in the
 * response's `errors`, each with `extensions.code` and `extensions.provider`
 * and the path of the connection it concerns.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import type { OrderPage } from "../engine/order-query.ts";
import { UpstreamError, upstreamExtensions } from "../providers/core/upstream-error.ts";

/** One error reported beside the data, already in its public shape. */
export interface ReportedProblem {
  message: string;
  path: ReadonlyArray<string | number>;
  extensions: { code: string; provider?: string; retryAfterMs?: number };
  /**
   * For an INTERNAL_SERVER_ERROR: the fault itself, for the log only. Set with
   * {@link withCause}, not enumerable, so it never reaches the answer.
   */
  readonly cause?: Error;
}

/** Attaches the fault behind an internal problem for the log, out of the answer's reach. */
export function withCause(problem: ReportedProblem, cause: Error): ReportedProblem {
  return Object.defineProperty(problem, "cause", { value: cause, enumerable: false });
}

/** Where a request collects what its pages lack. */
export interface ProblemReport {
  problems: ReportedProblem[];
}

/** Records a page's problems against the field that returned it, once each. */
export function reportPage<P extends Pick<OrderPage, "problems">>(report: ProblemReport, info: GraphQLResolveInfo, page: P): P {
  if (page.problems.length === 0) return page;
  const path = responsePathAsArray(info.path);
  for (const problem of page.problems) {
    const extensions = problem instanceof UpstreamError ? upstreamExtensions(problem) : { code: "UPSTREAM_INVALID_RESPONSE" as const };
    const key = `${problem.message}\u0000${path.join(".")}`;
    if (report.problems.some((p) => `${p.message}\u0000${p.path.join(".")}` === key)) continue;
    report.problems.push({ message: problem.message, path, extensions });
  }
  return page;
}

/** Adds the collected problems to the response's errors (data stays as it is). */
export function partialErrorsPlugin<Context extends ProblemReport>(): ApolloServerPlugin<Context> {
  // The problems live in the context: one listener, without state, serves every request.
  const listener: GraphQLRequestListener<Context> = {
    async willSendResponse({ contextValue, response }) {
      if (response.body.kind !== "single" || !contextValue?.problems?.length) return;
      const result = response.body.singleResult;
      result.errors = [...(result.errors ?? []), ...contextValue.problems.map((p) => ({ ...p, path: [...p.path] }))];
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
