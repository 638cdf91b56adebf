/**
 * The benchmark scenarios: the GraphQL operation sent to ordergraph, the
 * route of the limit baseline that makes the same upstream calls by hand, the
 * peer's operation where the peer can serve the scenario, and the fewest
 * upstream calls the provider APIs allow for it. The merged scenarios read
 * every registered provider (bench/bench-emulators.ts); their call bounds are
 * counted by hand for the providers registered today.
 */
import { BENCH_PROVIDERS } from "./bench-emulators.ts";

/** Ids the runner looks up once (through ordergraph) before measuring. */
export interface BenchFixtures {
  /** 20 order ids per provider: global ids for ordergraph, native ids by provider for the limit. */
  nodes: { ids: string[]; nativeByProvider: Record<string, string[]> };
  /** 20 CS-Cart customers: global ids and native user ids. */
  customers: { ids: string[]; native: string[] };
  /** CS-Cart orders the mutation burst writes to, round robin. */
  writable: { ids: string[]; native: string[] };
}

/** One HTTP request body (JSON) and how to vary it per request. */
export interface RequestSpec {
  path: string;
  /** A fixed body, or a function giving the body of the n-th request (for writes). */
  body: unknown | ((n: number) => unknown);
}

/** A scenario under load (fixed concurrency, warm-up, then a measured window). */
export interface LoadScenario {
  name: string;
  title: string;
  /** Fewest upstream calls the provider APIs allow for one operation (see BENCHMARKS.md). */
  minimumCalls: number;
  /** What ordergraph makes today for one cold operation: a regression bound for the short form's test. */
  expectedCalls: number;
  /** The provider ids the operation touches. */
  providers: string[];
  ordergraph: (f: BenchFixtures) => RequestSpec;
  limit: (f: BenchFixtures) => RequestSpec;
  /** The peer's operation, for the single-provider scenarios it can serve. */
  peer?: (f: BenchFixtures) => RequestSpec;
}

const SUMMARY = "id number status createdAt total { amount currency }";
const ITEMS = "items { name sku quantity unitPrice { amount currency } }";
const PEER_ROW = "order_id status total timestamp firstname lastname email";

const gql = (query: string, variables: Record<string, unknown> = {}) => ({ query, variables });

/** CS-Cart's status letters the burst alternates between (processed / complete). */
const BURST_STATUSES = ["P", "C"] as const;
const CANONICAL: Record<(typeof BURST_STATUSES)[number], string> = { P: "PROCESSING", C: "COMPLETED" };

/** The load scenarios, in the order they run. */
export const LOAD_SCENARIOS: LoadScenario[] = [
  {
    name: "one-provider-50",
    title: "one provider (CS-Cart), 50 orders, summary fields",
    minimumCalls: 1,
    expectedCalls: 1,
    providers: ["shop-cscart"],
    ordergraph: () => ({
      path: "/graphql",
      body: gql(`query { orders(first: 50, providers: ["shop-cscart"]) { nodes { ${SUMMARY} } } }`),
    }),
    limit: () => ({ path: "/one-provider", body: { first: 50 } }),
    peer: () => ({
      path: "/graphql",
      body: gql(
        `query { listOrders(items_per_page: 50, sort_by: date, sort_order: desc) { ... on OrderList { orders { ${PEER_ROW} } } } }`,
      ),
    }),
  },
  {
    name: "one-provider-50-items",
    title: "one provider (CS-Cart), 50 orders with items",
    // CS-Cart's list rows have no products and it has no batch read: one list and one detail per order.
    minimumCalls: 51,
    expectedCalls: 51,
    providers: ["shop-cscart"],
    ordergraph: () => ({
      path: "/graphql",
      body: gql(`query { orders(first: 50, providers: ["shop-cscart"]) { nodes { ${SUMMARY} ${ITEMS} } } }`),
    }),
    limit: () => ({ path: "/one-provider-items", body: { first: 50 } }),
    peer: () => ({
      path: "/graphql",
      body: gql(
        `query { listOrders(items_per_page: 50, sort_by: date, sort_order: desc) { ... on OrderList { orders { ${PEER_ROW} details { ... on Order { products } } } } } }`,
      ),
    }),
  },
  {
    name: "merged-5x50",
    title: "five providers merged, 50 orders",
    minimumCalls: 5,
    expectedCalls: 5,
    providers: [...BENCH_PROVIDERS],
    ordergraph: () => ({
      path: "/graphql",
      body: gql(`query($providers: [ID!]) { orders(first: 50, providers: $providers) { nodes { ${SUMMARY} provider { id } } } }`, {
        providers: [...BENCH_PROVIDERS],
      }),
    }),
    limit: () => ({ path: "/merged", body: { first: 50 } }),
  },
  {
    name: "nodes-100",
    title: "nodes(ids) of 100 orders across five providers",
    // Iteras: one windowed list; emnify: one id range (q=id>=..,id<=..); djangoshop: one id_min/id_max page;
    // CS-Cart and ActivePlatform have no id filter: one detail each (20 + 20).
    minimumCalls: 43,
    expectedCalls: 85,
    providers: [...BENCH_PROVIDERS],
    ordergraph: (f) => ({
      path: "/graphql",
      body: gql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { ${SUMMARY} } } }`, { ids: f.nodes.ids }),
    }),
    limit: (f) => ({ path: "/nodes", body: { ids: f.nodes.nativeByProvider } }),
  },
  {
    name: "customers-20",
    title: "20 customers (CS-Cart) with their 10 newest orders",
    // CS-Cart filters by several user_id[] at once and has no page cap: one list call can hold them all.
    minimumCalls: 1,
    expectedCalls: 40,
    providers: ["shop-cscart"],
    ordergraph: (f) => ({
      path: "/graphql",
      body: gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id name email orders(first: 10) { nodes { ${SUMMARY} } } } } }`,
        {
          ids: f.customers.ids,
        },
      ),
    }),
    limit: (f) => ({ path: "/customers", body: { customers: f.customers.native, first: 10 } }),
    peer: (f) => ({
      path: "/graphql",
      body: gql(
        `query { ${f.customers.native
          .map(
            (user, i) =>
              `c${i}: listOrders(user_id: "${user}", items_per_page: 10, sort_by: date, sort_order: desc) { ... on OrderList { orders { ${PEER_ROW} } } }`,
          )
          .join(" ")} }`,
      ),
    }),
  },
  {
    name: "mutation-burst",
    title: "updateOrderStatus burst (CS-Cart), round robin over 100 orders",
    // The payload has the order after the write, as the baselines' answers do: write, read again.
    // (Asking for previousStatus as well adds the read before the write: 3.)
    minimumCalls: 2,
    expectedCalls: 2,
    providers: ["shop-cscart"],
    ordergraph: (f) => ({
      path: "/graphql",
      body: (n: number) => {
        const status = BURST_STATUSES[Math.floor(n / f.writable.ids.length) % 2] ?? "P";
        return gql(
          `mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status nativeStatus { code } } userErrors { code message } } }`,
          { input: { orderId: f.writable.ids[n % f.writable.ids.length], status: CANONICAL[status] } },
        );
      },
    }),
    limit: (f) => ({
      path: "/update-status",
      body: (n: number) => ({
        orderId: f.writable.native[n % f.writable.native.length],
        status: BURST_STATUSES[Math.floor(n / f.writable.native.length) % 2],
      }),
    }),
    peer: (f) => ({
      path: "/graphql",
      body: (n: number) => {
        const id = f.writable.native[n % f.writable.native.length];
        const status = BURST_STATUSES[Math.floor(n / f.writable.native.length) % 2];
        return gql(
          `mutation { updateOrder(order_id: "${id}", input: { status: ${status} }) { ... on updateOrder_200_response { order_id order { ... on Order { order_id status } } } } }`,
        );
      },
    }),
  },
];

/** The GraphQL query of one page of the Iteras walk (scenario 6). */
export const ITERAS_PAGE_QUERY = `query($after: String) { orders(first: 250, after: $after, providers: ["news-iteras-archive"]) { nodes { ${SUMMARY} } pageInfo { hasNextPage endCursor } } }`;

const DETAILS_LINK = `getOrder_response @resolveTo(sourceName: "cscart", sourceTypeName: "Query", sourceFieldName: "getOrder", requiredSelectionSet: "{ order_id }", sourceArgs: { order_id: "{root.order_id}" })`;

/** Type definitions that give the peer's CS-Cart list rows and write answers their details (Mesh's `@resolveTo`). */
export const PEER_TYPEDEFS = `extend type OrderRow { details: ${DETAILS_LINK} }
extend type updateOrder_200_response { order: ${DETAILS_LINK} }`;
