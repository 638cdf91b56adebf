/**
 * Decoding shared with the answer. Identical concurrent GETs share one
 * upstream answer object (single-flight in http-client.ts), and so can its
 * validation and mapping: under load, ten requests for the same page then
 * validate and map its rows once, not ten times.
 *
 * What a decoder returns is shared by every request that shared the answer,
 * so it must be pure and its result is never mutated (order records are
 * read-only throughout the engine). A decoder that throws is not remembered:
 * each caller gets its own error.
 */
const decodedByAnswer = new WeakMap<object, Map<string, unknown>>();

/** `decode(answer)`, computed once per answer object and kind of decoding. */
export function decodeOnce<A extends object, T>(answer: A, kind: string, decode: (answer: A) => T): T {
  let decoded = decodedByAnswer.get(answer);
  if (decoded?.has(kind)) return decoded.get(kind) as T;
  const value = decode(answer);
  if (!decoded) {
    decoded = new Map();
    decodedByAnswer.set(answer, decoded);
  }
  decoded.set(kind, value);
  return value;
}
