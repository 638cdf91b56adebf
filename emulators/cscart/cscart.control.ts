/** The CS-Cart emulator's test-control hook (see emulators/shared/order-control.ts). */
import { type OrderControl, otherStatus, pickOf } from "../shared/order-control.ts";
import { CSCART_STATUSES, type CsCartOrder } from "./cscart.data.ts";

/** Changes the orders of a live store, read afresh on every change (the handle's `orders`). */
export function csCartOrderControl(store: () => CsCartOrder[]): OrderControl {
  return {
    ids: () => store().map((order) => String(order.order_id)),
    insert(pick, at) {
      const orders = store();
      const template = pickOf(orders, pick);
      if (!template) throw new Error("the CS-Cart emulator has no order to copy");
      const id = String(Math.max(...orders.map((o) => Number(o.order_id))) + 1);
      const seconds = Math.floor(at.getTime() / 1000);
      // The store is kept by ascending order_id: a new id goes last.
      orders.push({ ...structuredClone(template), order_id: id, timestamp: seconds, updated_at: String(seconds) });
      return id;
    },
    remove(pick) {
      const orders = store();
      const order = pickOf(orders, pick);
      if (!order) return undefined;
      orders.splice(orders.indexOf(order), 1);
      return String(order.order_id);
    },
    restatus(pick, choice) {
      const order = pickOf(store(), pick);
      if (!order) return undefined;
      order.status = otherStatus(CSCART_STATUSES, order.status, choice);
      return String(order.order_id);
    },
  };
}
