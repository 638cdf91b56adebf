import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonStreamDecoder, parseRowText } from "../../src/providers/core/json-stream.ts";

/** Decodes `text` fed in chunks cut at the given byte offsets. */
function decode(text: string, cuts: number[] = [], rowsAsText = false): unknown {
  const bytes = Buffer.from(text, "utf8");
  const decoder = new JsonStreamDecoder({ rowsAsText });
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    decoder.write(bytes.subarray(from, cut));
    from = cut;
  }
  decoder.write(bytes.subarray(from));
  return decoder.end();
}

/** What JSON.parse does with the same text: the value, or that it throws. */
function reference(text: string): { value: unknown } | { throws: true } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { throws: true };
  }
}

function outcome(text: string, cuts: number[]): { value: unknown } | { throws: true } {
  try {
    return { value: decode(text, cuts) };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { throws: true };
  }
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe("JsonStreamDecoder", () => {
  it("gives what JSON.parse gives for any JSON value, however the bytes are cut", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), cuts, (value, indent, at) => {
        const text = JSON.stringify(value, null, indent);
        expect(outcome(text, at)).toEqual(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it("walks an answer shaped like Iteras' ({ orders: [rows] }) with text that spans chunks and multi-byte characters", () => {
    const answer = {
      orders: Array.from({ length: 40 }, (_, i) => ({
        id: 70000 + i,
        address: { name: `Søren "Ø" Ærø ${i}`, lines: ["Baker Street 8\n1050 København", "\\\\"] },
        products: [{ price: 100.5, quantity: i, subscribed_to: [] }],
        status: i % 2 === 0 ? "approved" : null,
        emoji: "📦",
      })),
      count: 40,
      next: null,
    };
    const text = JSON.stringify(answer);
    // One byte at a time, and cut inside every kind of token.
    const everyByte = Array.from({ length: Buffer.byteLength(text) }, (_, i) => i);
    expect(decode(text, everyByte)).toEqual(answer);
    fc.assert(
      fc.property(cuts, (at) => {
        expect(decode(text, at)).toEqual(answer);
      }),
    );
  });

  it("throws a SyntaxError exactly where JSON.parse does, on damaged text", () => {
    const base = JSON.stringify({
      orders: [
        { id: 1, name: "a,b]}" },
        { id: 2, tags: [true, false, null] },
      ],
      n: -1.5e3,
    });
    fc.assert(
      fc.property(
        fc.nat({ max: base.length - 1 }),
        fc.constantFrom("", ",", "]", "}", "[", "{", ":", '"', "x", " ", "1"),
        cuts,
        (at, insert, where) => {
          const damaged = base.slice(0, at) + insert + base.slice(at + 1);
          expect(outcome(damaged, where)).toEqual(reference(damaged));
        },
      ),
      { numRuns: 1000 },
    );
    for (const text of [
      "[1,]",
      '{"a":1,}',
      "[1 2]",
      '{"a" 1}',
      "{,}",
      "[",
      '{"a":',
      "1 2",
      "tru",
      "nul",
      '"open',
      "[]]",
      "{}}",
      "[}",
      "{]",
    ]) {
      expect(() => decode(text), text).toThrow(SyntaxError);
    }
  });

  it("answers undefined for a body of only whitespace, as an empty body", () => {
    expect(decode("")).toBeUndefined();
    expect(decode(" \n\t ")).toBeUndefined();
  });

  it('keeps a "__proto__" member as an own property, as JSON.parse does', () => {
    const text = '{"__proto__":{"polluted":true},"rows":[{"__proto__":1}]}';
    const value = decode(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(value).toEqual(JSON.parse(text));
  });

  describe("with rowsAsText", () => {
    const damaged = () => new Error("damaged row");
    /** The decoded value with every walked array's members parsed back. */
    const parsedBack = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map((text) => parseRowText(text, damaged));
      if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? parsedBack(v) : v]));
      }
      return value;
    };

    it("keeps each row of a walked array as text that parses to the row, however the bytes are cut", () => {
      fc.assert(
        fc.property(
          fc.array(fc.jsonValue(), { maxLength: 8 }),
          fc.jsonValue(),
          fc.boolean(),
          fc.constantFrom(0, 2),
          cuts,
          (rows, other, wrapped, indent, at) => {
            const value = wrapped ? { orders: rows, other } : rows;
            const text = JSON.stringify(value, null, indent);
            const decoded = decode(text, at, true);
            const walked = (wrapped ? (decoded as { orders: unknown[] }).orders : decoded) as unknown[];
            expect(walked).toHaveLength(rows.length);
            for (const row of walked) expect(typeof row).toBe("string");
            // Members that are not arrays are parsed as usual (arrays are walked too).
            if (wrapped && !Array.isArray(other)) expect((decoded as { other: unknown }).other).toEqual(JSON.parse(JSON.stringify(other)));
            expect(parsedBack(decoded)).toEqual(JSON.parse(text));
          },
        ),
        { numRuns: 300 },
      );
    });

    it("checks the frame at once and a row's own JSON when it is parsed, with the reader's error", () => {
      expect(() => decode('[{"id":1},', [], true)).toThrow(SyntaxError);
      expect(() => decode('{"orders":[{"id":1}]]', [], true)).toThrow(SyntaxError);
      const rows = decode('[{"id":1},{"id":tru},7]', [4, 13], true) as string[];
      expect(rows).toEqual(['{"id":1}', '{"id":tru}', "7"]);
      expect(parseRowText(rows[0], damaged)).toEqual({ id: 1 });
      expect(() => parseRowText(rows[1], damaged)).toThrow("damaged row");
      expect(() => parseRowText({ id: 1 }, damaged)).toThrow("damaged row");
    });
  });
});
