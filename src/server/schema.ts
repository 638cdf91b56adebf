/**
 * Loads the SDL from schema/ (one file per domain and per provider) and builds
 * the executable schema: an Apollo Federation 2 subgraph schema, which serves
 * direct clients just the same and adds `_service` and `_entities` for a router.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { type DocumentNode, type GraphQLSchema, Kind, parse } from "graphql";
import type { Resolvers } from "../generated/resolvers.ts";
import { federationResolvers } from "../graph/federation.resolvers.ts";
import { projectRoot } from "./paths.ts";

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? graphqlFiles(join(dir, entry.name)) : entry.name.endsWith(".graphql") ? [join(dir, entry.name)] : [],
    )
    .sort();
}

/** The SDL files' texts, in a stable order. */
export function loadTypeDefs(): string[] {
  const dir = join(projectRoot(), "schema");
  return graphqlFiles(dir).map((file) => `# ${relative(dir, file)}\n${readFileSync(file, "utf8")}`);
}

/** The object types that implement an interface, by name. */
function implementationsOf(document: DocumentNode, interfaceName: string): string[] {
  return document.definitions.flatMap((definition) =>
    (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
    definition.interfaces?.some((i) => i.name.value === interfaceName)
      ? [definition.name.value]
      : [],
  );
}

/**
 * The executable API schema: the SDL of schema/ with the resolvers, plus the
 * federation reference resolvers of the entities (Order, its concrete types,
 * Customer).
 */
export function buildApiSchema(resolvers: Resolvers): GraphQLSchema {
  const typeDefs = parse(loadTypeDefs().join("\n"));
  // Modules' resolvers are added field by field, so the second only adds `__resolveReference`.
  return buildSubgraphSchema([
    { typeDefs, resolvers: resolvers as GraphQLResolverMap },
    {
      typeDefs: { kind: Kind.DOCUMENT, definitions: [] },
      resolvers: federationResolvers(implementationsOf(typeDefs, "Order")) as GraphQLResolverMap,
    },
  ]);
}
