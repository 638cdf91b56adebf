/** Loads the SDL from schema/ (one file per domain and per provider). */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
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
