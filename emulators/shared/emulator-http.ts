/**
 * Small, dependency-free HTTP plumbing shared by every provider emulator.
 *
 * Emulators use node:http directly rather than a framework so that they can
 * misbehave precisely (wrong headers, truncated bodies, resets) the way a real
 * provider sometimes does; that control matters more here than routing comfort.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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

/** Faults an emulator can be told to produce (extended by the resilience work). */
export interface FaultSettings {
  /** Added latency before every answer, in milliseconds. */
  latencyMs?: number;
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
  /** Serialised with JSON.stringify unless it is already a string. */
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

function write(res: ServerResponse, answer: EmulatorResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let payload = "";
  if (answer.body !== undefined) {
    payload = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
      headers["content-type"] = "application/json; charset=utf-8";
    }
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status, headers);
  res.end(payload);
}

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
    faults: { ...options.faults },
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = req.url ?? "/";
      requests.push({ method: req.method ?? "GET", url: raw });
      const parsed = new URL(raw, "http://emulator.invalid");
      const body = await readBody(req);
      if (running.faults.latencyMs) await sleep(running.faults.latencyMs);
      let answer: EmulatorResponse;
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
      write(res, answer);
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
