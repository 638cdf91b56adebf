/**
 * Every emulator serves an OpenAPI description of its API at GET /openapi.json,
 * without auth: the benchmark's peer (Hive Gateway) is built from it, and users
 * can generate clients from it. It must describe every route the emulator
 * answers and must not carry a credential.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIVEPLATFORM_DEFAULT_TOKEN, startActivePlatformEmulator } from "../../emulators/activeplatform/activeplatform.emulator.ts";
import { CSCART_DEFAULT_CREDENTIALS, startCsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import {
  DJANGOSHOP_DEFAULT_TOKEN,
  type DjangoShopEmulatorOptions,
  startDjangoShopEmulator,
} from "../../emulators/djangoshop/djangoshop.emulator.ts";
import { EMNIFY_DEFAULT_CREDENTIALS, startEmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import { ITERAS_DEFAULT_API_KEY, startIterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import type { RunningServer } from "../../emulators/shared/emulator-http.ts";
import { startDemoEmulator } from "../../src/demo/demo-providers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";

interface Case {
  kind: string;
  start: () => Promise<RunningServer>;
  /** The routes the emulator answers (method and OpenAPI path template). */
  routes: Array<[method: string, path: string]>;
  /** A described request that must reach a handler (not 404) with the credentials. */
  probe: { path: string; headers: Record<string, string> };
  secrets: string[];
  scheme: Record<string, unknown>;
  /** Real answers to check against the schema the document gives their route and status. */
  answers: DescribedAnswer[];
}

/** A request whose answer must fit its described response schema. */
interface DescribedAnswer {
  route: [method: string, path: string];
  path: string;
  headers: Record<string, string>;
  status: number;
  /** Keys the answer must hold somewhere, so the check is known to reach their schemas. */
  covers?: string[];
}

const basic = Buffer.from(`${CSCART_DEFAULT_CREDENTIALS.email}:${CSCART_DEFAULT_CREDENTIALS.apiKey}`).toString("base64");

/** The Django shop under one of its settings: its OpenAPI document follows them (amount form, zone). */
function djangoShopCase(kind: string, options: Omit<DjangoShopEmulatorOptions, "size">): Case {
  const headers = { authorization: `Token ${DJANGOSHOP_DEFAULT_TOKEN}` };
  return {
    kind,
    start: () => startDjangoShopEmulator({ size: 20, ...options }),
    routes: [
      ["get", "/api/orders/"],
      ["get", "/api/orders/{id}/"],
    ],
    probe: { path: "/api/orders/?limit=2", headers },
    secrets: [DJANGOSHOP_DEFAULT_TOKEN],
    scheme: { type: "apiKey", in: "header", name: "Authorization" },
    answers: [
      {
        route: ["get", "/api/orders/"],
        path: "/api/orders/?limit=20",
        headers,
        status: 200,
        covers: ["total", "shipping_cost", "created_at"],
      },
    ],
  };
}

const CASES: Case[] = [
  {
    kind: "iteras",
    start: () => startIterasEmulator({ size: 20 }),
    routes: [["get", "/api/orders/"]],
    probe: { path: "/api/orders/?status=approved", headers: { "x-iteras-key": ITERAS_DEFAULT_API_KEY } },
    secrets: [ITERAS_DEFAULT_API_KEY],
    scheme: { type: "apiKey", in: "header", name: "X-Iteras-Key" },
    answers: [
      // The plain list is served from cached row JSON, the other forms are built per request: both are checked.
      {
        route: ["get", "/api/orders/"],
        path: "/api/orders/",
        headers: { "x-iteras-key": ITERAS_DEFAULT_API_KEY },
        status: 200,
        covers: ["subscribed_to", "payment_agreement", "subscriptions", "billing_address"],
      },
      {
        route: ["get", "/api/orders/"],
        path: "/api/orders/?fields=data,invoice_lines&iframe=1",
        headers: { "x-iteras-key": ITERAS_DEFAULT_API_KEY },
        status: 200,
        covers: ["subscribed_to", "invoice_lines", "resume_ordering_url"],
      },
      {
        route: ["get", "/api/orders/"],
        path: "/api/orders/?order_id=abc",
        headers: { "x-iteras-key": ITERAS_DEFAULT_API_KEY },
        status: 400,
      },
      { route: ["get", "/api/orders/"], path: "/api/orders/", headers: { "x-iteras-key": "not-the-key" }, status: 404 },
    ],
  },
  {
    kind: "emnify",
    start: () => startEmnifyEmulator({ size: 20 }),
    routes: [
      ["post", "/api/v1/authenticate"],
      ["get", "/api/v1/shop/order"],
      ["get", "/api/v1/shop/order/{id}"],
    ],
    probe: { path: "/api/v1/shop/order", headers: {} },
    secrets: Object.values(EMNIFY_DEFAULT_CREDENTIALS),
    scheme: { type: "http", scheme: "bearer" },
    // A list needs a token from a POST first; the refusal without one is a GET of its own.
    answers: [{ route: ["get", "/api/v1/shop/order"], path: "/api/v1/shop/order", headers: {}, status: 401 }],
  },
  {
    kind: "cscart",
    start: () => startCsCartEmulator({ size: 20 }),
    routes: [
      ["get", "/api/orders"],
      ["get", "/api/orders/search"],
      ["get", "/api/orders/{order_id}"],
      ["put", "/api/orders/{order_id}"],
    ],
    probe: { path: "/api/orders?items_per_page=2", headers: { authorization: `Basic ${basic}` } },
    secrets: [CSCART_DEFAULT_CREDENTIALS.apiKey, basic],
    scheme: { type: "http", scheme: "basic" },
    answers: [
      { route: ["get", "/api/orders"], path: "/api/orders?items_per_page=20", headers: { authorization: `Basic ${basic}` }, status: 200 },
    ],
  },
  {
    kind: "activeplatform",
    start: () => startActivePlatformEmulator({ size: 20 }),
    routes: [
      ["get", "/api/vendor/v1/orders.json"],
      ["get", "/api/vendor/v1/orders/{id}.json"],
    ],
    probe: { path: `/api/vendor/v1/orders.json?api_token=${ACTIVEPLATFORM_DEFAULT_TOKEN}&per_page=2`, headers: {} },
    secrets: [ACTIVEPLATFORM_DEFAULT_TOKEN],
    scheme: { type: "apiKey", in: "query", name: "api_token" },
    answers: [
      {
        route: ["get", "/api/vendor/v1/orders.json"],
        path: `/api/vendor/v1/orders.json?api_token=${ACTIVEPLATFORM_DEFAULT_TOKEN}&per_page=20`,
        headers: {},
        status: 200,
      },
    ],
  },
  djangoShopCase("djangoshop", {}),
  djangoShopCase("djangoshop (amounts as decimal numbers)", { orderAmounts: "decimal" }),
  djangoShopCase("djangoshop (amounts as decimal strings, Copenhagen time)", {
    orderAmounts: "decimal",
    coerceDecimalToString: true,
    timeZone: "Europe/Copenhagen",
  }),
];

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  security?: unknown[];
  paths: Record<
    string,
    Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>
  >;
  components: { securitySchemes: Record<string, Record<string, unknown>>; schemas: Record<string, unknown> };
};

/** Every `$ref` in the document, to check that each points at a defined schema. */
function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

type Schema = { [keyword: string]: unknown };

/** The keywords {@link mismatches} understands; any other that matters would make the check silently lax. */
const KEYWORDS = new Set([
  "$ref",
  "type",
  "enum",
  "oneOf",
  "anyOf",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "pattern",
  "minimum",
  "maximum",
  "description",
  "format",
  "default",
  "example",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Where `value` does not fit `schema` (a JSON Schema subset, enough for the
 * emulators' documents), as "path: problem" lines; empty when it fits.
 */
function mismatches(doc: { components: { schemas: Record<string, unknown> } }, schema: Schema, value: unknown, at = "$"): string[] {
  const unknown = Object.keys(schema).filter((k) => !KEYWORDS.has(k));
  if (unknown.length > 0) throw new Error(`${at}: the check does not understand ${unknown.join(", ")}`);
  if (typeof schema.$ref === "string") {
    const name = /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : (doc.components.schemas[name] as Schema | undefined);
    if (target === undefined) return [`${at}: unresolved ${schema.$ref}`];
    return mismatches(doc, target, value, at);
  }
  // oneOf is read as anyOf: the documents use it for alternatives of different types, which cannot both fit.
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const options = schema[keyword] as Schema[] | undefined;
    if (options?.every((option) => mismatches(doc, option, value, at).length > 0)) return [`${at}: fits none of ${keyword}`];
  }
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    // JSON Schema: an integer is a number too.
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number"))) {
      return [`${at}: expected ${types.join(" or ")}, got ${actual}`];
    }
  }
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not in the enum`);
  if (typeof value === "string" && typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${at}: ${value} < ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${at}: ${value} > ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      problems.push(...mismatches(doc, schema.items as Schema, item, `${at}[${i}]`));
    });
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) problems.push(`${at}: missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const property = properties[key];
      if (property) problems.push(...mismatches(doc, property, item, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}: unexpected ${key}`);
      else if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
        problems.push(...mismatches(doc, schema.additionalProperties as Schema, item, `${at}.${key}`));
      }
    }
  }
  return problems;
}

/** Every object key anywhere in `value`. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.add(key);
      keysOf(item, out);
    }
  }
  return out;
}

describe("the answer-against-schema check", () => {
  const doc = { components: { schemas: {} } };

  it("flags an array where the document describes an object, and the other way round", () => {
    const product = { type: "object", properties: { subscribed_to: { type: "object", additionalProperties: true } } };
    expect(mismatches(doc, product, { subscribed_to: [{ name: "Test Magazine" }] })).toEqual([
      "$.subscribed_to: expected object, got array",
    ]);
    expect(mismatches(doc, { type: "array" }, {})).toEqual(["$: expected array, got object"]);
  });

  it("follows $ref, items, required and enums", () => {
    const withRef = {
      components: { schemas: { Item: { type: "object", required: ["name"], properties: { kind: { enum: ["a", "b"] } } } } },
    };
    const list = { type: "array", items: { $ref: "#/components/schemas/Item" } };
    expect(mismatches(withRef, list, [{ name: "x", kind: "a" }])).toEqual([]);
    expect(mismatches(withRef, list, [{ kind: "c" }])).toEqual(["$[0]: missing name", '$[0].kind: "c" is not in the enum']);
  });

  it("refuses a keyword it cannot check rather than passing it", () => {
    expect(() => mismatches(doc, { allOf: [] }, {})).toThrow(/allOf/);
  });
});

describe.each(PROVIDER_DEFINITIONS)("$configKind, as registered: its demo emulator's GET /openapi.json", (definition) => {
  it("answers an OpenAPI 3 document without auth and without the demo entry's credentials, and a case below checks its routes", async () => {
    const started = await startDemoEmulator(definition, { host: "127.0.0.1", port: 0, size: 5 });
    try {
      const response = await fetch(`${started.server.url}/openapi.json`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect((JSON.parse(text) as Doc).openapi).toMatch(/^3\.[01]\.\d+$/);
      for (const secret of Object.values(started.credentials)) expect(text).not.toContain(secret);
      expect(
        CASES.map((c) => c.kind),
        `no case describes the routes of the ${definition.configKind} emulator`,
      ).toContain(definition.configKind);
    } finally {
      await started.close();
    }
  });
});

describe.each(CASES)("$kind emulator: GET /openapi.json", (c) => {
  let server: RunningServer;
  let text: string;
  let doc: Doc;
  let status: number;
  let contentType: string | null;

  beforeAll(async () => {
    server = await c.start();
    const response = await fetch(`${server.url}/openapi.json`);
    status = response.status;
    contentType = response.headers.get("content-type");
    text = await response.text();
    doc = JSON.parse(text) as Doc;
  });
  afterAll(() => server.close());

  it("answers an OpenAPI 3 document without credentials", () => {
    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.[01]\.\d+$/);
    expect(doc.info.title).not.toBe("");
    expect(doc.info.version).not.toBe("");
  });

  it("describes every route the emulator answers, each with an operation id and a 200 answer", () => {
    const described = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(described.sort()).toEqual(c.routes.map(([method, path]) => `${method} ${path}`).sort());
    for (const [method, path] of c.routes) {
      const operation = doc.paths[path]?.[method];
      expect(operation?.operationId, `${method} ${path}`).toMatch(/^\w+$/);
      expect(Object.keys(operation?.responses ?? {})).toContain("200");
    }
  });

  it("declares the provider's auth scheme and resolves every $ref", () => {
    expect(Object.values(doc.components.securitySchemes)).toContainEqual(expect.objectContaining(c.scheme));
    expect(doc.security?.length).toBeGreaterThan(0);
    for (const ref of refsOf(doc)) {
      const name = /^#\/components\/schemas\/(\w+)$/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name], ref).toBeTruthy();
    }
  });

  it("carries no credential", () => {
    for (const secret of c.secrets) expect(text).not.toContain(secret);
  });

  it("describes paths the emulator really serves", async () => {
    const response = await fetch(`${server.url}${c.probe.path}`, { headers: c.probe.headers });
    // emnify's probe has no token: a 401 proves the route exists (an unknown path is 404).
    expect(response.status).not.toBe(404);
    await response.arrayBuffer();
  });

  it("answers as its responses' schemas describe", async () => {
    expect(c.answers.length).toBeGreaterThan(0);
    for (const answer of c.answers) {
      const [method, path] = answer.route;
      const what = `${method} ${answer.path} (${answer.status})`;
      const schema = doc.paths[path]?.[method]?.responses?.[String(answer.status)]?.content?.["application/json"]?.schema;
      expect(schema, `${what}: no schema described`).toBeDefined();
      const response = await fetch(`${server.url}${answer.path}`, { headers: answer.headers });
      expect(response.status, what).toBe(answer.status);
      const body: unknown = await response.json();
      expect(mismatches(doc, schema as Schema, body).slice(0, 10), what).toEqual([]);
      const keys = keysOf(body);
      for (const key of answer.covers ?? []) expect(keys.has(key), `${what}: no ${key} to check`).toBe(true);
    }
  });
});
