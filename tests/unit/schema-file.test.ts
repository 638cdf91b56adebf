/**
 * schema.graphql is the public API the code really serves, and
 * `npm run schema:check` refuses breaking changes nobody declared.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { checkSchemaChanges, formatSchemaCheck, parseIntendedChanges } from "../../scripts/check-schema.ts";
import { graphql, publicSdl, SCHEMA_FILE, schemaFileText } from "../../scripts/print-schema.ts";
import { createResolvers } from "../../src/graph/resolvers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { projectRoot } from "../../src/server/paths.ts";
import { buildServedSchemas } from "../../src/server/schema.ts";

const BASE = `
"An order."
type Order {
  id: ID!
  number: String
  total: String
}

type Query {
  order(id: ID!): Order
  orders(first: Int): [Order!]!
}
`;

describe("schema.graphql", () => {
  it("is what the code prints (run npm run schema:print after changing schema/)", () => {
    const committed = readFileSync(join(projectRoot(), SCHEMA_FILE), "utf8");
    // A plain toBe would print two 1000-line texts; say what to do instead.
    expect(committed === schemaFileText(), `${SCHEMA_FILE} is out of date: run npm run schema:print`).toBe(true);
  });

  it("holds the public API and none of the federation internals", () => {
    const sdl = schemaFileText();
    expect(sdl).toMatch(/^type Query \{$/m);
    expect(sdl).toMatch(/^\s+orders\(/m);
    expect(sdl).toMatch(/^interface Order implements Node \{$/m);
    expect(sdl).toMatch(/^type Mutation \{$/m);
    for (const internal of ["_service", "_entities", "_Any", "_Entity", "_Service", "link__", "federation__", "@key", "@link"]) {
      expect(sdl, internal).not.toContain(internal);
    }
    // The printed file is valid SDL on its own (clients generate from it).
    expect(() => buildSchema(sdl)).not.toThrow();
  });

  it("is the schema the server executes for every client but a router", () => {
    const typeNameByKind = Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.kind, d.orderType.typeName]));
    const schemas = buildServedSchemas(
      createResolvers(
        PROVIDER_DEFINITIONS.map((d) => d.orderType),
        typeNameByKind,
      ),
    );
    const served = graphql.printSchema(graphql.lexicographicSortSchema(schemas.public));
    expect(served === publicSdl(schemas.router), "the public schema prints as schema.graphql").toBe(true);
    expect(schemas.router.getQueryType()?.getFields()).toHaveProperty("_entities");
    expect(schemas.public.getQueryType()?.getFields()).not.toHaveProperty("_entities");
  });

  it("leaves federation internals out of a subgraph-like schema", () => {
    // The script's graphql instance: the one the server's schema comes from.
    const schema = graphql.buildSchema(`
      directive @key(fields: federation__FieldSet!) repeatable on OBJECT
      scalar federation__FieldSet
      scalar link__Import
      scalar _Any
      union _Entity = Order
      type _Service { sdl: String }
      type Order { id: ID! }
      type Query { order(id: ID!): Order _service: _Service! _entities(representations: [_Any!]!): [_Entity]! }
    `);
    expect(publicSdl(schema)).toBe("type Order {\n  id: ID!\n}\n\ntype Query {\n  order(id: ID!): Order\n}");
  });
});

describe("schema check", () => {
  it("fails on a removed field and names it as BREAKING", async () => {
    const result = await checkSchemaChanges(BASE, BASE.replace("  number: String\n", ""));
    expect(result.ok).toBe(false);
    expect(result.unintended).toEqual([expect.objectContaining({ level: "BREAKING", path: "Order.number", type: "FIELD_REMOVED" })]);
    expect(formatSchemaCheck(result).at(-1)).toMatch(/^schema check FAILED: 1 unintended breaking change/);
  });

  it("fails on a changed argument type", async () => {
    const result = await checkSchemaChanges(BASE, BASE.replace("orders(first: Int)", "orders(first: Int!)"));
    expect(result.ok).toBe(false);
    expect(result.unintended.map((c) => c.path)).toEqual(["Query.orders.first"]);
  });

  it("passes an added field and an added optional argument (dangerous, not breaking), and still lists them", async () => {
    const result = await checkSchemaChanges(
      BASE,
      BASE.replace("  total: String\n", "  total: String\n  email: String\n").replace(
        "orders(first: Int)",
        "orders(first: Int, after: String)",
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.changes.map((c) => [c.level, c.path]).sort()).toEqual([
      ["DANGEROUS", "Query.orders.after"],
      ["NON_BREAKING", "Order.email"],
    ]);
    expect(formatSchemaCheck(result).some((line) => /^NON_BREAKING\s+Order\.email: /.test(line))).toBe(true);
  });

  it("passes a removal listed as intended, and shows the reason", async () => {
    const intended = parseIntendedChanges(JSON.stringify({ intended: [{ path: "Order.number", reason: "replaced by Order.nativeId" }] }));
    const result = await checkSchemaChanges(BASE, BASE.replace("  number: String\n", ""), intended);
    expect(result.ok).toBe(true);
    expect(result.changes[0]?.intended?.reason).toBe("replaced by Order.nativeId");
    expect(result.stale).toEqual([]);
    expect(formatSchemaCheck(result)[0]).toMatch(/^BREAKING\s+Order\.number: .*\[intended: replaced by Order\.nativeId\]$/);
  });

  it("does not let an intended entry for one change allow another", async () => {
    const intended = [{ path: "Order.total", reason: "moved" }];
    const result = await checkSchemaChanges(BASE, BASE.replace("  number: String\n", ""), intended);
    expect(result.ok).toBe(false);
    expect(result.unintended.map((c) => c.path)).toEqual(["Order.number"]);
    expect(result.stale).toEqual(intended);
  });

  it("matches by message where a path has several changes", async () => {
    const current = BASE.replace("  number: String\n", "").replace("orders(first: Int)", "orders(first: Int!)");
    const byMessage = await checkSchemaChanges(BASE, current, [
      { message: "Field 'number' was removed from object type 'Order'", reason: "r" },
    ]);
    expect(byMessage.unintended.map((c) => c.path)).toEqual(["Query.orders.first"]);
  });

  it("refuses an intended-changes file without reasons or targets", () => {
    expect(() => parseIntendedChanges(`{"intended": [{"path": "Order.number"}]}`)).toThrow(/needs a "reason"/);
    expect(() => parseIntendedChanges(`{"intended": [{"reason": "x"}]}`)).toThrow(/needs a "path" or a "message"/);
    expect(() => parseIntendedChanges(`{}`)).toThrow(/"intended" must be an array/);
  });

  it("reads the committed schema-changes.json", () => {
    expect(() => parseIntendedChanges(readFileSync(join(projectRoot(), "schema-changes.json"), "utf8"))).not.toThrow();
  });
});
