/**
 * The checklist every registered provider must pass (docs/adding-a-provider.md
 * lists it for people): a docs page listed in the docs index, an SDL file whose
 * order type has exactly the definition's fields and adds its ProviderKind
 * value, a demo entry whose emulator answers the connector the definition
 * builds, and capabilities that say something for every row of the capability
 * table. Each problem is one message that names the provider and the piece.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  parse,
} from "graphql";
import { configReferenceMarkdown } from "../../scripts/config-reference.ts";
import { startDemoEmulator } from "../../src/demo/demo-providers.ts";
import { capabilityTableMarkdown } from "../../src/providers/capability-table.ts";
import { standaloneCall } from "../../src/providers/core/call-context.ts";
import type { Capabilities, FilterField, SortField, WriteOperation } from "../../src/providers/core/connector.ts";
import type { ProviderDefinition } from "../../src/providers/core/provider-definition.ts";
import { pageTitle, providerIndexMarkdown } from "../../src/providers/provider-index.ts";
import { projectRoot, sourceFile } from "../../src/server/paths.ts";

/** Every filter, sort and write the capability table has a row for. */
const FILTERS: FilterField[] = [
  "STATUS",
  "NATIVE_STATUS",
  "PAYMENT_STATUS",
  "CREATED_AT",
  "UPDATED_AT",
  "CUSTOMER_ID",
  "EMAIL",
  "SEARCH",
  "VENDOR_REFERENCE",
  "TOTAL",
];
const SORTS: SortField[] = ["CREATED_AT", "UPDATED_AT", "TOTAL", "NUMBER"];
const WRITES: WriteOperation[] = ["UPDATE_ORDER_STATUS", "SET_VENDOR_REFERENCE"];

/** Where the committed pages are that list the shipped providers. */
const DOCS_INDEX = "docs/README.md";
const CONFIG_REFERENCE = "docs/configuration.md";

/** What a check is run against. */
export interface CoverageContext {
  /** The registry the provider is part of. */
  definitions: readonly ProviderDefinition[];
  /** True for the shipped registry: the committed README, docs index and configuration reference must list it too. */
  shipped: boolean;
}

/** The fields of the `Order` interface (schema/order.graphql), which every order type repeats. */
function orderInterfaceFields(): string[] {
  const document = parse(readFileSync(resolve(projectRoot(), "schema/order.graphql"), "utf8"));
  const order = document.definitions.find((d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === "Order");
  if (order?.kind !== Kind.INTERFACE_TYPE_DEFINITION) throw new Error("schema/order.graphql has no Order interface");
  return (order.fields ?? []).map((f) => f.name.value);
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function objectType(document: DocumentNode, name: string): ObjectNode | undefined {
  return document.definitions.find(
    (d): d is ObjectNode => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === name,
  );
}

const fieldsOf = (type: ObjectNode): readonly FieldDefinitionNode[] => type.fields ?? [];

/** The docs page: there, with a heading, and in the docs index. */
function docsProblems(definition: ProviderDefinition, context: CoverageContext): string[] {
  const name = `provider ${definition.configKind}`;
  const page = sourceFile(definition.docs);
  if (!existsSync(page)) return [`${name}: its docs page ${page} does not exist`];
  const problems: string[] = [];
  if (!pageTitle(page)) problems.push(`${name}: its docs page ${page} has no "# " heading`);
  const index = resolve(projectRoot(), DOCS_INDEX);
  const line = providerIndexMarkdown([definition], index);
  if (!providerIndexMarkdown(context.definitions, index).includes(line)) problems.push(`${name}: the docs index does not list its page`);
  if (context.shipped && !readFileSync(index, "utf8").includes(line)) {
    problems.push(`${name}: ${DOCS_INDEX} does not list its page (run npm run docs:capabilities)`);
  }
  return problems;
}

/** The SDL file: its ProviderKind value, its order type with exactly the definition's fields, personal fields nullable. */
function sdlProblems(definition: ProviderDefinition): string[] {
  const name = `provider ${definition.configKind}`;
  const file = sourceFile(definition.sdl);
  if (!existsSync(file)) return [`${name}: its SDL file ${file} does not exist`];
  let document: DocumentNode;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    return [`${name}: its SDL file does not parse (${error instanceof Error ? error.message : String(error)})`];
  }
  const problems: string[] = [];
  const kinds = document.definitions.flatMap((d) =>
    d.kind === Kind.ENUM_TYPE_EXTENSION && d.name.value === "ProviderKind" ? (d.values ?? []).map((v) => v.name.value) : [],
  );
  if (kinds.length !== 1 || kinds[0] !== definition.kind) {
    problems.push(
      `${name}: its SDL must add exactly its kind, extend enum ProviderKind { ${definition.kind} } (it adds ${kinds.join(", ") || "none"})`,
    );
  }
  const { typeName, nativeFields, piiFields, nestedPiiFields } = definition.orderType;
  const type = objectType(document, typeName);
  if (!type) return [...problems, `${name}: its SDL has no type ${typeName}`];
  const interfaces = (type.interfaces ?? []).map((i) => i.name.value);
  if (!interfaces.includes("Order") || !interfaces.includes("Node")) problems.push(`${name}: ${typeName} must implement Order & Node`);
  const key = type.directives?.find((d) => d.name.value === "key");
  const keyFields = key?.arguments?.find((a) => a.name.value === "fields")?.value;
  if (keyFields?.kind !== Kind.STRING || keyFields.value !== "id")
    problems.push(`${name}: ${typeName} needs @key(fields: "id") for federation`);
  const declared = fieldsOf(type).map((f) => f.name.value);
  const expected = [...orderInterfaceFields(), ...nativeFields];
  for (const field of expected.filter((f) => !declared.includes(f))) problems.push(`${name}: SDL type ${typeName} lacks field ${field}`);
  for (const field of declared.filter((f) => !expected.includes(f))) {
    problems.push(`${name}: SDL type ${typeName} has field ${field}, which is not among the definition's nativeFields`);
  }
  const nullable = (owner: ObjectNode, field: string) =>
    fieldsOf(owner).find((f) => f.name.value === field)?.type.kind !== Kind.NON_NULL_TYPE;
  for (const field of piiFields.filter((f) => declared.includes(f) && !nullable(type, f))) {
    problems.push(`${name}: personal field ${typeName}.${field} must be nullable (a refused field is null)`);
  }
  for (const [nestedName, fields] of Object.entries(nestedPiiFields ?? {})) {
    const nested = objectType(document, nestedName);
    if (!nested) {
      problems.push(`${name}: its SDL has no type ${nestedName} (named in nestedPiiFields)`);
      continue;
    }
    for (const field of fields) {
      if (!fieldsOf(nested).some((f) => f.name.value === field))
        problems.push(`${name}: SDL type ${nestedName} lacks personal field ${field}`);
      else if (!nullable(nested, field)) problems.push(`${name}: personal field ${nestedName}.${field} must be nullable`);
    }
  }
  return problems;
}

/** The capabilities: a word on every filter, sort and write, and a column in the capability table and the config reference. */
function capabilityProblems(definition: ProviderDefinition, context: CoverageContext): string[] {
  const name = `provider ${definition.configKind}`;
  const problems: string[] = [];
  const tables: Array<[string, Capabilities]> = [["capabilities", definition.capabilities]];
  if (definition.withOption) tables.push([`capabilities with ${definition.withOption.option}`, definition.withOption.capabilities]);
  for (const [what, capabilities] of tables) {
    for (const field of FILTERS.filter((f) => !capabilities.filters.some((c) => c.field === f))) {
      problems.push(`${name}: its ${what} say nothing of filter ${field}`);
    }
    for (const field of SORTS.filter((f) => !capabilities.sorts.some((c) => c.field === f))) {
      problems.push(`${name}: its ${what} say nothing of sort ${field}`);
    }
    for (const operation of WRITES.filter((w) => !capabilities.writes.some((c) => c.operation === w))) {
      problems.push(`${name}: its ${what} say nothing of write ${operation}`);
    }
  }
  const header = (table: string) => (table.split("\n")[0] ?? "").split("|").map((cell) => cell.trim());
  if (!header(capabilityTableMarkdown(context.definitions)).includes(definition.configKind)) {
    problems.push(`${name}: the capability table has no column for it`);
  }
  if (!configReferenceMarkdown(context.definitions).includes(`\n### ${definition.configKind}\n`)) {
    problems.push(`${name}: the configuration reference has no section for it`);
  }
  if (context.shipped) {
    const readme = readFileSync(resolve(projectRoot(), "README.md"), "utf8");
    const committed = readme.split("<!-- capabilities:start -->\n")[1] ?? "";
    if (!header(committed).includes(definition.configKind)) problems.push(`${name}: README's capability table has no column for it`);
    if (!readFileSync(resolve(projectRoot(), CONFIG_REFERENCE), "utf8").includes(`\n### ${definition.configKind}\n`)) {
      problems.push(`${name}: ${CONFIG_REFERENCE} has no section for it (run npm run docs:config)`);
    }
  }
  return problems;
}

/** The demo entry: it loads, its emulator starts, its entry is valid, and the connector reads orders of this kind from it. */
async function demoProblems(definition: ProviderDefinition): Promise<string[]> {
  const name = `provider ${definition.configKind}`;
  let started: Awaited<ReturnType<typeof startDemoEmulator>>;
  try {
    started = await startDemoEmulator(definition, { host: "127.0.0.1", port: 0, size: 6 });
  } catch (error) {
    return [`${name}: its demo entry does not start an emulator (${error instanceof Error ? error.message : String(error)})`];
  }
  try {
    const parsed = definition.schema.safeParse(started.entry);
    if (!parsed.success) {
      return [
        `${name}: its demo entry is not a valid config entry (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`,
      ];
    }
    const connector = definition.create(parsed.data, {});
    try {
      const problems: string[] = [];
      if (connector.kind !== definition.kind) problems.push(`${name}: its connector's kind is ${connector.kind}, not ${definition.kind}`);
      const declared = [definition.capabilities, definition.withOption?.capabilities];
      if (!declared.some((c) => JSON.stringify(c) === JSON.stringify(connector.capabilities))) {
        problems.push(`${name}: its connector's capabilities are not those its definition declares`);
      }
      const page = await connector.list({ filter: {}, sort: null, offset: 0, limit: 3 }, standaloneCall());
      if (page.rows.length === 0) problems.push(`${name}: its demo emulator answered no order`);
      for (const row of page.rows) {
        if (row.malformed) problems.push(`${name}: its demo emulator's order ${row.nativeId} fails the connector's schema`);
        else if (row.kind !== definition.kind || row.provider !== started.id) {
          problems.push(`${name}: its order ${row.nativeId} says kind ${row.kind} of provider ${row.provider}`);
        }
      }
      return problems;
    } finally {
      await connector.close();
    }
  } catch (error) {
    return [`${name}: its connector cannot read its demo emulator (${error instanceof Error ? error.message : String(error)})`];
  } finally {
    await started.close();
  }
}

/** Everything missing or wrong for one registered provider; empty when it is complete. */
export async function coverageProblems(definition: ProviderDefinition, context: CoverageContext): Promise<string[]> {
  return [
    ...docsProblems(definition, context),
    ...sdlProblems(definition),
    ...capabilityProblems(definition, context),
    ...(await demoProblems(definition)),
  ];
}
