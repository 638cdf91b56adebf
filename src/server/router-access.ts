/**
 * Root fields only a federation router may select. A router is a client whose
 * config entry says `router: true` (its own key, or the key of the build that
 * composes the supergraph); other clients asking for such a field are refused
 * before anything runs, as introspection is.
 *
 * Today this is `_service` while `server.introspection` is off: the subgraph
 * SDL is the whole schema, so it is refused to whoever may not introspect.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { type FragmentDefinitionNode, GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import type { GraphContext } from "../graph/context.ts";

/**
 * The first of `fields` that a query operation selects at its root (through
 * fragments and inline fragments, under any alias), or null.
 */
export function firstRootField(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  fields: ReadonlySet<string>,
): string | null {
  if (operation.operation !== "query") return null;
  const seen = new Set<string>();
  const search = (selections: SelectionSetNode): string | null => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (fields.has(selection.name.value)) return selection.name.value;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = search(selection.selectionSet);
        if (found) return found;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        const found = search(fragment.selectionSet);
        if (found) return found;
      }
    }
    return null;
  };
  return search(operation.selectionSet);
}

/**
 * Refuses, with FORBIDDEN (HTTP 403) and `extensions.field`, an operation of a
 * client that is not a router when it selects one of `fields` at its root.
 * What an operation selects is worked out once per parsed operation.
 */
export function routerOnlyFieldsPlugin(fields: ReadonlySet<string>, why: string): ApolloServerPlugin<GraphContext> {
  const found = new WeakMap<OperationDefinitionNode, string | null>();
  const listener: GraphQLRequestListener<GraphContext> = {
    async didResolveOperation({ operation, document, contextValue, response }) {
      if (!operation || contextValue.client.router) return;
      let field = found.get(operation);
      if (field === undefined) {
        const fragments = new Map<string, FragmentDefinitionNode>();
        for (const definition of document.definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
        }
        field = firstRootField(operation, fragments, fields);
        found.set(operation, field);
      }
      if (field === null) return;
      // Set here too: Apollo drops the error's own status hint when it re-wraps an error of another graphql copy.
      response.http.status = 403;
      throw new GraphQLError(`Query.${field} is answered to federation routers only (clients[].router): ${why}`, {
        extensions: { code: "FORBIDDEN", field: `Query.${field}`, http: { status: 403 } },
      });
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
