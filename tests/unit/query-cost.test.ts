/**
 * The cost estimate on its own, without a server: each fragment priced once
 * (steps linear in the document, however often it is spread), the step
 * budget, introspection priced at the size of its answer, and the upstream
 * calls of pages whose provider reads some fields from each order's details.
 */
import { getIntrospectionQuery, graphqlSync, type OperationDefinitionNode, parse } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.ts";
import { encodeGlobalId } from "../../src/graph/global-id.ts";
import { createResolvers } from "../../src/graph/resolvers.ts";
import { createConnectors, PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { AnalysisStepsError, CALL_COST, estimateOperation, LIST_ESTIMATE, type UpstreamScope } from "../../src/server/query-cost.ts";
import { buildApiSchema } from "../../src/server/schema.ts";

const schema = buildApiSchema(
  createResolvers(
    PROVIDER_DEFINITIONS.map((d) => d.orderType),
    Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.kind, d.orderType.typeName])),
  ),
);

// Connectors are only planned with here: nothing listens at their address, and nothing calls it.
const config = parseConfig(
  JSON.stringify({
    clients: [{ name: "test", key: "unit-test-key-0123456789", scopes: ["orders:read"] }],
    providers: [
      {
        id: "shop-cscart",
        kind: "cscart",
        baseUrl: "http://127.0.0.1:9/api",
        currency: "EUR",
        credentials: { email: "admin@example.com", apiKey: "k" },
      },
      { id: "sims-emnify", kind: "emnify", baseUrl: "http://127.0.0.1:9", currency: "EUR", credentials: { applicationToken: "t" } },
    ],
  }),
  {},
);
const connectors = createConnectors(config);
const upstream: UpstreamScope = {
  connectors,
  limits: config.engine,
  orderTypeByKind: Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.kind, d.orderType.typeName])),
};

afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
});

function estimate(source: string, options: { variables?: Record<string, unknown>; stepBudget?: number; upstream?: UpstreamScope } = {}) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
  if (!operation) throw new Error("no operation");
  return estimateOperation({
    schema,
    document,
    operation,
    variables: options.variables,
    defaultPageSize: 50,
    upstream: options.upstream,
    stepBudget: options.stepBudget ?? 1_000_000,
  });
}

/** `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } ... fragment Fn on Query { <last> }`: 2^n paths to the last fragment. */
function chain(n: number, last: string, on = "Query", root = "query { ...F0 }"): string {
  const fragments = Array.from({ length: n }, (_, i) => `fragment F${i} on ${on} { ...F${i + 1} ...F${i + 1} }`);
  return `${root} ${fragments.join(" ")} fragment F${n} on ${on} { ${last} }`;
}

describe("fragments", () => {
  it("prices a fragment spread 2^n times once, in steps linear in the document", () => {
    const cheap = estimate(chain(40, "__typename"));
    expect(cheap.fields).toBe(0);
    // One step per selection (two spreads a fragment, one field), and no more for the repeats.
    expect(cheap.steps).toBeLessThanOrEqual(2 * 41 + 2);
    const dear = estimate(chain(40, "providers { id }"));
    // Each path counts: 2^40 copies of providers (1 + LIST_ESTIMATE × id).
    expect(dear.fields).toBe(2 ** 40 * (1 + LIST_ESTIMATE));
    expect(dear.steps).toBeLessThanOrEqual(2 * 41 + 3);
  });

  it("prices a chain inside a page of orders, and keeps 0 × a huge selection at 0", () => {
    const page = estimate(chain(30, "id", "Order", "query { orders(first: 2) { nodes { ...F0 } } }"));
    expect(page.fields).toBe(1 + 2 * (1 + 2 ** 30));
    const none = estimate(chain(1100, "id", "Order", "query { orders(first: 0) { nodes { ...F0 } } }"));
    expect(none.fields).toBe(1);
    expect(Number.isNaN(none.cost)).toBe(false);
  });

  it("ends a walk past its step budget", () => {
    expect(() => estimate(chain(40, "__typename"), { stepBudget: 50 })).toThrow(AnalysisStepsError);
    expect(estimate(chain(20, "__typename"), { stepBudget: 50 }).steps).toBeLessThanOrEqual(50);
  });
});

describe("introspection", () => {
  /** Fields of an answer (every key of every object), which is what answering costs. */
  function answerFields(value: unknown): number {
    if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + answerFields(v), 0);
    if (value === null || typeof value !== "object") return 0;
    return Object.values(value).reduce<number>((sum, v) => sum + 1 + answerFields(v), 0);
  }

  it("is priced at the size of its answer, within a tenth", () => {
    for (const source of [
      getIntrospectionQuery(),
      "{ __schema { types { name fields { name args { name } } } } }",
      "{ __schema { directives { name args { name type { name ofType { name } } } } } }",
    ]) {
      const answer = graphqlSync({ schema, source });
      const size = answerFields(answer.data);
      const priced = estimate(source).fields;
      expect(priced).toBeGreaterThan(size * 0.9);
      expect(priced).toBeLessThan(size * 1.1);
    }
  });

  it("multiplies with aliases, and __typename stays free", () => {
    const one = estimate("{ __schema { types { name } } }").fields;
    expect(one).toBeGreaterThan(Object.keys(schema.getTypeMap()).length);
    expect(estimate("{ a: __schema { types { name } } b: __schema { types { name } } __typename }").fields).toBe(2 * one);
  });
});

describe("upstream calls", () => {
  it("prices a details call per order where a provider's list rows lack the fields asked for", () => {
    const items = estimate('{ orders(first: 250, providers: ["shop-cscart"]) { nodes { items { sku } } } }', { upstream });
    // Two list calls (251 rows at 250 a page) and one details call per order.
    expect(items.upstreamCalls).toBe(2 + 250);
    expect(items.cost).toBe(items.fields + CALL_COST * items.upstreamCalls);
    const rowFields = estimate('{ orders(first: 250, providers: ["shop-cscart"]) { nodes { id number status total { amount } } } }', {
      upstream,
    });
    expect(rowFields.upstreamCalls).toBe(2 + 250);
    const onlyRows = estimate('{ orders(first: 250, providers: ["shop-cscart"]) { nodes { id number status createdAt } } }', { upstream });
    expect(onlyRows.upstreamCalls).toBe(2);
    // emnify's rows are whole orders: items cost nothing more.
    const emnify = estimate('{ orders(first: 250, providers: ["sims-emnify"]) { nodes { items { sku } } } }', { upstream });
    expect(emnify.upstreamCalls).toBe(2 + 1);
    // Items asked for of emnify orders only: CS-Cart's orders of the same page need no details.
    const other = estimate("{ orders(first: 250) { nodes { ... on EmnifyOrder { items { sku } } } } }", { upstream });
    expect(other.upstreamCalls).toBe(2 + 2 + 1);
  });

  it("prices one call per id of nodes, whatever is selected, and nothing for an id that reads nothing", () => {
    const ids = Array.from({ length: 100 }, (_, i) => encodeGlobalId("Order", "shop-cscart", String(i + 1)));
    const typename = estimate("query ($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", { upstream, variables: { ids } });
    expect(typename.fields).toBe(1 + 100);
    expect(typename.upstreamCalls).toBe(100);
    // Not ids, an id of a provider not configured, and an id CS-Cart cannot have: null without a call.
    const nothing = ["nope", encodeGlobalId("Order", "shop-other", "1"), encodeGlobalId("Order", "shop-cscart", "x1")];
    const none = estimate("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { upstream, variables: { ids: nothing } });
    expect(none.fields).toBe(1 + 3);
    expect(none.upstreamCalls).toBe(0);
  });

  it("prices a filter the provider cannot apply at the rows it may read, up to the scan limit", () => {
    const native = estimate('{ orders(first: 10, providers: ["shop-cscart"], filter: { status: [COMPLETED] }) { nodes { id } } }', {
      upstream,
    });
    expect(native.upstreamCalls).toBe(1);
    const residual = estimate('{ orders(first: 10, providers: ["shop-cscart"], filter: { search: "x" }) { nodes { id } } }', { upstream });
    // 10,000 rows (engine.scanLimit) in windows of 250.
    expect(residual.upstreamCalls).toBe(config.engine.scanLimit / 250);
  });
});

describe("numbers past the largest", () => {
  it("are the largest number, never Infinity (which JSON cannot carry)", () => {
    const huge = estimate(chain(1100, "providers { id }"));
    expect(huge.fields).toBe(Number.MAX_VALUE);
    expect(huge.cost).toBe(Number.MAX_VALUE);
    expect(JSON.parse(JSON.stringify(huge)).cost).toBe(Number.MAX_VALUE);
  });
});
