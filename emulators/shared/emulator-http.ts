/**
 * Small, dependency-free HTTP plumbing shared by every provider emulator.
 *
 * Emulators use node:http directly rather than a framework so that they can
 * misbehave precisely (wrong headers, truncated bodies, resets) the way a real
 * provider sometimes does; that control matters more here than routing comfort.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OrderControl } from "./order-control.ts";

/** Options every emulator accepts. */
export interface EmulatorOptions {
  /** Interface to bind; tests always use 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** Seed of the deterministic data generator. */
  seed?: number;
  /** How many orders to generate. */
  size?: number;
  /** Fault injection settings, changeable at run time through `faults`. */
  faults?: FaultSettings;
}

/**
 * Which requests a fault hits: a share of them (`rate`, 0..1, default 1) and,
 * optionally, only the next `times` of them. `times` counts down in place as
 * requests take the fault, so a test can make a fault transient ("fail the
 * next 2 calls, then answer") and later read how many hits are left.
 */
export interface FaultTarget {
  /** Share of requests hit, 0..1 (default 1: every request). */
  rate?: number;
  /** Only this many more requests take the fault; 0 = spent. Unset: no limit. */
  times?: number;
}

/**
 * Faults an emulator can be told to produce. Every key is optional; several
 * can be set at once. Per request they are tried in this order, and the first
 * that hits decides the answer: `connectionReset`, `status429`, `error` /
 * `errorRate`, `wrongShape`, `malformedJson`, `oversizedBytes`. `latencyMs`
 * (counted from the request's arrival) and `slowDripMs` add time to whatever
 * is answered.
 *
 * Faults that replace the answer (reset, 429, error, wrong shape) do not run
 * the route handler, so a failed write changes nothing; `malformedJson` and
 * `oversizedBytes` distort the handler's real answer.
 *
 * An injected 429 or 5xx stands for what sits in front of a provider (a load
 * balancer, a gateway, a crashed worker) rather than for the provider's own
 * documented errors, which each emulator answers itself: so its body is one
 * generic JSON shape for every emulator, and no client may depend on it.
 */
export interface FaultSettings {
  /**
   * The time every answer takes, in milliseconds from the request's arrival (or
   * for a target share): the answer is made at once and sent when the time is up.
   */
  latencyMs?: number | (FaultTarget & { ms: number });
  /** Share of requests (0..1) answered with `errorStatus` and a JSON error body. */
  errorRate?: number;
  /** The status `errorRate` answers (default 503). */
  errorStatus?: number;
  /** A server error for a target share, e.g. `{ status: 500, times: 2 }` (default status: `errorStatus` or 503). */
  error?: FaultTarget & { status?: number };
  /** Answer 429; with `retryAfterSeconds`, a Retry-After header (as an HTTP date with `retryAfterAsDate`). */
  status429?: true | (FaultTarget & { retryAfterSeconds?: number; retryAfterAsDate?: boolean });
  /** Answer 200 with the real body cut short, so it is not JSON. */
  malformedJson?: true | FaultTarget;
  /** Answer 200 with valid JSON of the wrong shape (`body`, default `{"unexpected":true}`). */
  wrongShape?: true | (FaultTarget & { body?: unknown });
  /** Destroy the connection (TCP reset) without answering. */
  connectionReset?: true | FaultTarget;
  /** Send the body in small chunks (`chunkBytes`, default 64) with this delay between them. */
  slowDripMs?: number | (FaultTarget & { ms: number; chunkBytes?: number });
  /** Pad the real (valid JSON) answer with whitespace to this many bytes. */
  oversizedBytes?: number | (FaultTarget & { bytes: number });
}

/** A running emulator: its base URL and how to stop it. */
export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Counts every request the emulator received, for call-count assertions. */
  readonly requests: RequestLogEntry[];
  /** Current fault settings; mutate to change behaviour per test. */
  faults: FaultSettings;
  /** Changes the stored orders between requests, where the emulator offers it (tests only; see order-control.ts). */
  readonly control?: OrderControl;
  close(): Promise<void>;
}

/** One request as the emulator saw it. */
export interface RequestLogEntry {
  method: string;
  /** Path and query string as received. */
  url: string;
}

/** A parsed request handed to an emulator's route handler. */
export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Raw body text (empty for GET). */
  body: string;
}

/** What a route handler answers. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised with JSON.stringify unless it is already a string, or a Buffer of UTF-8 JSON (sent as is). */
  body?: unknown;
}

/** A route handler: pure with respect to HTTP, easy to unit test. */
export type EmulatorHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** Builds a JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function write(
  res: ServerResponse,
  answer: EmulatorResponse,
  distort?: (payload: string) => string,
  drip?: { ms: number; chunkBytes: number },
): Promise<void> {
  const headers: Record<string, string> = { ...answer.headers };
  let bytes: Buffer = Buffer.alloc(0);
  if (answer.body !== undefined) {
    const body = answer.body;
    bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["content-type"] = "application/json; charset=utf-8";
    }
  }
  if (distort) bytes = Buffer.from(distort(bytes.toString("utf8")), "utf8");
  headers["content-length"] = String(bytes.length);
  res.writeHead(answer.status, headers);
  if (!drip || bytes.length === 0) {
    res.end(bytes);
    return;
  }
  res.flushHeaders();
  for (let at = 0; at < bytes.length; at += drip.chunkBytes) {
    // The client may give up mid-body (its timeout); stop writing to a closed socket.
    if (res.destroyed) return;
    res.write(bytes.subarray(at, at + drip.chunkBytes));
    await sleep(drip.ms);
  }
  if (!res.destroyed) res.end();
}

/** Whether a fault hits this request; spends one of its `times` when it does. */
function takes(fault: FaultTarget | true | number | undefined, random: Random): boolean {
  if (fault === undefined) return false;
  if (fault === true || typeof fault === "number") return true;
  if (fault.times !== undefined && fault.times <= 0) return false;
  if (fault.rate !== undefined && random.next() >= fault.rate) return false;
  if (fault.times !== undefined) fault.times -= 1;
  return true;
}

/** The answer of a fault that replaces the handler's answer, if one hits. */
function faultAnswer(faults: FaultSettings, hits: (fault: FaultTarget | true | undefined) => boolean): EmulatorResponse | undefined {
  const limited = faults.status429;
  if (limited && hits(limited)) {
    const headers: Record<string, string> = {};
    if (limited !== true && limited.retryAfterSeconds !== undefined) {
      headers["retry-after"] = limited.retryAfterAsDate
        ? new Date(Date.now() + limited.retryAfterSeconds * 1000).toUTCString()
        : String(limited.retryAfterSeconds);
    }
    return json(429, { error: "too_many_requests", message: "Rate limit exceeded (injected fault)" }, headers);
  }
  const status = faults.error?.status ?? faults.errorStatus ?? 503;
  if ((faults.error && hits(faults.error)) || (faults.errorRate !== undefined && hits({ rate: faults.errorRate }))) {
    return json(status, { error: "server_error", message: `Injected fault: HTTP ${status}` });
  }
  const shape = faults.wrongShape;
  if (shape && hits(shape)) {
    // Serialised here, so a string body is sent as a JSON string, not as raw text.
    return json(200, JSON.stringify(shape === true || shape.body === undefined ? { unexpected: true } : shape.body));
  }
  return undefined;
}

/** The payload cut short so it no longer parses as JSON. */
function truncate(payload: string): string {
  const cut = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  try {
    JSON.parse(cut);
  } catch {
    return cut;
  }
  return '{"truncated":';
}

/**
 * Runs `start` with `faults` as the default fault settings of every emulator
 * it starts without its own, e.g. the demo's emulators from an environment
 * variable. Each emulator gets its own copy, so `times` counts per emulator.
 */
export function withDefaultFaults<T>(faults: FaultSettings | undefined, start: () => Promise<T>): Promise<T> {
  return defaultFaults.run(faults, start);
}

const defaultFaults = new AsyncLocalStorage<FaultSettings | undefined>();

/**
 * Starts an HTTP server around a handler. A handler that throws answers 500
 * with a JSON body, as most frameworks behind real APIs do.
 */
export async function startEmulatorServer(handler: EmulatorHandler, options: EmulatorOptions = {}): Promise<RunningServer> {
  const requests: RequestLogEntry[] = [];
  const running: RunningServer = {
    url: "",
    port: 0,
    requests,
    faults: structuredClone(options.faults ?? defaultFaults.getStore() ?? {}),
    close: async () => {},
  };
  const random = createRandom(((options.seed ?? 1) ^ 0x5eed) >>> 0);
  const hits = (fault: FaultTarget | true | number | undefined): boolean => takes(fault, random);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const arrived = performance.now();
      const raw = req.url ?? "/";
      requests.push({ method: req.method ?? "GET", url: raw });
      const parsed = new URL(raw, "http://emulator.invalid");
      const body = await readBody(req);
      const faults = running.faults;
      const latency = faults.latencyMs;
      const latencyMs = latency !== undefined && hits(latency) ? (typeof latency === "number" ? latency : latency.ms) : 0;
      // The latency counts from the request's arrival, as a provider's answer time does: the
      // answer is made at once (a real provider works on its own machines, not on the cores of
      // the client under test) and leaves once the time is up. A write is therefore done before
      // its answer leaves, as with a slow provider.
      const due = async () => {
        const left = arrived + latencyMs - performance.now();
        // setTimeout(0) still waits about a millisecond: "0 ms" must add nothing.
        if (latencyMs > 0 && left > 0) await sleep(left);
      };
      if (faults.connectionReset && hits(faults.connectionReset)) {
        await due();
        // A TCP reset, as a crashed process or a proxy dropping the connection gives.
        req.socket.resetAndDestroy();
        return;
      }
      let answer: EmulatorResponse | undefined = faultAnswer(faults, hits);
      let distort: ((payload: string) => string) | undefined;
      if (!answer) {
        if (faults.malformedJson && hits(faults.malformedJson)) distort = truncate;
        else if (faults.oversizedBytes !== undefined && hits(faults.oversizedBytes)) {
          const size = typeof faults.oversizedBytes === "number" ? faults.oversizedBytes : faults.oversizedBytes.bytes;
          // Whitespace after a JSON value is still JSON: only the size is wrong.
          distort = (payload) => payload + " ".repeat(Math.max(0, size - Buffer.byteLength(payload)));
        }
        try {
          answer = await handler({
            method: req.method ?? "GET",
            path: parsed.pathname,
            query: parsed.searchParams,
            headers: req.headers,
            body,
          });
        } catch (error) {
          answer = json(500, { error: "internal", message: error instanceof Error ? error.message : String(error) });
        }
      }
      const drip = faults.slowDripMs;
      const dripping =
        drip !== undefined && hits(drip)
          ? typeof drip === "number"
            ? { ms: drip, chunkBytes: 64 }
            : { ms: drip.ms, chunkBytes: drip.chunkBytes ?? 64 }
          : undefined;
      await due();
      await write(res, answer, distort, dripping);
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  running.port = address.port;
  running.url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  running.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return running;
}

/**
 * A small seeded PRNG (mulberry32): the same seed gives the same data on every
 * machine, so tests can compare against the emulator's own data set.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

/** The seeded random source handed to data generators. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** Fixed reference instant for generated data, so data never depends on the clock. */
export const DATA_EPOCH = Date.UTC(2025, 9, 31, 12, 0, 0);

/** Shared pools for realistic names and places. */
export const FIRST_NAMES = [
  "Anna",
  "Ben",
  "Clara",
  "David",
  "Emma",
  "Felix",
  "Greta",
  "Hugo",
  "Ida",
  "Jonas",
  "Karin",
  "Lars",
  "Mia",
  "Noah",
  "Olga",
  "Paul",
  "Rosa",
  "Sven",
  "Tina",
  "Ulf",
  "Vera",
  "Willem",
  "Yusuf",
  "Zoe",
] as const;
export const LAST_NAMES = [
  "Andersen",
  "Becker",
  "Christensen",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Hansen",
  "Ivanova",
  "Jensen",
  "Klein",
  "Larsen",
  "Müller",
  "Nielsen",
  "O'Brien",
  "Petersen",
  "Quist",
  "Rossi",
  "Schmidt",
  "Thomsen",
  "Usman",
  "Vogel",
  "Weber",
  "Young",
] as const;
export const CITIES = [
  { city: "Berlin", zip: "10115", country: "DE", countryName: "Germany", state: "BE", stateName: "Berlin" },
  { city: "München", zip: "80331", country: "DE", countryName: "Germany", state: "BY", stateName: "Bayern" },
  { city: "København", zip: "1050", country: "DK", countryName: "Denmark", state: "84", stateName: "Hovedstaden" },
  { city: "Kolding", zip: "6000", country: "DK", countryName: "Denmark", state: "83", stateName: "Syddanmark" },
  { city: "Oslo", zip: "0150", country: "NO", countryName: "Norway", state: "03", stateName: "Oslo" },
  { city: "Wien", zip: "1010", country: "AT", countryName: "Austria", state: "9", stateName: "Wien" },
  { city: "Paris", zip: "75001", country: "FR", countryName: "France", state: "IDF", stateName: "Île-de-France" },
  { city: "New York", zip: "10001", country: "US", countryName: "United States", state: "NY", stateName: "New York" },
  { city: "Austin", zip: "73301", country: "US", countryName: "United States", state: "TX", stateName: "Texas" },
  { city: "London", zip: "EC1A 1BB", country: "GB", countryName: "United Kingdom", state: "LND", stateName: "London" },
] as const;
export const STREETS = [
  "Hauptstraße",
  "Sneglevej",
  "Rue de Rivoli",
  "Main Street",
  "Karl Johans gate",
  "Ringstraße",
  "Baker Street",
  "Nørregade",
] as const;
