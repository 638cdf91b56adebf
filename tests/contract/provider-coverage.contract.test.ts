/**
 * Every registered provider, the tests' fixture included, is complete: a docs
 * page in the docs index, an SDL type whose fields are its definition's, a demo
 * entry whose emulator its connector reads, and a word on every row of the
 * capability table (tests/helpers/provider-coverage.ts; docs/adding-a-provider.md
 * has the same checklist). A missing piece fails with a message that names the
 * provider and the piece.
 */
import { describe, expect, it } from "vitest";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { FIXTURE_DEFINITIONS, TEST_PROVIDER_DEFINITIONS } from "../fixtures/test-registry.ts";
import { type CoverageContext, coverageProblems } from "../helpers/provider-coverage.ts";

describe.each(TEST_PROVIDER_DEFINITIONS)("provider $configKind", (definition) => {
  it("has a docs page in the index, an SDL type with its fields, a demo emulator its connector reads, and capability rows", async () => {
    const shipped = PROVIDER_DEFINITIONS.includes(definition);
    const context: CoverageContext = shipped
      ? { definitions: PROVIDER_DEFINITIONS, shipped }
      : { definitions: TEST_PROVIDER_DEFINITIONS, shipped };
    expect(await coverageProblems(definition, context)).toEqual([]);
  });
});

describe("a provider with a piece missing", () => {
  const fixture = FIXTURE_DEFINITIONS[0];
  if (!fixture) throw new Error("tests/fixtures/test-registry.ts registers no fixture provider");
  const name = `provider ${fixture.configKind}`;
  const context: CoverageContext = { definitions: TEST_PROVIDER_DEFINITIONS, shipped: false };
  const [shippedOne] = PROVIDER_DEFINITIONS as [(typeof PROVIDER_DEFINITIONS)[number]];

  it("names a docs page that is not there", async () => {
    const problems = await coverageProblems({ ...fixture, docs: new URL("./no-such-page.md", fixture.docs) }, context);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}: its docs page .*no-such-page\\.md does not exist$`))]);
  });

  it("names each field the SDL type lacks, and each it has that the definition does not", async () => {
    const { typeName, nativeFields } = fixture.orderType;
    const [dropped, ...kept] = nativeFields as [string, ...string[]];
    const problems = await coverageProblems(
      { ...fixture, orderType: { ...fixture.orderType, nativeFields: [...kept, "tip"], piiFields: [] } },
      context,
    );
    expect(problems).toEqual([
      `${name}: SDL type ${typeName} lacks field tip`,
      `${name}: SDL type ${typeName} has field ${dropped}, which is not among the definition's nativeFields`,
    ]);
  });

  it("names an SDL file that neither adds the provider's kind nor has its type", async () => {
    const problems = await coverageProblems({ ...fixture, sdl: shippedOne.sdl }, context);
    expect(problems).toEqual([
      `${name}: its SDL must add exactly its kind, extend enum ProviderKind { ${fixture.kind} } (it adds ${shippedOne.kind})`,
      `${name}: its SDL has no type ${fixture.orderType.typeName}`,
    ]);
  });

  it("names a demo entry that starts no emulator", async () => {
    const problems = await coverageProblems({ ...fixture, demo: () => Promise.reject(new Error("no emulator here")) }, context);
    expect(problems).toEqual([`${name}: its demo entry does not start an emulator (no emulator here)`]);
  });

  it("names each row of the capability table its capabilities say nothing of", async () => {
    const { capabilities } = fixture;
    const partial = {
      ...capabilities,
      filters: capabilities.filters.filter((f) => f.field !== "EMAIL"),
      sorts: capabilities.sorts.filter((s) => s.field !== "TOTAL"),
    };
    const problems = await coverageProblems({ ...fixture, capabilities: partial }, context);
    expect(problems).toEqual([
      `${name}: its capabilities say nothing of filter EMAIL`,
      `${name}: its capabilities say nothing of sort TOTAL`,
      // The connector, built from the definition's code, still declares the full table.
      `${name}: its connector's capabilities are not those its definition declares`,
    ]);
  });

  it("names the committed pages that do not list a provider of the shipped registry", async () => {
    const problems = await coverageProblems(fixture, { definitions: TEST_PROVIDER_DEFINITIONS, shipped: true });
    expect(problems).toEqual([
      `${name}: docs/README.md does not list its page (run npm run docs:capabilities)`,
      `${name}: README's capability table has no column for it`,
      `${name}: docs/configuration.md has no section for it (run npm run docs:config)`,
    ]);
  });
});
