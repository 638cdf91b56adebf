/** The README's capability table is the code's: regenerate it with `npm run docs:capabilities`. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { capabilityTableMarkdown } from "../../src/providers/capability-table.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

describe("README", () => {
  it("shows the capability table the connectors declare, for every registered provider", () => {
    const readme = readFileSync("README.md", "utf8");
    const table = capabilityTableMarkdown(PROVIDER_DEFINITIONS);
    expect(readme).toContain(`<!-- capabilities:start -->\n${table}\n<!-- capabilities:end -->`);
    for (const definition of PROVIDER_DEFINITIONS) expect(table.split("\n")[0]).toContain(definition.configKind);
  });

  it("names the two commands that CI runs", () => {
    const readme = readFileSync("README.md", "utf8");
    const ci = readFileSync(".ci/run", "utf8");
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm test");
    expect(ci).toMatch(/^npm test$/m);
  });
});
