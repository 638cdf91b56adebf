/**
 * Structured logs and request ids over HTTP: the id is taken from a sane
 * `x-request-id` or made up, answered in the header and in
 * `extensions.requestId`, and carried by every log line of the request (HTTP,
 * GraphQL operation, upstream calls). Variables, keys and query strings are
 * never logged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSCART_DEFAULT_CREDENTIALS, type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { requestIdFor, scrubText } from "../../src/server/logging.ts";
import { ADMIN_KEY, type MemoryLog, memoryLog, startTestServer, type TestServer } from "../helpers/test-server.ts";

const PROVIDER = "shop-cscart";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let emulator: CsCartEmulator;
let server: TestServer;
let log: MemoryLog;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 30 });
  log = memoryLog("debug");
  server = await startTestServer({
    definitions: [csCartDefinition],
    providers: [
      { id: PROVIDER, kind: "cscart", baseUrl: `${emulator.url}/api`, currency: "EUR", credentials: { ...CSCART_DEFAULT_CREDENTIALS } },
    ],
    logger: log.logger,
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    requestId: response.headers.get("x-request-id"),
    body: (await response.json()) as {
      data?: unknown;
      errors?: Array<{ extensions?: { code?: string } }>;
      extensions?: Record<string, unknown>;
    },
  };
}

/** Lines of one request; the HTTP line is written when the response has gone, so wait for it. */
async function linesOf(requestId: string) {
  await expect.poll(() => log.lines().some((l) => l.requestId === requestId && l.msg === "request")).toBe(true);
  return log.lines().filter((l) => l.requestId === requestId);
}

const ORDERS = "query RecentOrders($filter: OrderFilter) { orders(first: 3, filter: $filter) { nodes { id number } } }";

describe("request ids", () => {
  it("keeps a sane x-request-id, answers it, and tags every line of the request with it", async () => {
    const id = "client-id_1.2";
    const answer = await post({ query: ORDERS, operationName: "RecentOrders" }, { "x-request-id": id });
    expect(answer.status).toBe(200);
    expect(answer.requestId).toBe(id);
    expect(answer.body.extensions?.requestId).toBe(id);
    const lines = await linesOf(id);
    const operation = lines.find((l) => l.msg === "graphql operation");
    expect(operation).toMatchObject({
      level: "info",
      operation: "RecentOrders",
      type: "query",
      client: "admin",
      outcome: "ok",
      upstream: { calls: (answer.body.extensions?.upstream as { calls: number } | undefined)?.calls },
    });
    expect(typeof operation?.durationMs).toBe("number");
    const upstream = lines.filter((l) => l.msg === "upstream call");
    expect(upstream.length).toBeGreaterThan(0);
    for (const call of upstream) {
      expect(call).toMatchObject({ level: "debug", provider: PROVIDER, method: "GET", status: 200 });
      expect(String(call.route)).not.toContain("?");
      expect(typeof call.durationMs).toBe("number");
    }
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ method: "POST", path: "/graphql", statusCode: 200 });
  });

  it("replaces a missing or unsafe x-request-id with a UUID", async () => {
    for (const given of [undefined, "has spaces", "x".repeat(129), "a/b", "ünï"]) {
      const answer = await post({ query: "{ providers { id } }" }, given === undefined ? {} : { "x-request-id": given });
      expect(answer.requestId).toMatch(UUID);
      expect(answer.body.extensions?.requestId).toBe(answer.requestId);
    }
    expect(requestIdFor({ headers: { "x-request-id": "x".repeat(128) } })).toBe("x".repeat(128));
  });

  it("answers the id on refused requests too", async () => {
    const answer = await post(
      { query: "{ providers { id } }" },
      { authorization: "Bearer wrong-key-0123456789", "x-request-id": "refused-1" },
    );
    expect(answer.status).toBe(401);
    expect(answer.requestId).toBe("refused-1");
    expect(answer.body.extensions?.requestId).toBe("refused-1");
    const lines = await linesOf("refused-1");
    expect(lines.find((l) => l.msg === "authentication failed")).toMatchObject({ level: "warn", reason: "invalid key" });
  });
});

describe("what is logged", () => {
  it("logs the error codes of a failed operation", async () => {
    const answer = await post({ query: '{ orders(first: 1, providers: ["nope"]) { totalCount } }' }, { "x-request-id": "failing-1" });
    const code = answer.body.errors?.[0]?.extensions?.code;
    expect(code).toBeDefined();
    const lines = await linesOf("failing-1");
    expect(lines.find((l) => l.msg === "graphql operation")).toMatchObject({ outcome: "error", errorCodes: [code], operation: null });
  });

  it("never logs variables, the client key or a query string", async () => {
    const marker = "private.person+marker@example.com";
    const key = ADMIN_KEY;
    await post({ query: ORDERS, variables: { filter: { email: marker } } }, { "x-request-id": "private-1" });
    const query = encodeURIComponent(`{ orders(first: 1, filter: { email: "${marker}" }) { totalCount } }`);
    const get = await fetch(`${server.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${key}`, "apollo-require-preflight": "true", "x-request-id": "private-2" },
    });
    expect(get.status).toBe(200);
    await linesOf("private-1");
    const lines = await linesOf("private-2");
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ method: "GET", path: "/graphql" });
    const all = log.raw.join("\n");
    expect(all).not.toContain(marker);
    expect(all).not.toContain(encodeURIComponent(marker));
    expect(all).not.toContain(key);
    expect(all).not.toContain("variables");
  });

  it("censors secret fields and scrubs texts as a second line of defence", () => {
    const own = memoryLog("info");
    own.logger.info(
      {
        req: { headers: { authorization: "Bearer abc", cookie: "s=1", "x-api-key": "k" } },
        variables: { email: "a@b.c" },
        nested: { password: "p" },
      },
      "test",
    );
    const [line] = own.lines();
    expect(line?.req).toEqual({ headers: { authorization: "[redacted]", cookie: "[redacted]", "x-api-key": "[redacted]" } });
    expect(line?.variables).toBe("[redacted]");
    expect(line?.nested).toEqual({ password: "[redacted]" });
    expect(scrubText("GET https://api.example.com/orders?token=s3cret failed; sent Bearer abc.def")).toBe(
      "GET https://api.example.com/orders?[redacted] failed; sent Bearer [redacted]",
    );
  });
});
