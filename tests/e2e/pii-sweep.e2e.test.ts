/**
 * The personal-data sweep of issue 23 over real HTTP against the five
 * emulators. From introspection it builds a selection of every field of each
 * provider's Order type, nested objects included, and runs it as a client
 * without pii:read: no personal value of the emulators' seeded data (names,
 * e-mails, phones, addresses, places, IPs, free texts, payment details, keys
 * and links, tracking numbers) may appear in the answer. The same selection
 * with pii:read finds every kind of them, so the sweep can fail.
 *
 * Also: a merged page on which a reader selects guarded fields keeps every
 * provider's orders (a guarded non-null field used to null the whole page).
 */
import {
  buildClientSchema,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CsCartEmulator } from "../../emulators/cscart/cscart.emulator.ts";
import type { DjangoShopEmulator } from "../../emulators/djangoshop/djangoshop.emulator.ts";
import type { EmnifyEmulator } from "../../emulators/emnify/emnify.emulator.ts";
import type { IterasEmulator } from "../../emulators/iteras/iteras.emulator.ts";
import { type StartedEmulator, startEmulators } from "../../src/demo/demo-providers.ts";
import { MergedPageWithPersonalFieldsDocument } from "../../src/generated/client/graphql.ts";
import { personalFields } from "../../src/graph/resolvers.ts";
import { PROVIDER_DEFINITIONS } from "../../src/providers/registry.ts";
import { ADMIN_KEY, READER_KEY, startTestServer, type TestServer, testEntry } from "../helpers/test-server.ts";

/** Orders per emulator; the sweep reads them all. */
const SIZE = 60;

let emulators: StartedEmulator[];
let server: TestServer;
let schema: GraphQLSchema;

beforeAll(async () => {
  emulators = await startEmulators({ size: SIZE });
  server = await startTestServer({
    providers: emulators.map((e) => testEntry(e)),
    // The sweep selects everything on every order: the limits are not what is tested here.
    server: { limits: { maxCost: 10_000_000, maxTokens: 100_000 } },
  });
  const introspection = await post(getIntrospectionQuery(), READER_KEY);
  schema = buildClientSchema(introspection.data as unknown as IntrospectionQuery);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

async function post(query: string, key: string): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, "status">) };
}

/**
 * Every field of a type that takes no required argument, nested objects
 * expanded; a type already on the path is not entered again (so a customer's
 * orders, which are order types again, end the walk).
 */
function selectionOf(type: GraphQLObjectType | GraphQLInterfaceType, path: ReadonlySet<string>): string {
  const parts = ["__typename"];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(field.name);
    } else if ((isObjectType(named) || isInterfaceType(named)) && !path.has(named.name)) {
      parts.push(`${field.name} { ${selectionOf(named, new Set([...path, named.name]))} }`);
    } else if (isUnionType(named)) {
      const members = named.getTypes().filter((member) => !path.has(member.name));
      parts.push(
        `${field.name} { __typename ${members.map((m) => `... on ${m.name} { ${selectionOf(m, new Set([...path, m.name]))} }`).join(" ")} }`,
      );
    }
  }
  if (isInterfaceType(type)) {
    for (const implementation of schema.getPossibleTypes(type)) {
      parts.push(`... on ${implementation.name} { ${selectionOf(implementation, new Set([...path, implementation.name]))} }`);
    }
  }
  return parts.join(" ");
}

/** The sweep's query of one provider: every order it has, every field of its order type. */
function sweepQuery(provider: StartedEmulator): string {
  const typeName = PROVIDER_DEFINITIONS.find((d) => d.configKind === provider.kind)?.orderType.typeName as string;
  const type = schema.getType(typeName) as GraphQLObjectType;
  const selection = selectionOf(type, new Set(["OrderConnection", typeName]));
  return `{ orders(first: ${SIZE * 2}, providers: ["${provider.id}"]) { totalCount nodes { ... on ${typeName} { ${selection} } } } }`;
}

/** A personal value of the seeded data, and what kind of personal data it is. */
interface PersonalValue {
  kind: string;
  value: string;
}

/** Role names that stand for nobody (emnify's address names without a user). */
const NOBODY = new Set(["Accounts Payable", "Goods receiving"]);

/** The personal values of one emulator's seeded data. */
function personalValues(emulator: StartedEmulator): PersonalValue[] {
  const out: PersonalValue[] = [];
  const add = (kind: string, value: unknown) => {
    if (typeof value !== "string") return;
    const text = value.trim();
    // Too short to tell from other text (an initial, a month, a status letter).
    if (text.length < 3 || NOBODY.has(text)) return;
    out.push({ kind, value: text });
  };
  const lines = (kind: string, value: string | null | undefined) => {
    for (const line of (value ?? "").split("\n")) add(kind, line);
  };
  if (emulator.kind === "cscart") {
    for (const o of (emulator.server as CsCartEmulator).orders) {
      for (const [first, last] of [
        [o.firstname, o.lastname],
        [o.b_firstname, o.b_lastname],
        [o.s_firstname, o.s_lastname],
      ] as const) {
        add("name", first);
        add("name", last);
        add("name", `${first} ${last}`);
      }
      add("e-mail", o.email);
      for (const phone of [o.phone, o.b_phone, o.s_phone]) add("phone", phone);
      for (const line of [o.b_address, o.b_address_2, o.s_address, o.s_address_2, o.company]) add("address", line);
      for (const city of [o.b_city, o.s_city]) add("place", city);
      add("free text", o.notes);
      add("free text", o.details);
      // The cardholder's name, the masked card number, the PayPal transaction.
      if (!Array.isArray(o.payment_info)) for (const value of Object.values(o.payment_info)) if (value.length >= 6) add("payment", value);
    }
  } else if (emulator.kind === "iteras") {
    for (const o of (emulator.server as IterasEmulator).orders) {
      add("e-mail", o.email);
      for (const address of [o.address, o.billing_address]) {
        add("name", address?.name);
        add("address", address?.company);
        lines("address", address?.address);
      }
      add("ip", o.ip);
      add("phone", o[":Phone"]);
      add("free text", o[":How did you hear about us?"]);
      add("key or link", o.resume_ordering_url);
      add("payment", o.payment_agreement?.text);
      for (const product of o.products) add("free text", (product as Record<string, unknown>)[":Gift message"]);
    }
  } else if (emulator.kind === "emnify") {
    for (const o of (emulator.server as EmnifyEmulator).orders) {
      add("name", o.customer_user?.name);
      add("e-mail", o.customer_user?.username);
      add("organisation name", o.customer_organisation?.name);
      for (const address of [o.invoice_address, o.shipping_address]) {
        add("name", address?.name);
        add("organisation name", address?.company);
        add("address", address?.street);
        add("phone", address?.phone);
        add("place", address?.city);
      }
      add("tracking number", o.external_shipping_reference);
    }
  } else if (emulator.kind === "djangoshop") {
    for (const o of (emulator.server as DjangoShopEmulator).orders) {
      add("name", o.customer_data?.full_name);
      add("name", o.customer_data?.username);
      add("name", o.billing_first_name);
      add("name", o.billing_last_name);
      add("identity code", o.billing_national_code);
      add("phone", o.billing_mobile_number);
      add("address", o.billing_address);
      // A postal code of digits alone cannot be told from ids and amounts; the others are searched for.
      if (o.billing_postal_code && !/^\d+$/.test(o.billing_postal_code)) add("address", o.billing_postal_code);
      for (const place of [o.billing_country_data, o.billing_state_data, o.billing_city_data]) add("place", place?.name);
      add("free text", o.notes);
      for (const item of o.items) add("free text", item.notes);
      add("key or link", o.key);
    }
  }
  // ActivePlatform's orders hold accounts, documents and products: nothing about a person.
  return out;
}

/** Every text of an answer, one a line (JSON would escape the line breaks of a formatted address). */
function textsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, out);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) textsOf(item, out);
  return out;
}

/** The personal values that occur in an answer as whole words (so "Lars" is not found in "Larsen"). */
function foundIn(answer: unknown, values: readonly PersonalValue[]): PersonalValue[] {
  const text = textsOf(answer).join("\n");
  const found: PersonalValue[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const key = `${value.kind}\u0000${value.value}`;
    if (seen.has(key) || !text.includes(value.value)) continue;
    seen.add(key);
    const escaped = value.value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "u").test(text)) found.push(value);
  }
  return found;
}

const kindsOf = (values: readonly PersonalValue[]) => [...new Set(values.map((v) => v.kind))].sort();

describe("the personal-data sweep", () => {
  it("builds from introspection a selection of every field of every order type, nested objects included", () => {
    const iteras = selectionOf(schema.getType("IterasOrder") as GraphQLObjectType, new Set(["OrderConnection", "IterasOrder"]));
    for (const part of [
      "standaloneProducts { __typename name",
      "customFields { __typename name value }",
      "customer { __typename id",
      "ip",
    ]) {
      expect(iteras).toContain(part);
    }
    // Every guarded field of every order type is in its provider's selection.
    for (const path of personalFields(PROVIDER_DEFINITIONS.map((d) => d.orderType))) {
      const [, field] = path.split(".") as [string, string];
      const queries = emulators.map(sweepQuery).join("\n");
      expect(queries, path).toMatch(new RegExp(`\\b${field}\\b`));
    }
  });

  for (const kind of PROVIDER_DEFINITIONS.map((d) => d.configKind)) {
    it(`finds no personal value in what a client without pii:read reads of ${kind}, and every kind of them with pii:read`, async () => {
      const emulator = emulators.find((e) => e.kind === kind) as StartedEmulator;
      const everyValue = emulators.flatMap(personalValues);
      const own = personalValues(emulator);
      const query = sweepQuery(emulator);

      const admin = await post(query, ADMIN_KEY);
      expect(admin.errors, JSON.stringify(admin.errors?.slice(0, 3))).toBeUndefined();
      const adminNodes = (admin.data?.["orders"] as { nodes: unknown[] } | undefined)?.nodes ?? [];
      expect(adminNodes.length).toBeGreaterThan(SIZE / 2);
      // The sweep sees personal data where there is some: every kind the seeded data has.
      expect(kindsOf(foundIn(admin.data, own))).toEqual(kindsOf(own));
      if (kind === "activeplatform") expect(own).toEqual([]);
      else expect(own.length).toBeGreaterThan(SIZE);

      const reader = await post(query, READER_KEY);
      expect(reader.status).toBe(200);
      // Every order is there: a refused field is null at its own path, nothing above it is lost.
      const readerNodes = (reader.data?.["orders"] as { nodes: unknown[] } | undefined)?.nodes;
      expect(readerNodes).toHaveLength(adminNodes.length);
      for (const error of reader.errors ?? []) {
        expect(error.extensions, error.message).toMatchObject({ code: "FORBIDDEN", scope: "pii:read" });
      }
      // Any provider's personal values: none may show, whatever field would carry it.
      expect(foundIn(reader.data, everyValue)).toEqual([]);
    });
  }
});

describe("a merged page with guarded fields, read without pii:read", () => {
  it("keeps every provider's orders; each refused field is null with its own error", async () => {
    const admin = await server.run(MergedPageWithPersonalFieldsDocument, { first: 250 }, ADMIN_KEY);
    expect(admin.errors).toBeUndefined();
    const reader = await server.run(MergedPageWithPersonalFieldsDocument, { first: 250 }, READER_KEY);
    const nodes = reader.data?.orders.nodes ?? [];
    expect(nodes.map((n) => n.id)).toEqual(admin.data?.orders.nodes.map((n) => n.id));
    expect(new Set(nodes.map((n) => n.provider.id))).toEqual(new Set(emulators.map((e) => e.id)));

    const refused = new Set((reader.errors ?? []).map((e) => `${e.extensions?.["code"]} ${e.extensions?.["field"]}`));
    expect(refused).toEqual(
      new Set(
        [
          ...PROVIDER_DEFINITIONS.map((d) => `${d.orderType.typeName}.email`),
          "Customer.name",
          "IterasOrder.ip",
          "IterasOrder.customFields",
          "IterasStandaloneProduct.customFields",
          "EmnifyOrganisation.name",
          "EmnifyOrder.customerUser",
          "EmnifyOrder.externalShippingReference",
          "DjangoShopOrder.key",
          "DjangoShopOrder.billingCountry",
          "DjangoShopOrderItem.notes",
          "CsCartOrder.firstName",
          "CsCartOrder.paymentInfo",
        ].map((field) => `FORBIDDEN ${field}`),
      ),
    );
    for (const node of nodes) {
      expect(node.email).toBeNull();
      if (node.__typename === "IterasOrder") {
        expect(node.customFields).toBeNull();
        for (const product of node.standaloneProducts) expect(product.customFields).toBeNull();
      }
      if (node.__typename === "EmnifyOrder") expect(node.customerOrganisation?.name ?? null).toBeNull();
      if (node.__typename === "DjangoShopOrder") expect([node.key, node.billingCountry]).toEqual([null, null]);
    }
  });
});
