/** An emulator's kept row JSON is reused only while its store is private: handing the store out ends the reuse. */
import { describe, expect, it } from "vitest";
import { JsonRows } from "../../emulators/shared/json-rows.ts";

describe("JsonRows.handedOut", () => {
  it("keeps answering kept bytes until the store is read or replaced through the handle, then serialises afresh", () => {
    let store = [{ id: 1, status: "new" }];
    const rows = new JsonRows<{ id: number; status: string }>();
    const handle = Object.defineProperty(
      {},
      "orders",
      rows.handedOut(
        () => store,
        (replaced: typeof store) => (store = replaced),
      ),
    ) as {
      orders: typeof store;
    };
    expect(rows.array(store).toString()).toBe('[{"id":1,"status":"new"}]');
    // An edit the emulator was not told of is not seen while the store is private...
    (store[0] as { status: string }).status = "edited";
    expect(rows.array(store).toString()).toBe('[{"id":1,"status":"new"}]');
    // ...but once a test holds the store, every answer is serialised again.
    const held = handle.orders;
    expect(held).toBe(store);
    expect(rows.array(store).toString()).toBe('[{"id":1,"status":"edited"}]');
    handle.orders = [{ id: 2, status: "paid" }];
    expect(rows.array(store).toString()).toBe('[{"id":2,"status":"paid"}]');
    expect(Object.getOwnPropertyDescriptor(handle, "orders")?.enumerable).toBe(true);
  });

  it("makes a read-only property when no setter is given", () => {
    const rows = new JsonRows<{ id: number }>();
    const descriptor = rows.handedOut(() => [{ id: 1 }]);
    expect(descriptor.set).toBeUndefined();
    expect(descriptor.get?.()).toEqual([{ id: 1 }]);
  });
});
