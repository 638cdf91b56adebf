/**
 * Loads the SDL (schema/'s files and each provider's, see schema-files.ts) and builds
 * the executable schemas: the Apollo Federation 2 subgraph schema, which adds
 * `_service`, `_entities` and federation's types and directives for a router,
 * and the public schema, the same API without them (the one schema.graphql
 * holds), which every other client gets.
 */
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { type DefinitionNode, type DocumentNode, type GraphQLSchema, Kind, parse, printSchema } from "graphql";
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

// What a federation subgraph adds for the router (Federation 1 and 2 names):
// not part of the API a client programs against.
const FEDERATION_TYPE = /^(_Any|_Entity|_Service|_FieldSet|FieldSet|link__\w+|federation__\w+)$/;
const FEDERATION_DIRECTIVE =
  /^(key|link|shareable|external|requires|provides|extends|tag|inaccessible|override|composeDirective|interfaceObject|authenticated|requiresScopes|policy|context|fromContext|cost|listSize|link__\w+|federation__\w+)$/;
const FEDERATION_QUERY_FIELDS = new Set(["_service", "_entities"]);

function isPublic(definition: DefinitionNode): boolean {
  if (definition.kind === Kind.DIRECTIVE_DEFINITION) return !FEDERATION_DIRECTIVE.test(definition.name.value);
  if ("name" in definition && definition.name) return !FEDERATION_TYPE.test(definition.name.value);
  return true;
}

/** A printed subgraph schema without what federation adds: its types, directives and `Query._service`/`_entities`. */
export function withoutFederation(document: DocumentNode): DocumentNode {
  const definitions = document.definitions
    .filter(isPublic)
    .map((definition) =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "Query"
        ? { ...definition, fields: definition.fields?.filter((field) => !FEDERATION_QUERY_FIELDS.has(field.name.value)) }
        : definition,
    );
  return { ...document, definitions };
}

/** The two schemas the server runs. */
export interface ServedSchemas {
  /** The API of schema.graphql: what every client but a router is served (introspection and GraphiQL's docs too). */
  public: GraphQLSchema;
  /** The federation subgraph schema: the public API plus `_service`, `_entities` and federation's types, for routers. */
  router: GraphQLSchema;
}

/**
 * Both schemas, with the same resolvers. The public one is built anew from
 * the subgraph schema's SDL without federation, so the two share no type
 * objects (Apollo wraps a schema's field resolvers in place when a router asks
 * for a federated trace; those of the public schema stay as they are).
 */
export function buildServedSchemas(resolvers: Resolvers, definitions: readonly ProviderDefinition[] = PROVIDER_DEFINITIONS): ServedSchemas {
  const router = buildApiSchema(resolvers, definitions);
  const publicSchema = makeExecutableSchema({
    typeDefs: withoutFederation(parse(printSchema(router))),
    resolvers: resolvers as Parameters<typeof makeExecutableSchema>[0]["resolvers"],
  });
  return { public: publicSchema, router };
}
