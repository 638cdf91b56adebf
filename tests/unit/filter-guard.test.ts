/**
 * The check of an operation's OrderFilters before anything runs: wherever a
 * filter sits (fragments, inline fragments, nested customers, variables and
 * their defaults), a personal filter without pii:read is FORBIDDEN and a
 * control character in any filter text is BAD_USER_INPUT.
 */
import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { apiSchema } from "../../scripts/print-schema.ts";
import type { Scope } from "../../src/config/config.schema.ts";
import { filterRefusal } from "../../src/graph/filter-guard.ts";

const schema = apiSchema();
const READER = new Set<Scope>(["orders:read"]);
const PII_READER = new Set<Scope>(["orders:read", "pii:read"]);

function check(source: string, variables: Record<string, unknown> = {}, scopes: ReadonlySet<Scope> = READER) {
  const document: DocumentNode = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error("no operation");
  const refusal = filterRefusal({ schema, document, operation, variables, scopes });
  return refusal && { status: refusal.status, message: refusal.error.message, ...refusal.error.extensions };
}

const forbidden = (field: string, argument: string) => ({
  status: 403,
  code: "FORBIDDEN",
  field,
  argument,
  scope: "pii:read",
  http: { status: 403 },
});

describe("personal filters without pii:read", () => {
  it("are refused on orders, naming the field and the filter; the same operation passes with pii:read", () => {
    const query = `{ orders(filter: { email: "a@b.c" }) { totalCount } }`;
    expect(check(query)).toMatchObject(forbidden("Query.orders", "filter.email"));
    expect(check(query)?.message).toBe("Query.orders: filter.email matches personal data and needs the pii:read scope");
    expect(check(query, {}, PII_READER)).toBeNull();
    expect(check(`{ orders(first: 1, filter: { search: "anna" }) { totalCount } }`)).toMatchObject(
      forbidden("Query.orders", "filter.search"),
    );
  });

  it("are found under a customer, a node, an order's customer, fragments and aliases", () => {
    const sources = [
      `{ customer(id: "x") { orders(filter: { email: "a@b.c" }) { totalCount } } }`,
      `{ node(id: "x") { ... on Customer { orders(filter: { email: "a@b.c" }) { totalCount } } } }`,
      `{ nodes(ids: ["x"]) { ...C } } fragment C on Customer { orders(filter: { email: "a@b.c" }) { totalCount } }`,
      `{ orders(first: 1) { nodes { customer { probe: orders(filter: { email: "a@b.c" }) { totalCount } } } } }`,
      `query { ...Q } fragment Q on Query { customer(id: "x") { ... { orders(filter: { email: "a@b.c" }) { totalCount } } } }`,
      // A federation router's reference, and a mutation's read-back.
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(filter: { email: "a@b.c" }) { totalCount } } } }`,
      `mutation { setOrderVendorReference(input: { orderId: "x", vendorReference: "PO" }) { order { customer { orders(filter: { email: "a@b.c" }) { totalCount } } } } }`,
    ];
    for (const source of sources) expect(check(source), source).toMatchObject(forbidden("Customer.orders", "filter.email"));
  });

  it("are read with the variables applied, defaults included", () => {
    const whole = `query ($f: OrderFilter) { orders(filter: $f) { totalCount } }`;
    expect(check(whole, { f: { search: "x" } })).toMatchObject(forbidden("Query.orders", "filter.search"));
    expect(check(whole, { f: { status: ["PENDING"], email: null } })).toBeNull();
    expect(check(whole, {})).toBeNull();
    const part = `query ($e: String) { orders(filter: { status: [PENDING], email: $e }) { totalCount } }`;
    expect(check(part, { e: "a@b.c" })).toMatchObject(forbidden("Query.orders", "filter.email"));
    expect(check(part, { e: null })).toBeNull();
    expect(check(part)).toBeNull();
    const defaulted = `query ($f: OrderFilter = { email: "a@b.c" }) { orders(filter: $f) { totalCount } }`;
    expect(check(defaulted)).toMatchObject(forbidden("Query.orders", "filter.email"));
    expect(check(defaulted, { f: null })).toBeNull();
  });

  it("leave the other filters to a reader", () => {
    const query = `{ orders(filter: { status: [PENDING], nativeStatus: ["P"], vendorReference: "PO-1", total: { min: "1" } }) { totalCount } }`;
    expect(check(query)).toBeNull();
  });

  it("are found at the end of a fragment chain that doubles at every level: each fragment is walked once", () => {
    // 2^40 paths through the spreads: a walk of each path would not end.
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const source = `query { ...F0 } ${fragments.join(" ")} fragment F${levels} on Query { orders(filter: { email: "a@b.c" }) { totalCount } }`;
    expect(check(source)).toMatchObject(forbidden("Query.orders", "filter.email"));
  });
});

describe("control characters in filter texts", () => {
  const badRequest = (field: string, argument: string, found: string) => ({
    status: 400,
    code: "BAD_USER_INPUT",
    field,
    argument,
    message: `${field}: ${argument} must not contain control characters (found ${found})`,
  });

  it("are refused in every text of a filter, with pii:read too, naming the argument", () => {
    const query = `query ($f: OrderFilter) { orders(filter: $f) { totalCount } }`;
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ email: "a\u0000@b.c" }, "filter.email", "U+0000"],
      [{ search: "x\u001b[2J" }, "filter.search", "U+001B"],
      [{ vendorReference: "PO\u007f1" }, "filter.vendorReference", "U+007F"],
      [{ nativeStatus: ["P", "C\u0085"] }, "filter.nativeStatus", "U+0085"],
      [{ customerIds: ["abc\u0009"] }, "filter.customerIds", "U+0009"],
    ];
    for (const [filter, argument, found] of cases) {
      expect(check(query, { f: filter }, PII_READER), argument).toMatchObject(badRequest("Query.orders", argument, found));
    }
    // In a literal (a GraphQL string escape) and under a customer.
    expect(check(`{ customer(id: "x") { orders(filter: { vendorReference: "a\\u0000" }) { totalCount } } }`)).toMatchObject(
      badRequest("Customer.orders", "filter.vendorReference", "U+0000"),
    );
  });

  it("leave ordinary texts and arguments other than filters alone", () => {
    expect(check(`{ orders(filter: { search: "Nørregade 12 🙂" }) { totalCount } }`, {}, PII_READER)).toBeNull();
    expect(check(`{ order(id: "\\u0000") { id } }`)).toBeNull();
  });
});
