/**
 * Merged connections: one page of orders across providers in the global order,
 * with exact page info, checked cursors and a lazily computed total count.
 */
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { orderComparator } from "../providers/core/order-compare.ts";
import { UpstreamError } from "../providers/core/upstream-error.ts";
import {
  type CursorDirection,
  type CursorKey,
  type CursorState,
  decodeCursor,
  encodeCursor,
  type ProviderPosition,
  queryFingerprint,
} from "./cursor.ts";
import { UserInputError } from "./engine-errors.ts";
import { type KeyOrder, keyOrder, type OrderKey, orderKey } from "./order-key.ts";
import { type Candidate, type LazyForward, ProviderStream, type StreamLimits, type StreamPoint } from "./provider-stream.ts";

/** Paging and scan limits of the engine (from the config's `engine` section), and the key its cursors are signed with. */
export interface EngineLimits extends StreamLimits {
  defaultPageSize: number;
  maxPageSize: number;
  /** Signs and checks cursors (from `server.cursorSecret`; see `createCursorKey`). */
  cursorKey: CursorKey;
}

/** The engine's sizes and scan bounds without the cursor key: what estimates of a query's work need. */
export type SizeLimits = Omit<EngineLimits, "cursorKey">;

/** One edge of a page. */
export interface OrderPageEdge {
  cursor: string;
  node: OrderRecord;
}

/** Encodes the cursor of one row of a page (one encoder serves every edge of the page). */
export type CursorEncoder = (row: Candidate) => string;

/**
 * An edge whose cursor is encoded on first read and kept: queries that ask only
 * for `nodes` never read a cursor, and encoding one (JSON and an HMAC) per edge
 * was a measurable share of a list query's CPU. A class, with the page's one
 * encoder, rather than an object literal with a getter and a closure per edge:
 * those made a tenth of a list request's garbage.
 */
class LazyEdge implements OrderPageEdge {
  readonly node: OrderRecord;
  private readonly row: Candidate;
  private readonly encode: CursorEncoder;
  private encoded: string | undefined;

  constructor(row: Candidate, encode: CursorEncoder) {
    this.node = row.record;
    this.row = row;
    this.encode = encode;
  }

  get cursor(): string {
    this.encoded ??= this.encode(this.row);
    return this.encoded;
  }
}

/** The edge of a page's row, its cursor encoded by `encode` when first read. */
export function lazyEdge(row: Candidate, encode: CursorEncoder): OrderPageEdge {
  return new LazyEdge(row, encode);
}

/** Page info whose start and end cursors are read from the edges only when asked for. */
export function lazyPageInfo(edges: readonly OrderPageEdge[], hasNextPage: boolean, hasPreviousPage: boolean): OrderPage["pageInfo"] {
  return {
    hasNextPage,
    hasPreviousPage,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges.at(-1)?.cursor ?? null;
    },
  };
}

/** A page as the resolvers expose it. */
export interface OrderPage {
  edges: OrderPageEdge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Computed only when a client asks for totalCount. */
  totalCount: () => Promise<number | null>;
  /**
   * What the page lacks: providers that failed (their orders are missing from
   * this page and read again from the same place by the next) and malformed
   * orders left out. The resolvers report each as an error beside the data.
   */
  problems: Error[];
}

/** The arguments of a merged query. */
export interface OrdersQuery {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  /** The filter, with customer ids already split per provider (see `customerIdsByProvider`). */
  filter: OrderFilter;
  /** Native customer ids per provider id, when the filter names customers. */
  customerIdsByProvider?: Map<string, string[]> | undefined;
  sort: SortKey[];
  connectors: Connector[];
  /** Anything else the cursor must be bound to (e.g. the customer of Customer.orders). */
  scope?: unknown;
}

/** The default order: newest first. */
export const DEFAULT_SORT: SortKey[] = [{ field: "CREATED_AT", direction: "DESC" }];

/** The sort a query runs with: the given keys, or newest first. */
export function effectiveSort(sort: readonly SortKey[]): SortKey[] {
  return sort.length > 0 ? [...sort] : DEFAULT_SORT;
}

/** The fingerprint that a query's cursors are bound to (filter, sort, provider set, scope). */
export function cursorFingerprint(query: {
  filter: OrderFilter;
  sort: readonly SortKey[];
  connectors: readonly Connector[];
  scope?: unknown;
}): string {
  const providers = query.connectors.map((c) => c.id).sort();
  return queryFingerprint({ filter: query.filter, sort: effectiveSort(query.sort), providers, scope: query.scope ?? null });
}

/** Checks a page size argument (first or last) against the limits; absent means the default. */
export function pageSize(value: number | null | undefined, name: string, limits: SizeLimits): number {
  if (value === null || value === undefined) return limits.defaultPageSize;
  if (!Number.isInteger(value) || value < 0 || value > limits.maxPageSize) {
    throw new UserInputError(`${name} must be between 0 and ${limits.maxPageSize}`, name);
  }
  return value;
}

/** What one provider's read for a page gave. */
interface StreamRead {
  /** Its matching rows in sequence order (empty for a lazy read: see `lazy`). */
  items: Candidate[];
  /** True when no match exists past them. */
  exhausted: boolean;
  /** A window whose rows are decoded as the merge reaches them (forward pages only). */
  lazy?: LazyForward;
  /** Forward: the native offset where the read started; backward: where it ended. */
  at: number;
}

interface ProviderRead extends StreamRead {
  id: string;
  /** The read failed: the provider's orders are missing from the page, and its position stays. */
  failed: boolean;
}

interface MergedPage {
  taken: Candidate[];
  /** Whether any provider has a match past the page. */
  more: boolean;
}

/** A provider's next match: a row, none (its sequence ended), or one past its read that the page did not need. */
type Head = Candidate | null | "beyond";

/**
 * The first `size` rows of the global order before `stop` (when given): a
 * k-way merge of the providers' reads, each already in that order (the
 * provider sorts natively, or the stream sorted a full read). It decodes a
 * lazy read's rows only as they become a provider's head, so a page of 50
 * over five providers decodes about 55 rows rather than 255. Ties cannot
 * happen (the global order ends with provider and native id). Null when a
 * lazy read ran out of valid rows before its sequence's end (its malformed
 * rows were skipped): only a full read of that provider can say what comes next.
 */
function mergeForward(
  reads: readonly StreamRead[],
  streams: readonly ProviderStream[],
  size: number,
  compare: (a: OrderRecord, b: OrderRecord) => number,
  keys: KeyOrder,
  stop: OrderKey | undefined,
): MergedPage | null {
  const position = reads.map(() => 0);
  let unknown = false;
  const inRange = (candidate: Candidate): Head => (stop && keys.compare(candidate.record, stop) >= 0 ? null : candidate);
  const next = (r: number): Head => {
    const read = reads[r] as StreamRead;
    const lazy = read.lazy;
    if (!lazy) {
      const at = position[r] as number;
      if (at < read.items.length) return inRange(read.items[at] as Candidate);
      return read.exhausted ? null : "beyond";
    }
    const stream = streams[r] as ProviderStream;
    for (let i = position[r] as number; i < lazy.rows.length; i++) {
      const record = lazy.rows.at(i);
      // A malformed row is reported, never shown (an exact native read has no other residual).
      if (!record.malformed) {
        position[r] = i;
        return inRange({ record, index: lazy.from + i });
      }
      stream.reportMalformed(record);
    }
    position[r] = lazy.rows.length;
    if (!lazy.ended) unknown = true;
    return null;
  };
  const heads = reads.map((_, r) => next(r));
  const taken: Candidate[] = [];
  while (taken.length < size && !unknown) {
    let best = -1;
    for (let r = 0; r < heads.length; r++) {
      const head = heads[r];
      if (head === null || head === undefined || head === "beyond") continue;
      if (best < 0 || compare(head.record, (heads[best] as Candidate).record) < 0) best = r;
    }
    if (best < 0) break;
    taken.push(heads[best] as Candidate);
    position[best] = (position[best] as number) + 1;
    heads[best] = next(best);
  }
  if (unknown) return null;
  return { taken, more: heads.some((head) => head !== null) };
}

/** The paging arguments of a connection field. */
export type PagingArgs = Pick<OrdersQuery, "first" | "after" | "last" | "before">;

/**
 * Whether a page is read from its far end, backward: with `last`, or with
 * `before` alone (no `first`, no `after`). Otherwise it is read forward, with
 * `before`, if given, only ending it.
 */
export function readsBackward(args: PagingArgs): boolean {
  return args.last != null || (args.first == null && args.after == null && args.before != null);
}

/** A page's arguments, checked: its direction, size and the cursors of its range. */
interface PageRange {
  backward: boolean;
  size: number;
  after: CursorState | null;
  before: CursorState | null;
}

/**
 * Checks the paging arguments as Relay's connection spec reads them: the
 * edges after `after` and before `before` (either, both or none), of which
 * `first` takes the first and `last` the last; `first` and `last` together
 * are refused (the spec discourages them, and no client needs them).
 */
function pageRange(query: OrdersQuery, limits: EngineLimits, cursorQuery: () => Parameters<typeof decodeCursor>[1]): PageRange {
  if (query.first != null && query.last != null) throw new UserInputError("give either first or last, not both", "last");
  const backward = readsBackward(query);
  const size = backward ? pageSize(query.last, "last", limits) : pageSize(query.first, "first", limits);
  const decode = (text: string | null | undefined, argument: string) =>
    text == null ? null : decodeCursor(text, cursorQuery(), argument, limits.cursorKey);
  return { backward, size, after: decode(query.after, "after"), before: decode(query.before, "before") };
}

/**
 * Where each provider's read starts for a page in `direction` from a cursor:
 * the cursor's own position for the provider (which differs from the edge
 * only for a provider that lagged or led on the cursor's page, and holds
 * only in that page's direction), else the edge; from the start (or end)
 * without a cursor.
 */
function startingPoint(cursor: CursorState | null, direction: CursorDirection, id: string): StreamPoint {
  if (!cursor) return { key: null, hint: 0 };
  const position = cursor.positions[id] as ProviderPosition;
  const own = cursor.direction === direction && position.key !== undefined;
  return { key: own ? (position.key as OrderKey | null) : cursor.edge, hint: position.hint };
}

/** Runs a merged query for one page. */
export async function queryOrders(query: OrdersQuery, call: CallContext, limits: EngineLimits): Promise<OrderPage> {
  const sort = effectiveSort(query.sort);
  const ids = query.connectors.map((c) => c.id).sort();
  // Hashed only when a cursor is decoded or read (a first page read through `nodes` needs neither).
  let fingerprinted: string | undefined;
  const fingerprint = () => (fingerprinted ??= cursorFingerprint(query));
  const range = pageRange(query, limits, () => ({ fingerprint: fingerprint(), providers: ids, sort }));
  const { backward, size } = range;
  const direction: CursorDirection = backward ? "backward" : "forward";
  const from = backward ? range.before : range.after;
  // The other cursor bounds the page's far side (Relay: the edges between after and before).
  const stop = (backward ? range.after : range.before)?.edge;

  const streams = query.connectors.map((connector) => {
    const customerIds = query.customerIdsByProvider?.get(connector.id);
    const filter = query.customerIdsByProvider ? { ...query.filter, customerIds: customerIds ?? [] } : query.filter;
    const noCustomer = query.customerIdsByProvider !== undefined && !customerIds?.length;
    return new ProviderStream(connector, filter, sort, call, limits, noCustomer);
  });
  const compare = orderComparator(sort);
  const keys = keyOrder(sort);
  const byProvider = (candidate: Candidate) => candidate.record.provider;
  const pointOf = (id: string) => startingPoint(from, direction, id);
  const points = new Map(ids.map((id) => [id, pointOf(id)]));

  // Partial, never silent: a provider that fails gives way to the others' orders and an error
  // naming it; its position in the page's cursors stays where it was, so the next page reads it from there.
  const failures: UpstreamError[] = [];
  const readEach = async (
    read: (stream: ProviderStream, point: StreamPoint) => Promise<StreamRead>,
    previous?: readonly ProviderRead[],
  ): Promise<ProviderRead[]> => {
    const settled = await Promise.allSettled(
      streams.map(async (stream, i): Promise<ProviderRead> => {
        const before = previous?.[i];
        if (before && (!before.lazy || before.failed)) return before;
        const id = stream.connector.id;
        return { ...(await read(stream, points.get(id) as StreamPoint)), id, failed: false };
      }),
    );
    const reads = settled.map((outcome, i): ProviderRead => {
      if (outcome.status === "fulfilled") return outcome.value;
      const stream = streams[i] as ProviderStream;
      if (!(outcome.reason instanceof UpstreamError) || streams.length === 1) throw outcome.reason;
      failures.push(outcome.reason);
      const id = stream.connector.id;
      return { items: [], exhausted: false, at: (points.get(id) as StreamPoint).hint, id, failed: true };
    });
    if (failures.length > 0 && failures.length === streams.length) throw failures[0];
    return reads;
  };

  let reads: ProviderRead[] = [];
  let taken: Candidate[] = [];
  let more = false;
  if (size === 0) {
    // `first: 0` (or `last: 0`): an empty page, and nothing to read for it.
  } else if (backward) {
    reads = await readEach(async (stream, point) => {
      const read = await stream.backward(point, size, stop);
      return { items: read.items, exhausted: read.exhausted, at: read.to };
    });
    const all = reads.flatMap((r) => r.items).sort((a, b) => compare(a.record, b.record));
    taken = all.slice(Math.max(0, all.length - size));
    more = all.length > size || reads.some((r) => !r.exhausted);
  } else {
    // Each provider's first window is decoded only as far as the merge reaches (lazy-rows.ts); with
    // several providers that can match, each shows about its share of the page, so its rows stay
    // texts until read. A provider whose plan matches nothing reads no window and does not count.
    const sparse = streams.filter((stream) => !stream.plan.empty).length > 1;
    const eager = async (stream: ProviderStream, point: StreamPoint): Promise<StreamRead> => {
      const read = await stream.forward(point, size, stop);
      return { items: read.items, exhausted: read.exhausted, at: read.from };
    };
    reads = await readEach(async (stream, point) => {
      const lazy = await stream.forwardLazy(point, size, sparse);
      return lazy ? { items: [], exhausted: lazy.ended, lazy, at: lazy.from } : eager(stream, point);
    });
    let merged = mergeForward(reads, streams, size, compare, keys, stop);
    if (!merged) {
      // Malformed rows left a window short before its end: those providers are read in full.
      reads = await readEach(eager, reads);
      merged = mergeForward(reads, streams, size, compare, keys, stop) as MergedPage;
    }
    ({ taken, more } = merged);
  }

  // Each edge's cursor: the edge's key, and for every provider where its reading resumes after that
  // edge (computed when read). A provider that answered has given every order up to the edge, so
  // the edge's key is its position, unless it already stood past the edge (this page began with
  // orders of a provider that had failed before); one that failed keeps the position it came with.
  const encode: CursorEncoder = (edge) => {
    const edgeKey = orderKey(edge.record, sort);
    const positions: Record<string, ProviderPosition> = {};
    for (const read of reads) {
      const point = points.get(read.id) as StreamPoint;
      if (read.failed) {
        positions[read.id] = { hint: point.hint, key: point.key };
        continue;
      }
      let hint = read.at;
      if (!backward) {
        for (const row of taken) {
          if (byProvider(row) === read.id) hint = row.index + 1;
          if (row === edge) break;
        }
      } else {
        const next = read.items.find((c) => compare(c.record, edge.record) > 0);
        if (next) hint = next.index;
      }
      // Forward, a position is ahead when it is after the edge; backward, when it is before it.
      const ahead = point.key !== null && keys.compareKeys(point.key, edgeKey) * (backward ? -1 : 1) > 0;
      positions[read.id] = ahead ? { hint, key: point.key } : { hint };
    }
    return encodeCursor({ direction, edge: edgeKey, positions }, fingerprint(), limits.cursorKey);
  };
  const edges = taken.map((row) => lazyEdge(row, encode));

  // A page without edges says there is nothing further either way: a client that loops "while
  // hasNextPage, after = endCursor" always has a cursor that moves on, and ends. Providers that
  // failed are in `errors`; asking again later from the same cursor reads them from where they stood.
  const any = edges.length > 0;
  const hasNextPage = any && (backward ? range.before !== null : more);
  const hasPreviousPage = any && (backward ? more : range.after !== null);
  let counted: Promise<number | null> | undefined;
  return {
    edges,
    pageInfo: lazyPageInfo(edges, hasNextPage, hasPreviousPage),
    problems: [...failures, ...streams.flatMap((s) => s.problems)],
    totalCount: () => {
      // With a provider missing from the page, the total cannot be known here.
      if (failures.length > 0) return Promise.resolve(null);
      counted ??= Promise.all(streams.map((s) => s.count())).then((counts) =>
        counts.some((c) => c === null) ? null : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0),
      );
      return counted;
    },
  };
}
