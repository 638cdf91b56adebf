/**
 * Whether a field's selection asks for a field below it: directly, under an
 * alias, through inline and named fragments, and, past the depth it follows,
 * "yes" (a little more work than needed, never less).
 */
import { type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { selectsField } from "../../src/graph/lookahead.ts";

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
