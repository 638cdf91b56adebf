/**
 * Whether a field's selection asks for a field below it: directly, under an
 * alias, through inline and named fragments, and, past the depth it follows,
 * "yes" (a little more work than needed, never less).
 */
import { type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { customerOrdersShape, selectsField } from "../../src/graph/lookahead.ts";
import { createResolvers } from "../../src/graph/resolvers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { buildApiSchema } from "../../src/server/schema.ts";

/** The info of the operation's first root field, as far as selectsField reads it. */
function infoOf(source: string): GraphQLResolveInfo {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const field = operation?.selectionSet.selections[0] as FieldNode;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [field], fragments } as unknown as GraphQLResolveInfo;
}

describe("selectsField", () => {
  it("finds a field selected directly or under an alias, and only directly below", () => {
    expect(selectsField(infoOf("mutation { m { order { id } userErrors { code } } }"), "order")).toBe(true);
    expect(selectsField(infoOf("mutation { m { o: order { id } } }"), "order")).toBe(true);
    expect(selectsField(infoOf("mutation { m { userErrors { code } } }"), "order")).toBe(false);
    // A field of that name deeper down is another field.
    expect(selectsField(infoOf("mutation { m { userErrors { order } } }"), "order")).toBe(false);
  });

  it("follows inline and named fragments", () => {
    expect(selectsField(infoOf("mutation { m { ... on P { previousStatus { code } } } }"), "previousStatus")).toBe(true);
    const named = "mutation { m { ...A } } fragment A on P { ...B } fragment B on P { previousStatus { code } }";
    expect(selectsField(infoOf(named), "previousStatus")).toBe(true);
    expect(selectsField(infoOf("mutation { m { ...A } } fragment A on P { userErrors { code } }"), "previousStatus")).toBe(false);
  });

  it("counts a field under @skip or @include as asked", () => {
    expect(selectsField(infoOf("mutation($s: Boolean!) { m { order @skip(if: $s) { id } } }"), "order")).toBe(true);
  });

  it("answers yes past the fragment depth it follows, rather than skipping work the answer needs", () => {
    const depth = 12;
    const fragments = Array.from({ length: depth }, (_, i) =>
      i < depth - 1 ? `fragment F${i} on P { ...F${i + 1} }` : `fragment F${i} on P { userErrors { code } }`,
    );
    const source = `mutation { m { ...F0 } } ${fragments.join(" ")}`;
    expect(selectsField(infoOf(source), "order")).toBe(true);
  });
});

describe("fragments spread many times", () => {
  /** A chain where each fragment spreads the next twice: 2^n paths, n + 1 fragments. */
  function chain(n: number, last: string): string {
    const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on P { ...F${i + 1} ...F${i + 1} }`);
    return `mutation { m { ...F0 } } ${fragments.join(" ")} fragment F${n} on P { ${last} }`;
  }

  /** The info of `source`, counting how often a fragment is looked up (one lookup per spread followed). */
  function countingInfo(source: string): { info: GraphQLResolveInfo; lookups: () => number } {
    const info = infoOf(source);
    let lookups = 0;
    const fragments = new Proxy(info.fragments, {
      get(target, name, receiver) {
        lookups += 1;
        return Reflect.get(target, name, receiver);
      },
    });
    return { info: { ...info, fragments } as GraphQLResolveInfo, lookups: () => lookups };
  }

  it("finds the customers' page shape following each fragment once", () => {
    const schema = buildApiSchema(
      createResolvers(
        PROVIDER_DEFINITIONS.map((d) => d.orderType),
        Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.kind, d.orderType.typeName])),
      ),
    );
    const limits = { defaultPageSize: 50, maxPageSize: 250, scanLimit: 10_000 };
    const customers = (n: number) =>
      `query { customer(id: "c") { ...F0 } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Customer { ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F${n} on Customer { orders(first: 5) { nodes { id } } }`;
    const shallow = countingInfo(customers(6));
    expect(customerOrdersShape({ ...shallow.info, schema, variableValues: {} } as GraphQLResolveInfo, limits)).toMatchObject({ first: 5 });
    expect(shallow.lookups()).toBeLessThanOrEqual(2 * 7);
    const deep = countingInfo(customers(30));
    customerOrdersShape({ ...deep.info, schema, variableValues: {} } as GraphQLResolveInfo, limits);
    expect(deep.lookups()).toBeLessThanOrEqual(2 * 31);
  });

  it("follows each fragment once, not once per path to it", () => {
    // Past the followed depth the answer is "asked" anyway; within it, each of the first levels is looked up twice.
    const { info, lookups } = countingInfo(chain(30, "userErrors { code }"));
    expect(selectsField(info, "order")).toBe(true);
    expect(lookups()).toBeLessThanOrEqual(2 * 31);
    const shallow = countingInfo(chain(6, "userErrors { code }"));
    expect(selectsField(shallow.info, "order")).toBe(false);
    expect(shallow.lookups()).toBeLessThanOrEqual(2 * 7);
  });
});
