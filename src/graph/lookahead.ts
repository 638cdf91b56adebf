/**
 * Looks ahead into a selection: when a query asks for customers and, below
 * them, for their orders, the customers are read with the orders' page shape,
 * so both come from one read of each provider instead of two.
 */
import { type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, getArgumentValues, Kind, type SelectionSetNode } from "graphql";
import { pageSize, type SizeLimits } from "../engine/order-query.ts";
import type { OrderFilter as OrderFilterInput, OrderSort as OrderSortInput } from "../generated/resolvers.ts";
import type { OrderFilter, SortKey } from "../providers/core/connector.ts";
import { resolveFilter, resolveSort } from "./order-input.ts";

/** The first page of Customer.orders that a selection asks for. */
export interface CustomerOrdersShape {
  first: number;
  filter: OrderFilter;
  sort: SortKey[];
}

/**
 * Collects the `orders` fields of a selection. A named fragment is followed
 * once: spread again (`{ ...A ...A }`, or a chain of such fragments), it adds
 * the same fields, and following every spread would take time exponential in
 * the document.
 */
function ordersFields(
  selectionSet: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  out: FieldNode[],
  followed: Set<string>,
  depth = 0,
): void {
  if (!selectionSet || depth > 8) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === "orders") out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition?.name.value;
      if (type === undefined || type === "Customer" || type === "Node")
        ordersFields(selection.selectionSet, info, out, followed, depth + 1);
    } else {
      const name = selection.name.value;
      const fragment = info.fragments[name];
      const type = fragment?.typeCondition.name.value;
      if (!fragment || followed.has(name) || (type !== "Customer" && type !== "Node")) continue;
      followed.add(name);
      ordersFields(fragment.selectionSet, info, out, followed, depth + 1);
    }
  }
}

/**
 * The one first-page shape of `orders` under the customers a field returns;
 * null when there is none, several, or one that pages from a cursor.
 */
export function customerOrdersShape(info: GraphQLResolveInfo, limits: SizeLimits): CustomerOrdersShape | null {
  const customer = info.schema.getType("Customer");
  // Duck-typed rather than isObjectType: the schema may come from another copy of graphql-js.
  const definition = customer && "getFields" in customer ? (customer as GraphQLObjectType).getFields().orders : undefined;
  if (!definition) return null;
  const fields: FieldNode[] = [];
  const followed = new Set<string>();
  for (const node of info.fieldNodes) ordersFields(node.selectionSet, info, fields, followed);
  const shapes = new Map<string, CustomerOrdersShape>();
  for (const field of fields) {
    try {
      const args = getArgumentValues(definition, field, info.variableValues) as {
        first?: number | null;
        after?: string | null;
        last?: number | null;
        before?: string | null;
        filter?: OrderFilterInput | null;
        sort?: OrderSortInput[] | null;
      };
      if (args.after != null || args.before != null || args.last != null) return null;
      const first = pageSize(args.first, "first", limits);
      const { filter } = resolveFilter(args.filter);
      if (filter.customerIds || first < 1) return null;
      const shape = { first, filter, sort: resolveSort(args.sort) };
      shapes.set(JSON.stringify(shape), shape);
    } catch {
      // Bad arguments: the field's own resolver answers the error.
      return null;
    }
  }
  return shapes.size === 1 ? ([...shapes.values()][0] ?? null) : null;
}

/**
 * How many of each customer's newest orders to read when loading customers:
 * the page that `orders` below them asks for when it is the plain newest-first
 * page (then one read answers both), else one.
 */
export function customerReadSize(info: GraphQLResolveInfo, limits: SizeLimits): number {
  const shape = customerOrdersShape(info, limits);
  if (!shape || Object.keys(shape.filter).length > 0) return 1;
  const newestFirst =
    shape.sort.length === 0 || (shape.sort.length === 1 && shape.sort[0]?.field === "CREATED_AT" && shape.sort[0].direction === "DESC");
  return newestFirst ? shape.first : 1;
}

/**
 * Whether a selection asks for `name`. A named fragment's answer is kept in
 * `known` and reused where it is spread again: following every spread of a
 * chain like `fragment A on P { ...B ...B }` would take time exponential in
 * the document.
 */
function selectsIn(
  selectionSet: SelectionSetNode | undefined,
  name: string,
  info: GraphQLResolveInfo,
  depth: number,
  known: Map<string, boolean>,
): boolean {
  if (!selectionSet) return false;
  // Fragments nested deeper than this are not followed: asking is the safe answer.
  if (depth > 8) return true;
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name;
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsIn(selection.selectionSet, name, info, depth + 1, known);
    const spread = selection.name.value;
    const fragment = info.fragments[spread];
    // A fragment the document does not hold cannot pass validation; asking is the safe answer anyway.
    if (!fragment) return true;
    let answer = known.get(spread);
    if (answer === undefined) {
      answer = selectsIn(fragment.selectionSet, name, info, depth + 1, known);
      known.set(spread, answer);
    }
    return answer;
  });
}

/**
 * Whether the selection of the field being resolved asks for `name` directly
 * below it, through fragments too. A field under `@skip`/`@include` counts as
 * asked: the answer may do a little more work than needed, never less.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const known = new Map<string, boolean>();
  return info.fieldNodes.some((node) => selectsIn(node.selectionSet, name, info, 0, known));
}
