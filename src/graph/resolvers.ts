/**
 * The resolvers: thin. Arguments are validated into engine terms, the engine
 * and the loaders do the work, and fields that only an order's details carry
 * are loaded on demand, once per request.
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { customerPage } from "../engine/customer-orders.ts";
import { type EngineLimits, type OrderPage, pageSize, queryOrders } from "../engine/order-query.ts";
import type {
  CustomerOrdersArgs,
  QueryOrdersByVendorReferenceArgs,
  Resolvers,
  ProviderKind as SchemaProviderKind,
} from "../generated/resolvers.ts";
import type { Connector } from "../providers/core/connector.ts";
import type { AddressRecord, CustomerRecord, OrderRecord } from "../providers/core/model.ts";
import { allowedConnectors, type GraphContext, mayUse, requireScope } from "./context.ts";
import { decodeGlobalId, encodeGlobalId } from "./global-id.ts";
import { completeOrder } from "./loaders.ts";
import { customerReadSize } from "./lookahead.ts";
import { vendorReferenceProblem, writeResolvers } from "./mutation.resolvers.ts";
import { requireFilterScope, resolveFilter, resolveSort } from "./order-input.ts";
import { reportPage } from "./partial-errors.ts";
import { scalarResolvers } from "./scalars.ts";

/** How a provider kind's concrete Order type is resolved (registered per provider). */
export interface OrderTypeBinding {
  /** The GraphQL type name, e.g. CsCartOrder. */
  typeName: string;
  /** The provider's own fields of that type: each reads `record.native[field]`. */
  nativeFields: readonly string[];
  /** Fields among them that are personal data (need pii:read). */
  piiFields: readonly string[];
  /** Personal fields of the provider's nested types, by type name (need pii:read). */
  nestedPiiFields?: Readonly<Record<string, readonly string[]>>;
}

function forbiddenPii(info: GraphQLResolveInfo): GraphQLError {
  return new GraphQLError(`${info.parentType.name}.${info.fieldName} is personal data and needs the pii:read scope`, {
    extensions: { code: "FORBIDDEN", field: `${info.parentType.name}.${info.fieldName}`, scope: "pii:read" },
  });
}

/** The Order interface's fields that are personal data, on every provider's order type. */
const PERSONAL_ORDER_FIELDS = ["email", "billingAddress", "shippingAddress"] as const;
/** Customer's fields that are personal data. */
const PERSONAL_CUSTOMER_FIELDS = ["name", "email", "phone"] as const;

/**
 * Every field that needs pii:read, as `Type.field`: the Order interface's
 * personal fields on each order type, Customer's, and each provider's own
 * (`piiFields`, `nestedPiiFields`). Each is nullable in the schema, so a
 * refused field is null with its error and nothing above it is lost
 * (tests/unit/personal-fields.test.ts).
 */
export function personalFields(bindings: readonly OrderTypeBinding[]): string[] {
  const fields: string[] = PERSONAL_CUSTOMER_FIELDS.map((field) => `Customer.${field}`);
  for (const binding of bindings) {
    for (const field of [...PERSONAL_ORDER_FIELDS, ...binding.piiFields]) fields.push(`${binding.typeName}.${field}`);
    for (const [typeName, names] of Object.entries(binding.nestedPiiFields ?? {})) {
      for (const field of names) fields.push(`${typeName}.${field}`);
    }
  }
  return [...new Set(fields)];
}

type FieldResolver = (parent: never, args: unknown, context: GraphContext, info: GraphQLResolveInfo) => unknown;

/** Puts the pii:read check in front of each personal field's resolver (or of the default one, which reads the property). */
function guardPersonalFields(resolvers: Record<string, Record<string, unknown>>, fields: readonly string[]): void {
  for (const path of fields) {
    const [typeName, field] = path.split(".") as [string, string];
    const byType = { ...resolvers[typeName] };
    const resolve =
      (byType[field] as FieldResolver | undefined) ??
      ((parent: Record<string, unknown>) => (parent[field] === undefined ? null : parent[field]));
    byType[field] = (parent: never, args: unknown, context: GraphContext, info: GraphQLResolveInfo) => {
      if (!context.client.scopes.has("pii:read")) throw forbiddenPii(info);
      return resolve(parent, args, context, info);
    };
    resolvers[typeName] = byType;
  }
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/**
 * A field that list rows may lack: read from the details when the row is incomplete.
 * Synchronous when the row has the value: a promise per field makes graphql-js
 * wait on every order object of a page (`promiseForObject`), a measurable share
 * of a list query's CPU.
 */
function detailField<T>(read: (order: OrderRecord) => T) {
  return (order: OrderRecord, _args: unknown, context: GraphContext): T | Promise<T> => {
    const value = read(order);
    if (order.complete || !isAbsent(value)) return value;
    return completeOrder(context.loaders, order).then(read);
  };
}

function formatAddress(address: AddressRecord): string {
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(" ");
  return [address.name, address.company, ...address.lines, cityLine, address.region, address.countryName ?? address.country]
    .filter((part): part is string => typeof part === "string" && part.trim() !== "")
    .join("\n");
}

function connectorOf(context: GraphContext, providerId: string): Connector {
  const connector = context.connectors.get(providerId);
  if (!connector)
    throw new GraphQLError(`provider ${providerId} is not configured`, { extensions: { code: "PROVIDER_ERROR", provider: providerId } });
  return connector;
}

/** An order by its global id, through the request's order loader; null when unknown or not allowed. */
export async function orderByGlobalId(context: GraphContext, id: string): Promise<OrderRecord | null> {
  requireScope(context, "orders:read", "reading orders");
  const decoded = decodeGlobalId(id);
  if (decoded?.type !== "Order") return null;
  const connector = context.connectors.get(decoded.provider);
  if (!connector || !mayUse(context, decoded.provider) || !connector.isValidNativeId(decoded.nativeId)) return null;
  return context.loaders.order.load({ provider: decoded.provider, nativeId: decoded.nativeId });
}

/**
 * A customer by its global id, through the request's customer loader; null
 * when unknown or not allowed. With `info`, the customer is read together with
 * the first page of orders the query asks for below it.
 */
export async function customerByGlobalId(context: GraphContext, id: string, info?: GraphQLResolveInfo): Promise<CustomerRecord | null> {
  requireScope(context, "orders:read", "reading customers");
  const decoded = decodeGlobalId(id);
  if (decoded?.type !== "Customer") return null;
  if (!context.connectors.has(decoded.provider) || !mayUse(context, decoded.provider)) return null;
  const readSize = info ? customerReadSize(info, context.limits) : 1;
  return context.loaders.customer.load({ provider: decoded.provider, nativeId: decoded.nativeId, readSize });
}

/** The first page of a customer's orders comes through the batching loader; other pages page alone. */
function customerOrders(customer: CustomerRecord, args: CustomerOrdersArgs, context: GraphContext): Promise<OrderPage> {
  requireFilterScope(args.filter, context.client.scopes, "Customer.orders");
  const { filter } = resolveFilter(args.filter);
  if (filter.customerIds)
    throw new GraphQLError("Customer.orders: filter.customerIds is implied by the customer", {
      extensions: { code: "BAD_USER_INPUT" },
    });
  const connector = connectorOf(context, customer.provider);
  if (args.after == null && args.before == null && args.last == null) {
    // First pages of many customers are read together (one call per provider where its API allows).
    return context.loaders.customerOrders.load({
      provider: connector.id,
      customerId: customer.nativeId,
      first: pageSize(args.first, "first", context.limits),
      filter,
      sort: resolveSort(args.sort),
    });
  }
  const paging = { first: args.first, after: args.after, last: args.last, before: args.before };
  return customerPage({ connector, filter, sort: resolveSort(args.sort) }, customer.nativeId, paging, context.call, context.limits);
}

/**
 * Orders carrying a vendor reference: a read through the engine like every
 * other (`filter.vendorReference`: providers that store no references match
 * nothing and are not called), newest first and bounded to one page of
 * `engine.maxPageSize` orders (`orders(filter: { vendorReference })` pages
 * through more). A provider that fails is reported beside the others' orders.
 */
async function ordersByVendorReference(
  context: GraphContext,
  args: QueryOrdersByVendorReferenceArgs,
  info: GraphQLResolveInfo,
): Promise<OrderRecord[]> {
  requireScope(context, "orders:read", "reading orders");
  const problem = vendorReferenceProblem(args.vendorReference, 255);
  if (problem) throw new GraphQLError(problem, { extensions: { code: "BAD_USER_INPUT", argument: "vendorReference" } });
  const page = await queryOrders(
    {
      first: context.limits.maxPageSize,
      filter: { vendorReference: args.vendorReference },
      sort: [],
      connectors: allowedConnectors(context, args.providers),
    },
    context.call,
    context.limits,
  );
  return reportPage(context, info, page).edges.map((edge) => edge.node);
}

/**
 * Encoded each time: an id costs under 0.1 µs (see encodeGlobalId), less than
 * remembering it per record did (a WeakMap entry costs about 0.3 µs to add,
 * and every answer that is not shared adds one per order).
 */
function orderGlobalId(order: OrderRecord): string {
  return encodeGlobalId("Order", order.provider, order.nativeId);
}

const orderInterfaceFields = {
  id: orderGlobalId,
  provider: (order: OrderRecord, _args: unknown, context: GraphContext) => connectorOf(context, order.provider),
  updatedAt: detailField((o) => o.updatedAt),
  customer: (order: OrderRecord) => order.customer,
  email: (order: OrderRecord) => order.email,
  billingAddress: detailField((o) => o.billingAddress),
  shippingAddress: detailField((o) => o.shippingAddress),
  items: detailField((o) => o.items),
  subtotal: detailField((o) => o.subtotal),
  total: detailField((o) => o.total),
  vendorReference: detailField((o) => o.vendorReference),
};

/** Builds the resolver map for the registered provider order types. */
export function createResolvers(bindings: readonly OrderTypeBinding[], typeNameByKind: Record<string, string>): Resolvers {
  const concrete: Record<string, unknown> = {};
  for (const binding of bindings) {
    const fields: Record<string, unknown> = { ...orderInterfaceFields };
    for (const field of binding.nativeFields) {
      // In `native`, undefined means "not in this (partial) record", null means "the provider has none".
      // Synchronous when the row has the field (see detailField).
      fields[field] = (order: OrderRecord, _args: unknown, context: GraphContext) => {
        const value = (order.native as Record<string, unknown>)[field];
        if (value !== undefined || order.complete) return value ?? null;
        return completeOrder(context.loaders, order).then((full) => (full.native as Record<string, unknown>)[field] ?? null);
      };
    }
    concrete[binding.typeName] = fields;
  }
  const writes = writeResolvers();
  const resolvers: Resolvers = {
    ...scalarResolvers,
    Node: {
      __resolveType: (node) => ("nativeStatus" in node ? (typeNameByKind[node.kind] ?? null) : "Customer") as never,
    },
    Order: {
      __resolveType: (order) => (typeNameByKind[order.kind] ?? null) as never,
    },
    Address: {
      formatted: (address) => formatAddress(address),
    },
    Customer: {
      id: (customer) => encodeGlobalId("Customer", customer.provider, customer.nativeId),
      provider: (customer, _args, context) => connectorOf(context, customer.provider),
      orders: async (customer, args, context, info) => reportPage(context, info, await customerOrders(customer, args, context)),
    },
    Provider: {
      name: (connector) => connector.name,
      // A registered kind, which its definition's SDL adds to the enum (codegen's type lists the shipped ones only).
      kind: (connector) => connector.kind as SchemaProviderKind,
      capabilities: (connector) => connector,
    },
    ProviderCapabilities: {
      filters: (connector) => connector.capabilities.filters.map((f) => ({ ...f, note: f.note ?? null })),
      sorts: (connector) => connector.capabilities.sorts,
      writes: (connector) => connector.capabilities.writes,
      count: (connector) => connector.capabilities.count,
    },
    OrderConnection: {
      nodes: (page) => page.edges.map((edge) => edge.node),
      totalCount: (page) => page.totalCount(),
    },
    Query: {
      orders: async (_root, args, context, info) => {
        requireScope(context, "orders:read", "reading orders");
        requireFilterScope(args.filter, context.client.scopes, "Query.orders");
        const { filter, customerIdsByProvider } = resolveFilter(args.filter);
        const page = await queryOrders(
          { ...args, filter, customerIdsByProvider, sort: resolveSort(args.sort), connectors: allowedConnectors(context, args.providers) },
          context.call,
          context.limits,
        );
        return reportPage(context, info, page);
      },
      order: (_root, args, context) => orderByGlobalId(context, args.id),
      customer: (_root, args, context, info) => customerByGlobalId(context, args.id, info),
      node: async (_root, args, context, info) => {
        const decoded = decodeGlobalId(args.id);
        if (decoded?.type === "Customer") return customerByGlobalId(context, args.id, info);
        return orderByGlobalId(context, args.id);
      },
      nodes: (_root, args, context, info) => {
        if (args.ids.length > 250) throw new GraphQLError("nodes: at most 250 ids", { extensions: { code: "BAD_USER_INPUT" } });
        return Promise.all(
          args.ids.map((id) => {
            const decoded = decodeGlobalId(id);
            return decoded?.type === "Customer" ? customerByGlobalId(context, id, info) : orderByGlobalId(context, id);
          }),
        );
      },
      providers: (_root, _args, context) => {
        requireScope(context, "orders:read", "reading providers");
        return allowedConnectors(context);
      },
      ordersByVendorReference: (_root, args, context, info) => ordersByVendorReference(context, args, info),
    },
    Mutation: writes.Mutation,
  };
  const all = { ...resolvers, ...(concrete as Resolvers) };
  guardPersonalFields(all as unknown as Record<string, Record<string, unknown>>, personalFields(bindings));
  return all;
}

export type { EngineLimits };
