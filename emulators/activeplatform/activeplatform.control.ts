/** The ActivePlatform emulator's test-control hook (see emulators/shared/order-control.ts). */
import { type OrderControl, otherStatus, pickOf } from "../shared/order-control.ts";
import { ACTIVEPLATFORM_ORDER_STATUSES, type ActivePlatformOrder, formatActivePlatformTimestamp } from "./activeplatform.data.ts";

/** Minutes east of UTC of a timestamp's printed offset (`+03:00`). */
function offsetOf(timestamp: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(timestamp);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

/** Changes the orders of a live store, read afresh on every change (the handle's `orders`). */
export function activePlatformOrderControl(store: () => ActivePlatformOrder[]): OrderControl {
  return {
    ids: () => store().map((order) => String(order.id)),
    insert(pick, at) {
      const orders = store();
      const template = pickOf(orders, pick);
      if (!template) throw new Error("the ActivePlatform emulator has no order to copy");
      const id = Math.max(...orders.map((o) => o.id)) + 1;
      // Printed in the account's own offset, as the template's times are.
      const stamp = formatActivePlatformTimestamp(at.getTime(), offsetOf(template.created_at));
      // The store is kept by id: a new id goes last.
      orders.push({ ...structuredClone(template), id, document_id: `${template.document_id}-${id}`, created_at: stamp, updated_at: stamp });
      return String(id);
    },
    remove(pick) {
      const orders = store();
      const order = pickOf(orders, pick);
      if (!order) return undefined;
      orders.splice(orders.indexOf(order), 1);
      return String(order.id);
    },
    restatus(pick, choice) {
      const order = pickOf(store(), pick);
      if (!order) return undefined;
      order.status = otherStatus(ACTIVEPLATFORM_ORDER_STATUSES, order.status, choice);
      return String(order.id);
    },
  };
}
