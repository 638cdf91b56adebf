/**
 * A pure parse of stored texts (timestamps), remembered by text: every sorted
 * list request reads all of them, and the same text always parses the same.
 * Bounded, in case a test plants texts without end.
 */
export function memoByText<T extends number | string | null>(parse: (text: string) => T, bound = 100_000): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    let value = known.get(text);
    if (value === undefined) {
      value = parse(text);
      if (known.size >= bound) known.clear();
      known.set(text, value);
    }
    return value;
  };
}
