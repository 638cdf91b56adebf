/**
 * Parse, don't trust, one order at a time: every raw order passes the
 * provider's zod schema before its pure mapper sees it. A list row that fails
 * becomes a placeholder that keeps its place and is an error for that order
 * alone (the page still answers); an order read on its own that fails is an
 * error for that id.
 */
import type { z } from "zod";
import { LazyRows } from "./lazy-rows.ts";
import type { OrderRecord, ProviderKind } from "./model.ts";
import { invalidResponse, malformedRow, type UpstreamError } from "./upstream-error.ts";

/** What a provider's decoder is made of. */
export interface OrderDecoderOptions<Raw> {
  provider: string;
  kind: ProviderKind;
  /** The schema of one raw order. */
  schema: z.ZodType<Raw>;
  /** The pure mapper of a validated order. */
  map(raw: Raw): OrderRecord;
  /** The raw field that holds an order's id, to name a malformed row by it (default `id`). */
  idField?: string;
  /** The id a malformed row is named by, as the provider's ids are compared (default: as read). */
  placeholderId?(id: string): string;
}

/** Validates and maps a provider's raw orders (see the file's comment). */
export class OrderDecoder<Raw> {
  private readonly options: OrderDecoderOptions<Raw>;

  constructor(options: OrderDecoderOptions<Raw>) {
    this.options = options;
  }

  /** The validated order, or undefined when it fails the schema. */
  parse(raw: unknown): Raw | undefined {
    const parsed = this.options.schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  /** The placeholder of a row of `what` that failed validation, named by its id when it has a readable one. */
  placeholder(raw: unknown, what = "an order list"): OrderRecord {
    const { provider, kind, idField, placeholderId } = this.options;
    const row = malformedRow(provider, kind, raw, what, idField);
    if (!placeholderId || row.nativeId === "malformed") return row;
    const id = placeholderId(row.nativeId);
    return id === row.nativeId ? row : { ...row, nativeId: id };
  }

  /** A list row: the order, or its placeholder. Never throws. */
  row(raw: unknown): OrderRecord {
    const parsed = this.parse(raw);
    return parsed === undefined ? this.placeholder(raw) : this.options.map(parsed);
  }

  /** A list answer's rows, each decoded when read; `asText`: the rows are JSON texts (`rowsAsText`), parsed when read. */
  rows(raws: readonly unknown[], asText: boolean): LazyRows {
    const decode = (raw: unknown) => this.row(raw);
    return asText ? LazyRows.ofTexts(raws, decode) : LazyRows.of(raws, decode);
  }

  /** An order read by its id: the order, or the error of that order. */
  detail(raw: unknown, id: string): OrderRecord | UpstreamError {
    const parsed = this.parse(raw);
    return parsed === undefined ? invalidResponse(this.options.provider, `order ${id}`) : this.options.map(parsed);
  }
}
