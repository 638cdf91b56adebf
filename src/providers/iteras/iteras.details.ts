/**
 * Iteras' detail reads: orders by id, with their invoice lines. Iteras takes
 * one `order_id` a call, so orders whose day is known from a list are read in
 * day windows, several a call; the rest one call each; an order without an
 * id (a synthetic one) by reading its day again.
 */
import type { CallContext } from "../core/call-context.ts";
import { DayOverflowError, WindowSplitError } from "../core/date-windows.ts";
import type { OrderRecord } from "../core/model.ts";
import type { OrderDecoder } from "../core/order-decoder.ts";
import { mapConcurrent } from "../core/paging.ts";
import { orderOrError } from "../core/upstream-error.ts";
import { syntheticIdDay } from "./iteras.mapper.ts";
import type { IterasReader, WindowedRead } from "./iteras.reader.ts";
import type { IterasRawOrder } from "./iteras.schemas.ts";
import type { IterasDayHints } from "./iteras.windows.ts";

/** What a detail read uses. */
export interface IterasDetailSources {
  reader: IterasReader;
  hints: IterasDayHints;
  /** Validates an order read by its id (mapped complete, with its invoice lines). */
  orders: OrderDecoder<IterasRawOrder>;
  cap: number;
  concurrency: number;
}

/** The orders of `nativeIds` that exist, each complete or the error of that order. */
export async function readIterasDetails(
  nativeIds: readonly string[],
  sources: IterasDetailSources,
  call: CallContext,
): Promise<Map<string, OrderRecord | Error>> {
  const { reader, hints, orders, cap, concurrency } = sources;
  const found = new Map<string, OrderRecord | Error>();
  const numeric = [...new Set(nativeIds.filter((id) => /^[1-9]\d{0,18}$/.test(id)))];
  const byDay = new Map<string, string[]>();
  for (const id of new Set(nativeIds)) {
    const day = syntheticIdDay(id);
    if (day !== null) byDay.set(day, [...(byDay.get(day) ?? []), id]);
  }
  // Details of list rows (asked for invoice lines, or for a field Iteras never has) come in
  // batches: orders of nearby days are read in one windowed call rather than one call each.
  const single = new Set(numeric);
  const detailRead: WindowedRead = { statuses: [], invoiceLines: true, learnDays: false, strings: new Map() };
  for (const cluster of hints.clusters(numeric, cap)) {
    try {
      const rows = await reader.windowed(call, detailRead, cluster.window);
      const wanted = new Set(cluster.ids);
      for (const row of rows) {
        if (!wanted.has(row.nativeId)) continue;
        found.set(row.nativeId, orderOrError(row));
        single.delete(row.nativeId);
      }
    } catch (error) {
      // A day over the cap cannot be read by window: those orders are read by id below.
      if (!(error instanceof DayOverflowError || error instanceof WindowSplitError)) throw error;
    }
  }
  // Iteras takes one order_id per call.
  await mapConcurrent([...single], concurrency, async (id) => {
    const raw = await reader.byId(call, id);
    if (raw !== undefined) found.set(id, orders.detail(raw, id));
  });
  // An order without id is found again by reading its day.
  await mapConcurrent([...byDay], concurrency, async ([day, ids]) => {
    const rows = await reader.windowedOrFail(call, detailRead, { after: day, before: day }, false);
    for (const row of rows) if (ids.includes(row.nativeId)) found.set(row.nativeId, orderOrError(row));
  });
  return found;
}
