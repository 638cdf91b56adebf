/**
 * A test-control hook on a running emulator: changes its stored orders the
 * way the provider's own users would between two requests (a new order, a
 * deleted one, a status changed), so tests can page through ordergraph while
 * the data moves. It works on the emulator's live store, exactly as a test
 * editing the store by hand would; the emulator's answers follow its
 * documented behaviour unchanged. Provider-blind: each emulator puts its own
 * on its handle (`RunningServer.control`).
 */

/** Changes an emulator's orders. `pick` numbers choose among the stored orders (modulo their count). */
export interface OrderControl {
  /** Native ids of the stored orders that the hook can change, as ordergraph names them. */
  ids(): string[];
  /**
   * Stores a new order, a copy of the `pick`-th one with a new id, created at
   * `at` (a draft stays a draft); returns its native id.
   */
  insert(pick: number, at: Date): string;
  /** Deletes the `pick`-th order; returns its native id, or undefined when there is none. */
  remove(pick: number): string | undefined;
  /** Moves the `pick`-th order to another status (`choice` picks which); returns its native id. */
  restatus(pick: number, choice: number): string | undefined;
}

/** The `pick`-th of `items` (modulo their count); undefined when there are none. */
export function pickOf<T>(items: readonly T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[Math.abs(Math.trunc(pick)) % items.length];
}

/** A status other than `current` among `statuses`, chosen by `choice`. */
export function otherStatus<T>(statuses: readonly T[], current: T, choice: number): T {
  const others = statuses.filter((status) => status !== current);
  return pickOf(others, choice) ?? current;
}
