/**
 * Query analysis takes steps linear in the document, checked by property:
 * for random documents up to the token limit, fragment-heavy ones included
 * (fragments that spread others several times, chains that double at each
 * level, fragments shared by pages, customers and introspection), the cost
 * estimate's steps, and the fragments graphql-armor's depth, alias and
 * directive rules expand, stay within a bound proportional to the
 * document's tokens. Steps are counted, never timed.
 */
import fc from "fast-check";
import {
  type ASTVisitor,
  Kind,
  Lexer,
  type OperationDefinitionNode,
  parse,
  Source,
  TokenKind,
  type ValidationContext,
  type ValidationRule,
  validate,
} from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.ts";
import { createResolvers } from "../../src/graph/resolvers.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { estimateOperation } from "../../src/server/query-cost.ts";
import { ANALYSIS_STEPS_PER_TOKEN, createQueryLimits } from "../../src/server/query-limits.ts";
import { buildApiSchema } from "../../src/server/schema.ts";

const MAX_TOKENS = 5_000;
const typeNameByKind = Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.kind, d.orderType.typeName]));
const schema = buildApiSchema(
  createResolvers(
    PROVIDER_DEFINITIONS.map((d) => d.orderType),
    typeNameByKind,
  ),
);

// Every provider kind, so that each read's bound is worked out; nothing is ever called.
const config = parseConfig(
  JSON.stringify({
    clients: [{ name: "test", key: "unit-test-key-0123456789", scopes: ["orders:read"] }],
    providers: [
      {
        id: "cs",
        kind: "cscart",
        baseUrl: "http://127.0.0.1:9/api",
        currency: "EUR",
        credentials: { email: "admin@example.com", apiKey: "k" },
      },
      { id: "em", kind: "emnify", baseUrl: "http://127.0.0.1:9", currency: "EUR", credentials: { applicationToken: "t" } },
      { id: "it", kind: "iteras", baseUrl: "http://127.0.0.1:9", currency: "DKK", credentials: { apiKey: "k" } },
      { id: "ap", kind: "activeplatform", baseUrl: "http://127.0.0.1:9", currency: "EUR", credentials: { apiToken: "token" } },
      { id: "dj", kind: "djangoshop", baseUrl: "http://127.0.0.1:9", currency: "EUR", credentials: { token: "t" } },
    ],
  }),
  {},
);
const connectors = createConnectors(config);

afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
});

/** One selection of a fragment's body: a field of its type, or a spread of a later fragment (maybe twice). */
type Item = { spread: number; twice: boolean } | { field: number; ref: number; n: number };

interface Shape {
  /** Bodies of the fragments on Query, Order and __Type. */
  query: Item[][];
  order: Item[][];
  type: Item[][];
  root: Item[];
  /** Make every fragment spread the next one twice as well (2^n paths). */
  doubling: boolean;
}

const item: fc.Arbitrary<Item> = fc.oneof(
  fc.record({ spread: fc.nat(), twice: fc.boolean() }),
  fc.record({ field: fc.nat(), ref: fc.nat(), n: fc.nat(250) }),
);
const bodies = (max: number) => fc.array(fc.array(item, { minLength: 1, maxLength: 6 }), { maxLength: max });
const shapes: fc.Arbitrary<Shape> = fc.record({
  query: bodies(40),
  order: bodies(40),
  type: bodies(8),
  root: fc.array(item, { minLength: 1, maxLength: 6 }),
  doubling: fc.boolean(),
});

const name = (prefix: string, list: unknown[], index: number) => (list.length === 0 ? undefined : `${prefix}${index % list.length}`);

/** Fields of each fragment type, some of them holding spreads of the other kinds' fragments. */
function field(kind: "Q" | "O" | "T", shape: Shape, it: { field: number; ref: number; n: number }): string {
  const order = name("O", shape.order, it.ref);
  const type = name("T", shape.type, it.ref);
  const orderBody = order ? `...${order}` : "id";
  const typeBody = type ? `...${type}` : "name";
  const choices: Record<typeof kind, string[]> = {
    Q: [
      "__typename",
      "providers { id name }",
      `a${it.n}: providers { id }`,
      `orders(first: ${it.n}) { totalCount nodes { ${orderBody} } }`,
      `orders(last: ${it.n % 50}, filter: { search: "x" }) { edges { node { ${orderBody} } } }`,
      `__schema { types { ${typeBody} } }`,
      `customer(id: "Customer:cs:${it.n}") { orders(first: 3) { nodes { ${orderBody} } } }`,
      `providers @include(if: true) { id }`,
    ],
    O: [
      "id",
      "items { sku }",
      `... on CsCartOrder { langCode customer { orders(first: ${it.n % 20}) { nodes { ${orderBody} } } } }`,
      "billingAddress { formatted }",
      `... on IterasOrder { invoiceLines { description } }`,
    ],
    T: ["name", "kind", `fields { name type { ${typeBody} } }`, "ofType { name }"],
  };
  const list = choices[kind];
  return list[it.field % list.length] as string;
}

function body(kind: "Q" | "O" | "T", shape: Shape, own: number, count: number, items: Item[]): string {
  const parts = items.map((it) => {
    if ("field" in it) return field(kind, shape, it);
    // Only later fragments: no cycles.
    const later = count - own - 1;
    if (later <= 0) return kind === "Q" ? "__typename" : kind === "O" ? "id" : "name";
    const target = `${kind}${own + 1 + (it.spread % later)}`;
    return it.twice ? `...${target} ...${target}` : `...${target}`;
  });
  if (shape.doubling && own + 1 < count) parts.push(`...${kind}${own + 1} ...${kind}${own + 1}`);
  return parts.join(" ");
}

function documentOf(shape: Shape): string {
  const root = shape.root.map((it) =>
    "field" in it ? field("Q", shape, it) : shape.query.length > 0 ? `...Q${it.spread % shape.query.length}` : "__typename",
  );
  const fragments = [
    ...shape.query.map((items, i) => `fragment Q${i} on Query { ${body("Q", shape, i, shape.query.length, items)} }`),
    ...shape.order.map((items, i) => `fragment O${i} on Order { ${body("O", shape, i, shape.order.length, items)} }`),
    ...shape.type.map((items, i) => `fragment T${i} on __Type { ${body("T", shape, i, shape.type.length, items)} }`),
  ];
  return `query { ${root.join(" ")} } ${fragments.join(" ")}`;
}

function tokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/**
 * graphql-armor's rules with their fragment lookups counted: each rule looks
 * a fragment up when it expands a spread of it (and answers a repeated spread
 * from what it kept), so the lookups are the rule's steps.
 */
function countedArmorRules(): { rules: ValidationRule[]; lookups: () => number } {
  let lookups = 0;
  const armor = createQueryLimits({
    limits: { maxDepth: 12, maxAliases: 30, maxDirectives: 50, maxTokens: MAX_TOKENS, maxCost: 50_000 },
    defaultPageSize: 50,
    production: false,
  }).validationRules;
  const rules = armor.map(
    (rule): ValidationRule =>
      (context: ValidationContext): ASTVisitor =>
        rule(
          new Proxy(context, {
            get(target, property, receiver) {
              if (property === "getFragment") lookups += 1;
              return Reflect.get(target, property, receiver);
            },
          }),
        ),
  );
  return { rules, lookups: () => lookups };
}

describe("query analysis is linear in the document", () => {
  it("takes steps proportional to the tokens, however often fragments are spread", () => {
    let fragmentHeavy = 0;
    fc.assert(
      fc.property(shapes, (shape) => {
        const source = documentOf(shape);
        const size = tokens(source);
        fc.pre(size <= MAX_TOKENS);
        const document = parse(source);
        const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
        if (!operation) throw new Error("no operation");
        const spreads = (source.match(/\.\.\.[QOT]\d+/g) ?? []).length;
        if (spreads > 20) fragmentHeavy += 1;

        const estimate = estimateOperation({
          schema,
          document,
          operation,
          defaultPageSize: 50,
          upstream: { connectors, limits: config.engine, orderTypeByKind: typeNameByKind },
          stepBudget: ANALYSIS_STEPS_PER_TOKEN * MAX_TOKENS,
        });
        // About one step per selection; a spread is at least two tokens, a field one.
        expect(estimate.steps).toBeLessThanOrEqual(size);
        expect(Number.isNaN(estimate.cost)).toBe(false);

        const armor = countedArmorRules();
        validate(schema, document, armor.rules);
        // Each of the three rules expands a fragment at most once per spread of it in the text.
        expect(armor.lookups()).toBeLessThanOrEqual(3 * spreads);
      }),
      { numRuns: 300 },
    );
    // The runs did include documents whose fragments are spread many times.
    expect(fragmentHeavy).toBeGreaterThan(30);
  });
});
