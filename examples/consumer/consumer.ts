/**
 * An example client of ordergraph: lists the newest orders across providers,
 * pages on with the cursor, fetches one order with its items and, when the key
 * may write, shows what each provider can do natively.
 *
 * It uses graphql-request with the typed documents codegen makes from
 * examples/consumer/consumer.graphql, so variables and results are checked by
 * TypeScript. Run it against `npm start` (the demo prints its URL and key):
 *
 *   node examples/consumer/consumer.ts --url http://127.0.0.1:4000/graphql --key <key>
 *
 * or with ORDERGRAPH_URL and ORDERGRAPH_KEY in the environment.
 */
import { parseArgs } from "node:util";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ClientError, GraphQLClient, type RequestOptions, type Variables } from "graphql-request";
import {
  ConsumerNewestOrdersDocument,
  type ConsumerNewestOrdersQuery,
  ConsumerOrderDocument,
  type ConsumerOrderQuery,
  ConsumerProvidersDocument,
  type ConsumerProvidersQuery,
  ConsumerWriteProbeDocument,
} from "../../src/generated/client/graphql.ts";

const USAGE = `Usage: node examples/consumer/consumer.ts [--url URL] [--key KEY] [--page-size N] [--pages N]
                                         [--provider ID]... [--order ID] [--json]

  --url        the GraphQL endpoint (default: $ORDERGRAPH_URL, else http://127.0.0.1:4000/graphql)
  --key        the client key (default: $ORDERGRAPH_KEY)
  --page-size  orders per page (default 5)
  --pages      how many pages to read with the cursor (default 2)
  --provider   only these provider ids (repeatable; default: every provider the key may use)
  --order      the order to show with its items (default: the newest one)
  --json       print one JSON document instead of text`;

/** One page of orders as the consumer reads it. */
type OrdersPage = ConsumerNewestOrdersQuery["orders"];
/** An order with its items, or null when the id is unknown. */
type OrderDetail = ConsumerOrderQuery["order"];
/** The providers and their capabilities, as the consumer reads them. */
type ProviderList = ConsumerProvidersQuery["providers"];

/** What one run found; the `--json` output. */
interface ConsumerReport {
  pages: Array<{
    totalCount: number | null;
    orders: Array<{ id: string; provider: string; number: string | null }>;
    endCursor: string | null;
  }>;
  order: OrderDetail;
  /** Whether the key has the orders:write scope. */
  canWrite: boolean;
  /** The providers' capabilities; null when the key cannot write (they are shown to writers only). */
  providers: ProviderList | null;
  /** Errors of partial answers (one provider down), as `CODE (provider): message`. */
  warnings: string[];
}

type ResponseError = { message: string; extensions?: Record<string, unknown> };

/** `CODE (provider): message`: the code and provider are what a program should branch on, the message is for people. */
function describeError(error: ResponseError): string {
  const code = String(error.extensions?.["code"] ?? "ERROR");
  const provider = error.extensions?.["provider"];
  return `${code}${provider ? ` (${String(provider)})` : ""}: ${error.message}`;
}

/**
 * Runs a typed operation. A partial answer (data and errors, e.g. one provider
 * down) is kept and its errors become warnings: the other providers' orders
 * are still worth showing, but never silently.
 */
async function run<TData, TVariables extends object>(
  client: GraphQLClient,
  warnings: string[],
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  try {
    // graphql-request's overloads cannot see through a generic TVariables; the signature above keeps callers typed.
    return await client.request<TData>({ document, variables } as RequestOptions<Variables, TData>);
  } catch (error) {
    const data = error instanceof ClientError ? (error.response.data as TData | null | undefined) : undefined;
    if (!(error instanceof ClientError) || data === null || data === undefined) throw error;
    for (const e of error.response.errors ?? []) warnings.push(describeError(e as ResponseError));
    return data;
  }
}

/** Whether the key may write: a probe with an id that is no order's, refused before anything is written. */
async function probeWriteScope(client: GraphQLClient): Promise<boolean> {
  try {
    await client.request(ConsumerWriteProbeDocument);
    return true;
  } catch (error) {
    const codes = error instanceof ClientError ? (error.response.errors ?? []).map((e) => (e as ResponseError).extensions?.["code"]) : [];
    if (codes.includes("FORBIDDEN")) return false;
    throw error;
  }
}

/** Reads and prints what the report shows; throws on transport errors and on errors without data. */
async function collectReport(options: {
  url: string;
  key: string;
  pageSize: number;
  pages: number;
  providers?: string[] | undefined;
  orderId?: string | undefined;
  json?: boolean | undefined;
}): Promise<ConsumerReport> {
  const client = new GraphQLClient(options.url, { headers: { authorization: `Bearer ${options.key}` } });
  const warnings: string[] = [];
  const pages: ConsumerReport["pages"] = [];
  let after: string | null = null;
  for (let index = 0; index < options.pages; index++) {
    const { orders }: ConsumerNewestOrdersQuery = await run(client, warnings, ConsumerNewestOrdersDocument, {
      first: options.pageSize,
      after,
      providers: options.providers ?? null,
    });
    pages.push({
      totalCount: orders.totalCount,
      orders: orders.edges.map(({ node }) => ({ id: node.id, provider: node.provider.id, number: node.number ?? null })),
      endCursor: orders.pageInfo.endCursor ?? null,
    });
    printPage(index + 1, orders, options);
    if (!orders.pageInfo.hasNextPage || !orders.pageInfo.endCursor) break;
    // The cursor is opaque: it is only ever handed back, with the same filter and sort.
    after = orders.pageInfo.endCursor;
  }

  const orderId = options.orderId ?? pages[0]?.orders[0]?.id;
  const order = orderId ? (await run(client, warnings, ConsumerOrderDocument, { id: orderId })).order : null;
  if (orderId) printOrder(orderId, order, options);

  const canWrite = await probeWriteScope(client);
  const providers = canWrite ? (await run(client, warnings, ConsumerProvidersDocument)).providers : null;
  printProviders(providers, options);
  for (const warning of warnings) log(options, `warning: ${warning}`);
  return { pages, order, canWrite, providers, warnings };
}

const money = (m: { amount: string; currency: string } | null | undefined) => (m ? `${m.amount} ${m.currency}` : "-");

function log(options: { json?: boolean }, line = ""): void {
  if (!options.json) process.stdout.write(`${line}\n`);
}

function printPage(number: number, orders: OrdersPage, options: { json?: boolean; pageSize: number }): void {
  const total = orders.totalCount === null ? "total unknown" : `${orders.totalCount} in total`;
  log(options, `newest orders, page ${number} (${options.pageSize} per page, ${total})`);
  for (const { node } of orders.edges) {
    log(
      options,
      `  ${node.createdAt ?? "-"}  ${node.provider.id.padEnd(24)} #${(node.number ?? "-").padEnd(12)} ${node.status.padEnd(10)} ${money(node.total)}`,
    );
  }
  log(options, orders.pageInfo.hasNextPage ? `  next cursor: ${orders.pageInfo.endCursor}` : "  (last page)");
}

function printOrder(id: string, order: OrderDetail, options: { json?: boolean }): void {
  log(options);
  if (!order) {
    log(options, `order ${id}: not found`);
    return;
  }
  log(options, `order #${order.number ?? order.nativeId} (${order.__typename} of ${order.provider.id})`);
  log(options, `  id ${order.id}`);
  log(options, `  status ${order.status} (native ${order.nativeStatus.code}: ${order.nativeStatus.label}), payment ${order.paymentStatus}`);
  log(options, `  items (${order.items.length}):`);
  for (const item of order.items) {
    log(
      options,
      `    ${item.quantity} x ${item.name}${item.sku ? ` [${item.sku}]` : ""} at ${money(item.unitPrice)} = ${money(item.total)}`,
    );
  }
  log(options, `  subtotal ${money(order.subtotal)}, total ${money(order.total)}`);
}

function printProviders(providers: ProviderList | null, options: { json?: boolean }): void {
  log(options);
  if (!providers) {
    log(options, "capabilities: not shown, this key has no orders:write scope");
    return;
  }
  log(options, "capabilities (this key has orders:write):");
  for (const provider of providers) {
    const { filters, sorts, writes, count } = provider.capabilities;
    const nativeFilters = filters.filter((f) => f.native).map((f) => `${f.field} ${f.operator}`);
    const nativeSorts = sorts.filter((s) => s.native).map((s) => s.field);
    const allowedWrites = writes.filter((w) => w.supported).map((w) => w.operation);
    log(options, `  ${provider.id} (${provider.kind}, ${provider.name}): count ${count}`);
    log(options, `    native filters: ${nativeFilters.join(", ") || "none"}`);
    log(options, `    native sorts:   ${nativeSorts.join(", ") || "none"}`);
    log(options, `    writes:         ${allowedWrites.join(", ") || "none"}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: process.env["ORDERGRAPH_URL"] ?? "http://127.0.0.1:4000/graphql" },
      key: { type: "string", default: process.env["ORDERGRAPH_KEY"] },
      "page-size": { type: "string", default: "5" },
      pages: { type: "string", default: "2" },
      provider: { type: "string", multiple: true },
      order: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const pageSize = Number(values["page-size"]);
  const pages = Number(values.pages);
  if (values.help || !values.key || !Number.isInteger(pageSize) || pageSize < 1 || !Number.isInteger(pages) || pages < 1) {
    process.stderr.write(
      `${values.help ? "" : "a key (--key or ORDERGRAPH_KEY) and positive --page-size and --pages are needed\n\n"}${USAGE}\n`,
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const report = await collectReport({
    url: values.url,
    key: values.key,
    pageSize,
    pages,
    providers: values.provider,
    orderId: values.order,
    json: values.json,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ClientError) {
    const errors = (error.response.errors ?? []) as ResponseError[];
    const body = typeof error.response.body === "string" ? error.response.body : "";
    process.stderr.write(`ordergraph answered HTTP ${error.response.status}: ${errors.map(describeError).join("; ") || body}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});
