/** The emnify emulator's test-control hook (see emulators/shared/order-control.ts). */
import { type OrderControl, otherStatus, pickOf } from "../shared/order-control.ts";
import { EMNIFY_STATUSES, type EmnifyOrder } from "./emnify.data.ts";

/** Changes the orders of a live store, read afresh on every change (the handle's `orders`). */
export function emnifyOrderControl(store: () => EmnifyOrder[]): OrderControl {
  return {
    ids: () => store().map((order) => String(order.id)),
    insert(pick, at) {
      const orders = store();
      const template = pickOf(orders, pick);
      if (!template) throw new Error("the emnify emulator has no order to copy");
      const id = Math.max(...orders.map((o) => o.id)) + 1;
      // A draft (EDITING) has no submit date until it is submitted.
      orders.push({ ...structuredClone(template), id, submit_date: template.submit_date === null ? null : at.toISOString() });
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
      if (order.submit_date === null) {
        // Submitting a draft gives it its submit date, as emnify does.
        order.status = { id: 1, description: "SUBMITTED" };
        order.submit_date = new Date().toISOString();
      } else {
        const submitted = EMNIFY_STATUSES.filter((status) => status.id !== 0);
        const current = submitted.find((status) => status.id === order.status?.id);
        const next = current ? otherStatus(submitted, current, choice) : pickOf(submitted, choice);
        if (next) order.status = { ...next };
      }
      return String(order.id);
    },
  };
}
