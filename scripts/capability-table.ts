/**
 * Rewrites what the docs derive from the registry (`npm run docs:capabilities`):
 * the README's provider capability table, from the connectors' own tables, and
 * the list of provider pages in the docs index (docs/README.md).
 * tests/unit/readme.test.ts fails when either page and the code disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { capabilityTableMarkdown } from "../src/providers/capability-table.ts";
import { providerIndexMarkdown } from "../src/providers/provider-index.ts";
import { PROVIDER_DEFINITIONS } from "../src/providers/registry.ts";
import { projectRoot } from "../src/server/paths.ts";

/** The docs index, relative to the project root. */
export const DOCS_INDEX = "docs/README.md";

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(page: string, name: string, content: string, file: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${name} markers`);
  return `${page.slice(0, from + start.length)}\n${content}\n${page.slice(to)}`;
}

if (import.meta.main) {
  const root = projectRoot();
  const table = capabilityTableMarkdown(PROVIDER_DEFINITIONS);
  const readme = join(root, "README.md");
  writeFileSync(readme, replaceBlock(readFileSync(readme, "utf8"), "capabilities", table, "README.md"));
  process.stdout.write(`${table}\n`);
  const index = join(root, DOCS_INDEX);
  const providers = providerIndexMarkdown(PROVIDER_DEFINITIONS, index);
  writeFileSync(index, replaceBlock(readFileSync(index, "utf8"), "providers", providers, DOCS_INDEX));
  process.stdout.write(`${providers}\n`);
}
