/** docs/configuration.md is the config schema's: regenerate it with `npm run docs:config`. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_REFERENCE_PATH, configReferenceMarkdown } from "../../scripts/config-reference.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

const generated = configReferenceMarkdown();

describe("docs/configuration.md", () => {
  it("is up to date with the config schema and the provider definitions", () => {
    const committed = readFileSync(CONFIG_REFERENCE_PATH, "utf8");
    expect(committed === generated, `${CONFIG_REFERENCE_PATH} is stale: run npm run docs:config`).toBe(true);
  });

  it("has a row per setting, with its default, and a section per provider kind with its credentials", () => {
    const rowOf = (key: string) => generated.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
    expect(rowOf("server.limits.maxDepth")).toContain("| `12` |");
    expect(rowOf("server.requestDeadlineMs")).toContain("integer (100 to 300000)");
    expect(rowOf("observability.metrics.path")).toContain('`"/metrics"`');
    expect(rowOf("observability.tracing.exporter")).toContain('`"otlp-http"` or `"console"`');
    expect(rowOf("providers[].resilience.breakerFailures")).toContain("| `5` |");
    expect(rowOf("providers[].id")).toContain("*required*");
    expect(rowOf("clients[].scopes")).toContain('`"pii:read"`');
    for (const definition of PROVIDER_DEFINITIONS) {
      const section = generated.split(`### ${definition.configKind}\n`)[1]?.split("\n### ")[0] ?? "";
      expect(section, definition.configKind).toContain("`providers[].credentials");
    }
  });

  it("shows no value from the example config", () => {
    const example = readFileSync("config.example.yaml", "utf8");
    for (const value of ["shop.example.de", "storefront-app", "back-office", "CSCART_API_KEY", "STOREFRONT_KEY"]) {
      expect(example).toContain(value);
      expect(generated).not.toContain(value);
    }
    const hashes = example.match(/[0-9a-f]{64}/g) ?? [];
    for (const hash of hashes) expect(generated).not.toContain(hash);
  });
});
