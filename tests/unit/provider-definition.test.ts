/**
 * defineProvider() derives a definition's kinds from its entry schema and
 * refuses a definition that cannot work; the registry refuses two definitions
 * that claim one name, and createConnectors builds only the kinds of the list
 * it is given.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { providerBaseSchema } from "../../src/config/config.schema.ts";
import { ConfigError, parseConfig } from "../../src/config/load-config.ts";
import type { Capabilities, Connector } from "../../src/providers/core/connector.ts";
import { defineProvider, type ProviderSpec } from "../../src/providers/core/provider-definition.ts";
import { createConnectors, PROVIDER_DEFINITIONS, registerProviders } from "../../src/providers/registry.ts";

const CAPABILITIES: Capabilities = { filters: [], sorts: [], writes: [], count: "SCAN" };

/** An entry schema of a made-up kind. */
const schemaOf = <K extends string>(kind: K) => providerBaseSchema.extend({ kind: z.literal(kind), token: z.string() }).strict();

/** A connector stand-in that records the entry it was built from. */
function connectorFor(entry: { id: string; kind: string }): Connector {
  return { id: entry.id, name: entry.id, kind: entry.kind.toUpperCase() } as Connector;
}

function spec<K extends string>(kind: K, typeName = "SampleOrder") {
  return {
    schema: schemaOf(kind),
    capabilities: CAPABILITIES,
    create: (entry: z.infer<ReturnType<typeof schemaOf<K>>>) => connectorFor(entry),
    orderType: { typeName, nativeFields: ["note", "code"], piiFields: ["note"] },
    // Never read: these definitions build no schema, have no doc and start no demo.
    sdl: new URL(`./${kind}.graphql`, import.meta.url),
    docs: new URL(`./${kind}.md`, import.meta.url),
    demo: () => Promise.reject(new Error(`${kind} has no demo`)),
  } satisfies ProviderSpec<z.infer<ReturnType<typeof schemaOf<K>>>>;
}

describe("defineProvider", () => {
  it("takes the config kind from the entry schema's kind literal, and the GraphQL kind is its upper case", () => {
    const definition = defineProvider(spec("sample2"));
    expect(definition.configKind).toBe("sample2");
    expect(definition.kind).toBe("SAMPLE2");
    expect(definition.orderType.typeName).toBe("SampleOrder");
  });

  it("types create() with the schema's entry, so the registry needs no cast", () => {
    const definition = defineProvider(spec("sample"));
    const entry = definition.schema.parse({ id: "s-1", kind: "sample", baseUrl: "http://127.0.0.1:9", token: "t" });
    expect(definition.create(entry, {}).kind).toBe("SAMPLE");
  });

  it("refuses a kind GraphQL cannot spell in upper case, or a schema without a kind literal", () => {
    expect(() => defineProvider(spec("Sample"))).toThrow(/kind: z\.literal\("<kind>"\) with lower-case letters and digits, got "Sample"/);
    expect(() => defineProvider(spec("my-shop"))).toThrow(/got "my-shop"/);
    const withoutLiteral = { ...spec("sample"), schema: providerBaseSchema.extend({ kind: z.string() }).strict() };
    expect(() => defineProvider(withoutLiteral as never)).toThrow(/needs kind: z\.literal/);
  });

  it("refuses a type name GraphQL cannot spell, and personal fields the type does not have", () => {
    expect(() => defineProvider(spec("sample", "sample_order"))).toThrow(/provider sample: "sample_order" is not a GraphQL type name/);
    const stray = spec("sample");
    expect(() => defineProvider({ ...stray, orderType: { ...stray.orderType, piiFields: ["note", "phone"] } })).toThrow(
      /provider sample: piiFields phone are not among its nativeFields/,
    );
  });
});

describe("registerProviders", () => {
  it("keeps the shipped list as given: each config kind and order type once", () => {
    expect(new Set(PROVIDER_DEFINITIONS.map((d) => d.configKind)).size).toBe(PROVIDER_DEFINITIONS.length);
    expect(new Set(PROVIDER_DEFINITIONS.map((d) => d.orderType.typeName)).size).toBe(PROVIDER_DEFINITIONS.length);
    expect(registerProviders(PROVIDER_DEFINITIONS)).toEqual(PROVIDER_DEFINITIONS);
  });

  it("refuses two definitions of one kind or one type name, naming both", () => {
    const first = defineProvider(spec("sample"));
    expect(() => registerProviders([first, defineProvider(spec("sample", "OtherOrder"))])).toThrow(
      'providers sample and sample both register "sample"',
    );
    expect(() => registerProviders([...PROVIDER_DEFINITIONS, defineProvider(spec("sample", "CsCartOrder"))])).toThrow(
      /providers cscart and sample both register "CsCartOrder"/,
    );
  });
});

describe("createConnectors with a list of definitions", () => {
  const config = (kind: string) =>
    parseConfig(
      JSON.stringify({
        clients: [{ name: "app", key: "client-key-0123456789abcdef", scopes: ["orders:read"] }],
        providers: [{ id: "s-1", kind, baseUrl: "http://127.0.0.1:9", token: "t" }],
      }),
      {},
    );

  it("builds a kind of the list it is given, which the shipped list lacks", () => {
    const sample = defineProvider(spec("sample"));
    expect(createConnectors(config("sample"), {}, [sample]).map((c) => [c.id, c.kind])).toEqual([["s-1", "SAMPLE"]]);
    expect(() => createConnectors(config("sample"))).toThrow(ConfigError);
  });

  it("refuses a kind the list lacks, naming the entry and the kinds it has", () => {
    const sample = defineProvider(spec("sample"));
    try {
      createConnectors(config("cscart"), {}, [sample]);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        'providers[0].kind: provider kind "cscart" is not available in this build (it has sample)',
      ]);
    }
  });
});
