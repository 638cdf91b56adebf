/**
 * What an operation costs, estimated from the document and its variables
 * before anything runs: the fields it asks for (page sizes multiply), the
 * introspection it asks for (priced at the size of its answer), and an upper
 * bound of the upstream calls it can make (src/engine/call-bounds.ts), which
 * costs {@link CALL_COST} each. query-limits.ts refuses an operation above
 * `maxCost`; every answer shows the figures in `extensions.cost`.
 *
 * The walk takes time linear in the document: a named fragment is priced once
 * (its price does not depend on where it is spread) and reused at every spread
 * of it, so `{ ...A } fragment A on Query { ...B ...B } fragment B ...` takes
 * one visit per fragment, not one per path. Each visit is a step, and a walk
 * past its step budget ends with QUERY_TOO_COMPLEX whatever the numbers.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getArgumentValues,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from "graphql";
import {
  type CustomerPageShape,
  type CustomerReadBound,
  customerBatches,
  customerPagesCalls,
  customerReadBound,
  getManyCalls,
  listCalls,
  mergedCalls,
  type PageRead,
  streamCalls,
} from "../engine/call-bounds.ts";
import { customerFilter } from "../engine/customer-orders.ts";
import { readsBackward, type SizeLimits } from "../engine/order-query.ts";
import type { OrderFilter as OrderFilterInput, OrderSort as OrderSortInput } from "../generated/resolvers.ts";
import { decodeGlobalId } from "../graph/global-id.ts";
import { resolveFilter, resolveSort } from "../graph/order-input.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";

/**
 * How many elements a list without a page size or id list is assumed to hold
 * (an order's items or products, user errors): a typical order's, not the
 * largest. Such lists come inside the answer that holds them, so the page
 * sizes, not they, multiply the work; with this value a page of 250 orders
 * with every field of the richest order type (Iteras) costs about 37,500 in
 * fields, within the default `maxCost`, while a nested connection does not fit.
 */
export const LIST_ESTIMATE = 3;

/**
 * What one upstream call costs, in fields: a call takes a provider's time and
 * budget and ordergraph's own (a socket, a body to parse), far more than a
 * field to resolve. With 10, a page of 250 CS-Cart orders with their items
 * (250 detail calls) costs about 3,800, and 30 aliases of it 114,000, past the
 * default `maxCost` of 50,000.
 */
export const CALL_COST = 10;

/**
 * Order fields every list row carries; any other field of an order (the
 * `Order` interface's or a provider type's own) may need the order's details,
 * which cost a `getMany` per order where a provider's rows are partial
 * (`Connector.callBounds.partialRows`; see `detailField` in src/graph/resolvers.ts).
 */
const ROW_FIELDS: ReadonlySet<string> = new Set([
  "__typename",
  "id",
  "provider",
  "nativeId",
  "number",
  "status",
  "nativeStatus",
  "paymentStatus",
  "createdAt",
  "customer",
  "email",
]);

/** The client's side of the estimate: which providers its reads can reach. */
export interface UpstreamScope {
  /** The connectors the client may use (its `providers` allow-list applied). */
  connectors: readonly Connector[];
  limits: SizeLimits;
  /** The GraphQL order type of each provider kind (CSCART: CsCartOrder). */
  orderTypeByKind: Readonly<Record<string, string>>;
}

/** What {@link estimateOperation} prices. */
export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The request's variables as sent. */
  variables?: Readonly<Record<string, unknown>> | undefined;
  /** Page size of a connection without `first`/`last` (`engine.defaultPageSize`). */
  defaultPageSize: number;
  /** The upstream calls are bounded for this client; without it, fields and introspection only. */
  upstream?: UpstreamScope | undefined;
  /** Most steps the walk may take (see {@link AnalysisStepsError}). */
  stepBudget: number;
}

/** An operation's estimate. */
export interface CostEstimate {
  /** The price: `fields + CALL_COST × upstreamCalls`, rounded up. */
  cost: number;
  /** Fields and introspection, page sizes multiplied. */
  fields: number;
  /** The most upstream calls the operation can make (0 without an upstream scope). */
  upstreamCalls: number;
  /** The most representations one `_entities` field names. */
  entities: number;
  /** Steps the walk took. */
  steps: number;
}

/** The walk went past its step budget: the document is refused without an estimate. */
export class AnalysisStepsError extends Error {
  readonly budget: number;

  constructor(budget: number) {
    super(`the query's analysis took more than ${budget} steps`);
    this.name = "AnalysisStepsError";
    this.budget = budget;
  }
}

/** Customer reads at one provider waiting to learn how many customers are read together. */
interface PendingBatches {
  /** Calls of one batch read (summed over the shapes asked for). */
  scan: number;
  /** Customers asked for per element of the selection, should the element be this provider's. */
  customers: number;
  /** Most customers one batch holds (the smallest of the shapes'). */
  group: number;
}

/** What a selection costs, per element of the field that holds it. */
interface Tally {
  fields: number;
  /** Calls whatever provider the element belongs to. */
  calls: number;
  /**
   * Calls that depend on the element's provider, should it be this one (a
   * customer's orders: the read, its orders' details), by provider id.
   */
  providerCalls: ReadonlyMap<string, number> | undefined;
  /** Customer batch reads not yet multiplied, by provider id (see {@link collapse}). */
  batches: ReadonlyMap<string, PendingBatches> | undefined;
  /** Order types whose orders need their details ("*": every type). */
  details: ReadonlySet<string> | undefined;
  /** `totalCount` is asked for. */
  count: boolean;
  /** The most representations of one `_entities` field. */
  entities: number;
}

const NOTHING: Tally = {
  fields: 0,
  calls: 0,
  providerCalls: undefined,
  batches: undefined,
  details: undefined,
  count: false,
  entities: 0,
};

/** a × b where 0 × anything is 0 (never NaN from 0 × Infinity). */
function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

function union<T>(a: ReadonlySet<T> | undefined, b: ReadonlySet<T> | undefined): ReadonlySet<T> | undefined {
  if (!a) return b;
  if (!b) return a;
  return new Set([...a, ...b]);
}

function mergeMaps<V>(
  a: ReadonlyMap<string, V> | undefined,
  b: ReadonlyMap<string, V> | undefined,
  join: (x: V, y: V) => V,
): ReadonlyMap<string, V> | undefined {
  if (!a) return b;
  if (!b) return a;
  const merged = new Map(a);
  for (const [id, value] of b) {
    const other = merged.get(id);
    merged.set(id, other === undefined ? value : join(other, value));
  }
  return merged;
}

/** Batch reads of two selections read in the same round. */
function bothBatches(x: PendingBatches, y: PendingBatches): PendingBatches {
  return { scan: x.scan + y.scan, customers: x.customers + y.customers, group: Math.min(x.group, y.group) };
}

/** Both selections (siblings). */
function plus(a: Tally, b: Tally): Tally {
  if (a === NOTHING) return b;
  if (b === NOTHING) return a;
  return {
    fields: a.fields + b.fields,
    calls: a.calls + b.calls,
    providerCalls: mergeMaps(a.providerCalls, b.providerCalls, (x, y) => x + y),
    batches: mergeMaps(a.batches, b.batches, bothBatches),
    details: union(a.details, b.details),
    count: a.count || b.count,
    entities: Math.max(a.entities, b.entities),
  };
}

/** The dearer of two alternatives (fragments on different concrete types), part by part. */
function dearer(a: Tally, b: Tally): Tally {
  return {
    fields: Math.max(a.fields, b.fields),
    calls: Math.max(a.calls, b.calls),
    providerCalls: mergeMaps(a.providerCalls, b.providerCalls, Math.max),
    batches: mergeMaps(a.batches, b.batches, (x, y) => ({
      scan: Math.max(x.scan, y.scan),
      customers: Math.max(x.customers, y.customers),
      group: Math.min(x.group, y.group),
    })),
    details: union(a.details, b.details),
    count: a.count || b.count,
    entities: Math.max(a.entities, b.entities),
  };
}

/** The calls of the batch reads of `customers` customers of one provider, read in the same rounds. */
function batchCalls(pending: PendingBatches, elements: number): number {
  const customers = times(elements, pending.customers);
  const batches = Number.isFinite(customers) ? customerBatches(customers, pending.group) : Number.POSITIVE_INFINITY;
  return times(batches, pending.scan);
}

/**
 * The calls of `elements` copies of a selection, read in the same rounds:
 * each element may be of any provider of `among` (undefined: any provider
 * at all), so it costs what the dearest of them would; the batch reads of
 * their customers are priced now that their number is known.
 */
function collapse(inner: Tally, elements: number, among?: ReadonlySet<string>): number {
  const counts = (id: string) => among === undefined || among.has(id);
  let perElement = 0;
  for (const [id, calls] of inner.providerCalls ?? []) if (counts(id)) perElement = Math.max(perElement, calls);
  let calls = times(elements, inner.calls + perElement);
  for (const [id, pending] of inner.batches ?? []) if (counts(id)) calls += batchCalls(pending, elements);
  return calls;
}

/** The calls of a selection's elements whose providers are known: `elements` of each provider id. */
function collapseKnown(inner: Tally, elements: ReadonlyMap<string, number>): number {
  let calls = 0;
  for (const [id, count] of elements) {
    calls += times(count, inner.calls + (inner.providerCalls?.get(id) ?? 0));
    const pending = inner.batches?.get(id);
    if (pending) calls += batchCalls(pending, count);
  }
  return calls;
}

/*
 * The walk reads types by shape (ofType, getFields, isTypeOf) rather than with
 * graphql's instanceof predicates: the schema may come from another copy of
 * graphql than this module's, and those predicates throw across copies.
 */
type AnyField = GraphQLField<unknown, unknown>;
type FieldMap = Record<string, AnyField>;

function namedTypeOf(type: GraphQLOutputType): GraphQLNamedType {
  let current: unknown = type;
  while (typeof current === "object" && current !== null && "ofType" in current) current = current.ofType;
  return current as GraphQLNamedType;
}

function fieldsOf(type: GraphQLNamedType | null | undefined): FieldMap | null {
  return type && "getFields" in type ? (type.getFields() as FieldMap) : null;
}

function isComposite(type: GraphQLNamedType | null | undefined): type is GraphQLNamedType {
  return !!type && ("getFields" in type || "getTypes" in type);
}

/** A list, maybe non-null: printed as "[T]" or "[T]!". */
function isList(type: GraphQLOutputType): boolean {
  return String(type).startsWith("[");
}

/** How many type wrappers ([ ] and !) a type reference has. */
function wrappers(type: unknown): number {
  let count = 0;
  for (let current = type; typeof current === "object" && current !== null && "ofType" in current; current = current.ofType) count += 1;
  return count;
}

/**
 * The average length of each list an introspection answer holds, from the
 * schema itself, so that introspection is priced at the size of its answer:
 * `__schema { types { fields { name } } }` costs about one per type and one
 * per field. `__Type.ofType` is how often a type reference goes one wrapper
 * deeper, so a `TypeRef` fragment nested seven levels is priced at the
 * wrappers the schema has, not at seven.
 */
type IntrospectionLists = Record<string, number>;

const introspectionCache = new WeakMap<GraphQLSchema, IntrospectionLists>();

function introspectionLists(schema: GraphQLSchema): IntrospectionLists {
  const known = introspectionCache.get(schema);
  if (known) return known;
  const types = Object.values(schema.getTypeMap());
  const directives = schema.getDirectives();
  let fields = 0;
  let fieldArgs = 0;
  let interfaces = 0;
  let possible = 0;
  let enumValues = 0;
  let inputFields = 0;
  let references = 0;
  let wrapped = 0;
  const reference = (type: unknown) => {
    references += 1;
    wrapped += wrappers(type);
  };
  for (const type of types) {
    const shaped = type as unknown as Record<string, unknown>;
    if ("getTypes" in type || "getInterfaces" in type) {
      if ("getInterfaces" in type) interfaces += (type.getInterfaces as () => unknown[])().length;
      if ("getTypes" in type || !("isTypeOf" in type)) possible += schema.getPossibleTypes(type as never).length;
    }
    if ("getValues" in type) enumValues += (shaped.getValues as () => unknown[])().length;
    if ("getFields" in type) {
      for (const field of Object.values((type.getFields as () => Record<string, { type: unknown; args?: Array<{ type: unknown }> }>)())) {
        if ("args" in field && Array.isArray(field.args)) {
          fields += 1;
          for (const arg of field.args) reference(arg.type);
          fieldArgs += field.args.length;
        } else {
          inputFields += 1;
        }
        reference(field.type);
      }
    }
  }
  let directiveArgs = 0;
  for (const directive of directives) {
    directiveArgs += directive.args.length;
    for (const arg of directive.args) reference(arg.type);
  }
  const t = Math.max(1, types.length);
  const lists: IntrospectionLists = {
    "__Schema.types": types.length,
    "__Schema.directives": directives.length,
    "__Type.fields": fields / t,
    "__Type.interfaces": interfaces / t,
    "__Type.possibleTypes": possible / t,
    "__Type.enumValues": enumValues / t,
    "__Type.inputFields": inputFields / t,
    "__Type.ofType": wrapped / Math.max(1, references + wrapped),
    "__Field.args": fieldArgs / Math.max(1, fields),
    "__Directive.args": directiveArgs / Math.max(1, directives.length),
  };
  introspectionCache.set(schema, lists);
  return lists;
}

/** The arguments of a field, coerced as the resolver gets them; null when they do not coerce (the field then fails). */
function coercedArguments(definition: AnyField, field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> | null {
  try {
    return getArgumentValues(definition, field, variables) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** One walk over one operation. */
class CostWalk {
  private readonly schema: GraphQLSchema;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly variables: Record<string, unknown> = {};
  private readonly defaultPageSize: number;
  private readonly upstream: UpstreamScope | undefined;
  private readonly budget: number;
  /** Each fragment's tally, computed at its first spread. */
  private readonly priced = new Map<string, Tally>();
  /** Fragments on the current path: validation forbids cycles, this only guards a document that skipped it. */
  private readonly visiting = new Set<string>();
  /** The providers a read may call. */
  private readonly touched = new Set<Connector>();
  steps = 0;

  constructor(input: CostInput) {
    this.schema = input.schema;
    this.defaultPageSize = input.defaultPageSize;
    this.upstream = input.upstream;
    this.budget = input.stepBudget;
    for (const definition of input.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    // Defaults, then what was sent; values are not coerced: one that does not fit fails execution anyway.
    for (const definition of input.operation.variableDefinitions ?? []) {
      if (definition.defaultValue) this.variables[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
    }
    Object.assign(this.variables, input.variables ?? {});
  }

  private step(): void {
    this.steps += 1;
    if (this.steps > this.budget) throw new AnalysisStepsError(this.budget);
  }

  operation(operation: OperationDefinitionNode): Tally {
    const root = this.schema.getRootType(operation.operation);
    if (!root) return NOTHING;
    return this.selection(operation.selectionSet, root);
  }

  private typeNamed(name: string | undefined, parent: GraphQLNamedType): GraphQLNamedType {
    const type = name === undefined ? undefined : this.schema.getType(name);
    return isComposite(type) ? type : parent;
  }

  private isOrderType(type: GraphQLNamedType): boolean {
    if (type.name === "Order") return true;
    const interfaces = "getInterfaces" in type ? type.getInterfaces() : [];
    return interfaces.some((i) => i.name === "Order");
  }

  private selection(selectionSet: SelectionSetNode, parent: GraphQLNamedType): Tally {
    let shared = NOTHING;
    const byConcreteType = new Map<string, Tally>();
    const addFor = (type: GraphQLNamedType, tally: Tally) => {
      // A fragment on an object type other than the parent applies to some elements only.
      if ("isTypeOf" in type && type !== parent) byConcreteType.set(type.name, plus(byConcreteType.get(type.name) ?? NOTHING, tally));
      else shared = plus(shared, tally);
    };
    const orderType = this.isOrderType(parent);
    for (const selection of selectionSet.selections) {
      this.step();
      if (selection.kind === Kind.FIELD) {
        shared = plus(shared, this.field(selection, parent));
        if (orderType && !ROW_FIELDS.has(selection.name.value)) {
          shared = plus(shared, { ...NOTHING, details: new Set([parent.name === "Order" ? "*" : parent.name]) });
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = this.typeNamed(selection.typeCondition?.name.value, parent);
        addFor(on, this.selection(selection.selectionSet, on));
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || this.visiting.has(name)) continue;
        const on = this.typeNamed(fragment.typeCondition.name.value, parent);
        let tally = this.priced.get(name);
        if (!tally) {
          this.visiting.add(name);
          tally = this.selection(fragment.selectionSet, on);
          this.visiting.delete(name);
          this.priced.set(name, tally);
        }
        addFor(on, tally);
      }
    }
    let dearest: Tally | undefined;
    for (const tally of byConcreteType.values()) dearest = dearest ? dearer(dearest, tally) : tally;
    return dearest ? plus(shared, dearest) : shared;
  }

  private field(field: FieldNode, parent: GraphQLNamedType): Tally {
    const name = field.name.value;
    if (name === "__schema" || name === "__type") return this.introspection(field, parent);
    if (name.startsWith("__")) return NOTHING;
    const definition = fieldsOf(parent)?.[name];
    if (!definition) return NOTHING;
    const type = namedTypeOf(definition.type);
    if (!field.selectionSet || !isComposite(type)) {
      if (parent.name === "OrderConnection" && name === "totalCount") return { ...NOTHING, fields: 1, count: true };
      return { ...NOTHING, fields: 1 };
    }
    const inner = this.selection(field.selectionSet, type);
    switch (`${parent.name}.${name}`) {
      case "Query.orders":
      case "Customer.orders":
        return this.connection(definition, field, parent, inner);
      case "Query.order":
        return this.byId(definition, field, inner, "Order");
      case "Query.customer":
        return this.byId(definition, field, inner, "Customer");
      case "Query.node":
        return this.byId(definition, field, inner, undefined);
      case "Query.nodes":
      case "Query._entities":
        return this.byIds(definition, field, inner);
      case "Query.ordersByVendorReference":
        return this.byVendorReference(definition, field, parent, inner);
      case "Mutation.updateOrderStatus":
        // The order read before the write (for previousStatus), the write, the order read after it.
        return this.withCalls(this.plain(definition, field, parent, inner), 3);
      case "Mutation.setOrderVendorReference":
        return this.withCalls(this.plain(definition, field, parent, inner), 2);
      default:
        return this.plain(definition, field, parent, inner);
    }
  }

  private withCalls(tally: Tally, calls: number): Tally {
    return this.upstream ? { ...tally, calls: tally.calls + calls } : tally;
  }

  /** A field without upstream work of its own: 1, and its selection times how many elements it returns. */
  private plain(definition: AnyField, field: FieldNode, parent: GraphQLNamedType, inner: Tally): Tally {
    // The page size already counted the elements of a connection's edges and nodes: what they hold goes up to it.
    if (parent.name.endsWith("Connection") && (definition.name === "edges" || definition.name === "nodes")) {
      return { ...inner, fields: 1 + inner.fields };
    }
    const elements = this.multiplier(definition, field);
    if (!isList(definition.type) && elements === 1) return { ...inner, fields: 1 + inner.fields, count: false };
    return { ...NOTHING, fields: 1 + times(elements, inner.fields), calls: collapse(inner, elements), entities: inner.entities };
  }

  private argumentValue(definition: AnyField, field: FieldNode, name: string): unknown {
    const node = field.arguments?.find((a) => a.name.value === name);
    if (!node) return definition.args.find((a) => a.name === name)?.defaultValue;
    return valueFromASTUntyped(node.value, this.variables);
  }

  /** How many elements a field returns (see the module's documentation in docs/security.md). */
  private multiplier(definition: AnyField, field: FieldNode): number {
    const pageArgs = [this.argumentValue(definition, field, "first"), this.argumentValue(definition, field, "last")];
    const sizes = pageArgs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (sizes.length > 0) return Math.max(0, ...sizes);
    if (namedTypeOf(definition.type).name.endsWith("Connection")) return this.defaultPageSize;
    if (!isList(definition.type)) return 1;
    for (const listArg of ["ids", "representations"]) {
      const value = this.argumentValue(definition, field, listArg);
      // A single value given for a list argument is coerced to a list of one.
      if (value !== undefined && value !== null) return Array.isArray(value) ? value.length : 1;
    }
    return LIST_ESTIMATE;
  }

  /** `__schema` and `__type`: 1, and their selection priced by the schema's own list lengths. */
  private introspection(field: FieldNode, parent: GraphQLNamedType): Tally {
    const definition = field.name.value === "__schema" ? this.schema.getType("__Schema") : this.schema.getType("__Type");
    if (!isComposite(definition) || !field.selectionSet || parent !== this.schema.getQueryType()) return NOTHING;
    return { ...NOTHING, fields: 1 + this.introspectionSelection(field.selectionSet, definition) };
  }

  private introspectionSelection(selectionSet: SelectionSetNode, parent: GraphQLNamedType): number {
    const lists = introspectionLists(this.schema);
    let cost = 0;
    for (const selection of selectionSet.selections) {
      this.step();
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += this.introspectionSelection(selection.selectionSet, this.typeNamed(selection.typeCondition?.name.value, parent));
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || this.visiting.has(name)) continue;
        const key = `introspection:${name}`;
        let tally = this.priced.get(key);
        if (!tally) {
          this.visiting.add(name);
          const on = this.typeNamed(fragment.typeCondition.name.value, parent);
          tally = { ...NOTHING, fields: this.introspectionSelection(fragment.selectionSet, on) };
          this.visiting.delete(name);
          this.priced.set(key, tally);
        }
        cost += tally.fields;
        continue;
      }
      const name = selection.name.value;
      if (name === "__typename") continue;
      const definition = fieldsOf(parent)?.[name];
      if (!definition) continue;
      const type = namedTypeOf(definition.type);
      if (!selection.selectionSet || !isComposite(type)) {
        cost += 1;
        continue;
      }
      const elements = lists[`${parent.name}.${name}`] ?? 1;
      cost += 1 + times(elements, this.introspectionSelection(selection.selectionSet, type));
    }
    return cost;
  }

  /** The connectors a read may reach: the client's, narrowed to a `providers:` list when one is given. */
  private scope(listed: unknown): readonly Connector[] {
    const connectors = this.upstream?.connectors ?? [];
    const reached = Array.isArray(listed) ? connectors.filter((c) => listed.includes(c.id)) : connectors;
    for (const connector of reached) this.touched.add(connector);
    return reached;
  }

  /** 1 where the provider reads the fields asked for of an order from its details, 0 where its rows carry them. */
  private detailsPerOrder(details: ReadonlySet<string> | undefined, connector: Connector): number {
    if (!details || connector.callBounds?.partialRows !== true) return 0;
    const typeName = this.upstream?.orderTypeByKind[connector.kind];
    return details.has("*") || (typeName !== undefined && details.has(typeName)) ? getManyCalls(1) : 0;
  }

  /** `Query.orders` and `Customer.orders`: one page, each provider's part of it, and its orders' details. */
  private connection(definition: AnyField, field: FieldNode, parent: GraphQLNamedType, inner: Tally): Tally {
    const size = this.multiplier(definition, field);
    const fields = 1 + times(size, inner.fields);
    const upstream = this.upstream;
    if (!upstream) return { ...NOTHING, fields, entities: inner.entities };
    const args = coercedArguments(definition, field, this.variables);
    // Arguments that do not coerce fail the field before any call.
    if (!args) return { ...NOTHING, fields, entities: inner.entities };
    const limits = upstream.limits;
    // A larger page is refused before any call.
    const pageSize = Math.min(size, limits.maxPageSize);
    // As the engine reads the page: backward from `before`, or forward from `after` (the other cursor only ends it).
    const backward = readsBackward(args);
    const read: PageRead = {
      size: pageSize,
      backward,
      atCursor: (backward ? args.before : args.after) != null,
      count: inner.count,
    };
    let filter: OrderFilter = {};
    let customerIdsByProvider: Map<string, string[]> | undefined;
    let sort: SortKey[] = [];
    try {
      ({ filter, customerIdsByProvider } = resolveFilter(args.filter as OrderFilterInput | null | undefined));
      sort = resolveSort(args.sort as OrderSortInput[] | null | undefined);
    } catch {
      // The resolver refuses these arguments before any call; the unfiltered page is a bound all the same.
    }
    if (parent.name === "Query") {
      const connectors = this.scope(args.providers);
      const page = mergedCalls({ connectors, filter, customerIdsByProvider, sort }, read, limits);
      const details = Math.max(0, ...connectors.map((c) => this.detailsPerOrder(inner.details, c)));
      const below = collapse(inner, pageSize, new Set(connectors.map((c) => c.id)));
      return { ...NOTHING, fields, calls: page + times(pageSize, details) + below, entities: inner.entities };
    }
    // Customer.orders: the page and all below it are the customer's provider's, which is known only
    // where the customer was asked for by id; until then, each provider the client may use.
    const firstPage = !read.atCursor && !read.backward;
    const shape: CustomerPageShape = { first: pageSize, filter, sort, count: read.count };
    const providerCalls = new Map<string, number>();
    const batches = new Map<string, PendingBatches>();
    for (const connector of this.scope(undefined)) {
      const below = times(pageSize, this.detailsPerOrder(inner.details, connector)) + collapse(inner, pageSize, new Set([connector.id]));
      if (firstPage) {
        // A first page comes through the loader, which reads the customers of one round together.
        const bound = this.customerBound(connector, shape);
        providerCalls.set(connector.id, bound.alone + below);
        batches.set(connector.id, { scan: bound.scan, customers: 1, group: bound.group });
      } else {
        providerCalls.set(connector.id, streamCalls(connector, customerFilter(filter, ["1"]), sort, read, limits) + below);
      }
    }
    return { ...NOTHING, fields, providerCalls, batches: firstPage ? batches : undefined, entities: inner.entities };
  }

  private customerBound(connector: Connector, shape: CustomerPageShape): CustomerReadBound {
    return customerReadBound(connector, shape, (this.upstream as UpstreamScope).limits);
  }

  /** A customer's read by id: its newest orders, up to the page Customer.orders may ask for below it. */
  private customerShape(): CustomerPageShape {
    return { first: (this.upstream as UpstreamScope).limits.maxPageSize, filter: {}, sort: [], count: false };
  }

  /**
   * The connector of an id the client may use, and whether it names a
   * customer; null for an id that reads nothing (malformed, another
   * provider's, or not of the `expected` kind: "Order", "Customer", or
   * undefined for either).
   */
  private target(id: unknown, expected: string | undefined): { connector: Connector; customer: boolean } | null {
    if (typeof id !== "string") return null;
    const decoded = decodeGlobalId(id);
    if (!decoded) return null;
    const connector = this.upstream?.connectors.find((c) => c.id === decoded.provider);
    if (!connector) return null;
    this.touched.add(connector);
    if (decoded.type === "Customer") return expected === undefined || expected === "Customer" ? { connector, customer: true } : null;
    if (expected === "Customer" || !connector.isValidNativeId(decoded.nativeId)) return null;
    return { connector, customer: false };
  }

  /** `order(id)`, `node(id)`, `customer(id)`: one order by id, or one customer's read (loaded with others of its round). */
  private byId(definition: AnyField, field: FieldNode, inner: Tally, expected: string | undefined): Tally {
    const base: Tally = { ...NOTHING, fields: 1 + inner.fields, entities: inner.entities };
    if (!this.upstream) return base;
    // An id that reads nothing answers null: nothing below it runs either.
    const target = this.target(this.argumentValue(definition, field, "id"), expected);
    if (!target) return base;
    const id = target.connector.id;
    const calls = inner.calls + (inner.providerCalls?.get(id) ?? 0);
    const pending = inner.batches?.get(id);
    if (!target.customer) return { ...base, calls: calls + getManyCalls(1), batches: pending ? new Map([[id, pending]]) : undefined };
    const bound = this.customerBound(target.connector, this.customerShape());
    const read: PendingBatches = { scan: bound.scan, customers: 1, group: bound.group };
    return { ...base, calls: calls + bound.alone, batches: new Map([[id, pending ? bothBatches(pending, read) : read]]) };
  }

  /**
   * `nodes(ids)` and `_entities(representations)`: at least 1 per element
   * whatever is selected, orders by id (`getMany`, batched per provider) and
   * customers' reads, grouped by provider as the loaders group them; what is
   * asked below each element is priced for its own provider.
   */
  private byIds(definition: AnyField, field: FieldNode, inner: Tally): Tally {
    const entities = definition.name === "_entities";
    const value = this.argumentValue(definition, field, entities ? "representations" : "ids");
    const list: unknown[] = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    const fields = 1 + times(list.length, Math.max(1, inner.fields));
    const base: Tally = { ...NOTHING, fields, entities: entities ? list.length : inner.entities };
    if (!this.upstream) return base;
    const elements = new Map<string, number>();
    const orders = new Map<Connector, number>();
    const customers = new Map<Connector, number>();
    for (const item of list) {
      const reference = entities && typeof item === "object" && item !== null ? (item as Record<string, unknown>) : undefined;
      // A representation's __typename is Customer, Order or a concrete order type.
      const kind = reference?.__typename === "Customer" ? "Customer" : "Order";
      const target = entities ? this.target(reference?.id, kind) : this.target(item, undefined);
      if (!target) continue;
      elements.set(target.connector.id, (elements.get(target.connector.id) ?? 0) + 1);
      const counts = target.customer ? customers : orders;
      counts.set(target.connector, (counts.get(target.connector) ?? 0) + 1);
    }
    let calls = collapseKnown(inner, elements);
    for (const [, count] of orders) calls += getManyCalls(count);
    for (const [connector, count] of customers) calls += customerPagesCalls(connector, count, this.customerShape(), this.upstream.limits);
    return { ...base, calls };
  }

  /** `ordersByVendorReference`: one search of each provider that stores references (answers larger than a page read on). */
  private byVendorReference(definition: AnyField, field: FieldNode, parent: GraphQLNamedType, inner: Tally): Tally {
    const tally = this.plain(definition, field, parent, inner);
    if (!this.upstream) return tally;
    const reference = this.argumentValue(definition, field, "vendorReference");
    let calls = tally.calls;
    for (const connector of this.scope(this.argumentValue(definition, field, "providers"))) {
      if (!connector.capabilities.filters.some((f) => f.field === "VENDOR_REFERENCE" && f.native)) continue;
      calls += listCalls(connector, { vendorReference: String(reference) }, connector.maxPageSize, 0);
    }
    return { ...tally, calls };
  }

  /** Session calls (a login) of every provider a read may call: at most one each per request. */
  sessions(): number {
    let calls = 0;
    for (const connector of this.touched) calls += connector.callBounds?.session ?? 0;
    return calls;
  }
}

/**
 * Estimates an operation (see the module's documentation; docs/security.md
 * has the rules and figures). Throws {@link AnalysisStepsError} past the
 * step budget.
 */
export function estimateOperation(input: CostInput): CostEstimate {
  const walk = new CostWalk(input);
  const tally = walk.operation(input.operation);
  // The operation's root: what its fields load by id is read in one round.
  let calls = collapse(tally, 1);
  if (calls > 0) calls += walk.sessions();
  // Past the largest number (a fragment spread 2^n times in a deep selection), the largest number: JSON has no Infinity.
  const finite = (value: number) => (Number.isFinite(value) ? Math.ceil(value) : Number.MAX_VALUE);
  const fields = finite(tally.fields);
  const upstreamCalls = finite(calls);
  return {
    cost: finite(fields + times(CALL_COST, upstreamCalls)),
    fields,
    upstreamCalls,
    entities: tally.entities,
    steps: walk.steps,
  };
}
