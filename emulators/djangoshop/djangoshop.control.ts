/** The Django shop emulator's test-control hook (see emulators/shared/order-control.ts). */
import { type OrderControl, otherStatus, pickOf } from "../shared/order-control.ts";
import { DJANGOSHOP_STATUSES, type DjangoShopOrder, renderDjangoTimestamp } from "./djangoshop.data.ts";

/** Changes the orders of a live store, read afresh on every change (the handle's `orders`). */
export function djangoShopOrderControl(store: () => DjangoShopOrder[]): OrderControl {
  return {
    ids: () => store().map((order) => String(order.id)),
    insert(pick, at) {
      const orders = store();
      const template = pickOf(orders, pick);
      if (!template) throw new Error("the Django shop emulator has no order to copy");
      const id = Math.max(...orders.map((o) => o.id)) + 1;
      const stamp = renderDjangoTimestamp(at.getTime() * 1000);
      orders.push({ ...structuredClone(template), id, key: `${template.key}-${id}`, created_at: stamp, updated_at: stamp });
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
      order.status = otherStatus(DJANGOSHOP_STATUSES, order.status, choice);
      return String(order.id);
    },
  };
}
