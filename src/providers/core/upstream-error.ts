/**
 * Errors of upstream calls, coded as the public contract says. Messages are
 * built by us, never copied from an upstream body, so no echoed secret can
 * reach a client.
 */

import type { OrderRecord, ProviderKind } from "./model.ts";

/** The codes an upstream failure can carry (`extensions.code`). */
export type UpstreamErrorCode =
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_TIMEOUT"
  | "PROVIDER_RATE_LIMITED"
  | "PROVIDER_ERROR"
  | "UPSTREAM_INVALID_RESPONSE"
  | "NOT_SUPPORTED"
  | "BAD_USER_INPUT";

/** A failure that names the provider it came from. */
export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  readonly provider: string;
  /** The upstream HTTP status, when there was one. */
  readonly status: number | undefined;
  /** For PROVIDER_RATE_LIMITED: how long to wait before trying again, in ms, when known (`extensions.retryAfterMs`). */
  readonly retryAfterMs: number | undefined;

  constructor(code: UpstreamErrorCode, provider: string, message: string, status?: number, retryAfterMs?: number) {
    super(message);
    this.name = "UpstreamError";
    this.code = code;
    this.provider = provider;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The public `extensions` of an upstream error: its code, its provider and, when known, the retry hint. */
export function upstreamExtensions(error: UpstreamError): { code: UpstreamErrorCode; provider: string; retryAfterMs?: number } {
  return error.retryAfterMs === undefined
    ? { code: error.code, provider: error.provider }
    : { code: error.code, provider: error.provider, retryAfterMs: Math.ceil(error.retryAfterMs) };
}

/** Maps an unexpected upstream HTTP status to an error code. */
export function codeForStatus(status: number): UpstreamErrorCode {
  if (status === 429) return "PROVIDER_RATE_LIMITED";
  if (status === 502 || status === 503 || status === 504) return "PROVIDER_UNAVAILABLE";
  return "PROVIDER_ERROR";
}

/** The provider refused our credentials (401/403): a configuration problem, never the client's. */
export function credentialsRejected(provider: string, status: number): UpstreamError {
  return new UpstreamError("PROVIDER_ERROR", provider, `provider ${provider} rejected the configured credentials (HTTP ${status})`, status);
}

/** An HTTP status the connector does not expect for `what`; `detail` must be text of ours, never the body. */
export function unexpectedStatus(provider: string, status: number, what: string, detail = ""): UpstreamError {
  return new UpstreamError(codeForStatus(status), provider, `provider ${provider} answered HTTP ${status} to ${what}${detail}`, status);
}

/** An answer that failed its schema. */
export function invalidResponse(provider: string, what: string): UpstreamError {
  return new UpstreamError("UPSTREAM_INVALID_RESPONSE", provider, `provider ${provider} answered ${what} in an unexpected shape`);
}

/** The id of a raw order read before validation (a number or a string), so an error can name the order. */
export function rawOrderId(raw: unknown, field = "id"): string | undefined {
  const value = raw && typeof raw === "object" ? (raw as Record<string, unknown>)[field] : undefined;
  return typeof value === "number" || typeof value === "string" ? String(value) : undefined;
}

/**
 * The placeholder of a list row that failed validation (see `OrderRecord.malformed`):
 * it names the order by its id when the raw row has a readable one.
 */
export function malformedRow(provider: string, kind: ProviderKind, raw: unknown, what: string, idField = "id"): OrderRecord {
  const id = rawOrderId(raw, idField)?.slice(0, 40) ?? null;
  const nativeId = id ?? "malformed";
  return {
    provider,
    kind,
    nativeId,
    number: null,
    status: "PENDING",
    nativeStatus: { code: "", label: "" },
    paymentStatus: "UNKNOWN",
    createdAt: null,
    updatedAt: null,
    customer: null,
    email: null,
    billingAddress: null,
    shippingAddress: null,
    items: [],
    subtotal: null,
    total: null,
    vendorReference: null,
    complete: false,
    native: {},
    malformed: invalidResponse(provider, `${id === null ? "an order" : `order ${id}`} in ${what}`),
  };
}

/** A list row read by id: the order, or for a placeholder the error of that order (never the placeholder itself). */
export function orderOrError(row: OrderRecord): OrderRecord | UpstreamError {
  return row.malformed ? invalidResponse(row.provider, `order ${row.nativeId}`) : row;
}
