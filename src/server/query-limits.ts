/**
 * Query limits: depth, aliases and directives through graphql-armor's
 * validation rules, tokens through graphql-js's own parser limit, and our cost
 * estimate (query-cost.ts: page sizes multiply, which armor's cost limit does
 * not do, and upstream calls are priced), with the `_entities` cap of the
 * client. Every refusal is QUERY_TOO_COMPLEX with the numbers, before any
 * upstream call.
 *
 * Each of these takes time linear in the document, fragments spread many
 * times included: armor's three rules keep each fragment's count once
 * computed, graphql-js's validation and execution collect each fragment once
 * per selection, and our estimate prices each fragment once, within a step
 * budget (tests/unit/query-cost.property.test.ts, tests/e2e/hostile-queries.e2e.test.ts).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from "graphql";
import type { OrdergraphConfig } from "../config/config.schema.ts";
import type { SizeLimits } from "../engine/order-query.ts";
import type { ClientIdentity, GraphContext } from "../graph/context.ts";
import type { Connector } from "../providers/core/connector.ts";
import { AnalysisStepsError, type CostEstimate, type CostInput, estimateOperation, type UpstreamScope } from "./query-cost.ts";

/** The configured limits (`server.limits`). */
export type QueryLimitSettings = OrdergraphConfig["server"]["limits"];

/** Which limit refused a query; `rule` in the error's extensions. */
export type QueryLimitRule = "maxDepth" | "maxAliases" | "maxDirectives" | "maxTokens" | "maxCost" | "maxEntities" | "maxSteps";

/**
 * Steps the cost estimate may take per token of `maxTokens`. A walk takes
 * about one step per selection of the document (each fragment priced once),
 * so no document within the token limit comes near; the budget is there so
 * that no shape of document, however built, can make the analysis run long.
 */
export const ANALYSIS_STEPS_PER_TOKEN = 4;

/**
 * A query over a limit. Its extensions are the public answer: `code`
 * QUERY_TOO_COMPLEX, `rule`, and the numbers (`limit`/`actual`, or
 * `cost`/`maxCost` for the cost estimate). `http.status` 400 tells Apollo
 * the request itself is at fault (it is removed before the answer goes out).
 */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string, rule: QueryLimitRule, numbers: Record<string, number>) {
    super(message, { extensions: { code: "QUERY_TOO_COMPLEX", rule, ...numbers, http: { status: 400 } } });
    this.name = "QueryTooComplexError";
  }
}

const ARMOR_RULES: Record<"maxDepth" | "maxAliases" | "maxDirectives", { what: (actual: number, limit: number) => string }> = {
  maxDepth: { what: (actual, limit) => `the query is ${actual} levels deep; the limit is ${limit}` },
  maxAliases: { what: (actual, limit) => `the query has ${actual} aliases; the limit is ${limit}` },
  maxDirectives: { what: (actual, limit) => `the query has ${actual} directives; the limit is ${limit}` },
};

/** Armor reports through a callback with its own message; we keep its count and answer in our words and code. */
function armorRejection(rule: keyof typeof ARMOR_RULES, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    // Armor's messages end with "..., found <n>." when limits are exposed (the default); a count of a fragment
    // spread 2^n times is printed as 1.2676506002282294e+30.
    const actual = Number(/found (\d+(?:\.\d+)?(?:e\+\d+)?)/.exec(error.message)?.[1] ?? Number.NaN);
    const numbers: Record<string, number> = Number.isFinite(actual) ? { limit, actual } : { limit };
    const message = Number.isFinite(actual) ? ARMOR_RULES[rule].what(actual, limit) : `the query is over the ${rule} limit of ${limit}`;
    context?.reportError(new QueryTooComplexError(message, rule, numbers));
  };
}

/** graphql-js's parser message when `maxTokens` stops it (its own typo "more that" included). */
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:at|an) (\d+) tokens/;

/**
 * The QUERY_TOO_COMPLEX answer for an error Apollo raised while parsing or
 * validating, or null when the error is not a limit. Validation wraps our
 * error (code GRAPHQL_VALIDATION_FAILED), and the parser's token limit is a
 * plain syntax error, so both are recognised here for the error formatter.
 */
export function queryLimitAnswer(error: unknown): { message: string; extensions: Record<string, unknown> } | null {
  // Apollo's own GraphQLError may come from another copy of graphql than ours: look by shape, not by class.
  for (let current: unknown = error, hops = 0; typeof current === "object" && current !== null && hops < 4; hops++) {
    if (current instanceof QueryTooComplexError) {
      const { http: _http, ...extensions } = current.extensions;
      return { message: current.message, extensions };
    }
    const message = "message" in current && typeof current.message === "string" ? current.message : "";
    const tokens = TOKEN_LIMIT_MESSAGE.exec(message);
    if (tokens) {
      const limit = Number(tokens[1]);
      return {
        message: `the document has more than ${limit} tokens; the limit is ${limit}`,
        extensions: { code: "QUERY_TOO_COMPLEX", rule: "maxTokens", limit },
      };
    }
    current = "originalError" in current ? current.originalError : undefined;
  }
  return null;
}

/** What the Apollo Server is configured with to enforce the limits. */
export interface QueryLimitsSetup {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin<GraphContext>[];
  /** Apollo's `parseOptions`: graphql-js stops lexing past `maxTokens` (cheaper than counting after a full parse). */
  parseOptions: { maxTokens: number };
  /** Apollo's switch that removes "Did you mean ...?" from validation errors (production only). */
  hideSchemaDetailsFromClientErrors: boolean;
}

/** What the estimate needs to bound a client's upstream calls. */
export interface UpstreamSetup {
  /** Every configured connector, by provider id. */
  connectors: ReadonlyMap<string, Connector>;
  /** The config's `engine` section. */
  engine: SizeLimits;
  /** The GraphQL order type of each provider kind. */
  orderTypeByKind: Readonly<Record<string, string>>;
}

/**
 * The limits of `server.limits` for Apollo Server: armor's rules for depth,
 * aliases and directives (flattening fragments, so `... on IterasOrder` is no
 * extra level), the parser's token limit, our cost estimate (with the
 * client's upstream calls when `upstream` is given) and the `extensions.cost`
 * figures, the client's `_entities` cap, and no field suggestions in production.
 */
export function createQueryLimits(options: {
  limits: QueryLimitSettings;
  defaultPageSize: number;
  production: boolean;
  upstream?: UpstreamSetup | undefined;
}): QueryLimitsSetup {
  const { limits } = options;
  const armor = new ApolloArmor({
    // Ours instead: armor's cost limit ignores page sizes, its token plugin fails as a 500 under Apollo Server.
    // With these three off armor adds no plugin, only validation rules.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    // Apollo's own switch removes suggestions cleanly (armor leaves a masked stub in the message).
    blockFieldSuggestion: { enabled: false },
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [armorRejection("maxDepth", limits.maxDepth)],
    },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [armorRejection("maxAliases", limits.maxAliases)] },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [armorRejection("maxDirectives", limits.maxDirectives)],
    },
  }).protect();
  const cost = costPlugin({
    maxCost: limits.maxCost,
    defaultPageSize: options.defaultPageSize,
    stepBudget: ANALYSIS_STEPS_PER_TOKEN * limits.maxTokens,
    upstream: options.upstream,
  });
  return {
    validationRules: armor.validationRules,
    plugins: [cost, ...(options.production ? [noSuggestionsPlugin] : [])],
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: options.production,
  };
}

interface CostSettings {
  maxCost: number;
  defaultPageSize: number;
  stepBudget: number;
  upstream: UpstreamSetup | undefined;
}

/** The estimate of an operation, or the refusal of a walk past its step budget. */
function estimateOrRefuse(input: CostInput): CostEstimate {
  try {
    return estimateOperation(input);
  } catch (error) {
    if (!(error instanceof AnalysisStepsError)) throw error;
    throw new QueryTooComplexError(`the query's analysis took more than ${error.budget} steps`, "maxSteps", { limit: error.budget });
  }
}

/** Throws the QUERY_TOO_COMPLEX refusal of an estimate over the client's `_entities` cap or over `maxCost`. */
function refuseOverLimits(estimate: CostEstimate, client: ClientIdentity, maxCost: number): void {
  if (estimate.entities > client.maxEntities) {
    throw new QueryTooComplexError(
      `_entities names ${estimate.entities} representations; this client's limit is ${client.maxEntities}`,
      "maxEntities",
      { limit: client.maxEntities, actual: estimate.entities },
    );
  }
  if (estimate.cost > maxCost) {
    throw new QueryTooComplexError(
      `the query's estimated cost is ${estimate.cost} (${estimate.upstreamCalls} upstream calls at most); the limit is ${maxCost}`,
      "maxCost",
      { cost: estimate.cost, maxCost, upstreamCalls: estimate.upstreamCalls },
    );
  }
}

/**
 * Refuses an operation whose `_entities` names more representations than the
 * client's cap, or whose estimate is above `maxCost`, once its variables are
 * known, and reports the estimate on every answer.
 */
function costPlugin(settings: CostSettings): ApolloServerPlugin<GraphContext> {
  const { maxCost, upstream } = settings;
  // What each client can reach, made once per client (identities live as long as the server).
  const scopes = new WeakMap<ClientIdentity, UpstreamScope>();
  const scopeOf = (client: ClientIdentity): UpstreamScope | undefined => {
    if (!upstream) return undefined;
    let scope = scopes.get(client);
    if (!scope) {
      const allowed = client.providers;
      const connectors = [...upstream.connectors.values()].filter((c) => allowed === null || allowed.has(c.id));
      scope = { connectors, limits: upstream.engine, orderTypeByKind: upstream.orderTypeByKind };
      scopes.set(client, scope);
    }
    return scope;
  };
  // The estimate of an operation without variables depends on nothing else than the client, so it is kept
  // with the parsed operation (Apollo reuses parsed documents).
  const known = new WeakMap<OperationDefinitionNode, WeakMap<ClientIdentity, CostEstimate>>();
  const estimateFor = (input: CostInput, client: ClientIdentity): CostEstimate => {
    if (input.operation.variableDefinitions?.length) return estimateOrRefuse(input);
    let byClient = known.get(input.operation);
    if (!byClient) {
      byClient = new WeakMap();
      known.set(input.operation, byClient);
    }
    let estimate = byClient.get(client);
    if (!estimate) {
      estimate = estimateOrRefuse(input);
      byClient.set(client, estimate);
    }
    return estimate;
  };
  return {
    async requestDidStart() {
      let estimate: CostEstimate | undefined;
      return {
        async didResolveOperation({ schema, document, operation, request, response, contextValue }) {
          // No operation, or a subscription: refused by the operation-resolution plugin, never run.
          if (!operation || operation.operation === "subscription") return;
          const client = contextValue.client;
          const input: CostInput = {
            schema,
            document,
            operation,
            variables: request.variables,
            defaultPageSize: settings.defaultPageSize,
            upstream: scopeOf(client),
            stepBudget: settings.stepBudget,
          };
          try {
            estimate = estimateFor(input, client);
            refuseOverLimits(estimate, client, maxCost);
          } catch (error) {
            // Set here too: Apollo drops the error's own status hint when it re-wraps an error of another graphql copy.
            if (error instanceof QueryTooComplexError) response.http.status = 400;
            estimate = undefined;
            throw error;
          }
        },
        async willSendResponse({ response }) {
          if (estimate === undefined || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            cost: { requested: estimate.cost, maximum: maxCost, fields: estimate.fields, upstreamCalls: estimate.upstreamCalls },
          };
        },
      };
    },
  };
}

/** Suggestions of a misspelt enum value in a variable come from execution, which Apollo's switch does not see. */
const SUGGESTION = / ?Did you mean .+\?$/;
const noSuggestionsPlugin: ApolloServerPlugin<GraphContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          if (SUGGESTION.test(error.message)) error.message = error.message.replace(SUGGESTION, "");
        }
      },
    };
  },
};
