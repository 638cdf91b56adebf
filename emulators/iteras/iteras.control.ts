/** The Iteras emulator's test-control hook (see emulators/shared/order-control.ts). */
import { type OrderControl, otherStatus, pickOf } from "../shared/order-control.ts";
import { ITERAS_STATUSES, type IterasOrder } from "./iteras.data.ts";

/** Orders the hook changes: those with an id (an id-less order is named by its time, which a copy would share). */
const withId = (orders: readonly IterasOrder[]) => orders.filter((order) => order.id !== undefined);

/** Statuses an order can be moved to: `awaitingconfirmation` needs a resume URL that a change cannot make up. */
const MOVABLE = ITERAS_STATUSES.filter((status) => status !== "awaitingconfirmation");

/** Changes the orders of a live store, read afresh on every change (the handle's `orders`). */
export function iterasOrderControl(store: () => IterasOrder[]): OrderControl {
  return {
    ids: () => withId(store()).map((order) => String(order.id)),
    insert(pick, at) {
      const orders = store();
      const template = pickOf(withId(orders), pick);
      if (!template) throw new Error("the Iteras emulator has no order to copy");
      const id = Math.max(...withId(orders).map((o) => o.id as number)) + 1;
      // `created` is a wall-clock time without a zone; the store is sorted per request.
      orders.push({ ...structuredClone(template), id, created: at.toISOString().slice(0, 19) });
      return String(id);
    },
    remove(pick) {
      const orders = store();
      const order = pickOf(withId(orders), pick);
      if (!order) return undefined;
      orders.splice(orders.indexOf(order), 1);
      return String(order.id);
    },
    restatus(pick, choice) {
      const order = pickOf(withId(store()), pick);
      if (!order) return undefined;
      order.status = otherStatus(MOVABLE, order.status, choice);
      delete order.resume_ordering_url;
      return String(order.id);
    },
  };
}
