/**
 * Merged connections: one page of orders across providers in the global order,
 * with exact page info, checked cursors and a lazily computed total count.
 */
import type { CallContext } from "../providers/core/call-context.ts";
import type { Connector, OrderFilter, SortKey } from "../providers/core/connector.ts";
import type { OrderRecord } from "../providers/core/model.ts";
import { orderComparator } from "../providers/core/order-compare.ts";
import { UpstreamError } from "../providers/core/upstream-error.ts";
import { type CursorKey, type CursorState, decodeCursor, encodeCursor, queryFingerprint } from "./cursor.ts";
import { UserInputError } from "./engine-errors.ts";
import { type Candidate, END_OF_SEQUENCE, type LazyForward, ProviderStream, type StreamLimits } from "./provider-stream.ts";

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
}

interface ProviderRead extends StreamRead {
  id: string;
  /** Where the read started (forward) or ended (backward; null: at the end). */
  bound: number | null;
}

interface MergedPage {
  taken: Candidate[];
  /** Whether any provider has a match past the page. */
  more: boolean;
}

/** A provider's next match: a row, none (its sequence ended), or one past its read that the page did not need. */
type Head = Candidate | null | "beyond";

/**
 * The first `size` rows of the global order: a k-way merge of the providers'
 * reads, each already in that order (the provider sorts natively, or the
 * stream sorted a full read). It decodes a lazy read's rows only as they
 * become a provider's head, so a page of 50 over five providers decodes about
 * 55 rows rather than 255. Ties go to the earlier provider in `reads`, as a
 * stable sort of the concatenated reads would have it. Null when a lazy read
 * ran out of valid rows before its sequence's end (its malformed rows were
 * skipped): only a full read of that provider can say what comes next.
 */
function mergeForward(
  reads: readonly StreamRead[],
  streams: readonly ProviderStream[],
  size: number,
  compare: (a: OrderRecord, b: OrderRecord) => number,
): MergedPage | null {
  const position = reads.map(() => 0);
  let unknown = false;
  const next = (r: number): Head => {
    const read = reads[r] as StreamRead;
    const lazy = read.lazy;
    if (!lazy) {
      const at = position[r] as number;
      if (at < read.items.length) return read.items[at] as Candidate;
      return read.exhausted ? null : "beyond";
    }
    const stream = streams[r] as ProviderStream;
    for (let i = position[r] as number; i < lazy.rows.length; i++) {
      const record = lazy.rows.at(i);
      // A malformed row is reported, never shown (an exact native read has no other residual).
      if (!record.malformed) {
        position[r] = i;
        return { record, index: lazy.from + i };
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

/** Runs a merged query for one page. */
export async function queryOrders(query: OrdersQuery, call: CallContext, limits: EngineLimits): Promise<OrderPage> {
  if (query.first != null && query.last != null) throw new UserInputError("give either first or last, not both", "last");
  if (query.after != null && query.before != null) throw new UserInputError("give either after or before, not both", "before");
  if (query.first != null && query.before != null) throw new UserInputError("before pages backward: use it with last", "before");
  if (query.last != null && query.after != null) throw new UserInputError("after pages forward: use it with first", "after");
  const backward = query.last != null || query.before != null;
  const size = backward ? pageSize(query.last, "last", limits) : pageSize(query.first, "first", limits);
  const sort = effectiveSort(query.sort);
  const ids = query.connectors.map((c) => c.id).sort();
  // Hashed only when a cursor is decoded or read (a first page read through `nodes` needs neither).
  let fingerprinted: string | undefined;
  const fingerprint = () => (fingerprinted ??= cursorFingerprint(query));
  const cursorText = backward ? query.before : query.after;
  const cursor = cursorText != null ? decodeCursor(cursorText, fingerprint(), ids, backward ? "before" : "after", limits.cursorKey) : null;

  const streams = query.connectors.map((connector) => {
    const customerIds = query.customerIdsByProvider?.get(connector.id);
    const filter = query.customerIdsByProvider ? { ...query.filter, customerIds: customerIds ?? [] } : query.filter;
    const noCustomer = query.customerIdsByProvider !== undefined && !customerIds?.length;
    return new ProviderStream(connector, filter, sort, call, limits, noCustomer);
  });
  const compare = orderComparator(sort);
  const byProvider = (candidate: Candidate) => candidate.record.provider;

  /** Where a provider's read starts (forward) or ends (backward; null: at its end). */
  const boundOf = (id: string): number | null => {
    if (!cursor) return backward ? null : 0;
    if (cursor.owner === id) return backward ? cursor.index : cursor.index + 1;
    return cursor.resume[id] ?? 0;
  };
  // Partial, never silent: a provider that fails gives way to the others' orders and an error
  // naming it; its cursor position stays where it was, so the next page reads it from there.
  const failures: UpstreamError[] = [];
  const readEach = async (
    read: (stream: ProviderStream, bound: number | null) => Promise<StreamRead>,
    previous?: readonly ProviderRead[],
  ): Promise<ProviderRead[]> => {
    const settled = await Promise.allSettled(
      streams.map(async (stream, i): Promise<ProviderRead> => {
        const before = previous?.[i];
        if (before && !before.lazy) return before;
        const id = stream.connector.id;
        const bound = boundOf(id);
        return { ...(await read(stream, bound)), id, bound };
      }),
    );
    const reads = settled.map((outcome, i) => {
      if (outcome.status === "fulfilled") return outcome.value;
      const stream = streams[i] as ProviderStream;
      if (!(outcome.reason instanceof UpstreamError) || streams.length === 1) throw outcome.reason;
      failures.push(outcome.reason);
      const id = stream.connector.id;
      // A page read from the end keeps "the end" for a provider whose length it never learnt.
      return { items: [] as Candidate[], exhausted: false, id, bound: boundOf(id) ?? END_OF_SEQUENCE };
    });
    if (failures.length > 0 && failures.length === streams.length) throw failures[0];
    return reads;
  };

  let reads: ProviderRead[];
  let taken: Candidate[];
  let more: boolean;
  if (backward) {
    reads = await readEach((stream, bound) => stream.backward(bound, size));
    const all = reads.flatMap((r) => r.items).sort((a, b) => compare(a.record, b.record));
    taken = all.slice(Math.max(0, all.length - size));
    more = all.length > size || reads.some((r) => !r.exhausted);
  } else {
    // Each provider's first window is decoded only as far as the merge reaches (lazy-rows.ts); with
    // several providers that can match, each shows about its share of the page, so its rows stay
    // texts until read. A provider whose plan matches nothing reads no window and does not count.
    const sparse = streams.filter((stream) => !stream.plan.empty).length > 1;
    reads = await readEach(async (stream, bound) => {
      const lazy = await stream.forwardLazy(bound ?? 0, size, sparse);
      return lazy ? { items: [], exhausted: lazy.ended, lazy } : stream.forward(bound ?? 0, size);
    });
    let merged = mergeForward(reads, streams, size, compare);
    if (!merged) {
      // Malformed rows left a window short before its end: those providers are read in full.
      reads = await readEach((stream, bound) => stream.forward(bound ?? 0, size), reads);
      merged = mergeForward(reads, streams, size, compare) as MergedPage;
    }
    ({ taken, more } = merged);
  }

  // Each edge's cursor: for every provider, where reading resumes after that edge (computed when read).
  const encode: CursorEncoder = (edge) => {
    const resume: Record<string, number> = {};
    if (!backward) {
      // The page is the merge's prefix: a provider resumes after its last row taken up to this edge.
      for (const read of reads) resume[read.id] = read.bound ?? 0;
      for (const row of taken) {
        resume[byProvider(row)] = row.index + 1;
        if (row === edge) break;
      }
    } else {
      for (const read of reads) {
        if (read.id === byProvider(edge)) {
          resume[read.id] = edge.index + 1;
          continue;
        }
        const mine = read.items;
        const next = mine.find((c) => compare(c.record, edge.record) > 0);
        resume[read.id] = next ? next.index : (read.bound ?? next ?? (mine.at(-1)?.index ?? -1) + 1);
      }
    }
    const state: CursorState = { owner: byProvider(edge), index: edge.index, resume };
    return encodeCursor(state, fingerprint(), limits.cursorKey);
  };
  const edges = taken.map((row) => lazyEdge(row, encode));

  let counted: Promise<number | null> | undefined;
  return {
    edges,
    pageInfo: lazyPageInfo(edges, backward ? cursor !== null : more, backward ? more : cursor !== null),
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
