/**
 * Nothing secret leaves: over every registered demo provider, a set of scenarios
 * (lists, details with items, writes, bad client keys, malformed requests,
 * providers refusing our credentials, down, or answering errors and bad bodies) runs with the logger at debug
 * into memory, and the secret scanner must find no provider credential, no
 * token the emulators issued, no Iteras password hash and no client key in
 * any log line or response. The scanner is shown to find planted secrets.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultSettings } from "../../emulators/shared/emulator-http.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { describeFindings, type KnownSecret, type ScannedText, scanForSecrets } from "../helpers/secret-scanner.ts";
import { ADMIN_KEY, type MemoryLog, memoryLog, READER_KEY, startTestServer, type TestServer } from "../helpers/test-server.ts";

const WRONG_CLIENT_KEY = `wrong-client-key-${randomBytes(8).toString("hex")}`;

let emulators: StartedEmulator[];
let server: TestServer;
let broken: TestServer;
let log: MemoryLog;
const secrets: KnownSecret[] = [];
/** Every response of the scenarios: status line, headers and body. */
const responses: ScannedText[] = [];

const byKind = (kind: string) => {
  const emulator = emulators.find((e) => e.kind === kind);
  if (!emulator) throw new Error(`no ${kind} emulator`);
  return emulator;
};

/** Replaces an emulator's faults in place (the emulator reads that object on every request). */
function setFaults(emulator: StartedEmulator, faults: FaultSettings): void {
  const live = emulator.server.faults as Record<string, unknown>;
  for (const key of Object.keys(live)) delete live[key];
  Object.assign(live, faults);
}

/** A GraphQL answer, loosely typed. */
interface Answer {
  data?: Record<string, unknown>;
  errors?: unknown[];
}

/** Sends a request and keeps everything that came back for the scan. */
async function send(
  scenario: string,
  target: TestServer,
  init: { path?: string; method?: string; headers?: Record<string, string>; body?: string },
) {
  const response = await fetch(`${target.url}${init.path ?? "/graphql"}`, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  responses.push({ source: `response of "${scenario}"`, text: `${response.status}\n${headers}\n\n${text}` });
  return { status: response.status, text, json: <T = Answer>() => JSON.parse(text) as T };
}

const gql = (scenario: string, target: TestServer, query: string, variables?: Record<string, unknown>, key = ADMIN_KEY) =>
  send(scenario, target, {
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });

const ORDER_FIELDS = `
  id provider { id } nativeId number status nativeStatus { code label } paymentStatus createdAt updatedAt
  email vendorReference subtotal { amount currency } total { amount currency }
  billingAddress { formatted lines country } shippingAddress { formatted lines country }
  customer { id nativeId }
  items { name sku quantity unitPrice { amount currency } }
  ... on IterasOrder { orderingForm orderingCode resumeOrderingUrl ip customerId subscriptions customFields { name } invoiceLines { __typename } }
`;

beforeAll(async () => {
  emulators = await startEmulators({ host: "127.0.0.1", size: 40 });
  log = memoryLog("debug");

  for (const emulator of emulators) {
    for (const [name, value] of Object.entries(emulator.credentials)) secrets.push({ name: `${emulator.id} credentials.${name}`, value });
  }
  const cscart = byKind("cscart").credentials;
  const basic = Buffer.from(`${cscart.email}:${cscart.apiKey}`).toString("base64");
  secrets.push({ name: "cscart Basic auth value", value: basic });

  // A token the emnify emulator issues (ordergraph's own differ per login; the JWT shape finds those).
  const emnify = byKind("emnify");
  const login = await fetch(`${emnify.url}/api/v1/authenticate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: emnify.credentials.username, password: emnify.credentials.password }),
  });
  const tokens = (await login.json()) as { auth_token: string; refresh_token: string };
  secrets.push({ name: "emnify auth_token", value: tokens.auth_token }, { name: "emnify refresh_token", value: tokens.refresh_token });

  // The Iteras password hashes, as the emulator serves them.
  const iteras = byKind("iteras");
  const raw = await fetch(`${iteras.url}/orders/`, { headers: { "x-iteras-key": String(iteras.credentials.apiKey) } });
  const hashes = ((await raw.json()) as { orders: Array<{ password?: string }> }).orders.flatMap((o) => (o.password ? [o.password] : []));
  expect(hashes.length).toBeGreaterThan(5);
  for (const [i, value] of hashes.entries()) secrets.push({ name: `iteras password hash #${i}`, value });

  secrets.push({ name: "admin client key", value: ADMIN_KEY }, { name: "reader client key", value: READER_KEY });
  secrets.push({ name: "wrong client key", value: WRONG_CLIENT_KEY });

  const cursorSecret = `cursor-secret-${randomBytes(16).toString("hex")}`;
  secrets.push({ name: "server.cursorSecret", value: cursorSecret });
  server = await startTestServer({
    providers: emulators.map((e) => e.entry),
    logger: log.logger,
    server: { authFailures: { max: 3, windowMs: 60_000 }, cursorSecret },
  });

  // The same providers with credentials they refuse, and one provider that is down.
  const downPort = await closedPort();
  const brokenEntries = emulators.map((e) => {
    const credentials = Object.fromEntries(
      Object.entries(e.credentials).map(([name, value]) => {
        if (name === "email" || name === "username") return [name, value];
        const wrong = `wrong-${name}-${randomBytes(8).toString("hex")}`;
        secrets.push({ name: `${e.id} wrong credentials.${name}`, value: wrong });
        return [name, wrong];
      }),
    );
    const baseUrl = e.kind === "djangoshop" ? `http://127.0.0.1:${downPort}/api` : e.entry.baseUrl;
    return { ...e.entry, baseUrl, credentials, resilience: { retries: 0 } };
  });
  broken = await startTestServer({ providers: brokenEntries, logger: log.logger });
});

afterAll(async () => {
  await server?.close();
  await broken?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

describe("no secret in logs or responses", () => {
  it("runs the scenarios and finds nothing", async () => {
    // Lists with items and every order field, over the five providers.
    type Listed = { id: string; provider: { id: string }; customer: { id: string } | null };
    const list = (await gql("orders list", server, `{ orders(first: 25) { totalCount nodes { ${ORDER_FIELDS} } } }`)).json<{
      data?: { orders: { nodes: Listed[] } };
      errors?: unknown[];
    }>();
    expect(list.errors).toBeUndefined();
    const nodes = list.data?.orders.nodes ?? [];
    expect(new Set(nodes.map((n) => n.provider.id)).size).toBeGreaterThanOrEqual(3);
    for (const kind of PROVIDER_DEFINITIONS.map((d) => d.configKind)) {
      const page = await gql(
        `orders of ${kind}`,
        server,
        `query ($p: [ID!]) { orders(first: 5, providers: $p) { nodes { ${ORDER_FIELDS} } } }`,
        { p: [byKind(kind).id] },
      );
      const body = page.json<{ data?: { orders: { nodes: Listed[] } } }>();
      const ids = body.data?.orders.nodes.map((n) => n.id) ?? [];
      expect(ids.length, kind).toBeGreaterThan(0);
      // Details, one by one and batched, and a customer with their orders.
      await gql(`order of ${kind}`, server, `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: ids[0] });
      await gql(`nodes of ${kind}`, server, `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Order { ${ORDER_FIELDS} } } }`, { ids });
      const customer = body.data?.orders.nodes.find((n) => n.customer)?.customer;
      if (customer) {
        await gql(`customer of ${kind}`, server, `query ($id: ID!) { customer(id: $id) { id orders(first: 3) { nodes { id email } } } }`, {
          id: customer.id,
        });
      }
    }

    // Writes on CS-Cart, and one where the provider cannot write.
    const cscartIds = await gql("cscart ids", server, `{ orders(first: 2, providers: ["shop-cscart"]) { nodes { id } } }`);
    const cscartId = cscartIds.json<{ data?: { orders: { nodes: Array<{ id: string }> } } }>().data?.orders.nodes[0]?.id;
    expect(cscartId).toBeDefined();
    const status = await gql(
      "cscart status write",
      server,
      "mutation ($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status } userErrors { code message } } }",
      { input: { orderId: cscartId, status: "COMPLETED", notifyCustomer: false } },
    );
    expect(status.status).toBe(200);
    await gql(
      "cscart reference write",
      server,
      "mutation ($input: SetOrderVendorReferenceInput!) { setOrderVendorReference(input: $input) { order { id vendorReference } userErrors { code message } } }",
      { input: { orderId: cscartId, vendorReference: "REF-1" } },
    );
    const itId = nodes.find((n) => n.provider.id === byKind("iteras").id)?.id;
    await gql(
      "iteras write (not supported)",
      server,
      "mutation ($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { userErrors { code message } } }",
      { input: { orderId: itId ?? "x", status: "CANCELLED" } },
    );

    // Cursors signed with server.cursorSecret: pages on with one, and an edited one refused.
    const firstPage = await gql("merged page with cursors", server, "{ orders(first: 5) { edges { cursor } pageInfo { endCursor } } }");
    const endCursor = firstPage.json<{ data?: { orders: { pageInfo: { endCursor: string } } } }>().data?.orders.pageInfo.endCursor;
    expect(endCursor).toBeTruthy();
    const pageOn = "query ($after: String) { orders(first: 5, after: $after) { edges { cursor } } }";
    await gql("next page by cursor", server, pageOn, { after: endCursor });
    const edited = Buffer.from(
      Buffer.from(endCursor as string, "base64url")
        .toString("utf8")
        .replace(/"d":"f"/, '"d":"b"'),
    ).toString("base64url");
    expect((await gql("edited cursor", server, pageOn, { after: edited })).json<{ errors?: unknown[] }>().errors).toBeDefined();

    // Personal data without the scope.
    await gql("reader asks for PII", server, `{ orders(first: 3) { nodes { id email } } }`, undefined, READER_KEY);

    // Providers answering server errors, 429, cut-off and wrongly shaped bodies (the emulators' fault injection).
    const faultCases: FaultSettings[] = [
      { error: { status: 500 } },
      { status429: { retryAfterSeconds: 0 } },
      { malformedJson: true },
      { wrongShape: true },
    ];
    for (const faults of faultCases) {
      for (const emulator of emulators) setFaults(emulator, faults);
      let failed = 0;
      for (const emulator of emulators) {
        const answer = await gql(
          `orders of ${emulator.kind} with ${Object.keys(faults)[0]}`,
          server,
          `query ($p: [ID!]) { orders(first: 3, providers: $p) { nodes { id items { sku } } } }`,
          { p: [emulator.id] },
        );
        // A provider whose answer is still cached (Iteras reads its archive once) answers without an error.
        if (answer.json().errors) failed += 1;
      }
      expect(failed, Object.keys(faults)[0]).toBeGreaterThanOrEqual(3);
      for (const emulator of emulators) setFaults(emulator, {});
    }

    // Bad client keys until this address is locked out of `server` (the later requests go to `broken`).
    for (const header of [
      `Bearer ${WRONG_CLIENT_KEY}`,
      `Basic ${Buffer.from(`x:${ADMIN_KEY}`).toString("base64")}`,
      `Bearer ${ADMIN_KEY}x`,
    ]) {
      await send(`bad key ${header.slice(0, 6)}`, server, {
        headers: { "content-type": "application/json", authorization: header },
        body: "{}",
      });
    }
    const locked = await send("locked out", server, {
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ providers { id } }" }),
    });
    expect(locked.status).toBe(429);

    // Malformed requests that carry a secret (sent to the server that does not lock this address out).
    await send("malformed JSON", broken, {
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: `{"query": "{ providers { id } }", "variables": {"key": "${ADMIN_KEY}"`,
    });
    // A variable of the wrong type: graphql quotes the value back to the client who sent it; only the log matters.
    const echoed = responses.length;
    await send("bad variable", broken, {
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "query ($n: Int) { orders(first: $n) { totalCount } }", variables: { n: ADMIN_KEY } }),
    });
    responses.splice(echoed);
    const getQuery = encodeURIComponent(`{ orders(first: 1, filter: { email: "${ADMIN_KEY}" }) { totalCount } }`);
    await send("GET with a query string", broken, {
      method: "GET",
      path: `/graphql?query=${getQuery}`,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" },
    });

    // Providers refusing our credentials, or down.
    const failing = (await gql("orders from failing providers", broken, `{ orders(first: 5) { nodes { ${ORDER_FIELDS} } } }`)).json();
    expect(failing.errors?.length).toBeGreaterThan(0);
    for (const emulator of emulators) {
      const refused = await gql(
        `orders of failing ${emulator.kind}`,
        broken,
        `query ($p: [ID!]) { orders(first: 5, providers: $p) { nodes { id } } }`,
        {
          p: [emulator.id],
        },
      );
      expect(refused.json().errors?.length, emulator.kind).toBeGreaterThan(0);
    }
    for (const id of nodes.slice(0, 10).map((n) => n.id)) {
      await gql("order from a failing provider", broken, `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id });
    }
    await gql(
      "write with refused credentials",
      broken,
      "mutation ($input: SetOrderVendorReferenceInput!) { setOrderVendorReference(input: $input) { userErrors { code message } } }",
      { input: { orderId: cscartId, vendorReference: "REF-2" } },
    );

    // An unknown route with a secret in its query string: only the log matters (the 404 body echoes the client's own URL).
    const before = responses.length;
    await send("unknown route", broken, { method: "GET", path: `/nope?token=${ADMIN_KEY}` });
    responses.splice(before);

    const logLines = log.raw.map((text, i) => ({ source: `log line ${i + 1}`, text }));
    expect(logLines.length).toBeGreaterThan(50);
    expect(log.lines().some((l) => l.msg === "upstream call" && l.status === 401 && l.level === "warn")).toBe(true);
    expect(log.lines().some((l) => l.msg === "upstream call" && l.errorCode === "PROVIDER_UNAVAILABLE")).toBe(true);
    expect(log.lines().some((l) => l.msg === "upstream call" && l.status === 500 && l.level === "warn")).toBe(true);
    expect(log.lines().some((l) => l.msg === "graphql operation" && String(l.errorCodes).includes("UPSTREAM_INVALID_RESPONSE"))).toBe(true);
    const findings = scanForSecrets([...logLines, ...responses], secrets);
    expect(findings, describeFindings(findings)).toEqual([]);
  });
});

describe("the scanner", () => {
  it("finds planted secrets in every form", () => {
    const cscart = byKind("cscart").credentials;
    const emnify = byKind("emnify").credentials;
    const iterasHash = secrets.find((s) => s.name.startsWith("iteras password hash"))?.value ?? "";
    // Planted through the server's own logger, in a field nothing censors.
    log.logger.info({ note: `the key is ${cscart.apiKey}` }, "planted");
    const planted: ScannedText[] = [
      { source: "planted log line", text: log.raw.at(-1) ?? "" },
      { source: "planted basic", text: `authorization: Basic ${Buffer.from(`${cscart.email}:${cscart.apiKey}`).toString("base64")}` },
      {
        source: "planted url",
        text: `https://x.example/login?user=${encodeURIComponent(String(cscart.email))}&password=${emnify.password}`,
      },
      { source: "planted hash", text: JSON.stringify({ password: iterasHash }) },
      { source: "planted jwt", text: "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl" },
    ];
    const findings = scanForSecrets(planted, secrets);
    const found = (source: string) => findings.filter((f) => f.source === source).map((f) => `${f.secret}/${f.form}`);
    expect(found("planted log line")).toContain("shop-cscart credentials.apiKey/clear");
    expect(found("planted basic")).toEqual(
      expect.arrayContaining([
        "cscart Basic auth value/clear",
        "shop-cscart credentials.apiKey/base64",
        "credentials after an auth scheme/shape",
      ]),
    );
    expect(found("planted url")).toEqual(
      expect.arrayContaining(["shop-cscart credentials.email/url-encoded", "sims-emnify credentials.password/clear"]),
    );
    expect(found("planted hash").some((f) => f.startsWith("iteras password hash"))).toBe(true);
    expect(found("planted jwt")).toEqual(["a JWT/shape"]);
    expect(scanForSecrets([{ source: "clean", text: "nothing to see: Bearer <key>" }], secrets)).toEqual([]);
  });
});
