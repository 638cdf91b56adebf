/**
 * Pieces the emulators' OpenAPI documents share: every provider answers one
 * order by its id with the same shape of operation, differing only in its
 * path, its parameter and its error answers (which each document keeps).
 */

/** A JSON body whose schema is one of the document's components. */
export function jsonOf(component: string) {
  return { "application/json": { schema: { $ref: `#/components/schemas/${component}` } } };
}

/** An integer `id` in the path. */
export const ORDER_ID_PARAMETER = { name: "id", in: "path", required: true, schema: { type: "integer" } } as const;

/** `getOrder`: one order (component `Order`) by its id, with the provider's error answers by status. */
export function getOrderOperation(errors: Record<string, unknown>, options: { summary?: string; parameter?: unknown } = {}) {
  return {
    operationId: "getOrder",
    summary: options.summary ?? "One order",
    parameters: [options.parameter ?? ORDER_ID_PARAMETER],
    responses: { "200": { description: "The order.", content: jsonOf("Order") }, ...errors },
  };
}
