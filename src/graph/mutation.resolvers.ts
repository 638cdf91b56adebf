/**
 * Writes: order status updates and vendor references. Expected failures are
 * `userErrors` (NOT_FOUND, INVALID, NOT_SUPPORTED); a missing scope or a
 * provider the client may not use is a top-level FORBIDDEN, and in every one
 * of those cases nothing is sent upstream.
 */
import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import { queryFingerprint } from "../engine/cursor.ts";
import type { MutationResolvers, SetOrderVendorReferenceInput, UpdateOrderStatusInput } from "../generated/resolvers.ts";
import type { Connector, WriteOperation } from "../providers/core/connector.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { UpstreamError } from "../providers/core/upstream-error.ts";
import { type GraphContext, mayUse, requireScope } from "./context.ts";
import { decodeGlobalId } from "./global-id.ts";
import { selectsField } from "./lookahead.ts";
import { withCause } from "./partial-errors.ts";

type UserErrorCode = "NOT_FOUND" | "INVALID" | "NOT_SUPPORTED";

interface UserErrorRecord {
  code: UserErrorCode;
  field: string[] | null;
  message: string;
}

interface StatusPayload {
  order: OrderRecord | null;
  previousStatus: { code: string; label: string } | null;
  replayed: boolean;
  userErrors: UserErrorRecord[];
}

const fail = (code: UserErrorCode, field: string[] | null, message: string) => ({ userErrors: [{ code, field, message }] });

/**
 * Runs a write, then tells the server's full-read cache to forget the
 * provider's kept reads, also when the write failed (it may have reached the
 * provider all the same).
 */
async function afterWrite<T>(context: GraphContext, connector: Connector, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    context.limits.fullReads?.forget(connector.id);
  }
}

/** Finds the order's connector, or explains why the write cannot go ahead. */
function target(
  context: GraphContext,
  orderId: string,
  operation: WriteOperation,
): { connector: Connector; nativeId: string } | { userErrors: UserErrorRecord[] } {
  const decoded = decodeGlobalId(orderId);
  const connector = decoded?.type === "Order" ? context.connectors.get(decoded.provider) : undefined;
  if (!decoded || !connector?.isValidNativeId(decoded.nativeId)) {
    return fail("NOT_FOUND", ["input", "orderId"], "no order has this id");
  }
  if (!mayUse(context, connector.id)) {
    throw new GraphQLError(`this client may not use provider ${connector.id}`, {
      extensions: { code: "FORBIDDEN", provider: connector.id },
    });
  }
  const supported = connector.writes && connector.capabilities.writes.some((w) => w.operation === operation && w.supported);
  if (!supported) {
    return fail("NOT_SUPPORTED", null, `provider ${connector.id} (${connector.kind}) does not support ${operation}`);
  }
  return { connector, nativeId: decoded.nativeId };
}

/** Reads an order fresh from the provider (not from this request's loader) and primes the loader with it. */
async function readFresh(context: GraphContext, connector: Connector, nativeId: string): Promise<OrderRecord | null> {
  const found = (await connector.getMany([nativeId], context.call)).get(nativeId);
  if (found instanceof Error) throw found;
  const key = { provider: connector.id, nativeId };
  context.loaders.order.clear(key);
  if (found) context.loaders.order.prime(key, found);
  return found ?? null;
}

/** Where a failed read-back is reported: at `<mutation>.order` when the client asked for it, else nowhere. */
function orderPath(info: GraphQLResolveInfo): ReadonlyArray<string | number> | null {
  return selectsField(info, "order") ? [...responsePathAsArray(info.path), "order"] : null;
}

/**
 * Reads the order back once the provider has acknowledged a write. The write
 * stands whatever this read does: a failed read gives `order: null` and an
 * error beside the data at `<mutation>.order`, never a failed mutation, which
 * would tell the client to write again (and would drop its idempotency record).
 * `path` is where that error goes; null when the client did not ask for `order`
 * (an idempotent write reads it all the same, for the replays): the error would
 * point at a field the answer does not have.
 */
async function readAfterWrite(
  context: GraphContext,
  connector: Connector,
  nativeId: string,
  path: ReadonlyArray<string | number> | null,
): Promise<OrderRecord | null> {
  try {
    return await readFresh(context, connector, nativeId);
  } catch (error) {
    if (!path) return null;
    const applied = `the write was applied, but reading order ${nativeId} back from provider ${connector.id} failed`;
    if (error instanceof UpstreamError) {
      context.problems.push({ message: `${applied}: ${error.message}`, path, extensions: { code: error.code, provider: connector.id } });
    } else {
      // A fault of ours (a mapper, say): its text may hold order data, so it goes to the log only.
      const cause = error instanceof Error ? error : new Error(String(error));
      context.problems.push(withCause({ message: applied, path, extensions: { code: "INTERNAL_SERVER_ERROR" } }, cause));
    }
    return null;
  }
}

function validIdempotencyKey(key: string | null | undefined): string | null | undefined {
  if (key === null || key === undefined) return key;
  return key.length >= 1 && key.length <= 200 && !/[\r\n]/.test(key) ? key : null;
}

async function updateStatus(context: GraphContext, input: UpdateOrderStatusInput, info: GraphQLResolveInfo): Promise<StatusPayload> {
  const empty = { order: null, previousStatus: null, replayed: false };
  const found = target(context, input.orderId, "UPDATE_ORDER_STATUS");
  if ("userErrors" in found) return { ...empty, ...found };
  const { connector, nativeId } = found;
  if (!input.status && !input.nativeStatus) return { ...empty, ...fail("INVALID", ["input", "status"], "give status or nativeStatus") };
  const resolved = connector.writes!.statusCode({ status: input.status ?? undefined, nativeStatus: input.nativeStatus ?? undefined });
  if ("invalid" in resolved)
    return { ...empty, ...fail("INVALID", ["input", input.nativeStatus ? "nativeStatus" : "status"], resolved.invalid) };
  const idempotencyKey = validIdempotencyKey(input.idempotencyKey);
  if (idempotencyKey === null)
    return { ...empty, ...fail("INVALID", ["input", "idempotencyKey"], "idempotencyKey must be a single line of 1 to 200 characters") };
  const notify = input.notifyCustomer ?? false;

  // The write itself tells a missing order (the providers answer 404), so the order is read before
  // it only for `previousStatus`, and after it only for `order`. With an idempotency key both are
  // read whatever is selected: the result is kept and replayed to retries, which may select more.
  const idempotent = idempotencyKey !== undefined;
  const path = orderPath(info);
  const readBefore = idempotent || selectsField(info, "previousStatus");
  const readAfter = idempotent || path !== null;

  const write = () =>
    context.writes.serialize(`${connector.id}\u0000${nativeId}`, async (): Promise<StatusPayload> => {
      const before = readBefore ? await readFresh(context, connector, nativeId) : undefined;
      if (before === null) return { ...empty, ...fail("NOT_FOUND", ["input", "orderId"], "no order has this id") };
      const written = await afterWrite(context, connector, () =>
        connector.writes!.updateStatus(nativeId, resolved.code, notify, context.call),
      );
      if (!written) return { ...empty, ...fail("NOT_FOUND", ["input", "orderId"], "no order has this id") };
      const after = readAfter ? await readAfterWrite(context, connector, nativeId, path) : null;
      return { order: after, previousStatus: before?.nativeStatus ?? null, replayed: false, userErrors: [] };
    });
  if (idempotencyKey === undefined) return write();
  const fingerprint = queryFingerprint({ orderId: input.orderId, code: resolved.code, notify });
  const outcome = await context.writes.once(`${context.client.name}\u0000${idempotencyKey}`, fingerprint, write);
  if ("conflict" in outcome) {
    return { ...empty, ...fail("INVALID", ["input", "idempotencyKey"], "this idempotencyKey was used for a different update") };
  }
  return outcome.replayed ? { ...outcome.result, replayed: true } : outcome.result;
}

/** Unicode's control characters (Cc): C0 (U+0000 to U+001F), DEL and C1 (U+007F to U+009F). CR and LF are among them, answered as line breaks first. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Checks a vendor reference before anything is sent: one line, 1 to `max`
 * characters, no control characters (a NUL or an escape sequence would reach
 * the provider's database, its admin screens and its logs as it is).
 */
export function vendorReferenceProblem(reference: string, max: number): string | null {
  if (reference.trim() === "") return "vendorReference must not be empty";
  if (/[\r\n\u2028\u2029]/.test(reference)) return "vendorReference must be a single line";
  if (CONTROL_CHARACTER.test(reference)) return "vendorReference must not contain control characters (U+0000 to U+001F, U+007F to U+009F)";
  if (reference.length > max) return `vendorReference must be at most ${max} characters`;
  return null;
}

async function setVendorReference(context: GraphContext, input: SetOrderVendorReferenceInput, info: GraphQLResolveInfo) {
  const found = target(context, input.orderId, "SET_VENDOR_REFERENCE");
  if ("userErrors" in found) return { order: null, ...found };
  const { connector, nativeId } = found;
  const max = connector.writes?.maxVendorReferenceLength ?? 255;
  const problem = vendorReferenceProblem(input.vendorReference, max);
  if (problem) return { order: null, ...fail("INVALID", ["input", "vendorReference"], problem) };
  return context.writes.serialize(`${connector.id}\u0000${nativeId}`, async () => {
    const written = await afterWrite(context, connector, () =>
      connector.writes!.setVendorReference!(nativeId, input.vendorReference, context.call),
    );
    if (!written) return { order: null, ...fail("NOT_FOUND", ["input", "orderId"], "no order has this id") };
    const path = orderPath(info);
    const after = path ? await readAfterWrite(context, connector, nativeId, path) : null;
    return { order: after, userErrors: [] };
  });
}

/** The Mutation resolvers. */
export function writeResolvers(): { Mutation: MutationResolvers<GraphContext> } {
  return {
    Mutation: {
      updateOrderStatus: (_root, args, context, info) => {
        requireScope(context, "orders:write", "updateOrderStatus");
        return updateStatus(context, args.input, info);
      },
      setOrderVendorReference: (_root, args, context, info) => {
        requireScope(context, "orders:write", "setOrderVendorReference");
        return setVendorReference(context, args.input, info);
      },
    },
  };
}
