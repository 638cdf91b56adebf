/**
 * Loads the SDL (schema/'s files and each provider's, see schema-files.ts) and builds
 * the executable schema: an Apollo Federation 2 subgraph schema, which serves
 * direct clients just the same and adds `_service` and `_entities` for a router.
 */
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { type GraphQLSchema, Kind, parse } from "graphql";
import type { Resolvers } from "../generated/resolvers.ts";
import { federationResolvers } from "../graph/federation.resolvers.ts";
import type { ProviderDefinition } from "../providers/core/provider-definition.ts";
import { PROVIDER_DEFINITIONS } from "../providers/registry.ts";
import { implementationsOf, loadTypeDefs } from "./schema-files.ts";

/**
 * The executable API schema: the SDL of schema/ and of the given providers (the shipped ones by default)
 * with the resolvers, plus the federation reference resolvers of the entities
 * (Order, its concrete types, Customer).
 */
export function buildApiSchema(resolvers: Resolvers, definitions: readonly ProviderDefinition[] = PROVIDER_DEFINITIONS): GraphQLSchema {
  const typeDefs = parse(loadTypeDefs(definitions).join("\n"));
  // Modules' resolvers are added field by field, so the second only adds `__resolveReference`.
  return buildSubgraphSchema([
    { typeDefs, resolvers: resolvers as GraphQLResolverMap },
    {
      typeDefs: { kind: Kind.DOCUMENT, definitions: [] },
      resolvers: federationResolvers(implementationsOf(typeDefs, "Order")) as GraphQLResolverMap,
    },
  ]);
}
