/**
 * Checks every OrderFilter of an operation before anything runs, wherever it
 * sits (`orders`, `Customer.orders` below `customer`, `node`, `nodes`, an
 * order's customer or a router's `_entities`), with the variables applied:
 *
 * - a filter that matches personal data (`email`, `search`) needs pii:read:
 *   FORBIDDEN, HTTP 403;
 * - no text of a filter may hold a control character: BAD_USER_INPUT, HTTP 400.
 *
 * Refusing the whole operation here, rather than in the field's resolver,
 * means nothing is asked of a provider: `customer(id) { orders(filter: ...) }`
 * would otherwise read the customer before its orders' filter is looked at.
 * The resolvers check the scope again (requireFilterScope) and resolveFilter
 * the texts, so the rules hold without this plugin too.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";
import type { Scope } from "../config/config.schema.ts";
import type { GraphContext } from "./context.ts";
import { controlCharacterInInput, personalFilterForbidden, personalFilterIn } from "./order-input.ts";

/** The input type whose values are checked. */
const FILTER_TYPE = "OrderFilter";

/*
 * The schema is walked duck-typed (no isObjectType and the like): under vitest
 * it comes from another copy of graphql-js than this module's (see lookahead.ts).
 */

/** An input or output type, as far as the walk needs it. */
interface TypeLike {
  name?: string;
  ofType?: TypeLike;
  getFields?: () => Record<string, FieldLike>;
}

/** A field of an object, interface or input object type. */
interface FieldLike {
  name: string;
  type: TypeLike;
  args?: ReadonlyArray<{ name: string; type: TypeLike }>;
}

/** A schema, as far as the walk needs it. */
interface SchemaLike {
  getType(name: string): unknown;
  getQueryType(): unknown;
  getMutationType(): unknown;
}

/** An argument of a field in the document that may hold an OrderFilter. */
interface FilterSite {
  /** `Query.orders`, `Customer.orders`. */
  field: string;
  argument: string;
  type: TypeLike;
  value: ValueNode;
}

function named(type: TypeLike | undefined): TypeLike | undefined {
  let current = type;
  while (current?.ofType) current = current.ofType;
  return current;
}

/** Whether an input type holds an OrderFilter at any depth (input objects can nest; `seen` stops a cycle). */
function holdsFilter(type: TypeLike, seen = new Set<string>()): boolean {
  const base = named(type);
  if (!base?.name || seen.has(base.name)) return false;
  if (base.name === FILTER_TYPE) return true;
  seen.add(base.name);
  return Object.values(base.getFields?.() ?? {}).some((field) => holdsFilter(field.type, seen));
}

/**
 * The arguments of an operation that may hold an OrderFilter. They depend on
 * the document only, so they are found once per parsed operation; each
 * fragment is walked once, whatever number of spreads name it.
 */
function filterSites(schema: SchemaLike, document: DocumentNode, operation: OperationDefinitionNode): FilterSite[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const walked = new Set<string>();
  const sites: FilterSite[] = [];
  const holds = new Map<TypeLike, boolean>();
  const walk = (selectionSet: SelectionSetNode, parent: TypeLike | undefined): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = parent?.getFields?.()[selection.name.value];
        // __typename and introspection fields are no field of the type: they take no filter.
        if (!definition) continue;
        for (const node of selection.arguments ?? []) {
          const argument = definition.args?.find((arg) => arg.name === node.name.value);
          if (!argument) continue;
          let holdsOne = holds.get(argument.type);
          if (holdsOne === undefined) {
            holdsOne = holdsFilter(argument.type);
            holds.set(argument.type, holdsOne);
          }
          if (holdsOne)
            sites.push({ field: `${parent?.name}.${definition.name}`, argument: argument.name, type: argument.type, value: node.value });
        }
        if (selection.selectionSet) walk(selection.selectionSet, named(definition.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as TypeLike | undefined) : parent;
        walk(selection.selectionSet, type);
      } else if (!walked.has(selection.name.value)) {
        walked.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as TypeLike | undefined);
      }
    }
  };
  const root =
    operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "query" ? schema.getQueryType() : undefined;
  walk(operation.selectionSet, root as TypeLike | undefined);
  return sites;
}

/** The OrderFilter values inside an argument's value (the client's JSON, as the type reads it), with their argument paths. */
function filtersIn(value: unknown, type: TypeLike, path: string, out: Array<{ argument: string; value: unknown }>): void {
  if (value === null || value === undefined) return;
  if (type.ofType) {
    // A list, or a non-null wrapper; a single value where a list is expected counts as a list of one.
    for (const item of Array.isArray(value) ? value : [value]) filtersIn(item, type.ofType, path, out);
    return;
  }
  if (type.name === FILTER_TYPE) {
    out.push({ argument: path, value });
    return;
  }
  const fields = type.getFields?.();
  if (!fields || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    const field = fields[key];
    if (field) filtersIn(item, field.type, `${path}.${key}`, out);
  }
}

/** The variables as execution will see them: the client's values, and the declared defaults of those it left out. */
function variablesOf(operation: OperationDefinitionNode, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const variables: Record<string, unknown> = { ...given };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables[name] === undefined && definition.defaultValue) variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return variables;
}

/** A refusal of the whole operation, with its HTTP status. */
interface FilterRefusal {
  error: GraphQLError;
  status: number;
}

/**
 * The first rule an operation's filters break, or null. Values that are not
 * of their type are left alone: variable coercion refuses them before any
 * resolver runs.
 */
export function filterRefusal(input: {
  schema: SchemaLike;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  scopes: ReadonlySet<Scope>;
  sites?: FilterSite[];
}): FilterRefusal | null {
  const sites = input.sites ?? filterSites(input.schema, input.document, input.operation);
  if (sites.length === 0) return null;
  const variables = variablesOf(input.operation, input.variables);
  for (const site of sites) {
    const filters: Array<{ argument: string; value: unknown }> = [];
    filtersIn(valueFromASTUntyped(site.value, variables), site.type, site.argument, filters);
    for (const filter of filters) {
      if (typeof filter.value !== "object") continue;
      const personal = input.scopes.has("pii:read") ? null : personalFilterIn(filter.value as Record<string, unknown>);
      if (personal) {
        const forbidden = personalFilterForbidden(site.field, `${filter.argument}.${personal}`);
        return {
          error: new GraphQLError(forbidden.message, { extensions: { ...forbidden.extensions, http: { status: 403 } } }),
          status: 403,
        };
      }
      const control = controlCharacterInInput(filter.value, filter.argument);
      if (control) {
        return {
          error: new GraphQLError(`${site.field}: ${control.argument} must not contain control characters (found ${control.found})`, {
            extensions: { code: "BAD_USER_INPUT", field: site.field, argument: control.argument, http: { status: 400 } },
          }),
          status: 400,
        };
      }
    }
  }
  return null;
}

/**
 * The Apollo Server plugin of this check. The filter sites of an operation
 * are kept with its parsed document (Apollo reuses parsed documents), so an
 * operation without filters costs one lookup.
 */
export function filterGuardPlugin(): ApolloServerPlugin<GraphContext> {
  const sitesByOperation = new WeakMap<OperationDefinitionNode, FilterSite[]>();
  const listener: GraphQLRequestListener<GraphContext> = {
    async didResolveOperation({ schema, document, operation, request, response, contextValue }) {
      // No operation, or a subscription: refused by the operation-resolution plugin, never run.
      if (!operation || operation.operation === "subscription") return;
      let sites = sitesByOperation.get(operation);
      if (!sites) {
        sites = filterSites(schema as unknown as SchemaLike, document, operation);
        sitesByOperation.set(operation, sites);
      }
      const refusal = filterRefusal({
        schema: schema as unknown as SchemaLike,
        document,
        operation,
        variables: request.variables,
        scopes: contextValue.client.scopes,
        sites,
      });
      if (!refusal) return;
      // Set here too: Apollo drops the error's own status hint when it re-wraps an error of another graphql copy.
      response.http.status = refusal.status;
      throw refusal.error;
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
