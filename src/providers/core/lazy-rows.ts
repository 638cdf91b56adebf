/**
 * A list answer's rows, each validated and mapped when first read, then kept.
 * A merged page of 50 over five providers reads each provider's window of 51
 * rows but shows about a fifth of them: the merge reads only the rows it
 * reaches (engine/order-query.ts), so the others are never validated or mapped.
 * Every row that is read still passes the provider's zod schema first.
 *
 * Shared like the answer it comes from (decode-once.ts): a row decodes once,
 * whichever request reads it first.
 */
import type { ListResult } from "./connector.ts";
import { rowTextValue } from "./json-stream.ts";
import type { OrderRecord } from "./model.ts";

/** The raw rows and what has been decoded of them, shared by every view. */
interface RowMemo {
  readonly raws: readonly unknown[];
  readonly decode: (raw: unknown) => OrderRecord;
  readonly records: Array<OrderRecord | undefined>;
}

/** A run of an answer's rows (all of them, or a slice), decoded on first read. */
export class LazyRows implements Iterable<OrderRecord> {
  private readonly memo: RowMemo;
  private readonly start: number;
  readonly length: number;
  private everything: OrderRecord[] | undefined;

  private constructor(memo: RowMemo, start: number, length: number) {
    this.memo = memo;
    this.start = start;
    this.length = length;
  }

  /** Raw rows and the decoder of one row (a record, or a malformed row's placeholder; it must not throw). */
  static of(raws: readonly unknown[], decode: (raw: unknown) => OrderRecord): LazyRows {
    return new LazyRows({ raws, decode, records: new Array(raws.length) }, 0, raws.length);
  }

  /**
   * Rows kept as their JSON texts (an answer read with `rowsAsText`): each is
   * parsed on first read, then decoded. The answer's frame was checked whole;
   * a row whose own text is not JSON is decoded as `undefined`, which no row
   * schema accepts, so it becomes a malformed row in its place, as a row of
   * the wrong shape does.
   */
  static ofTexts(texts: readonly unknown[], decode: (raw: unknown) => OrderRecord): LazyRows {
    return LazyRows.of(texts, (text) => decode(rowTextValue(text)));
  }

  /** Rows already decoded. */
  static decoded(records: readonly OrderRecord[]): LazyRows {
    return new LazyRows({ raws: records, decode: (record) => record as OrderRecord, records: [...records] }, 0, records.length);
  }

  /** Consecutive runs as one: the run itself when there is one, else every row decoded. */
  static join(runs: readonly LazyRows[]): LazyRows {
    if (runs.length === 1) return runs[0] as LazyRows;
    return LazyRows.decoded(runs.flatMap((run) => run.toArray()));
  }

  /** Row `index` (0 ≤ index < length), decoded on first read. */
  at(index: number): OrderRecord {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`row ${index} of ${this.length}`);
    const at = this.start + index;
    const { records } = this.memo;
    let record = records[at];
    if (record === undefined) {
      record = this.memo.decode(this.memo.raws[at]);
      records[at] = record;
    }
    return record;
  }

  /** Rows [from, to) as a view that shares this one's decoded rows (bounds as Array.prototype.slice, non-negative). */
  slice(from: number, to = this.length): LazyRows {
    const start = Math.min(Math.max(0, from), this.length);
    const end = Math.min(Math.max(start, to), this.length);
    return new LazyRows(this.memo, this.start + start, end - start);
  }

  /** Every row, decoded; the same array on every call. */
  toArray(): OrderRecord[] {
    if (!this.everything) {
      const all: OrderRecord[] = new Array(this.length);
      for (let i = 0; i < this.length; i++) all[i] = this.at(i);
      this.everything = all;
    }
    return this.everything;
  }

  *[Symbol.iterator](): Iterator<OrderRecord> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }
}

/**
 * A window read whose rows decode when read: `lazy` for the engine's merge,
 * `rows` (every row, decoded on first access) for everything else. `lazy` is
 * not enumerable: it is a second view of `rows`, not more data.
 */
export function lazyListResult(lazy: LazyRows, total: number | null, end: boolean): ListResult {
  const result = {
    get rows() {
      return lazy.toArray();
    },
    total,
    end,
  };
  return Object.defineProperty(result, "lazy", { value: lazy, enumerable: false });
}
