/**
 * Where the API's SDL comes from: schema/ (one file per domain) and each
 * registered provider's own file (its Order type and its `ProviderKind` value),
 * named by its definition. The server, schema:print and codegen all read the
 * SDL through here, so a provider's types are in the schema exactly when its
 * definition is in the list.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type DocumentNode, Kind } from "graphql";
import type { ProviderDefinition } from "../providers/core/provider-definition.ts";
import { projectRoot, sourceFile } from "./paths.ts";

/** The shared SDL files (schema/*.graphql), in a stable order. */
function coreSchemaFiles(): string[] {
  const dir = join(projectRoot(), "schema");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".graphql"))
    .sort()
    .map((name) => join(dir, name));
}

/** Every SDL file of a build with these providers: schema/'s, then each provider's, in a stable order. */
export function schemaFiles(definitions: readonly ProviderDefinition[]): string[] {
  return [...coreSchemaFiles(), ...definitions.map((d) => sourceFile(d.sdl)).sort()];
}

/** The SDL files' texts, each headed by its path (a comment, for error messages). */
export function loadTypeDefs(definitions: readonly ProviderDefinition[]): string[] {
  return schemaFiles(definitions).map((file) => `# ${relative(projectRoot(), file)}\n${readFileSync(file, "utf8")}`);
}

/** The object types that implement an interface, by name (the provider order types implement `Order`). */
export function implementationsOf(document: DocumentNode, interfaceName: string): string[] {
  return document.definitions.flatMap((definition) =>
    (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
    definition.interfaces?.some((i) => i.name.value === interfaceName)
      ? [definition.name.value]
      : [],
  );
}
