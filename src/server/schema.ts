/** Loads the SDL from schema/ (one file per domain and per provider) and builds the executable schema. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import type { Resolvers } from "../generated/resolvers.ts";
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

/** The executable API schema: the SDL of schema/ with the resolvers. */
export function buildApiSchema(resolvers: Resolvers): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
}
