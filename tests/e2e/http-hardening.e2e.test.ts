/**
 * The HTTP layer against hostile clients, over real sockets: slow headers and
 * slow bodies are cut at the configured timeouts (while a slow answer to a
 * complete request is not), a request without a valid key is refused on its
 * headers before any of its body is read, and every /graphql answer carries
 * `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`; /graphiql
 * comes with a Content-Security-Policy that allows its own inline script by
 * hash and forbids framing (tests/browser runs the page under it).
 */
import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CsCartEmulator, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import { csCartDefinition } from "../../src/providers/cscart/cscart.definition.ts";
import { ADMIN_KEY, csCartEntry, startTestServer, type TestServer } from "../helpers/test-server.ts";

const HEADERS_TIMEOUT_MS = 1000;
const BODY_TIMEOUT_MS = 1500;
/** Node checks the timeouts once a second (TIMEOUT_CHECK_MS in app.ts); a loaded machine adds a little. */
const SLACK_MS = 1800;

let emulator: CsCartEmulator;
let server: TestServer;

beforeAll(async () => {
  emulator = await startCsCartEmulator({ host: "127.0.0.1", port: 0, size: 10 });
  server = await startTestServer({
    definitions: [csCartDefinition],
    providers: [csCartEntry(emulator, { resilience: { retries: 0 } })],
    server: { http: { headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: BODY_TIMEOUT_MS } },
  });
});

afterEach(() => {
  emulator.faults = {};
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** What a raw connection saw: the answer's text, when its first byte came and when the server closed it. */
interface Exchange {
  text: string;
  firstByteMs: number | null;
  closedMs: number;
}

/**
 * Opens a socket, writes `head`, then `trickle.text` every `trickle.everyMs`
 * (when given) until the server answers or closes; resolves when the server closes.
 */
function exchange(head: string, trickle?: { text: string; everyMs: number }): Promise<Exchange> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let text = "";
    let firstByteMs: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(Number(port), "127.0.0.1", () => {
      if (head) socket.write(head);
      if (trickle) {
        timer = setInterval(() => {
          if (firstByteMs === null && socket.writable) socket.write(trickle.text);
        }, trickle.everyMs);
      }
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      firstByteMs ??= performance.now() - started;
      text += chunk;
    });
    // The server may close while a trickled byte is on its way.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ text, firstByteMs, closedMs: performance.now() - started });
    });
    // A guard for today's behaviour (no timeouts): the test fails on its assertions rather than hanging.
    setTimeout(() => socket.destroy(), 15_000).unref();
  });
}

const postHead = (extra: string, length = 100_000) =>
  `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

/** One byte of body every 200 ms: 100,000 bytes would take over five hours. */
const BYTE_BY_BYTE = { text: "{", everyMs: 200 };

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

describe("slow clients", () => {
  it("cuts a body trickled a byte at a time at bodyTimeoutMs, with a key or without", async () => {
    const [keyed, keyless] = await Promise.all([
      exchange(postHead(`Authorization: Bearer ${ADMIN_KEY}\r\n`), BYTE_BY_BYTE),
      // A keyless request is refused on its headers, so this one never gets to trickle for long.
      exchange(postHead(""), BYTE_BY_BYTE),
    ]);
    expect(statusOf(keyed.text)).toBe(408);
    expect(keyed.closedMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 100);
    expect(keyed.closedMs).toBeLessThan(BODY_TIMEOUT_MS + SLACK_MS);
    expect(statusOf(keyless.text)).toBe(401);
    expect(keyless.closedMs).toBeLessThan(BODY_TIMEOUT_MS);
  });

  it("cuts a connection that sends its headers too slowly, or nothing at all, at headersTimeoutMs", async () => {
    const slowHeaders = exchange("POST /graphql HTTP/1.1\r\n", { text: "X-Padding: a\r\n", everyMs: 100 });
    const [slow, silent] = await Promise.all([slowHeaders, exchange("")]);
    for (const cut of [slow, silent]) {
      expect(statusOf(cut.text)).toBe(408);
      expect(cut.closedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(cut.closedMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    }
  });

  it("keeps an idle keep-alive connection open past the header timeout, for the client's next request", async () => {
    const { port } = new URL(server.url);
    const get = (close: string) =>
      `GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: 127.0.0.1\r\napollo-require-preflight: 1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n${close}\r\n`;
    const text = await new Promise<string>((resolve, reject) => {
      let answer = "";
      const socket = connect(Number(port), "127.0.0.1", () => socket.write(get("")));
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(answer));
      // Idle for twice the header timeout (and past the body timeout), then the next request.
      setTimeout(() => socket.writable && socket.write(get("Connection: close\r\n")), 2 * HEADERS_TIMEOUT_MS + 500);
    });
    expect([...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))).toEqual([200, 200]);
  });

  it("answers a complete request whose answer takes longer than both timeouts", async () => {
    emulator.faults = { latencyMs: BODY_TIMEOUT_MS + 1000 };
    const started = performance.now();
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ orders(first: 2) { nodes { id } } }" }),
    });
    const body = (await response.json()) as { data?: { orders: { nodes: unknown[] } }; errors?: unknown };
    expect(performance.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS + 900);
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.orders.nodes).toHaveLength(2);
  });
});

describe("authentication before the body", () => {
  it("refuses a request without a key, or with a wrong one, on its headers: none of the body is sent, and the connection closes", async () => {
    for (const authorization of ["", "Authorization: Bearer wrong-key-0123456789\r\n"]) {
      // Headers only: a server that waited for the body would answer nothing until bodyTimeoutMs (408).
      const refused = await exchange(postHead(authorization));
      expect(statusOf(refused.text), authorization).toBe(401);
      expect(refused.text).toMatch(/\r\nconnection: close\r\n/i);
      expect(refused.text).toMatch(/\r\nwww-authenticate: Bearer realm="ordergraph"\r\n/i);
      expect(refused.text).toContain('"code":"UNAUTHENTICATED"');
      expect(refused.firstByteMs).toBeLessThan(BODY_TIMEOUT_MS / 2);
      expect(refused.closedMs).toBeLessThan(BODY_TIMEOUT_MS / 2);
    }
  });

  it("refuses an unparseable body of a keyless request as unauthenticated, not as a bad body", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(401);
  });

  it("keeps the connection of a refused GET, which has no body, open for the next request", async () => {
    const refused = await exchange(
      "GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: 127.0.0.1\r\napollo-require-preflight: 1\r\n\r\n" +
        `GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: 127.0.0.1\r\napollo-require-preflight: 1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\n\r\n`,
    );
    const statuses = [...refused.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([401, 200]);
  });

  it("lets OPTIONS through without a key, to Apollo's own answer, as before", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    expect(response.status).not.toBe(401);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(await response.text()).not.toContain("UNAUTHENTICATED");
  });
});

describe("headers of /graphql answers", () => {
  const expectHardened = (response: Response, what: string) => {
    expect(response.headers.get("cache-control"), what).toBe("no-store");
    expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
  };
  const post = (body: string, key: string | null = ADMIN_KEY) =>
    fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });

  it("on data and errors, GET and POST, and refusals", async () => {
    const ok = await post(JSON.stringify({ query: "{ orders(first: 1) { nodes { id } } }" }));
    expect(ok.status).toBe(200);
    expectHardened(ok, "POST data");
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ providers { id } }")}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "1" },
    });
    expect(get.status).toBe(200);
    expectHardened(get, "GET data");
    const invalid = await post(JSON.stringify({ query: "{ noSuchField }" }));
    // A request error answered as application/json: 200 (GraphQL over HTTP).
    expect(invalid.status).toBe(200);
    expectHardened(invalid, "validation error");
    const badJson = await post("{not json");
    expect(badJson.status).toBe(400);
    expectHardened(badJson, "unparseable body");
    const keyless = await post(JSON.stringify({ query: "{ __typename }" }), null);
    expect(keyless.status).toBe(401);
    expectHardened(keyless, "401");
    // A GET without a key: refused before Apollo (CSRF prevention would refuse it there too).
    const keylessGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(keylessGet.status).toBe(401);
    expectHardened(keylessGet, "keyless GET");
    for (const response of [ok, get, invalid, badJson, keyless, keylessGet]) await response.body?.cancel();
  });
});

describe("headers of /graphiql", () => {
  it("a CSP that allows the page's inline script by its hash, no other inline script, and no framing", async () => {
    const response = await fetch(`${server.url}/graphiql`);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    const directives = new Map(
      policy.split(/;\s*/).map((directive) => {
        const [name, ...sources] = directive.split(" ");
        return [name, sources] as const;
      }),
    );
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    const html = await response.text();
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] as string);
    expect(inline).toHaveLength(1);
    const hash = createHash("sha256")
      .update(inline[0] as string)
      .digest("base64");
    expect(directives.get("script-src")).toEqual(["'self'", `'sha256-${hash}'`]);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
