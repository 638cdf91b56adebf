/**
 * The serialised JSON of store rows, kept between requests, so that a list
 * answer is put together from ready bytes instead of running JSON.stringify
 * (and UTF-8 encoding) over every row of every answer.
 *
 * Reusing a row's bytes is only right while nothing can change the row without
 * the emulator knowing. So the bytes are kept only while the store is private
 * to the emulator: an emulator calls `share()` as soon as its store is handed
 * out (a test reads the handle's `orders`, or passes in a store of its own),
 * because a test holding the store may then edit any row in place, and from
 * then on every answer is serialised afresh, as before. Writes through the
 * API call `forget(row)`.
 *
 * The last few answers are kept whole as well, by their rows: the same page
 * asked again (a client polling its newest orders) costs one comparison.
 */
export class JsonRows<T extends object> {
  /** Bytes by row; undefined once the store is shared. */
  #bytes: WeakMap<T, Buffer> | undefined = new WeakMap();
  /** The latest answers, newest first. */
  #recent: Recent<T>[] = [];
  readonly #project: (row: T) => unknown;

  /** `project` turns a stored row into what the answer shows of it (default: the row itself). */
  constructor(project: (row: T) => unknown = (row) => row) {
    this.#project = project;
  }

  /** A cache that never keeps bytes: for a store that is not the emulator's own. */
  static shared<T extends object>(project?: (row: T) => unknown): JsonRows<T> {
    const rows = new JsonRows<T>(project);
    rows.share();
    return rows;
  }

  /** Stops keeping bytes for good: the rows may now change behind the emulator's back. */
  share(): void {
    this.#bytes = undefined;
    this.#recent = [];
  }

  /**
   * The descriptor of a handle's property that hands the store out (`get`
   * reads it, `set`, if given, replaces it): either ends the reuse of bytes
   * (see {@link share}), since a test holding the store may edit rows in place.
   */
  handedOut<S>(get: () => S, set?: (value: S) => void): PropertyDescriptor {
    const descriptor: PropertyDescriptor = {
      enumerable: true,
      get: () => {
        this.share();
        return get();
      },
    };
    if (set) {
      descriptor.set = (value: S) => {
        this.share();
        set(value);
      };
    }
    return descriptor;
  }

  /** Drops the bytes of a row the emulator has just changed. */
  forget(row: T): void {
    this.#bytes?.delete(row);
    // Any recent answer may hold the row.
    this.#recent = [];
  }

  /** Exactly the bytes of `before + JSON.stringify(rows.map(project)) + after`: the array, in its envelope. */
  array(rows: readonly T[], before = "", after = ""): Buffer {
    const cache = this.#bytes;
    if (!cache) return Buffer.from(before + JSON.stringify(rows.map(this.#project)) + after, "utf8");
    const again = this.#recent.find((r) => r.before === before && r.after === after && sameRows(r.rows, rows));
    if (again) return again.bytes;
    const parts: Buffer[] = [Buffer.from(`${before}[`, "utf8")];
    for (const row of rows) {
      let bytes = cache.get(row);
      if (!bytes) {
        // JSON.stringify writes an array element that serialises to nothing as null.
        bytes = Buffer.from(JSON.stringify(this.#project(row)) ?? "null", "utf8");
        cache.set(row, bytes);
      }
      if (parts.length > 1) parts.push(COMMA);
      parts.push(bytes);
    }
    parts.push(Buffer.from(`]${after}`, "utf8"));
    const bytes = Buffer.concat(parts);
    if (bytes.length <= RECENT_MAX_BYTES) {
      this.#recent.unshift({ rows: [...rows], before, after, bytes });
      if (this.#recent.length > RECENT) this.#recent.pop();
    }
    return bytes;
  }
}

/** How many whole answers are kept, and the largest kept (an Iteras answer at the cap is ~7 MB). */
const RECENT = 4;
const RECENT_MAX_BYTES = 1024 * 1024;
const COMMA = Buffer.from(",");

interface Recent<T> {
  rows: readonly T[];
  before: string;
  after: string;
  bytes: Buffer;
}

function sameRows<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
