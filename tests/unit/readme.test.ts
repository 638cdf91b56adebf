/**
 * The README's capability table and the docs index's provider list are the
 * registry's: regenerate them with `npm run docs:capabilities`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DOCS_INDEX } from "../../scripts/capability-table.ts";
import { capabilityTableMarkdown } from "../../src/providers/capability-table.ts";
import { providerIndexMarkdown } from "../../src/providers/provider-index.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

describe("README", () => {
  it("shows the capability table the connectors declare, for every registered provider", () => {
    const readme = readFileSync("README.md", "utf8");
    const table = capabilityTableMarkdown(PROVIDER_DEFINITIONS);
    expect(readme).toContain(`<!-- capabilities:start -->\n${table}\n<!-- capabilities:end -->`);
    for (const definition of PROVIDER_DEFINITIONS) expect(table.split("\n")[0]).toContain(definition.configKind);
  });

  it("is linked from the docs index, which lists every registered provider's page", () => {
    const index = readFileSync(DOCS_INDEX, "utf8");
    const providers = providerIndexMarkdown(PROVIDER_DEFINITIONS, resolve(DOCS_INDEX));
    expect(index, `${DOCS_INDEX} is stale: run npm run docs:capabilities`).toContain(
      `<!-- providers:start -->\n${providers}\n<!-- providers:end -->`,
    );
    for (const definition of PROVIDER_DEFINITIONS) expect(providers).toContain(`kind \`${definition.configKind}\``);
    expect(readFileSync("README.md", "utf8")).toContain("(docs/README.md)");
  });

  it("names the two commands that CI runs", () => {
    const readme = readFileSync("README.md", "utf8");
    const ci = readFileSync(".ci/run", "utf8");
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
    expect(ci).toMatch(/^npm test$/m);
  });
});
