/**
 * A provider is one folder and one line: the fixture provider in
 * tests/fixtures (registered by tests/fixtures/test-registry.ts alone) goes
 * through the whole pipeline: codegen of its types, the printed schema, the
 * capability table and the configuration reference, and a query through the
 * server, merged with every shipped provider, against its emulator. It is not
 * part of the shipped registry, and outside its folder only the tests'
 * registry names it. Nothing here names it either: it is whatever the tests'
 * registry has beyond the shipped one (the coverage checklist runs on it in
 * tests/contract/provider-coverage.contract.test.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codegenConfig } from "../../codegen.ts";
import { checkSchemaChanges } from "../../scripts/check-schema.ts";
import { configReferenceMarkdown } from "../../scripts/config-reference.ts";
import { apiSchema, publicSdl, SCHEMA_FILE, schemaFileText } from "../../scripts/print-schema.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { decodeGlobalId } from "../../src/graph/global-id.ts";
import { capabilityTableMarkdown } from "../../src/providers/capability-table.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { projectRoot, sourceFile } from "../../src/server/paths.ts";
import { FIXTURE_DEFINITIONS, TEST_PROVIDER_DEFINITIONS } from "../fixtures/test-registry.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

const root = projectRoot();
const [fixture] = FIXTURE_DEFINITIONS;
if (!fixture || FIXTURE_DEFINITIONS.length !== 1)
  throw new Error("tests/fixtures/test-registry.ts must register exactly one fixture provider");
const { typeName, nativeFields, piiFields } = fixture.orderType;
/** The resolvers file of codegen's config. */
const RESOLVERS = "src/generated/resolvers.ts";

/** Generates the resolver types (in memory) for a list of definitions. */
async function generatedResolvers(definitions: typeof TEST_PROVIDER_DEFINITIONS): Promise<string> {
  const config = codegenConfig(definitions);
  const resolvers = config.generates[RESOLVERS];
  if (!resolvers) throw new Error(`codegen.ts generates no ${RESOLVERS}`);
  const [output] = await generate({ ...config, silent: true, generates: { [RESOLVERS]: resolvers } }, false);
  return output?.content ?? "";
}

describe("the fixture provider, outside the shipped registry", () => {
  it("is not in the shipped registry, which refuses its kind naming the entry", () => {
    expect(PROVIDER_DEFINITIONS.map((d) => d.configKind)).not.toContain(fixture.configKind);
    const config = parseConfig(
      JSON.stringify({
        clients: [{ name: "app", key: "client-key-0123456789abcdef", scopes: ["orders:read"] }],
        providers: [{ id: "p-1", kind: fixture.configKind, baseUrl: "http://127.0.0.1:9", credentials: {} }],
      }),
      {},
    );
    expect(() => createConnectors(config)).toThrow(
      `providers[0].kind: provider kind "${fixture.configKind}" is not available in this build`,
    );
  });

  it("is named, outside its own folder, by the tests' registry alone", () => {
    // `git grep -il <kind> -- src tests scripts schema codegen.ts`, untracked files too (they are committed in CI).
    let listed = "";
    try {
      listed = execFileSync(
        "git",
        ["grep", "-il", "--untracked", fixture.configKind, "--", "src", "tests", "scripts", "schema", "codegen.ts"],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
    } catch (error) {
      // git grep exits 1 when nothing matches: then not even the registry names it, and the check below fails.
      listed = (error as { stdout?: string }).stdout ?? "";
    }
    const files = listed.split("\n").filter(Boolean);
    const own = [dirname(sourceFile(fixture.sdl)), dirname(sourceFile(fixture.docs))].map((dir) => `${relative(root, dir)}/`);
    const outside = files.filter((file) => !own.some((folder) => file.startsWith(folder)));
    expect(files.length).toBeGreaterThan(outside.length);
    expect(outside).toEqual(["tests/fixtures/test-registry.ts"]);
  });
});

describe("the pipeline, with the fixture provider registered", () => {
  it("codegen maps its order type to OrderRecord (found as a type that implements Order) and adds its kind", async () => {
    const withFixture = await generatedResolvers(TEST_PROVIDER_DEFINITIONS);
    expect(withFixture).toContain(`  ${typeName}: ResolverTypeWrapper<OrderRecord>;`);
    expect(withFixture).toContain(`  ${typeName}: OrderRecord;`);
    expect(withFixture).toContain(`export type ${typeName}Resolvers<`);
    expect(withFixture).toMatch(new RegExp(`export type ProviderKind =[^;]*'${fixture.kind}'`));
    // The shipped registry generates the committed file, which has none of it.
    const shipped = await generatedResolvers(PROVIDER_DEFINITIONS);
    expect(shipped).toBe(readFileSync(`${root}/${RESOLVERS}`, "utf8"));
    expect(shipped).not.toContain(typeName);
  });

  it("schema print has its order type and kind; against the committed schema that is an addition, nothing breaks", async () => {
    const printed = schemaFileText(TEST_PROVIDER_DEFINITIONS);
    expect(printed).toContain(`type ${typeName} implements Node & Order {`);
    expect(printed).toMatch(new RegExp(`enum ProviderKind \\{[^}]*\\b${fixture.kind}\\b`));
    const committed = readFileSync(`${root}/${SCHEMA_FILE}`, "utf8");
    expect(schemaFileText()).toBe(committed);
    const check = await checkSchemaChanges(committed, publicSdl(apiSchema(TEST_PROVIDER_DEFINITIONS)));
    expect(check.ok).toBe(true);
    expect(check.changes.length).toBeGreaterThan(0);
    for (const change of check.changes) expect(`${change.path} ${change.message}`).toMatch(new RegExp(`${typeName}|${fixture.kind}`));
  });

  it("the capability table has its column and the configuration reference its section; the committed pages do not", () => {
    const header = capabilityTableMarkdown(TEST_PROVIDER_DEFINITIONS).split("\n")[0] ?? "";
    expect(header.split("|").map((cell) => cell.trim())).toContain(fixture.configKind);
    expect(configReferenceMarkdown(TEST_PROVIDER_DEFINITIONS)).toContain(`\n### ${fixture.configKind}\n\nGraphQL type \`${typeName}\`.`);
    expect(readFileSync(`${root}/README.md`, "utf8")).not.toContain(`| ${fixture.configKind} |`);
    expect(readFileSync(`${root}/docs/configuration.md`, "utf8")).not.toContain(`### ${fixture.configKind}`);
  });
});

describe("a query through the server, with the fixture provider merged among the shipped ones", () => {
  let emulators: StartedEmulator[];
  let server: TestServer;
  let own: StartedEmulator;

  beforeAll(async () => {
    emulators = await startEmulators({ definitions: TEST_PROVIDER_DEFINITIONS, size: 10 });
    own = emulators.find((e) => e.kind === fixture.configKind) as StartedEmulator;
    server = await startTestServer({
      definitions: TEST_PROVIDER_DEFINITIONS,
      providers: emulators.map((e) => testEntry(e, {}, TEST_PROVIDER_DEFINITIONS)),
    });
  });

  afterAll(async () => {
    await server?.close();
    await Promise.all((emulators ?? []).map((e) => e.close()));
  });

  const post = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
      extensions?: { upstream?: { providers: Record<string, { calls: number }> } };
    };
  };

  it("lists it among the providers, with its kind and capabilities", async () => {
    const answer = await post("{ providers { id kind capabilities { count writes { operation supported } } } }");
    expect(answer.errors).toBeUndefined();
    const providers = answer.data?.["providers"] as Array<{ id: string; kind: string; capabilities: { count: string } }>;
    expect(providers.map((p) => p.id).sort()).toEqual(emulators.map((e) => e.id).sort());
    expect(providers.find((p) => p.id === own.id)).toMatchObject({
      kind: fixture.kind,
      capabilities: { count: fixture.capabilities.count },
    });
  });

  it("merges its orders with the others' and reads its own fields from its emulator", async () => {
    const query = `{ orders(first: 60) { totalCount nodes { __typename id nativeId provider { id } ... on ${typeName} { ${nativeFields.join(" ")} } } } }`;
    const answer = await post(query);
    expect(answer.errors).toBeUndefined();
    const orders = answer.data?.["orders"] as { totalCount: number; nodes: Array<Record<string, unknown> & { provider: { id: string } }> };
    expect(new Set(orders.nodes.map((n) => n.provider.id))).toEqual(new Set(emulators.map((e) => e.id)));
    const mine = orders.nodes.filter((n) => n.provider.id === own.id);
    expect(mine.length).toBe(10);
    for (const node of mine) {
      expect(node["__typename"]).toBe(typeName);
      for (const field of nativeFields) expect(node).toHaveProperty(field);
    }
    expect(mine.some((node) => typeof node[nativeFields[0] as string] === "string")).toBe(true);
    expect(answer.extensions?.upstream?.providers[own.id]?.calls).toBeGreaterThan(0);
    expect(own.server.requests.length).toBeGreaterThan(0);
  });

  it("reads one of its orders by id, and keeps its personal fields from a key without pii:read", async () => {
    const list = await post(`query ($p: [ID!]) { orders(first: 1, providers: $p) { nodes { id nativeId } } }`, { p: [own.id] });
    const [first] = (list.data as { orders: { nodes: Array<{ id: string; nativeId: string }> } }).orders.nodes;
    expect(decodeGlobalId(first?.id ?? "")).toMatchObject({ type: "Order", provider: own.id, nativeId: first?.nativeId });
    const byId = `query ($id: ID!) { node(id: $id) { __typename id ... on ${typeName} { ${nativeFields.join(" ")} } } }`;
    const admin = await post(byId, { id: first?.id });
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.["node"]).toMatchObject({ __typename: typeName, id: first?.id });
    const reader = await post(byId, { id: first?.id }, READER_KEY);
    for (const field of piiFields) {
      expect((reader.data as { node: Record<string, unknown> }).node[field]).toBeNull();
      expect(reader.errors).toContainEqual(
        expect.objectContaining({ path: ["node", field], extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
      );
    }
  });
});
