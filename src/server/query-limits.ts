/**
 * Query limits: depth, aliases and directives through graphql-armor's
 * validation rules, tokens through graphql-js's own parser limit, and our cost
 * estimate (page sizes multiply, which armor's cost limit does not do). Every
 * refusal is QUERY_TOO_COMPLEX with the numbers, before any upstream call.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  valueFromASTUntyped,
} from "graphql";
import type { OrdergraphConfig } from "../config/config.schema.ts";

/** The configured limits (`server.limits`). */
export type QueryLimitSettings = OrdergraphConfig["server"]["limits"];

/** Which limit refused a query; `rule` in the error's extensions. */
export type QueryLimitRule = "maxDepth" | "maxAliases" | "maxDirectives" | "maxTokens" | "maxCost";

/**
 * How many elements a list without a page size or id list is assumed to hold
 * (an order's items or products, user errors): a typical order's, not the
 * largest. Such lists come inside the answer that holds them, so the page
 * sizes, not they, multiply the work; with this value a page of 250 orders
 * with every field of the richest order type (Iteras) costs about 36,000,
 * within the default `maxCost`, while a nested connection does not fit.
 */
export const LIST_ESTIMATE = 3;

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
    // Armor's messages end with "..., found <n>." when limits are exposed (the default).
    const actual = Number(/found (\d+)/.exec(error.message)?.[1] ?? Number.NaN);
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

interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The request's variables as sent. */
  variables?: Readonly<Record<string, unknown>> | undefined;
  /** Page size of a connection without `first`/`last` (`engine.defaultPageSize`). */
  defaultPageSize: number;
}

interface CostWalk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  defaultPageSize: number;
  /** Fragments on the current path: validation forbids cycles, this only guards a document that skipped it. */
  visiting: Set<string>;
}

/*
 * The walk reads types by shape (ofType, getFields, isTypeOf) rather than with
 * graphql's instanceof predicates: the schema may come from another copy of
 * graphql than this module's (CommonJS under Node, ESM under the test runner),
 * and those predicates throw across copies.
 */
type FieldMap = Record<string, GraphQLField<unknown, unknown>>;

function namedTypeOf(type: GraphQLOutputType): GraphQLNamedType {
  let current: unknown = type;
  while (typeof current === "object" && current !== null && "ofType" in current) current = current.ofType;
  return current as GraphQLNamedType;
}

function fieldsOf(type: GraphQLNamedType | null | undefined): FieldMap | null {
  return type && "getFields" in type ? (type.getFields() as FieldMap) : null;
}

function isComposite(type: GraphQLNamedType | null | undefined): type is GraphQLNamedType {
  return !!type && ("getFields" in type || "getTypes" in type);
}

/** A list, maybe non-null: printed as "[T]" or "[T]!". */
function isList(type: GraphQLOutputType): boolean {
  return String(type).startsWith("[");
}

/**
 * Estimates what an operation costs: every field costs 1, and a list field
 * multiplies the cost of its selection by how many elements it can return:
 * `first`/`last` (or `engine.defaultPageSize` on a connection without them),
 * the length of `ids` (`nodes`) or `representations` (`_entities`), and
 * {@link LIST_ESTIMATE} for other lists of objects. A connection's `edges`
 * and `nodes` are already counted by the page size. Fragments for different
 * concrete types of an interface count as the dearest one, since one element
 * has one type. Introspection fields and `__typename` are free.
 */
export function estimateCost(input: CostInput): number {
  const root = input.schema.getRootType(input.operation.operation);
  if (!root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of input.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Defaults, then what was sent; values are not coerced: one that does not fit fails execution anyway.
  const variables: Record<string, unknown> = {};
  for (const definition of input.operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variables[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  Object.assign(variables, input.variables ?? {});
  return selectionCost(input.operation.selectionSet, root, {
    schema: input.schema,
    fragments,
    variables,
    defaultPageSize: input.defaultPageSize,
    visiting: new Set(),
  });
}

function selectionCost(selectionSet: SelectionSetNode, parent: GraphQLNamedType, walk: CostWalk): number {
  let shared = 0;
  const byConcreteType = new Map<string, number>();
  const addFor = (type: GraphQLNamedType, cost: number) => {
    // A fragment on an object type other than the parent applies to some elements only.
    if ("isTypeOf" in type && type !== parent) byConcreteType.set(type.name, (byConcreteType.get(type.name) ?? 0) + cost);
    else shared += cost;
  };
  const typeNamed = (name: string | undefined): GraphQLNamedType => {
    const type = name === undefined ? undefined : walk.schema.getType(name);
    return isComposite(type) ? type : parent;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      shared += fieldCost(selection, parent, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = typeNamed(selection.typeCondition?.name.value);
      addFor(on, selectionCost(selection.selectionSet, on, walk));
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.visiting.has(name)) continue;
      const on = typeNamed(fragment.typeCondition.name.value);
      walk.visiting.add(name);
      addFor(on, selectionCost(fragment.selectionSet, on, walk));
      walk.visiting.delete(name);
    }
  }
  return shared + Math.max(0, ...byConcreteType.values());
}

function fieldCost(field: FieldNode, parent: GraphQLNamedType, walk: CostWalk): number {
  const name = field.name.value;
  if (name.startsWith("__")) return 0;
  const definition = fieldsOf(parent)?.[name];
  if (!definition) return 0;
  const type = namedTypeOf(definition.type);
  if (!field.selectionSet || !isComposite(type)) return 1;
  const inner = selectionCost(field.selectionSet, type, walk);
  return 1 + multiplier(definition, field, parent, walk) * inner;
}

function argumentValue(definition: GraphQLField<unknown, unknown>, field: FieldNode, name: string, walk: CostWalk): unknown {
  const node = field.arguments?.find((a) => a.name.value === name);
  if (!node) return definition.args.find((a) => a.name === name)?.defaultValue;
  return valueFromASTUntyped(node.value, walk.variables);
}

function multiplier(definition: GraphQLField<unknown, unknown>, field: FieldNode, parent: GraphQLNamedType, walk: CostWalk): number {
  const pageArgs = [argumentValue(definition, field, "first", walk), argumentValue(definition, field, "last", walk)];
  const sizes = pageArgs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (sizes.length > 0) return Math.max(0, ...sizes);
  if (namedTypeOf(definition.type).name.endsWith("Connection")) return walk.defaultPageSize;
  if (!isList(definition.type)) return 1;
  for (const listArg of ["ids", "representations"]) {
    const value = argumentValue(definition, field, listArg, walk);
    // A single value given for a list argument is coerced to a list of one.
    if (value !== undefined && value !== null) return Array.isArray(value) ? value.length : 1;
  }
  // The page size already counted the elements of a connection's edges and nodes.
  if (parent.name.endsWith("Connection") && (definition.name === "edges" || definition.name === "nodes")) return 1;
  return LIST_ESTIMATE;
}

/** What the Apollo Server is configured with to enforce the limits. */
export interface QueryLimitsSetup {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  /** Apollo's `parseOptions`: graphql-js stops lexing past `maxTokens` (cheaper than counting after a full parse). */
  parseOptions: { maxTokens: number };
  /** Apollo's switch that removes "Did you mean ...?" from validation errors (production only). */
  hideSchemaDetailsFromClientErrors: boolean;
}

/**
 * The limits of `server.limits` for Apollo Server: armor's rules for depth,
 * aliases and directives (flattening fragments, so `... on IterasOrder` is no
 * extra level), the parser's token limit, our cost estimate and the
 * `extensions.cost` figures, and no field suggestions in production.
 */
export function createQueryLimits(options: { limits: QueryLimitSettings; defaultPageSize: number; production: boolean }): QueryLimitsSetup {
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
  return {
    validationRules: armor.validationRules,
    plugins: [costPlugin(limits.maxCost, options.defaultPageSize), ...(options.production ? [noSuggestionsPlugin] : [])],
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: options.production,
  };
}

/**
 * The estimate of an operation without variables depends on nothing else, so
 * it is kept with the parsed operation (Apollo reuses parsed documents).
 */
function costOf(input: CostInput, costWithoutVariables: WeakMap<OperationDefinitionNode, number>): number {
  if (input.operation.variableDefinitions?.length) return estimateCost(input);
  let cost = costWithoutVariables.get(input.operation);
  if (cost === undefined) {
    cost = estimateCost(input);
    costWithoutVariables.set(input.operation, cost);
  }
  return cost;
}

/** Refuses an operation above `maxCost` once its variables are known, and reports the estimate on every answer. */
function costPlugin(maxCost: number, defaultPageSize: number): ApolloServerPlugin {
  const known = new WeakMap<OperationDefinitionNode, number>();
  return {
    async requestDidStart() {
      let cost: number | undefined;
      return {
        async didResolveOperation({ schema, document, operation, request, response }) {
          // No operation, or a subscription: refused by the operation-resolution plugin, never run.
          if (!operation || operation.operation === "subscription") return;
          cost = costOf({ schema, document, operation, variables: request.variables, defaultPageSize }, known);
          if (cost > maxCost) {
            // Set here too: Apollo drops the error's own status hint when it re-wraps an error of another graphql copy.
            response.http.status = 400;
            throw new QueryTooComplexError(`the query's estimated cost is ${cost}; the limit is ${maxCost}`, "maxCost", { cost, maxCost });
          }
        },
        async willSendResponse({ response }) {
          if (cost === undefined || cost > maxCost || response.body.kind !== "single") return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requested: cost, maximum: maxCost } };
        },
      };
    },
  };
}

/** Suggestions of a misspelt enum value in a variable come from execution, which Apollo's switch does not see. */
const SUGGESTION = / ?Did you mean .+\?$/;
const noSuggestionsPlugin: ApolloServerPlugin = {
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
