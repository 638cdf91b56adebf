/**
 * The docs index's list of provider pages (docs/README.md), built from the
 * registered definitions: each one's doc, titled by the page's own heading, with
 * its config kind and GraphQL type. A test compares it with the committed page.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, sep } from "node:path";
import { sourceFile } from "../server/paths.ts";
import type { ProviderDefinition } from "./core/provider-definition.ts";

/** A Markdown page's first heading, without the `#`. */
export function pageTitle(path: string): string | undefined {
  const heading = readFileSync(path, "utf8")
    .split("\n")
    .find((line) => line.startsWith("# "));
  return heading?.slice(2).trim();
}

/** One bullet per provider, each linking its doc relative to the index at `indexPath`. */
export function providerIndexMarkdown(definitions: readonly ProviderDefinition[], indexPath: string): string {
  return definitions
    .map((definition) => {
      const page = sourceFile(definition.docs);
      const link = relative(dirname(indexPath), page).split(sep).join("/");
      const title = pageTitle(page) ?? definition.configKind;
      return `- [${title}](${link}): kind \`${definition.configKind}\`, GraphQL type \`${definition.orderType.typeName}\``;
    })
    .join("\n");
}
