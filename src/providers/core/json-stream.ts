/**
 * A JSON body parsed as it arrives, piece by piece, so a large answer (Iteras
 * sends up to 10,000 orders, 7 MB, in one) is never held whole as bytes, as
 * one text and as parsed values at once. The outer frame is walked here: the
 * top-level array or object, and the arrays that are members of a top-level
 * object (`{"orders": [...]}`). Every other value (a row, a scalar, a nested
 * object) is cut out as bytes and handed to `JSON.parse`, which does the real
 * parsing, so the result is what `JSON.parse` of the whole text gives (a
 * property test holds it to that) and invalid JSON throws a SyntaxError.
 *
 * With `rowsAsText`, the members of the arrays walked here are not parsed at
 * all: each is kept as its JSON text, for the reader to parse one at a time
 * (see {@link parseRowText}). A text takes a fraction of the memory of the
 * parsed row, and a row parsed only when it is used dies young; the outer
 * frame is still checked, the rows' own JSON only when they are parsed.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** What the walker expects next in the frame it is in. */
type Expect = "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "commaOrClose";

/** An array or object the walker builds itself (the top level, or an array member of a top-level object). */
interface Frame {
  value: unknown[] | Record<string, unknown>;
  isArray: boolean;
  /** The key the next value is stored under (objects). */
  key: string;
}

/** How the value being cut out ends. */
type Cut = "string" | "container" | "scalar";

/** How a decoder keeps what it reads. */
export interface JsonStreamOptions {
  /** Keep each member of a walked array as its JSON text instead of parsing it. */
  rowsAsText?: boolean;
}

export class JsonStreamDecoder {
  private readonly rowsAsText: boolean;
  private readonly frames: Frame[] = [];
  private expect: Expect = "value";
  private result: unknown;
  private done = false;
  private empty = true;
  // The value being cut out: its bytes from earlier chunks, and how far it has come.
  private cut: Cut | null = null;
  private cutIsKey = false;
  private pieces: Uint8Array[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(options: JsonStreamOptions = {}) {
    this.rowsAsText = options.rowsAsText ?? false;
  }

  /** Feeds the next bytes of the body. */
  write(chunk: Uint8Array): void {
    let start = this.cut === null ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.cut === "container") {
        // The hot loop (a whole row): inline, on locals.
        i = this.scanContainer(chunk, i);
        if (i === chunk.length) break;
        this.finishCut(chunk.subarray(start, i + 1));
        start = -1;
        continue;
      }
      const byte = chunk[i] as number;
      if (this.cut !== null) {
        const end = this.scanCut(byte);
        if (end === "more") continue;
        // A scalar ends before the byte that ends it; strings and containers with it.
        const stop = end === "before" ? i : i + 1;
        this.finishCut(chunk.subarray(start, stop));
        start = -1;
        if (end === "after") continue;
      }
      if (isSpace(byte)) continue;
      this.empty = false;
      if (this.done) throw new SyntaxError("Unexpected data after the JSON value");
      start = this.structural(byte, i);
    }
    if (this.cut !== null && start >= 0) this.pieces.push(chunk.subarray(start));
  }

  /** The parsed body once every byte was written; undefined when the body held no value (only whitespace). */
  end(): unknown {
    if (this.cut === "scalar") this.finishCut(new Uint8Array(0));
    if (this.empty) return undefined;
    if (!this.done || this.cut !== null) throw new SyntaxError("Unexpected end of JSON input");
    return this.result;
  }

  /** Scans a container being cut out from `from`: the index of its closing byte, or the chunk's length when it goes on. */
  private scanContainer(chunk: Uint8Array, from: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let i = from;
    for (; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) inString = true;
      else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) depth += 1;
      else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && --depth === 0) break;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return i;
  }

  /** One byte inside a string or scalar being cut out: whether it goes on, ends with this byte, or ended before it. */
  private scanCut(byte: number): "more" | "after" | "before" {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) {
        this.inString = false;
        if (this.cut === "string") return "after";
      }
      return "more";
    }
    return isSpace(byte) || byte === COMMA || byte === CLOSE_ARRAY || byte === CLOSE_OBJECT || byte === COLON ? "before" : "more";
  }

  /** A structural byte of the frames the walker builds; returns where a cut starting here begins (-1: none). */
  private structural(byte: number, index: number): number {
    const frame = this.frames[this.frames.length - 1];
    switch (this.expect) {
      case "colon":
        if (byte !== COLON) throw unexpected(byte);
        this.expect = "value";
        return -1;
      case "commaOrClose":
        if (!frame) throw unexpected(byte);
        if (byte === COMMA) {
          this.expect = frame.isArray ? "value" : "key";
          return -1;
        }
        if (byte === (frame.isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) {
          this.close();
          return -1;
        }
        throw unexpected(byte);
      case "key":
      case "keyOrClose":
        if (byte === CLOSE_OBJECT && this.expect === "keyOrClose") {
          this.close();
          return -1;
        }
        if (byte !== QUOTE) throw unexpected(byte);
        this.startCut("string", true);
        return index;
      case "value":
      case "valueOrClose":
        if (byte === CLOSE_ARRAY && this.expect === "valueOrClose") {
          this.close();
          return -1;
        }
        // The top level, and arrays that are members of a top-level object, are walked here.
        if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
          const opens = this.frames.length === 0 || (this.frames.length === 1 && !frame?.isArray && byte === OPEN_ARRAY);
          if (opens) {
            const isArray = byte === OPEN_ARRAY;
            this.frames.push({ value: isArray ? [] : {}, isArray, key: "" });
            this.expect = isArray ? "valueOrClose" : "keyOrClose";
            return -1;
          }
          this.startCut("container", false);
          this.depth = 1;
          return index;
        }
        if (byte === QUOTE) {
          this.startCut("string", false);
          return index;
        }
        if (byte === COMMA || byte === COLON || byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) throw unexpected(byte);
        this.startCut("scalar", false);
        return index;
    }
  }

  private startCut(kind: Cut, isKey: boolean): void {
    this.cut = kind;
    this.cutIsKey = isKey;
    this.inString = kind === "string";
    this.escaped = false;
    this.depth = 0;
  }

  private finishCut(last: Uint8Array): void {
    const bytes = this.pieces.length === 0 ? last : Buffer.concat([...this.pieces, last]);
    this.pieces = [];
    this.cut = null;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    if (this.rowsAsText && !this.cutIsKey && this.frames[this.frames.length - 1]?.isArray) {
      this.store(text);
      return;
    }
    const value: unknown = JSON.parse(text);
    if (this.cutIsKey) {
      const frame = this.frames[this.frames.length - 1] as Frame;
      frame.key = value as string;
      this.expect = "colon";
      return;
    }
    this.store(value);
  }

  /** Puts a finished value into the frame it belongs to (or makes it the result). */
  private store(value: unknown): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) {
      this.result = value;
      this.done = true;
      return;
    }
    if (frame.isArray) (frame.value as unknown[]).push(value);
    else setMember(frame.value as Record<string, unknown>, frame.key, value);
    this.expect = "commaOrClose";
  }

  private close(): void {
    const frame = this.frames.pop() as Frame;
    this.store(frame.value);
  }
}

/** As JSON.parse stores a member: "__proto__" becomes an own property, not the prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function unexpected(byte: number): SyntaxError {
  return new SyntaxError(`Unexpected token '${String.fromCharCode(byte)}' in JSON`);
}

/**
 * A row kept as text by a decoder with `rowsAsText`, parsed; undefined when
 * it is not a text of JSON (JSON itself never parses to undefined).
 */
export function rowTextValue(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses a row kept as text by a decoder with `rowsAsText`; `invalid` makes
 * the error thrown when the text is not JSON (the body was damaged).
 */
export function parseRowText(text: unknown, invalid: () => Error): unknown {
  const value = rowTextValue(text);
  if (value === undefined) throw invalid();
  return value;
}
